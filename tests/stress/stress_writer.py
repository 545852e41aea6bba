#!/usr/bin/python3
"""One writer process of tst_stress, with the Python client in multiprocess
mode: the same metrics and operations as stresswriter.cpp (promdir's
writer), so that both write the same series into one directory. What one
operation does and the report format are described in tst_stress.cpp.

Usage: stress_writer.py SEED MAX_OPS STOP_FILE VALUE...
  The directory is $PROMETHEUS_MULTIPROC_DIR. Reads one line from stdin
  first: "go" starts writing, anything else exits at once without touching
  the directory. MAX_OPS 0: until STOP_FILE exists. VALUEs: what gauges
  are set to. The mostrecent gauge modes are left out: Debian 12's client
  (0.16) does not have them.
"""

import os
import random
import sys
import time

SERIES = 4
ITEMS = 4000
BOUNDS = (1, 2, 5, 10, 20)  # +Inf added by the client
SET_MODES = ("all", "liveall", "min", "livemin", "max", "livemax")


def item_name(i):
    # Long and varied, so that the files grow past 64 KiB several times.
    return "item-%04d-%s" % (i, "x" * (i % 40))


def main():
    seed, max_ops, stop_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    values = [float(v) for v in sys.argv[4:]]
    if sys.stdin.readline().strip() != "go":
        return 0

    from prometheus_client import Counter, Gauge, Histogram
    ops = Counter("stress_ops", "Operations.", ["series"], registry=None)
    items = Counter("stress_items", "Operations by item.", ["item"], registry=None)
    size = Histogram("stress_size", "Sizes.", ["series"], buckets=BOUNDS, registry=None)
    set_gauges = [(mode, Gauge("stress_g_" + mode, "Set gauge.", registry=None, multiprocess_mode=mode))
                  for mode in SET_MODES]
    busy = [Gauge("stress_g_" + mode, "Busy.", registry=None, multiprocess_mode=mode)
            for mode in ("sum", "livesum")]
    ops_by_series = [ops.labels("s%d" % s) for s in range(SERIES)]
    size_by_series = [size.labels("s%d" % s) for s in range(SERIES)]

    counted = [0.0] * SERIES
    buckets = [[0] * (len(BOUNDS) + 1) for _ in range(SERIES)]
    sums = [0.0] * SERIES
    last = {}
    rng = random.Random(seed)
    done = 0
    while True:
        for g in busy:
            g.inc()
        s = rng.randrange(SERIES)
        amount = float(1 + rng.randrange(5))
        ops_by_series[s].inc(amount)
        counted[s] += amount
        items.labels(item_name(done % ITEMS)).inc()
        x = float(rng.randrange(26))
        size_by_series[s].observe(x)
        b = 0
        while b < len(BOUNDS) and x > BOUNDS[b]:
            b += 1
        buckets[s][b] += 1
        sums[s] += x
        for mode, g in set_gauges:
            last[mode] = rng.choice(values)
            g.set(last[mode])
        for g in busy:
            g.dec()
        done += 1
        if (done >= max_ops) if max_ops > 0 else (done % 16 == 0 and os.path.exists(stop_file)):
            break
        if done % 8 == 0:
            # Leave some of the two shared cores to the reader and the other
            # writers; the writes themselves are never paced.
            time.sleep(0.002)

    out = ["ops %d" % done]
    for s in range(SERIES):
        out.append("counter s%d %r" % (s, counted[s]))
        out.append("hist s%d %s %r" % (s, " ".join(str(n) for n in buckets[s]), sums[s]))
    for mode, _ in set_gauges:
        out.append("last %s %r" % (mode, last[mode]))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
