#!/usr/bin/python3
"""Time and peak memory of `promdir compact` on a directory of many running
workers and a few dead ones, as a sidecar (`serve --compact-dead-after`)
meets it: prints, per promdir binary given, the median wall time, CPU time
and the largest peak RSS of

  dry-run   `promdir compact --dry-run` with the dead workers' files there;
  compact   `promdir compact`, folding them (put back before each run);
  idle      `promdir compact` with nothing left to fold (every pass of a
            sidecar once the dead are folded).

The dead workers are real processes of the Python client
(make_dead_workers.py, beside this file). The running workers are `sleep`
processes of this script (killed at the end), each given the five files a worker of make_dead_workers.py leaves (counter,
histogram, summary, gauge max and all): the first dead worker's used bytes,
in files as long as the client makes them (1 MiB, sparse).

  PYTHONPATH=$(scripts/fetch-python-client DIR) live_and_dead.py \\
      --live 2000 --dead 100 WORK build/release/app/cli/promdir [OTHER-PROMDIR...]
"""

import argparse
import os
import shutil
import statistics
import struct
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--live", type=int, default=2000)
ap.add_argument("--dead", type=int, default=100)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("work", help="a folder for the directories (made anew)")
ap.add_argument("promdir", nargs="+", help="promdir binaries to compare")
args = ap.parse_args()

HOUR_AGO = time.time() - 3600
shutil.rmtree(args.work, ignore_errors=True)
template = os.path.join(args.work, "dead")
metrics = os.path.join(args.work, "metrics")
os.makedirs(metrics)

subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_dead_workers.py"),
                "--workers", str(args.dead), template], check=True, stderr=subprocess.DEVNULL)


def used_copy(src, dst, mtime):
    """The used bytes of src, in a file of src's length (sparse)."""
    with open(src, "rb") as f:
        head = f.read(8)
        used = struct.unpack("<i", head[:4])[0] if len(head) >= 4 else 0
        data = head + f.read(max(0, used - 8))
    with open(dst, "wb") as f:
        f.write(data)
        f.truncate(os.path.getsize(src))
    os.utime(dst, (mtime, mtime))


def put_back_dead():
    for name in os.listdir(metrics):
        if "_compacted" in name:
            os.unlink(os.path.join(metrics, name))
    for name in os.listdir(template):
        used_copy(os.path.join(template, name), os.path.join(metrics, name), HOUR_AGO)


# The running workers: processes that sleep until the end (killed by pid).
sleepers = [subprocess.Popen(["sleep", "86400"]) for _ in range(args.live)]
pids = [p.pid for p in sleepers]

first = sorted(os.listdir(template))[0].rsplit("_", 1)[1]  # one dead worker's pid.db
kinds = sorted(n[: -len(first)] for n in os.listdir(template) if n.endswith("_" + first))
for pid in pids:
    for kind in kinds:
        used_copy(os.path.join(template, kind + first), os.path.join(metrics, "%s%d.db" % (kind, pid)), time.time())
put_back_dead()
live_files = len(pids) * len(kinds)
dead_files = len(os.listdir(template))
apparent = sum(os.path.getsize(os.path.join(metrics, n)) for n in os.listdir(metrics))
print("%d running workers (%d files), %d dead (%d files), %.1f GB apparent; load average %.1f" %
      (len(pids), live_files, args.dead, dead_files, apparent / 1e9, os.getloadavg()[0]))


def run(binary, extra):
    # Through time(1): a child's peak RSS counts what it had before exec,
    # which for a child of this script would be this script's.
    p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", binary, "compact", "--grace", "1m"] + extra + [metrics],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("%s compact %s failed: %s" % (binary, " ".join(extra), p.stderr))
    wall, user, system, peak = p.stderr.split()[-4:]
    return float(wall), float(user) + float(system), int(peak) / 1024.0


results = {}
for _ in range(args.runs):
    for binary in args.promdir:  # interleaved: the machine's load falls on each alike
        for mode in ("dry-run", "compact", "idle"):
            if mode != "idle":
                put_back_dead()
            figures = run(binary, ["--dry-run"] if mode == "dry-run" else [])
            results.setdefault((binary, mode), []).append(figures)
            if mode == "compact" and any(n.startswith("counter_") and n in os.listdir(metrics)
                                         for n in os.listdir(template)):
                sys.exit("%s compact folded nothing" % binary)

print("load average %.1f" % os.getloadavg()[0])
print("%-50s %-8s %8s %8s %10s" % ("promdir", "run", "wall s", "cpu s", "peak MiB"))
for (binary, mode), runs in results.items():
    print("%-50s %-8s %8.3f %8.3f %10.1f" % (binary[-50:], mode, statistics.median(r[0] for r in runs),
                                           statistics.median(r[1] for r in runs), max(r[2] for r in runs)))
for p in sleepers:
    p.kill()
    p.wait()
