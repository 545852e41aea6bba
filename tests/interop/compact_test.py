#!/usr/bin/python3
"""CTest driver for `promdir compact` against a real Python client
(docs/compaction.md): a directory written by the client (gen_python_dir.py)
is rendered by the client, compacted by promdir (every process taken as
dead: --assume-dead-when-unchanged --grace 0), and rendered by the client
again. The two renderings must hold the same samples with the same values
(floating-point sums within 1e-9 relative, integer values exactly; the
order of series may change only where it depends on file names), and
promdir must render the compacted directory byte for byte as the client
does (interop_test.py's comparison, every output format).

  compact_test.py --promdir BIN --client 0.16|0.21.1 [--client-dir DIR] --seed N WORK

Exit codes: 0 same, 1 different, 77 skipped.
"""

import argparse
import json
import math
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_test as it  # noqa: E402

SAMPLE = re.compile(r'^([^\s{]+)(\{.*\})? (\S+)$')


def samples(text):
    """{(name, labels): value} of an exposition; HELP and TYPE lines kept as a set."""
    values, meta = {}, set()
    for line in text.decode("utf-8").split("\n"):
        if not line:
            continue
        if line.startswith("#"):
            meta.add(line)
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("not a sample line: %r" % line)
        values[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return values, meta


def same_value(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == b:
        return True
    if a == int(a) and b == int(b) and abs(a) < 2 ** 53:
        return False
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def written_help(directory, help_line):
    """Whether a file of `directory` holds the help text of `help_line` in a
    key: a family written with several help texts (an application that
    changed it) takes the first file's, so compaction may change which."""
    text = help_line.split(" ", 3)[3] if help_line.count(" ") >= 3 else ""
    text = text.replace("\\n", "\n").replace("\\\\", "\\")
    needle = (", " + json.dumps(text) + "]").encode("ascii")
    for name in os.listdir(directory):
        with open(os.path.join(directory, name), "rb") as f:
            if needle in f.read():
                return True
    return False


def compare_samples(before, after, original):
    b, bmeta = samples(before)
    a, ameta = samples(after)
    failures = 0
    for line in sorted(ameta - bmeta):
        if line.startswith("# HELP ") and written_help(original, line):
            print("ok   %s: another of the family's help texts comes first now" % line[:80])
            bmeta.discard(next(x for x in bmeta if x.split(" ", 3)[:3] == line.split(" ", 3)[:3]))
            ameta.discard(line)
    if bmeta != ameta:
        print("FAIL: HELP/TYPE lines differ: only before %s, only after %s"
              % (sorted(bmeta - ameta)[:5], sorted(ameta - bmeta)[:5]))
        failures += 1
    if set(b) != set(a):
        print("FAIL: series differ: only before %s, only after %s"
              % (sorted(set(b) - set(a))[:5], sorted(set(a) - set(b))[:5]))
        failures += 1
    for key in sorted(set(a) & set(b)):
        if not same_value(b[key], a[key]):
            print("FAIL: %s%s: %r before, %r after" % (key[0], key[1], b[key], a[key]))
            failures += 1
    if not failures:
        print("ok   the client renders %d series the same before and after" % len(a))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("work")
    parser.add_argument("--promdir", required=True)
    parser.add_argument("--client", choices=("0.16", "0.21.1"), default="0.21.1")
    parser.add_argument("--client-dir", default=os.path.join(os.getcwd(), "python-client-0.21.1"))
    parser.add_argument("--seed", default="1")
    parser.add_argument("--processes", type=int, default=40)
    args = parser.parse_args()
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    pythonpath = it.client_pythonpath(args.client, args.client_dir)
    seed = it.pick_seed(args.seed)
    print("compact: client %s, seed %d" % (args.client, seed))
    directory = it.fresh(os.path.join(args.work, "metrics"))
    it.generate(directory, args.client, seed, pythonpath, args.processes)
    render = [it.PYTHON, os.path.join(it.HERE, "render_reference.py")]
    before = it.run(render + [directory], pythonpath=pythonpath).stdout
    files_before = len(os.listdir(directory))
    original = os.path.join(args.work, "original")
    shutil.rmtree(original, ignore_errors=True)
    shutil.copytree(directory, original)
    compacted = it.run([args.promdir, "compact", "--pid-namespace", "separate", "--assume-dead-when-unchanged",
                        "--grace", "0", directory])
    sys.stdout.write(compacted.stdout.decode("utf-8", "backslashreplace").splitlines()[-1] + "\n")
    names = [n for n in os.listdir(directory) if n.endswith(".db")]
    print("compact: %d files before, %d after" % (files_before, len(names)))
    failures = 0
    if not any("_compacted" in n for n in names):
        print("FAIL: nothing was compacted")
        failures += 1
    after = it.run(render + [directory], pythonpath=pythonpath).stdout
    failures += compare_samples(before, after, original)
    failures += it.compare_dir(args, directory, pythonpath, it.VARIANTS)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
