#!/usr/bin/python3
"""CTest driver: a real gunicorn (Debian's) with recycled workers
(max_requests) runs a tiny WSGI app instrumented with a Python client in
multiprocess mode; `promdir compact` folds the dead workers' files while
gunicorn keeps running. The client renders the same samples before and
after each compaction, and the request counter is exact throughout.

  gunicorn_compact_test.py --promdir BIN [--client-dir DIR] WORK

Exit codes: 0 fine, 1 different, 77 skipped (no gunicorn, no client).
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compact_test  # noqa: E402
import interop_test as it  # noqa: E402

APP = '''
import os, time
from prometheus_client import Counter, Gauge, Histogram, Summary

REQUESTS = Counter("requests", "Requests served.", ["path"])
LATENCY = Histogram("latency_seconds", "Latency.", ["path"])
SIZES = Summary("response_bytes", "Response sizes.")
BIGGEST = Gauge("biggest_request", "Largest request number.", multiprocess_mode="max")
IN_FLIGHT = Gauge("in_flight", "Requests in flight.", multiprocess_mode="livesum")
STARTED = Gauge("worker_started", "Start time.", multiprocess_mode="all")

STARTED.set(time.time())


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    with IN_FLIGHT.track_inprogress():
        REQUESTS.labels(path).inc()
        LATENCY.labels(path).observe(len(path) / 10.0)
        SIZES.observe(2)
        BIGGEST.set(int(environ.get("QUERY_STRING") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
'''

CONFIG = '''
from prometheus_client import multiprocess

def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
'''


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(port, count, first):
    for i in range(count):
        path = "/a" if i % 3 else "/bb"
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d%s?%d" % (port, path, first + i), timeout=10).read()
                break
            except OSError:
                time.sleep(0.05)  # a worker being replaced
        else:
            raise RuntimeError("gunicorn does not answer")


def requests_total(text):
    values, _ = compact_test.samples(text)
    return sum(v for (name, _), v in values.items() if name == "requests_total")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("work")
    parser.add_argument("--promdir", required=True)
    parser.add_argument("--client-dir", default=os.path.join(os.getcwd(), "python-client-0.21.1"))
    args = parser.parse_args()
    gunicorn = shutil.which("gunicorn")
    if not gunicorn:
        print("SKIP: gunicorn is not installed (scripts/deps.sh installs it)")
        return it.SKIP
    pythonpath = it.client_pythonpath("0.21.1", args.client_dir)
    work = it.fresh(os.path.abspath(args.work))
    metrics = it.fresh(os.path.join(work, "metrics"))
    for name, text in (("app.py", APP), ("gunicorn_conf.py", CONFIG)):
        with open(os.path.join(work, name), "w") as f:
            f.write(text)
    port = free_port()
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=metrics, PYTHONPATH=pythonpath + os.pathsep + work)
    server = subprocess.Popen([gunicorn, "-w", "2", "--max-requests", "7", "-b", "127.0.0.1:%d" % port,
                               "-c", os.path.join(work, "gunicorn_conf.py"), "--chdir", work, "app:app"],
                              env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "gunicorn.log"), "w"))
    render = [it.PYTHON, os.path.join(it.HERE, "render_reference.py"), metrics]
    failures, sent = 0, 0
    try:
        for round_ in range(3):
            send(port, 150, sent)
            sent += 150
            time.sleep(0.5)  # let the last recycled workers exit
            before = it.run(render, pythonpath=pythonpath).stdout
            original = os.path.join(work, "original")
            shutil.rmtree(original, ignore_errors=True)
            shutil.copytree(metrics, original)
            files = len(os.listdir(metrics))
            out = it.run([args.promdir, "compact", "--grace", "0", metrics]).stdout.decode()
            after = it.run(render, pythonpath=pythonpath).stdout
            print("round %d: %d requests, %d files -> %d; %s" % (round_ + 1, sent, files, len(os.listdir(metrics)),
                                                                 out.splitlines()[-1]))
            failures += compact_test.compare_samples(before, after, original)
            if requests_total(after) != sent:
                print("FAIL: requests_total is %r, %d requests were sent" % (requests_total(after), sent))
                failures += 1
        if not os.path.exists(os.path.join(metrics, "counter_compacted.db")):
            print("FAIL: nothing was compacted")
            failures += 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
