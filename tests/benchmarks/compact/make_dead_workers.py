#!/usr/bin/python3
"""Writes a directory of N dead worker processes with the Python client in
multiprocess mode, as gunicorn's max_requests recycling leaves it: each
worker (a real forked child, so a real pid that is dead afterwards) serves a
few requests on 20 endpoints (a counter and a histogram per endpoint, a
summary, gauges max, livesum and all) and exits; mark_process_dead runs for
it, as gunicorn's child_exit hook does. For the README's compaction figures
(docs/compaction.md).

  PYTHONPATH=$(scripts/fetch-python-client DIR) make_dead_workers.py --workers 10000 DIR
"""

import argparse
import os
import random
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--workers", type=int, default=10000)
ap.add_argument("dir")
args = ap.parse_args()
os.makedirs(args.dir, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = args.dir

from prometheus_client import Counter, Gauge, Histogram, Summary, multiprocess  # noqa: E402

REQUESTS = Counter("http_requests", "Requests.", ["method", "endpoint", "status"])
LATENCY = Histogram("http_request_duration_seconds", "Latency.", ["endpoint"])
SIZES = Summary("http_response_bytes", "Response sizes.")
PEAK = Gauge("peak_memory_bytes", "Peak memory.", multiprocess_mode="max")
IN_FLIGHT = Gauge("in_flight", "In flight.", multiprocess_mode="livesum")
STARTED = Gauge("worker_started_seconds", "Start time.", multiprocess_mode="all")
ENDPOINTS = ["/api/v1/item/%d" % i for i in range(20)]

rng = random.Random(1)
running = []


def reap():
    pid, _ = os.wait()
    running.remove(pid)
    multiprocess.mark_process_dead(pid, args.dir)


for w in range(args.workers):
    seed = rng.random()
    if len(running) >= 16:  # a few at a time, as a pool of workers would run
        reap()
    pid = os.fork()
    if pid == 0:
        r = random.Random(seed)
        STARTED.set(1.7e9 + w)
        for _ in range(20):
            e = r.choice(ENDPOINTS)
            with IN_FLIGHT.track_inprogress():
                REQUESTS.labels("GET", e, "200").inc()
                LATENCY.labels(e).observe(r.random())
                SIZES.observe(r.randint(100, 5000))
                PEAK.set(r.randint(10 ** 6, 10 ** 8))
        os._exit(0)
    running.append(pid)
    if w % 1000 == 0:
        print("%d workers" % w, file=sys.stderr)
while running:
    reap()
