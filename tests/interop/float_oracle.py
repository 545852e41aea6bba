#!/usr/bin/python3
"""floatToGoString and repr(float) of promdir against Python, on well over
100,000 doubles: random bit patterns, random decimal-looking values, powers
of ten and their neighbours, subnormals, the 1e6 / 1e10 / 1e16 boundaries,
negative values, +-0, +-Inf, NaNs with any payload.

Expected values: Python's repr(), and current client_python main's
floatToGoString (current_main.float_to_go_string). As a check on that
expectation, every value is also run through the installed client's own
floatToGoString: it must agree with current main except for the exponent
padding of #1190 ('e+010' -> 'e+10').

It also checks promdir::pythonFloat, which reads the le bounds back, against
Python's float(str) on what writers put there (repr, both floatToGoString
forms) and on spellings float() accepts or rejects.

Usage: float_oracle.py [--seed N] [--count N] FLOATORACLE_BINARY
Exit 0 when all agree, 1 otherwise (the first disagreements are listed).
"""

import argparse
import math
import random
import struct
import subprocess
import sys

from prometheus_client.utils import floatToGoString as installed_float_to_go_string

from current_main import float_to_go_string


def bits_of(d):
    return struct.unpack("<Q", struct.pack("<d", d))[0]


def double_of(bits):
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def edge_values():
    vals = [0.0, -0.0, math.inf, -math.inf, math.nan, 1.0, -1.0, 0.1, 0.2, 0.3,
            1e-07, 1e-05, 0.0001, 1234567.0, 1e16, 1e+16 - 2, 1e22, 1e21, 1e23,
            2.5e+06, 999999.9999999999, 1e6, 9999999.0, 1e10, 12345678901.0,
            5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
            1.7976931348623157e308, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64,
            123.456, 1 / 3, 2 / 3, 100.0, 1e100, 1e-100, 4.35, 0.5, 1.5e16]
    for e in range(-330, 310):
        for text in ("1e%d" % e, "9.999999999999999e%d" % e, "5e%d" % e, "1.5e%d" % e):
            d = float(text)
            vals += [d, math.nextafter(d, math.inf), math.nextafter(d, -math.inf)]
    for digits in range(1, 18):  # integers and halves around every power of ten
        p = 10.0 ** digits
        vals += [p - 1, p, p + 1, p - 0.5, p + 0.5]
    for shift in range(0, 53):  # subnormals: single bits and all-ones mantissas
        vals += [double_of(1 << shift), double_of((1 << shift) - 1 or 1)]
    for payload in (1, 0x8000000000000, 0xFFFFFFFFFFFFF, 0x123456789):
        vals += [double_of(0x7FF0000000000000 | payload), double_of(0xFFF0000000000000 | payload)]
    return [float(v) for v in vals + [-v for v in vals]]


def random_values(rng, count):
    out = []
    for _ in range(count // 2):  # raw bit patterns: every exponent equally
        out.append(double_of(rng.getrandbits(64)))
    for _ in range(count // 4):  # decimal-looking numbers, as people write them
        mantissa = rng.randint(0, 10 ** rng.randint(1, 17))
        text = "%d.%se%d" % (mantissa, rng.randint(0, 10 ** rng.randint(0, 6)), rng.randint(-30, 30))
        out.append(float(text) * rng.choice((1, -1)))
    for _ in range(count // 8):  # near the 1e6..1e17 range where the Go form applies
        out.append(rng.uniform(1e5, 1e17) if rng.random() < 0.5 else float(rng.randint(10 ** 5, 10 ** 17)))
    while len(out) < count:  # short decimals
        out.append(round(rng.uniform(-1e7, 1e7), rng.randint(0, 8)))
    return out


FLOAT_STRINGS = [
    "+Inf", "-Inf", "NaN", "inf", "-inf", "nan", "-nan", "+nan", "Infinity", "-Infinity",
    "iNfInItY", "INF", "  1.5  ", "\t2\n", "1_000.5", "1_0e1_0", "0", "-0", "+0", "00012",
    "1e+010", "2.5e+06", "1e-07", ".5", "5.", "-.5e-3", "1E5", "0x10", "", " ", "1e",
    "--1", "+-1", "1__0", "_1", "1_", "1._5", "1.2.3", "in f", "nan1", "infinit", "1 2",
    "1e400", "-1e400", "1e-400", "4.9e-324", "2.4703282292062328e-324",
    "2.4703282292062327e-324", "179769313486231580793728971405303415079934132710037826936"
    "173778980444968292764750946649017977587207096330286416692887910946555547851940402630"
    "657488671505820681908902000708383676273854845817711531764475730270069855571366959622"
    "842914819860834936475292719074168444365510704342711559699508093042880177904174497792.0",
    "0.1000000000000000055511151231257827021181583404541015625",
    "1" * 400, "9007199254740993", "9007199254740992.5", "1e-400", "-1e-400",
]
# Underflow without an exponent: float() gives 0.0 and -0.0 (promdir once
# gave inf).
UNDERFLOW_STRINGS = ["0." + "0" * 400 + "1", "-0." + "0" * 400 + "1"]


def float_strings(rng, values):
    out = list(FLOAT_STRINGS) + UNDERFLOW_STRINGS
    for d in rng.sample(values, 30000):
        if math.isnan(d):
            continue
        out += [repr(d), float_to_go_string(d), installed_float_to_go_string(d)]
        if rng.random() < 0.1:
            out.append(rng.choice((" ", "\t", "\n", "\r", "\v", "\f")) + repr(d) + " ")
    return out


def check_python_float(driver, strings):
    stdin = "".join("p%s\n" % s.encode("utf-8").hex() for s in strings).encode("ascii")
    proc = subprocess.run([driver], input=stdin, stdout=subprocess.PIPE)
    lines = proc.stdout.decode("ascii", "replace").split("\n")[:-1]
    if proc.returncode != 0 or len(lines) != len(strings):
        print("float_oracle: driver failed on pythonFloat input (exit %d)" % proc.returncode)
        return 1
    bad = 0
    for s, line in zip(strings, lines):
        got = line.partition("\t")[2]
        try:
            want = float(s)
        except ValueError:
            want = None
        if want is None:
            ok = got == "none"
        elif math.isnan(want):
            ok = got != "none" and math.isnan(double_of(int(got, 16)))
        else:
            ok = got == "%016x" % bits_of(want)
        if not ok:
            bad += 1
            if bad <= 25:
                print("MISMATCH pythonFloat(%r): %s, want %s"
                      % (s, got, "none" if want is None else "%016x (%r)" % (bits_of(want), want)))
    if bad:
        print("float_oracle: pythonFloat differs on %d of %d strings" % (bad, len(strings)))
        return 1
    print("float_oracle: pythonFloat agrees on all %d strings" % len(strings))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("driver")
    parser.add_argument("--seed", type=int, default=20260701)
    parser.add_argument("--count", type=int, default=120000)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    values = edge_values() + random_values(rng, args.count)
    print("float_oracle: %d doubles, seed %d" % (len(values), args.seed))

    # The expectation itself must match the installed client where #1190 did not change anything.
    for d in values:
        mine, theirs = float_to_go_string(d), installed_float_to_go_string(d)
        if mine != theirs and mine != theirs.replace("e+0", "e+", 1):
            print("expectation disagrees with the installed client for %r: %r vs %r" % (d, mine, theirs))
            return 1

    stdin = "".join("%016x\n" % bits_of(d) for d in values).encode("ascii")
    proc = subprocess.run([args.driver], input=stdin, stdout=subprocess.PIPE)
    if proc.returncode != 0:
        print("float_oracle: driver exited %d" % proc.returncode)
        return 1
    lines = proc.stdout.decode("utf-8", "backslashreplace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(values):
        print("float_oracle: driver gave %d lines for %d values" % (len(lines), len(values)))
        return 1

    bad = 0
    for d, line in zip(values, lines):
        go, _, rep = line.partition("\t")
        want_go, want_rep = float_to_go_string(d), repr(d)
        if go != want_go or rep != want_rep:
            bad += 1
            if bad <= 25:
                print("MISMATCH bits %016x (%s): floatToGoString %r, want %r; repr %r, want %r"
                      % (bits_of(d), want_rep, go, want_go, rep, want_rep))
    if bad:
        print("float_oracle: %d of %d doubles differ" % (bad, len(values)))
        return 1
    print("float_oracle: all %d doubles agree" % len(values))
    return check_python_float(args.driver, float_strings(rng, values))


if __name__ == "__main__":
    sys.exit(main())
