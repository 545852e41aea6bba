#!/usr/bin/python3
"""promdir's key JSON against Python's json module.

  - json::pythonString(s) == json.dumps(s) for every character 0x00-0x7f
    alone and inside text, a sample of all of Unicode, lone and paired
    surrogates, and many random strings;
  - encodeKey(metric, sample, labels, help) ==
    json.dumps([metric, sample, labels, help], sort_keys=True), label names
    sorted the way Python sorts str (by code point);
  - json::parse on Python's output (ensure_ascii on and off, other
    separators, indentation) gives back the same values, numbers by their
    text and their double; texts that json.loads rejects are rejected;
  - parseKey on keys of every generation gives the same metric, sample,
    labels (dict semantics: the last duplicate wins; sorted) and help;
  - json::findInvalidUtf8 finds the byte where Python's strict UTF-8
    decoder stops.

Strings cross the pipe as hex of their generalised UTF-8 bytes (WTF-8: a
lone surrogate as its 3 bytes, a valid pair as one 4-byte character).

Usage: key_oracle.py [--seed N] KEYORACLE_BINARY
"""

import argparse
import json
import random
import subprocess
import sys

SPECIAL = ['"', "\\", "/", "\x7f", "\x00", "\x1f", "\b", "\f", "\n", "\r", "\t", "\x80",
           "\xa0", "\xe9", "\xff", "\u0100", "\u2028", "\u2029", "\ud7ff", "\ud800", "\udbff",
           "\udc00", "\udfff", "\ue000", "\ufeff", "\ufffd", "\uffff", "\U00010000",
           "\U0001f600", "\U0010ffff"]


def wtf8(s):
    """Python str -> generalised UTF-8: pairs joined, lone surrogates kept."""
    joined = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return joined.encode("utf-8", "surrogatepass")


def hexs(s):
    return wtf8(s).hex() if isinstance(s, str) else s.hex()


def random_char(rng):
    r = rng.random()
    if r < 0.3:
        return chr(rng.randint(0, 0x7f))
    if r < 0.45:
        return rng.choice(SPECIAL)
    if r < 0.6:
        return chr(rng.randint(0x80, 0x7ff))
    if r < 0.8:
        return chr(rng.randint(0x800, 0xffff))  # surrogates included
    return chr(rng.randint(0x10000, 0x10ffff))


def random_string(rng, max_len=12):
    return "".join(random_char(rng) for _ in range(rng.randint(0, max_len)))


def test_strings(rng):
    strings = [chr(c) for c in range(0x80)]
    strings += ["a%sb" % chr(c) for c in range(0x80)]
    strings += [chr(c) for c in range(0x80, 0x110000, 97)]       # a sample of everything
    strings += ["\ud83d\ude00", "\ude00\ud83d", "\ud800\ud800", "x\udfffy", "\udbff\udfff"]
    strings += ["".join(p) for p in zip(SPECIAL, reversed(SPECIAL))]
    strings += ["", "plain", "café 日本", "quote\"d", "back\\slash", "new\nline", "</script>"]
    strings += [random_string(rng) for _ in range(20000)]
    strings += [random_string(rng, 200) for _ in range(200)]
    return strings


def normalised(s):
    """The string after a trip through generalised UTF-8 (pairs joined)."""
    return wtf8(s).decode("utf-8", "surrogatepass")


def test_keys(rng):
    keys = []
    names = ["", "a", "a\x00", "ab", "b", "le", "pid", "é", "\ud800", "\ue000", "\uffff",
             "\U00010000", "\U0001f600", "Z", "_", "a b", "\"", "\\"]
    for _ in range(6000):
        labels = {}
        for _ in range(rng.randint(0, 5)):
            name = rng.choice(names) if rng.random() < 0.5 else random_string(rng, 6)
            labels[normalised(name)] = normalised(random_string(rng, 10))
        keys.append((normalised(random_string(rng, 10)), normalised(random_string(rng, 10)),
                     labels, normalised(random_string(rng, 30))))
    keys.append(("jobs", "jobs_total", {"queue": "café", "state": "done"}, "Jobs processed."))
    return keys


def random_json_value(rng, depth=0):
    r = rng.random()
    if depth > 3 or r < 0.35:
        return normalised(random_string(rng))
    if r < 0.45:
        return rng.choice([None, True, False, 0, -0.0, 1, -17, 10 ** 20, 1.5, -2.5e-8, 1e300,
                           0.1, 123456789012345678901234567890])
    if r < 0.7:
        return [random_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {normalised(random_string(rng, 5)): random_json_value(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


# Texts whose json.loads outcome (value or error) promdir must share.
HAND_TEXTS = [
    '[]', '{}', ' [ ] ', '\t\n\r [1]\n', '"\\/"', '"\\b\\f\\n\\r\\t"', '"\\u00E9\\u00e9"',
    '"\\ud83d\\ude00"', '"\\ud800"', '"\\udc00\\ud800"', '"\\ud800x"', '"\\ud800\\u0041"',
    '-0', '-0.0', '0.0e+0', '1E400', '-1e400', '1e-400', '-1.5E-3', '12345678901234567890',
    '1.7976931348623157e308', '5e-324', '1e-400', '-0.0e-999', '1' + '0' * 400,
    '2.4703282292062328e-324', 'true', 'false', 'null', '[true,false,null]',
    '{"a":1,"a":2}', '{"":""}', '[[[[[]]]]]', '{"a":{"b":{"c":[1,{"d":null}]}}}',
    'NaN', '-Infinity', 'Infinity', '[NaN]',
    # rejected by json.loads
    '', ' ', '[1,]', '{"a":1,}', "'a'", '[01]', '[1.]', '[.5]', '[+1]', '[-]', '[1e]',
    '[1e+]', '"\\x41"', '"\\u12"', '"\\u12G4"', '"raw \x01 control"', '"tab\there"',
    '[1] 2', '{1:2}', '{"a" 1}', '{"a":}', 'tru', 'nul', '[', ']', '"unterminated',
    '"\\', '[1 2]', '{"a":1 "b":2}', '-', '--1', 'nan', 'inf', '[Infinity1]', '0x10', '1_0',
]


# Numbers that underflow: json.loads gives 0.0 or -0.0 (promdir once gave
# inf for a capital E and lost the sign).
UNDERFLOW_TEXTS = ['1E-400', '-1e-400', '-1E-400', '0.' + '0' * 400 + '1', '-2.4703282292062327e-324']


def json_texts(rng):
    texts = list(HAND_TEXTS) + UNDERFLOW_TEXTS
    for _ in range(4000):
        v = random_json_value(rng)
        style = rng.randint(0, 4)
        if style == 0:
            texts.append(json.dumps(v))
        elif style == 1:
            texts.append(json.dumps(v, sort_keys=True, separators=(",", ":")))
        elif style == 2:
            texts.append(json.dumps(v, indent=rng.choice([0, 1, 2, "\t"])))
        else:
            text = json.dumps(v, ensure_ascii=False)
            try:
                text.encode("utf-8")  # raw text must be UTF-8: no lone surrogates
            except UnicodeEncodeError:
                text = json.dumps(v)
            texts.append(text)
    return texts


def py_dump(v):
    """The driver's dump format, from a value loaded with the hooks below."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, tuple) and v[0] == "n":
        return "n:%s:%r" % (v[1], float(v[1]))
    if isinstance(v, str):
        return "s:" + hexs(v)
    if isinstance(v, tuple) and v[0] == "o":
        return "{" + ",".join(hexs(k) + ":" + py_dump(x) for k, x in v[1]) + "}"
    if isinstance(v, list):
        return "[" + ",".join(py_dump(x) for x in v) + "]"
    raise TypeError(v)


def py_load(text):
    return json.loads(text, parse_int=lambda s: ("n", s), parse_float=lambda s: ("n", s),
                      parse_constant=lambda s: ("n", s), object_pairs_hook=lambda p: ("o", p))


def key_texts(rng, keys):
    texts = []
    for metric, sample, labels, help_text in keys[:3000]:
        texts.append(json.dumps([metric, sample, labels, help_text], sort_keys=True))
    for metric, sample, labels, help_text in keys[3000:3500]:  # generation 2: no help
        texts.append(json.dumps([metric, sample, labels], sort_keys=True))
    for metric, sample, labels, help_text in keys[3500:4000]:  # generation 1: lists
        texts.append(json.dumps([metric, sample, list(labels), list(labels.values())]))
    for metric, sample, labels, help_text in keys[4000:4500]:  # other writers: raw UTF-8
        text = json.dumps([metric, sample, labels, help_text], ensure_ascii=False, separators=(",", ":"))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates cannot be raw UTF-8
            text = json.dumps([metric, sample, labels, help_text], indent=1)
        texts.append(text)
    texts += ['["m", "s", {"a": "1", "a": "2"}, "h"]', '["m","s",{"b":"x","a":"y","b":"z"},""]',
              '["m", "s", [], []]', '["m", "s", {}]', '[ "m" , "s" , { } , "" ]']
    return texts


def py_key(text):
    parts = json.loads(text)
    metric, sample, labels = parts[0], parts[1], parts[2]
    if isinstance(labels, list):
        labels = dict(zip(labels, parts[3]))
        shape, help_text = 1, None
    elif len(parts) == 3:
        shape, help_text = 2, None
    else:
        shape, help_text = 3, parts[3]
    fields = ["ok", hexs(metric), hexs(sample), str(shape), "0" if help_text is None else "1",
              hexs(help_text or "")]
    for name, value in sorted(labels.items()):
        fields += [hexs(name), hexs(value)]
    return "\t".join(fields)


def utf8_inputs(rng):
    fixed = [b"", b"abc", b"\x80", b"a\xc3", b"\xc3\xa9", b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\x80",
             b"\xe0\xa0\x80", b"\xed\x9f\xbf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xee\x80\x80",
             b"\xef\xbf\xbf", b"\xf0\x80\x80\x80", b"\xf0\x90\x80\x80", b"\xf4\x8f\xbf\xbf",
             b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xff", b"\xfe", b"ok\xe2\x82", b"\xe2\x82\xac",
             b"x\xf0\x9f\x98", b"\xf0\x9f\x98\x80y", b"\xc3\x28", b"\xe2\x28\xa1", b"\xf0\x28\x8c\x28"]
    out = list(fixed)
    for _ in range(5000):
        b = bytearray(random_string(rng, 8).encode("utf-8", "surrogatepass"))
        if b and rng.random() < 0.6:
            b[rng.randrange(len(b))] = rng.randrange(256)
        if b and rng.random() < 0.2:
            del b[rng.randrange(len(b)):]
        out.append(bytes(b))
    return out


def py_invalid_at(b):
    try:
        b.decode("utf-8")
        return "-1"
    except UnicodeDecodeError as e:
        return str(e.start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("driver")
    parser.add_argument("--seed", type=int, default=20260702)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    requests, expected, labels_of = [], [], []

    for s in test_strings(rng):
        requests.append("S\t" + hexs(s))
        expected.append(json.dumps(normalised(s)).encode("ascii").hex())
        labels_of.append("pythonString(%r)" % s)
    keys = test_keys(rng)
    for metric, sample, labels, help_text in keys:
        items = list(labels.items())
        rng.shuffle(items)  # encodeKey takes labels in any order
        requests.append("\t".join(["K", hexs(metric), hexs(sample), hexs(help_text)]
                                  + [hexs(x) for kv in items for x in kv]))
        expected.append(json.dumps([metric, sample, labels, help_text], sort_keys=True).encode("ascii").hex())
        labels_of.append("encodeKey%r" % ((metric, sample, labels, help_text),))
    for text in json_texts(rng):
        requests.append("P\t" + text.encode("utf-8", "surrogatepass").hex())
        try:
            expected.append("ok\t" + py_dump(py_load(text)))
        except (ValueError, RecursionError):
            expected.append("err")
        labels_of.append("parse(%r)" % text)
    for text in key_texts(rng, keys):
        requests.append("Q\t" + text.encode("utf-8", "surrogatepass").hex())
        expected.append(py_key(text))
        labels_of.append("parseKey(%r)" % text)
    for b in utf8_inputs(rng):
        requests.append("U\t" + b.hex())
        expected.append(py_invalid_at(b))
        labels_of.append("findInvalidUtf8(%r)" % b)

    print("key_oracle: %d requests, seed %d" % (len(requests), args.seed))
    proc = subprocess.run([args.driver], input=("\n".join(requests) + "\n").encode("ascii"),
                          stdout=subprocess.PIPE)
    if proc.returncode != 0:
        print("key_oracle: driver exited %d" % proc.returncode)
        return 1
    lines = proc.stdout.decode("utf-8", "backslashreplace").split("\n")[:-1]
    if len(lines) != len(requests):
        print("key_oracle: driver answered %d of %d requests" % (len(lines), len(requests)))
        return 1

    bad = {}
    for what, want, got in zip(labels_of, expected, lines):
        if want == "err":
            ok = got.startswith("err\t")
        else:
            ok = got == want
        if not ok:
            kind = what.split("(")[0]
            bad[kind] = bad.get(kind, 0) + 1
            if bad[kind] <= 8:
                print("MISMATCH %s\n   want %s\n    got %s" % (what, describe(want), describe(got)))
    if bad:
        print("key_oracle: mismatches: %s" % ", ".join("%s %d" % kv for kv in sorted(bad.items())))
        return 1
    print("key_oracle: all %d requests agree" % len(requests))
    return 0


def describe(answer):
    """Hex answers of S and K requests shown as text too."""
    try:
        if answer and all(c in "0123456789abcdef" for c in answer) and len(answer) % 2 == 0:
            return "%s (%r)" % (answer[:80], bytes.fromhex(answer).decode("utf-8", "backslashreplace"))
    except ValueError:
        pass
    return answer[:300]


if __name__ == "__main__":
    sys.exit(main())
