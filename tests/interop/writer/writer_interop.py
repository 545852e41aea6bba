#!/usr/bin/python3
"""Interop tests of promdir's writer against the Python client.

One random scenario (metrics of every type and gauge mode, awkward label
values, several processes) is run twice: by the Python client
(py_write.py) and by promdir's writer (promdir_writertool). Then:

  same      the two directories hold the same files, byte for byte with
            0.21.1 (generation 4; mostrecent timestamps compared as "set"),
            entry by entry with 0.16 (which writes generation 3); and the
            Python client's merge+render of the C++ directory equals
            promdir's render of it, in every format.
  continue  (0.21.1) Python writes, then promdir's writer with the same
            process identifier reopens and continues, and the other way
            round: the files equal those of Python doing both parts (no
            duplicate entries, exact key bytes). (0.16) the writer refuses
            the generation 3 files and leaves them untouched.
  mixed     (0.21.1) Python and C++ processes in one directory: the files
            equal the all-Python run's and both render it identically.

Usage: writer_interop.py {same,continue,mixed} --client 0.16|0.21.1
         [--client-dir DIR] --tool PATH --promdir PATH [--seed N] WORK
Exit codes: 0 same, 1 different, 77 skipped (0.21.1 not available).
"""
import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.dirname(HERE)
PYTHON = os.environ.get("PROMDIR_REFERENCE_PYTHON", "/usr/bin/python3")
SKIP = 77

MODES_016 = ["all", "liveall", "min", "livemin", "max", "livemax", "sum", "livesum"]
MODES_018 = MODES_016 + ["mostrecent", "livemostrecent"]
LABEL_VALUES = ["/", "/api", "caf\u00e9", 'quote"back\\slash', "new\nline", "\U0001F600", "tab\t", "",
                "\u00e4\u00f6\u00fc", "a/b/c"]
AMOUNTS = [1, 0.5, 2.25, 1e6, 3e6, 0.1, 0.005, 7.5, 0.3, 1234567.0]


def client_pythonpath(version, client_dir):
    if version == "0.16":
        return ""
    path = os.path.join(client_dir or "", "root", "usr", "lib", "python3", "dist-packages")
    if not os.path.isfile(os.path.join(path, "prometheus_client", "__init__.py")):
        print("SKIP: prometheus_client 0.21.1 is not in %s (scripts/fetch-python-client could not fetch it)"
              % client_dir)
        sys.exit(SKIP)
    return path


def run(cmd, pythonpath=None, check=True):
    env = dict(os.environ)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.pop("prometheus_multiproc_dir", None)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if check and proc.returncode != 0:
        print("FAILED (exit %d): %s\n%s" % (proc.returncode, " ".join(cmd),
                                            proc.stderr.decode("utf-8", "backslashreplace")))
        sys.exit(1)
    return proc


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def make_scenario(rng, client, processes, ops_per_process):
    modes = MODES_018 if client != "0.16" else MODES_016
    defs = [
        dict(type="counter", name="requests_total", help="Requests handled.", labels=["method", "endpoint"]),
        dict(type="counter", name="sent", help="Bytes sent.", ns="app", unit="bytes"),
        dict(type="histogram", name="latency", help="Latency.", labels=["endpoint"], unit="seconds"),
        dict(type="histogram", name="sizes", help="Sizes.", buckets=[100, 1e6, 2.5e6]),
        dict(type="summary", name="payload", help="Gr\u00f6\u00dfe\nzwei \\ drei", labels=["endpoint"],
             subsystem="io"),
    ]
    for i, mode in enumerate(modes):
        d = dict(type="gauge", name="g_" + mode, help="Gauge in mode %s." % mode, mode=mode)
        if i % 2:
            d["labels"] = ["kind"]
        defs.append(d)
    for i, d in enumerate(defs):
        d["id"] = "m%d" % i
        d["op"] = "create"
    result = []
    for p in range(processes):
        ops = [dict(d) for d in defs]
        for _ in range(ops_per_process):
            d = rng.choice(defs)
            op = dict(id=d["id"])
            if d.get("labels"):
                op["values"] = [rng.choice(LABEL_VALUES) for _ in d["labels"]]
            amount = rng.choice(AMOUNTS)
            if d["type"] == "counter":
                op.update(op="inc", amount=amount)
            elif d["type"] in ("histogram", "summary"):
                op.update(op="observe", amount="inf" if rng.random() < 0.05 else amount)
            elif d["mode"] in ("mostrecent", "livemostrecent"):
                op.update(op="set", amount=amount)
            else:
                op.update(op=rng.choice(["inc", "dec", "set"]), amount=amount)
            if rng.random() < 0.05 and "values" in op:
                op["op"] = "child"
            ops.append(op)
        result.append(dict(pid=str(1000 + 7 * p) if p % 3 else "worker-%d" % p, ops=ops))
    return result


def write_scenario(path, processes):
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"processes": processes}, f)
    return path


def parse_db(data, stride):
    used = struct.unpack_from("i", data, 0)[0]
    pos, out = 8, []
    while pos < used:
        n = struct.unpack_from("i", data, pos)[0]
        key = data[pos + 4:pos + 4 + n]
        pos += 4 + n + (8 - (n + 4) % 8)
        value = struct.unpack_from("d", data, pos)[0]
        ts = struct.unpack_from("d", data, pos + 8)[0] if stride == 16 else 0.0
        out.append((key, value, ts))
        pos += stride
    return used, out


def same_value(a, b):
    return a == b or (a != a and b != b)


def compare_dirs(expected_dir, actual_dir, expected_stride, label):
    """Files of actual_dir (C++, generation 4) against expected_dir."""
    failures = 0
    exp, act = sorted(os.listdir(expected_dir)), sorted(os.listdir(actual_dir))
    if exp != act:
        print("FAIL %s: file names differ:\n  python: %s\n  promdir: %s" % (label, exp, act))
        return 1
    for name in exp:
        with open(os.path.join(expected_dir, name), "rb") as f:
            e = f.read()
        with open(os.path.join(actual_dir, name), "rb") as f:
            a = f.read()
        if expected_stride == 16 and "mostrecent" not in name:
            if e != a:
                print("FAIL %s: %s differs (%d vs %d bytes)" % (label, name, len(e), len(a)))
                failures += 1
            continue
        eu, ee = parse_db(e, expected_stride)
        au, ae = parse_db(a, 16)
        keys_e = [(k, v) for k, v, _ in ee]
        keys_a = [(k, v) for k, v, _ in ae]
        same = len(keys_e) == len(keys_a) and all(k1 == k2 and same_value(v1, v2)
                                                  for (k1, v1), (k2, v2) in zip(keys_e, keys_a))
        if not same or len(e) != len(a):
            print("FAIL %s: %s entries or size differ (%d vs %d entries, %d vs %d bytes)"
                  % (label, name, len(ee), len(ae), len(e), len(a)))
            for x, y in zip(keys_e, keys_a):
                if x != y:
                    print("   python  %r\n   promdir %r" % (x, y))
                    break
            failures += 1
        if "mostrecent" in name:
            # A set() stores the time; entries never set keep 0.0 on both sides.
            for (k, v, t1), (_, _, t2) in zip(ee, ae):
                if (t1 > 0) != (t2 > 0):
                    print("FAIL %s: %s: timestamp set on one side only for %r" % (label, name, k))
                    failures += 1
                    break
    if not failures:
        print("ok   %s: %d files identical" % (label, len(exp)))
    return failures


VARIANTS = [
    ("text", []),
    ("openmetrics", ["--format", "openmetrics"]),
    ("text-noacc", ["--no-accumulate"]),
    ("samples", ["--format", "samples"]),
]


def compare_render(args, directory, pythonpath, label, any_generation=False):
    failures = 0
    for name, options in VARIANTS:
        ref = run([PYTHON, os.path.join(INTEROP, "render_reference.py")] + options
                  + (["--any-generation"] if any_generation else []) + [directory], pythonpath=pythonpath)
        got = run([args.promdir, "render"] + options + [directory], check=False)
        if got.returncode != 0 or got.stdout != ref.stdout:
            print("FAIL %s/%s: promdir render (exit %d) differs from the Python client's"
                  % (label, name, got.returncode))
            for x, y in zip(ref.stdout.decode(errors="replace").splitlines(),
                            got.stdout.decode(errors="replace").splitlines()):
                if x != y:
                    print("   python  %r\n   promdir %r" % (x, y))
                    break
            failures += 1
        else:
            print("ok   %s/%s: %d bytes identical" % (label, name, len(ref.stdout)))
    return failures


def cmd_same(args, rng, pythonpath):
    procs = make_scenario(rng, args.client, 4, 80)
    scenario = write_scenario(os.path.join(args.work, "scenario.json"), procs)
    py_dir, cpp_dir = fresh(os.path.join(args.work, "python")), fresh(os.path.join(args.work, "promdir"))
    run([PYTHON, os.path.join(HERE, "py_write.py"), scenario, py_dir], pythonpath=pythonpath)
    run([args.tool, scenario, cpp_dir])
    failures = compare_dirs(py_dir, cpp_dir, 16 if args.client != "0.16" else 8, "files")
    failures += compare_render(args, cpp_dir, pythonpath, "render", any_generation=args.client == "0.16")
    return failures


def cmd_continue(args, rng, pythonpath):
    procs = make_scenario(rng, args.client, 1, 160)
    ops = procs[0]["ops"]
    creates = [o for o in ops if o["op"] == "create"]
    rest = [o for o in ops if o["op"] != "create"]
    pid = "4242"
    part1 = [dict(pid=pid, ops=creates + rest[:len(rest) // 2])]
    part2 = [dict(pid=pid, ops=creates + rest[len(rest) // 2:])]
    s1 = write_scenario(os.path.join(args.work, "part1.json"), part1)
    s2 = write_scenario(os.path.join(args.work, "part2.json"), part2)
    py, tool = [PYTHON, os.path.join(HERE, "py_write.py")], [args.tool]
    if args.client == "0.16":
        d = fresh(os.path.join(args.work, "gen3"))
        run(py + [s1, d], pythonpath=pythonpath)
        before = {n: open(os.path.join(d, n), "rb").read() for n in os.listdir(d)}
        proc = run(tool + [s2, d], check=False)
        after = {n: open(os.path.join(d, n), "rb").read() for n in os.listdir(d)}
        err = proc.stderr.decode(errors="replace")
        if proc.returncode != 3 or "generation 4" not in err:
            print("FAIL: the writer did not refuse generation 3 files (exit %d): %s" % (proc.returncode, err))
            return 1
        if before != after:
            print("FAIL: the writer changed generation 3 files it refused")
            return 1
        print("ok   the writer refuses the 0.16 files and leaves them untouched: %s" % err.strip())
        return 0
    both = fresh(os.path.join(args.work, "python-python"))
    run(py + [s1, both], pythonpath=pythonpath)
    run(py + [s2, both], pythonpath=pythonpath)
    py_cpp = fresh(os.path.join(args.work, "python-promdir"))
    run(py + [s1, py_cpp], pythonpath=pythonpath)
    run(tool + [s2, py_cpp])
    cpp_py = fresh(os.path.join(args.work, "promdir-python"))
    run(tool + [s1, cpp_py])
    run(py + [s2, cpp_py], pythonpath=pythonpath)
    failures = compare_dirs(both, py_cpp, 16, "python then promdir")
    failures += compare_dirs(both, cpp_py, 16, "promdir then python")
    failures += compare_render(args, py_cpp, pythonpath, "render")
    return failures


def cmd_mixed(args, rng, pythonpath):
    procs = make_scenario(rng, args.client, 6, 60)
    all_py = os.path.join(args.work, "all.json")
    write_scenario(all_py, procs)
    s_py = write_scenario(os.path.join(args.work, "py.json"), procs[0::2])
    s_cpp = write_scenario(os.path.join(args.work, "cpp.json"), procs[1::2])
    ref_dir, mixed = fresh(os.path.join(args.work, "python")), fresh(os.path.join(args.work, "mixed"))
    run([PYTHON, os.path.join(HERE, "py_write.py"), all_py, ref_dir], pythonpath=pythonpath)
    run([PYTHON, os.path.join(HERE, "py_write.py"), s_py, mixed], pythonpath=pythonpath)
    run([args.tool, s_cpp, mixed])
    failures = compare_dirs(ref_dir, mixed, 16, "mixed files")
    failures += compare_render(args, mixed, pythonpath, "mixed render")
    return failures


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("command", choices=["same", "continue", "mixed"])
    p.add_argument("--client", choices=["0.16", "0.21.1"], required=True)
    p.add_argument("--client-dir")
    p.add_argument("--tool", required=True)
    p.add_argument("--promdir", required=True)
    p.add_argument("--seed", default="1")
    p.add_argument("work")
    args = p.parse_args()
    pythonpath = client_pythonpath(args.client, args.client_dir)
    seed = random.SystemRandom().randint(0, 2 ** 31) if args.seed == "random" else int(args.seed)
    print("writer interop %s: client %s, seed %d" % (args.command, args.client, seed))
    os.makedirs(args.work, exist_ok=True)
    rng = random.Random(seed)
    failures = {"same": cmd_same, "continue": cmd_continue, "mixed": cmd_mixed}[args.command](args, rng, pythonpath)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
