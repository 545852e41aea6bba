#!/usr/bin/python3
"""CTest driver: generate a directory with a real Python client, render it
with that client (patched to current main, see render_reference.py) and
with promdir, compare bytes.

  interop_test.py fetch DEST
      scripts/fetch-python-client into DEST; exit 77 (skip) when offline.
  interop_test.py compare --promdir BIN --client 0.16|0.21.1 --seed N WORK
      one generated directory, every output format, byte for byte.
  interop_test.py mixed --promdir BIN --seed N WORK
      files of 0.16 (generation 3) and 0.21.1 (generation 4) in one directory.
  interop_test.py live --promdir BIN [--processes N] WORK
      promdir renders while client processes write and grow their files.
  interop_test.py selftest --client 0.16|0.21.1 WORK
      render_reference.py reproduces the fixtures in tests/data/client_python.
  interop_test.py repr --promdir BIN WORK
      every code point as a label value through the sample table (Python's
      repr(str), which depends on str.isprintable).

--client-dir DIR says where `fetch` put 0.21.1. --seed random picks one.
Exit codes: 0 same, 1 different (unified diff on stdout), 77 skipped.
"""

import argparse
import difflib
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
PYTHON = os.environ.get("PROMDIR_REFERENCE_PYTHON", "/usr/bin/python3")
SKIP = 77

# Options for gen_python_dir.py in every test (none at the moment).
GENERATOR_OPTIONS = []

# (promdir render options, render_reference.py options)
VARIANTS = [
    ("text", []),
    ("openmetrics", ["--format", "openmetrics"]),
    ("text-noacc", ["--no-accumulate"]),
    ("openmetrics-noacc", ["--format", "openmetrics", "--no-accumulate"]),
    ("samples", ["--format", "samples"]),
    ("samples-noacc", ["--format", "samples", "--no-accumulate"]),
    ("names", ["--name", "requests_total", "--name", "h1_seconds_bucket", "--name", "g_all",
               "--name", "s_labelled_count", "--name", "no_such_sample"]),
]


def client_pythonpath(version, client_dir):
    if version == "0.16":
        return ""  # Debian 12's own, always installed
    path = os.path.join(client_dir, "root", "usr", "lib", "python3", "dist-packages")
    if not os.path.isfile(os.path.join(path, "prometheus_client", "__init__.py")):
        print("SKIP: prometheus_client 0.21.1 is not in %s (scripts/fetch-python-client "
              "could not download it: no network?)" % client_dir)
        sys.exit(SKIP)
    return path


def run(cmd, pythonpath=None, check=True):
    env = dict(os.environ)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.pop("prometheus_multiproc_dir", None)
    if pythonpath is not None:
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        else:
            env.pop("PYTHONPATH", None)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if check and proc.returncode != 0:
        print("FAILED (exit %d): %s" % (proc.returncode, " ".join(cmd)))
        print(proc.stderr.decode("utf-8", "backslashreplace"))
        sys.exit(1)
    return proc


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def visible(line):
    """A diff line with control and other invisible characters escaped, so a
    test log shows them."""
    return "".join(c if c.isprintable() or c == "\t" else "<U+%04X>" % ord(c)
                   for c in line.rstrip("\n"))


def show_diff(expected, actual, label, limit=60):
    exp = expected.decode("utf-8", "backslashreplace").splitlines(keepends=True)
    act = actual.decode("utf-8", "backslashreplace").splitlines(keepends=True)
    diff = list(difflib.unified_diff(exp, act, "python (%s)" % label, "promdir (%s)" % label, n=2))
    for line in diff[:limit]:
        print(visible(line))
    if len(diff) > limit:
        print("... %d more diff lines" % (len(diff) - limit))
    if not diff:
        print("(outputs differ only in bytes that decode alike; compare the saved files)")


def compare_dir(args, directory, pythonpath, variants, extra_ref=()):
    """Renders `directory` both ways for each variant; returns failures."""
    failures = 0
    for label, options in variants:
        ref = run([PYTHON, os.path.join(HERE, "render_reference.py")] + options + list(extra_ref)
                  + [directory], pythonpath=pythonpath)
        got = run([args.promdir, "render"] + options + [directory], check=False)
        out_dir = os.path.join(args.work, "out")
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, label + ".python"), "wb") as f:
            f.write(ref.stdout)
        with open(os.path.join(out_dir, label + ".promdir"), "wb") as f:
            f.write(got.stdout)
        problems = got.stderr.decode("utf-8", "backslashreplace")
        if got.returncode != 0:
            print("FAIL %s: promdir render exited %d:\n%s" % (label, got.returncode, problems[:4000]))
            failures += 1
        elif ref.stdout != got.stdout:
            print("FAIL %s: promdir differs from the Python client (%d vs %d bytes); saved in %s"
                  % (label, len(ref.stdout), len(got.stdout), out_dir))
            show_diff(ref.stdout, got.stdout, label)
            failures += 1
        else:
            print("ok   %s: %d bytes identical" % (label, len(ref.stdout)))
    return failures


def pick_seed(text):
    if text == "random":
        return random.SystemRandom().randint(0, 2 ** 31)
    return int(text)


def generate(directory, version, seed, pythonpath, processes, extra=()):
    proc = run([PYTHON, os.path.join(HERE, "gen_python_dir.py"), "--seed", str(seed),
                "--processes", str(processes)] + GENERATOR_OPTIONS + list(extra) + [directory],
               pythonpath=pythonpath)
    sys.stdout.write(proc.stderr.decode("utf-8", "backslashreplace"))


def cmd_fetch(args):
    script = os.path.join(SOURCE_DIR, "scripts", "fetch-python-client")
    proc = subprocess.run([script, args.dest], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sys.stdout.write(proc.stderr.decode("utf-8", "backslashreplace"))
    if proc.returncode != 0:
        print("SKIP: could not fetch prometheus_client 0.21.1; the tests that need it will skip")
        return SKIP
    print("PYTHONPATH=" + proc.stdout.decode().strip())
    return 0


def cmd_compare(args):
    pythonpath = client_pythonpath(args.client, args.client_dir)
    seed = pick_seed(args.seed)
    print("interop: client %s, seed %d (again: %s)" % (args.client, seed, reproduce(args, seed)))
    directory = fresh(os.path.join(args.work, "metrics"))
    generate(directory, args.client, seed, pythonpath, args.processes)
    failures = compare_dir(args, directory, pythonpath, VARIANTS)
    generation = 3 if args.client == "0.16" else 4
    failures += check_generations(args, directory, {n: generation for n in os.listdir(directory)})
    return 1 if failures else 0


def cmd_mixed(args):
    path21 = client_pythonpath("0.21.1", args.client_dir)
    seed = pick_seed(args.seed)
    print("interop: mixed generations, seed %d (again: %s)" % (seed, reproduce(args, seed)))
    old = fresh(os.path.join(args.work, "gen3"))
    new = fresh(os.path.join(args.work, "gen4"))
    mixed = fresh(os.path.join(args.work, "metrics"))
    # An upgrade that did not wipe the directory: old processes' files stay.
    generate(old, "0.16", seed, "", args.processes // 2)
    generate(new, "0.21.1", seed + 1, path21, args.processes // 2)
    expected_generation = {}
    for name in sorted(os.listdir(old)):
        shutil.copy(os.path.join(old, name), os.path.join(mixed, name))
        expected_generation[name] = 3
    for name in sorted(os.listdir(new)):
        target = name
        if target in expected_generation:  # same pid in both: give the new one another
            stem, _ = os.path.splitext(name)
            target = stem + "-new.db"
        shutil.copy(os.path.join(new, name), os.path.join(mixed, target))
        expected_generation[target] = 4
    print("interop: %d files of generation 3, %d of generation 4"
          % (sum(1 for g in expected_generation.values() if g == 3),
             sum(1 for g in expected_generation.values() if g == 4)))
    failures = compare_dir(args, mixed, path21, VARIANTS, extra_ref=["--any-generation"])
    failures += check_generations(args, mixed, expected_generation)
    return 1 if failures else 0


def file_facts(path):
    """(generation, used, entries) of one file as Python reads it: the value
    stride that parses the whole file decides generation 3 or 4."""
    import json
    import struct
    with open(path, "rb") as f:
        data = f.read()
    used = struct.unpack_from("i", data, 0)[0]
    for stride, generation in ((16, 4), (8, 3)):
        pos, count = 8, 0
        while pos < used:
            length = struct.unpack_from("i", data, pos)[0]
            value_pos = pos + 4 + length + (8 - (length + 4) % 8)
            if length < 0 or value_pos + stride > used:
                break
            try:
                key = json.loads(data[pos + 4:pos + 4 + length].decode("utf-8"))
            except ValueError:
                break
            if not (isinstance(key, list) and len(key) == 4):
                break
            pos, count = value_pos + stride, count + 1
        if pos == used:
            return generation, used, count
    return None, used, None


def check_generations(args, directory, expected):
    """promdir inspect --json against what Python finds in each file:
    generation (as written), used, number of entries, no problems."""
    import json
    proc = run([args.promdir, "inspect", "--json", directory], check=False)
    if proc.returncode != 0:
        print("FAIL inspect: exit %d\n%s" % (proc.returncode, proc.stderr.decode("utf-8", "replace")[:2000]))
        return 1
    try:
        doc = json.loads(proc.stdout)
    except ValueError as e:
        print("FAIL inspect: --json output is not JSON: %s" % e)
        return 1
    rows = {os.path.basename(str(row.get("name", ""))): row for row in doc.get("files", [])}
    wrong = []
    for name, generation in sorted(expected.items()):
        found, used, entries = file_facts(os.path.join(directory, name))
        want = {"generation": generation, "used": used, "entries": entries, "problems": []}
        row = rows.get(name, {})
        got = {k: row.get(k) for k in want}
        if found != generation or got != want:
            wrong.append((name, "python", found, used, entries, "promdir", got))
    if len(rows) != len(expected):
        wrong.append(("inspect lists %d files, the directory has %d" % (len(rows), len(expected)),))
    if wrong:
        print("FAIL inspect: %d files differ, e.g.:" % len(wrong))
        for w in wrong[:5]:
            print("   ", w)
        return 1
    print("ok   inspect: generation, used and entries of all %d files as Python reads them" % len(expected))
    return 0


def cmd_repr(args):
    """Every code point (surrogates too) in label values, through the sample
    table, where Python prints repr(str)."""
    directory = fresh(os.path.join(args.work, "metrics"))
    proc = run([PYTHON, "-c", REPR_WRITER, directory], pythonpath="")
    sys.stdout.write(proc.stderr.decode())
    failures = compare_dir(args, directory, "", [("samples", ["--format", "samples"])])
    return 1 if failures else 0


# Writes gauge_all_1.db whose label values are runs of consecutive code
# points, so each value shows whether one stretch of the table is right.
REPR_WRITER = r'''
import os, sys
os.environ["PROMETHEUS_MULTIPROC_DIR"] = sys.argv[1]
from prometheus_client import Gauge, values
values.ValueClass = values.MultiProcessValue(lambda: "1")
g = Gauge("cp", "code points", labelnames=("first", "run"), registry=None)
step = 64
for start in range(0, 0x110000, step):
    g.labels("%06x" % start, "".join(map(chr, range(start, start + step)))).set(start)
print("repr: %d label values of %d code points" % (0x110000 // step, step), file=sys.stderr)
'''


def cmd_live(args):
    """Real client processes write (files grow several times) while promdir
    renders again and again: every render must succeed without problems,
    counters must never go backwards between renders, and once the writers
    are done the output equals the client's."""
    import time
    directory = fresh(os.path.join(args.work, "metrics"))
    env = dict(os.environ, PYTHONPATH="")
    env.pop("PYTHONPATH")
    writer = subprocess.Popen([PYTHON, "-c", LIVE_WRITER, directory, str(args.processes),
                               str(args.iterations)],
                              stderr=subprocess.PIPE, env=env)
    renders, last, failures, transient = 0, {}, 0, 0
    deadline = time.monotonic() + 60
    while True:
        done = writer.poll() is not None
        got = run([args.promdir, "render", directory], check=False)
        renders += 1
        problems = [line for line in got.stderr.decode("utf-8", "replace").splitlines()
                    if not line.endswith(TRANSIENT_PROBLEM)]
        transient += len(got.stderr.decode("utf-8", "replace").splitlines()) - len(problems)
        if got.returncode not in (0, 1) or problems:
            print("FAIL render %d while writing: exit %d\n%s"
                  % (renders, got.returncode, "\n".join(problems)[:3000]))
            failures += 1
            break
        for line in got.stdout.decode("utf-8").split("\n"):
            if line.startswith("live_total{"):
                series, value = line.rsplit(" ", 1)
                value = float(value)
                if value < last.get(series, 0.0):
                    print("FAIL render %d: %s went back from %r to %r" % (renders, series, last[series], value))
                    failures += 1
                last[series] = value
        if done or time.monotonic() > deadline or failures:
            break
    writer.wait()
    sys.stdout.write(writer.stderr.read().decode())
    if writer.returncode != 0:
        print("FAIL: the writer exited %d" % writer.returncode)
        return 1
    sizes = sorted(os.path.getsize(os.path.join(directory, n)) for n in os.listdir(directory))
    print("live: %d renders while writing; %d series seen; largest file %d bytes; "
          "%d reports of a file caught between creation and its first truncate"
          % (renders, len(last), sizes[-1] if sizes else 0, transient))
    failures += compare_dir(args, directory, "", [("text", [])])
    return 1 if failures else 0


# The client creates a file empty and then truncates it to 64 KiB; a reader
# can see it in between. The reference itself fails the whole scrape then
# (struct.error); promdir reports it and goes on, which is fine.
TRANSIENT_PROBLEM = "file is empty (0 bytes)"

# Writes counters, gauges and histograms from several processes as fast as
# it can; new series all the time, so the files grow (64 KiB, doubling).
# Meanwhile short-lived processes write live gauges and exit, and are marked
# dead at once (gunicorn's child_exit hook): their gauge_live* files vanish
# while promdir lists and reads the directory.
LIVE_WRITER = r'''
import os, sys
os.environ["PROMETHEUS_MULTIPROC_DIR"] = sys.argv[1]
from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.multiprocess import mark_process_dead
procs, iterations = int(sys.argv[2]), int(sys.argv[3])
kids = []
for p in range(procs):
    pid = os.fork()
    if pid == 0:
        c = Counter("live", "Live", labelnames=("series",), registry=None)
        g = Gauge("live_gauge", "Live gauge", labelnames=("series",), registry=None, multiprocess_mode="sum")
        h = Histogram("live_hist", "Live histogram", labelnames=("series",), registry=None)
        for i in range(iterations):
            name = "s%d-%s" % (i % 2500, "x" * (i % 50))
            c.labels(name).inc(i)
            g.labels(name).set(i)
            h.labels(str(i % 7)).observe(i / 1000.0)
        os._exit(0)
    kids.append(pid)
short_lived = 0
while True:
    done = [pid for pid in kids if os.waitpid(pid, os.WNOHANG)[0] == pid]
    kids = [pid for pid in kids if pid not in done]
    if not kids:
        break
    pid = os.fork()
    if pid == 0:
        for mode in ("liveall", "livesum", "livemin", "livemax"):
            Gauge("short_" + mode, "Short-lived", registry=None, multiprocess_mode=mode).set(os.getpid())
        Counter("short_lived", "Short-lived processes", registry=None).inc()
        os._exit(0)
    os.waitpid(pid, 0)
    mark_process_dead(pid, sys.argv[1])
    short_lived += 1
print("live: %d writer processes done; %d short-lived processes marked dead" % (procs, short_lived),
      file=sys.stderr)
'''


# The oracle checked against the fixtures, which were made with the real
# clients (current main among them): (fixture, client that reads it,
# render_reference.py options, expected file).
SELFTEST = [
    ("current", "0.21.1", [], "expected-current.prom"),
    ("current", "0.21.1", ["--format", "openmetrics"], "expected-current.om"),
    ("current", "0.21.1", ["--format", "samples", "--no-accumulate"], "expected-noacc.txt"),
    ("v0.21.1", "0.21.1", [], "expected-current.prom"),
    ("v0.21.1", "0.21.1", ["--format", "openmetrics"], "expected-current.om"),
    ("v0.21.1", "0.21.1", ["--as-client"], "expected.prom"),
    ("v0.21.1", "0.21.1", ["--as-client", "--format", "openmetrics"], "expected.om"),
    ("v0.21.1", "0.21.1", ["--as-client", "--format", "samples", "--no-accumulate"], "expected-noacc.txt"),
    ("v0.17.1", "0.16", [], "expected-current.prom"),
    ("v0.17.1", "0.16", ["--format", "openmetrics"], "expected-current.om"),
    ("v0.17.1", "0.16", ["--as-client"], "expected.prom"),
    ("v0.17.1", "0.16", ["--as-client", "--format", "openmetrics"], "expected.om"),
    ("v0.17.1", "0.16", ["--as-client", "--format", "samples", "--no-accumulate"], "expected-noacc.txt"),
]


def cmd_selftest(args):
    """render_reference.py reproduces the fixtures' expected files."""
    pythonpath = client_pythonpath(args.client, args.client_dir)
    fixtures = os.path.join(SOURCE_DIR, "tests", "data", "client_python")
    failures = checked = 0
    for fixture, client, options, expected_name in SELFTEST:
        if client != args.client:
            continue
        directory = os.path.join(fixtures, fixture, "metrics")
        ref = run([PYTHON, os.path.join(HERE, "render_reference.py")] + options + [directory],
                  pythonpath=pythonpath)
        with open(os.path.join(fixtures, fixture, expected_name), "rb") as f:
            expected = f.read()
        label = "%s %s %s" % (fixture, " ".join(options) or "(text)", expected_name)
        checked += 1
        if ref.stdout != expected:
            print("FAIL %s: render_reference.py differs from the fixture" % label)
            show_diff(expected, ref.stdout, label)
            failures += 1
        else:
            print("ok   %s" % label)
    print("selftest: %d of %d fixture files reproduced with client %s" % (checked - failures, checked, args.client))
    return 1 if failures else 0


def reproduce(args, seed):
    argv = [a for a in sys.argv]
    if "--seed" in argv:
        argv[argv.index("--seed") + 1] = str(seed)
    return " ".join(argv)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("fetch")
    p.add_argument("dest")
    for name in ("compare", "mixed", "repr", "live", "selftest"):
        p = sub.add_parser(name)
        p.add_argument("work")
        p.add_argument("--promdir", required=(name != "selftest"))
        p.add_argument("--client", choices=("0.16", "0.21.1"), default="0.16")
        p.add_argument("--client-dir", default=os.path.join(os.getcwd(), "python-client-0.21.1"))
        p.add_argument("--seed", default="1")
        p.add_argument("--processes", type=int, default=40)
        p.add_argument("--iterations", type=int, default=6000, help="live: series writes per writer")
    args = parser.parse_args()
    if args.cmd == "fetch":
        return cmd_fetch(args)
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    commands = {"compare": cmd_compare, "mixed": cmd_mixed, "repr": cmd_repr, "live": cmd_live,
                "selftest": cmd_selftest}
    return commands[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
