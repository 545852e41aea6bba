#!/usr/bin/python3
"""A real Prometheus scrapes `promdir serve`: the target is up, and every
value it stored equals promdir's rendering for the Accept header it sent.

Debian's `prometheus` runs on loopback with a configuration written here
(free ports, a temporary storage folder, a 1 s scrape interval) and two
jobs: `promdir` scrapes `promdir serve` on a copy of tests/data/negotiation/
metrics (UTF-8 names written by the Python client: `my.gauge` with label
`lbl.x`, a colon, a leading digit, quotes and newlines in names, NaN and
±Inf, histograms, summaries); `accept` scrapes a small recorder here that
notes the Accept header Prometheus sends (the same for every job), so the
expected body is `promdir render --accept <that header>`.

Exit 0: every stored series equals a rendered sample and every rendered
sample was stored; 1: a difference or a failure (printed); 77: skipped,
only when the prometheus binary is missing.

Usage: prometheus_scrape.py --promdir PATH [--prometheus PATH] [--timeout S] WORK
"""

import argparse
import http.server
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "data", "negotiation", "metrics")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AcceptRecorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):
        AcceptRecorder.seen.append(self.headers.get("Accept", ""))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def get_json(url, timeout=2):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


def query(base, expr):
    data = get_json(base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    if data.get("status") != "success":
        raise RuntimeError(f"query {expr}: {data}")
    return data["data"]["result"]


def start_promdir(promdir, metrics, deadline):
    proc = subprocess.Popen([promdir, "serve", "--listen", "127.0.0.1:0", "--quiet", metrics],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        m = re.search(r"serving .* at http://127\.0\.0\.1:(\d+)/metrics", line)
        if m:
            # Keep draining stderr so the server never blocks on a full pipe.
            threading.Thread(target=proc.stderr.read, daemon=True).start()
            return proc, int(m.group(1))
        if not line and proc.poll() is not None:
            break
    raise RuntimeError(f"promdir serve did not start: {line!r}")


def write_config(path, targets):
    jobs = "".join(f"""
  - job_name: {job}
    static_configs:
      - targets: ['{target}']
""" for job, target in targets)
    with open(path, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:{jobs}""")


def wait_until(what, check, deadline, step=0.2):
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except (OSError, RuntimeError, ValueError) as e:
            last = e
        time.sleep(step)
    raise RuntimeError(f"timed out waiting for {what} (last error: {last})")


# --- the rendering as samples ---------------------------------------------

def _unescape(s):
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), s)


_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^",={}\s]+))\s*')


def parse_sample(line):
    """(name, {label: value}, value) of one exposition sample line; names
    may be quoted inside the braces (allow-utf-8)."""
    name = None
    labels = {}
    rest = line
    if not rest.startswith("{"):
        m = re.match(r'[^{\s]+', rest)
        name, rest = m.group(0), rest[m.end():]
    if rest.startswith("{"):
        pos = 1
        while rest[pos] != "}":
            m = _TOKEN.match(rest, pos)
            key = _unescape(m.group(1)) if m.group(1) is not None else m.group(2)
            pos = m.end()
            if rest[pos] == "=":
                m = _TOKEN.match(rest, pos + 1)
                labels[key] = _unescape(m.group(1))
                pos = m.end()
            else:
                name = key
            if rest[pos] == ",":
                pos += 1
        rest = rest[pos + 1:]
    return name, labels, float(rest.split()[0])


def rendered_samples(body):
    out = {}
    for line in body.decode("utf-8").split("\n"):
        if line and not line.startswith("#"):
            name, labels, value = parse_sample(line)
            out[(name, frozenset(labels.items()))] = value
    return out


def same_value(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def compare(stored, expected):
    problems = []
    for key, value in sorted(stored.items(), key=repr):
        if key not in expected:
            problems.append(f"stored but not rendered: {key} = {value}")
        elif not same_value(value, expected[key]):
            problems.append(f"{key}: stored {value}, rendered {expected[key]}")
    for key in sorted(set(expected) - set(stored), key=repr):
        problems.append(f"rendered but not stored: {key} = {expected[key]}")
    return problems


def run(args, work, deadline, procs):
    metrics = os.path.join(work, "metrics")
    shutil.copytree(FIXTURE, metrics)
    promdir, promdir_port = start_promdir(args.promdir, metrics, deadline)
    procs.append(promdir)
    recorder = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AcceptRecorder)
    threading.Thread(target=recorder.serve_forever, daemon=True).start()

    port = free_port()
    config = os.path.join(work, "prometheus.yml")
    write_config(config, [("promdir", f"127.0.0.1:{promdir_port}"),
                          ("accept", f"127.0.0.1:{recorder.server_address[1]}")])
    log = open(os.path.join(work, "prometheus.log"), "w")
    procs.append(subprocess.Popen(
        [args.prometheus, f"--config.file={config}", f"--storage.tsdb.path={os.path.join(work, 'data')}",
         f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        stdout=log, stderr=log))
    base = f"http://127.0.0.1:{port}"
    version = wait_until("Prometheus to answer", lambda: get_json(base + "/api/v1/status/buildinfo"), deadline)
    print(f"Prometheus {version['data']['version']} on port {port}; promdir serve on {promdir_port}")

    up = wait_until('up{job="promdir"} == 1',
                    lambda: [r for r in query(base, 'up{job="promdir"}') if r["value"][1] == "1"], deadline)
    accept = wait_until("the Accept header", lambda: AcceptRecorder.seen[-1:], deadline)[0]
    print(f"up = 1 for {up[0]['metric']['instance']}; Prometheus sends Accept: {accept}")

    rendering = subprocess.run([args.promdir, "render", "--no-progress", "--accept", accept, metrics],
                               check=True, capture_output=True).stdout
    expected = rendered_samples(rendering)

    def stored_now():
        out = {}
        for r in query(base, '{job="promdir"}'):
            labels = {k: v for k, v in r["metric"].items() if k not in ("job", "instance")}
            name = labels.pop("__name__")
            if name == "up" or name.startswith("scrape_"):
                continue
            out[(name, frozenset(labels.items()))] = float(r["value"][1])
        # Wait for a scrape whose samples are all in (the first may race).
        return out if len(out) >= len(expected) else None

    stored = wait_until("the samples to be stored", stored_now, deadline)
    problems = compare(stored, expected)
    print(f"{len(stored)} series stored, {len(expected)} samples rendered")
    for p in problems:
        print("DIFFERENCE:", p)
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--promdir", required=True)
    parser.add_argument("--prometheus", default=shutil.which("prometheus") or "/usr/bin/prometheus")
    parser.add_argument("--timeout", type=float, default=25)
    parser.add_argument("work")
    args = parser.parse_args()
    if not os.access(args.prometheus, os.X_OK):
        print(f"SKIP: no prometheus binary ({args.prometheus}); install Debian's package prometheus")
        return 77
    os.makedirs(args.work, exist_ok=True)
    deadline = time.monotonic() + args.timeout
    procs = []
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        try:
            return run(args, work, deadline, procs)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
            print("FAILED:", e)
            log = os.path.join(work, "prometheus.log")
            if os.path.exists(log):
                print(open(log).read()[-4000:])
            return 1
        finally:
            for p in reversed(procs):
                p.terminate()
            for p in reversed(procs):
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


if __name__ == "__main__":
    sys.exit(main())
