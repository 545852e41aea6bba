#!/usr/bin/python3
"""Writes tests/data/negotiation: what the current Python client answers
/metrics for many Accept headers, on a multiprocess directory with UTF-8
names. tst_negotiation compares promdir with it byte for byte.

The client is current client_python (main), exported from the bare mirror
(`git archive`) into a temporary folder; nothing here is needed at test
time. Run again after the client changes:

    /usr/bin/python3 tests/interop/gen_negotiation_golden.py \
        [--mirror /work/.mirror/prometheus+client_python/repo] [--out tests/data/negotiation]

It writes:
  metrics/*.db    the directory, written by the client itself (one simulated
                  process, identifier 4242) plus raw keys through its own
                  MmapedDict for what its metric classes never write
                  (_created, _gsum, _gcount samples in files)
  bodies/*        each distinct body, named after the encoder and escaping
  cases.json      one row per Accept header: the header (a string whose code
                  points are the header's bytes, as http.server decodes
                  them: Latin-1), the Content-Type and the body file the
                  client answers, or, when the client fails (a version it
                  cannot compare raises TypeError), the error and what
                  promdir answers instead: the client's answer for the
                  header without the entry it failed on (see
                  docs/compatibility.md).
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

DEFAULT_MIRROR = "/work/.mirror/prometheus+client_python/repo"

# What Prometheus sends (its scrape/scrape.go acceptHeader and
# config.ScrapeProtocolsHeaders across releases).
P3_ESCAPED = ("application/openmetrics-text;version=1.0.0;escaping={0};q=0.6,"
              "application/openmetrics-text;version=0.0.1;q=0.5,"
              "text/plain;version=1.0.0;escaping={0};q=0.4,"
              "text/plain;version=0.0.4;q=0.3,*/*;q=0.2")
PROMETHEUS_HEADERS = [
    ("prometheus 1.x and 2.0-2.4 proto first",
     "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
     "text/plain;version=0.0.4;q=0.3,*/*;q=0.1"),
    ("prometheus 2.0-2.4", "text/plain;version=0.0.4;q=1,*/*;q=0.1"),
    ("prometheus 2.5-2.32", "application/openmetrics-text; version=0.0.1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
    ("prometheus 2.33-2.48",
     "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
     "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
    ("prometheus 2.49-2.55",
     "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,"
     "text/plain;version=0.0.4;q=0.3,*/*;q=0.2"),
    ("prometheus 2.49-2.55 native histograms",
     "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,"
     "application/openmetrics-text;version=1.0.0;q=0.4,application/openmetrics-text;version=0.0.1;q=0.3,"
     "text/plain;version=0.0.4;q=0.2,*/*;q=0.1"),
    ("prometheus 3.0 utf-8",
     "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
     "application/openmetrics-text;version=0.0.1;escaping=allow-utf-8;q=0.5,"
     "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
     "text/plain;version=0.0.4;escaping=allow-utf-8;q=0.3,*/*;q=0.2"),
    ("prometheus 3.0 legacy names",
     "application/openmetrics-text;version=1.0.0;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,"
     "text/plain;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"),
    ("prometheus 3.0 native histograms",
     "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;"
     "escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
     "application/openmetrics-text;version=0.0.1;escaping=allow-utf-8;q=0.4,"
     "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;escaping=allow-utf-8;q=0.2,*/*;q=0.1"),
    ("prometheus 3.x default", P3_ESCAPED.format("allow-utf-8")),
    ("prometheus 3.x underscores", P3_ESCAPED.format("underscores")),
    ("prometheus 3.x dots", P3_ESCAPED.format("dots")),
    ("prometheus 3.x values", P3_ESCAPED.format("values")),
    ("prometheus 3.x native histograms",
     "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,"
     "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
     "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
     "text/plain;version=0.0.4;q=0.2,*/*;q=0.1"),
    ("prometheus 3.x text only", "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.6,text/plain;version=0.0.4;q=0.5,*/*;q=0.4"),
]

OTHER_HEADERS = [
    ("none", None),
    ("empty", ""),
    ("any", "*/*"),
    ("text 0.0.4", "text/plain; version=0.0.4"),
    ("text 0.0.4 escaping ignored", "text/plain;version=0.0.4;escaping=allow-utf-8"),
    ("text no version", "text/plain"),
    ("text 1.0.0", "text/plain; version=1.0.0"),
    ("text 2.0.0", "text/plain;version=2.0.0;escaping=allow-utf-8"),
    ("om no version", "application/openmetrics-text"),
    ("om no version escaping ignored", "application/openmetrics-text;escaping=allow-utf-8"),
    ("om 0.0.1", "application/openmetrics-text;version=0.0.1"),
    ("om 0.0.1 escaping", "application/openmetrics-text;version=0.0.1;escaping=allow-utf-8"),
    ("om 1.0.0", "application/openmetrics-text; version=1.0.0"),
    ("om 1.0.0 charset", "application/openmetrics-text; version=1.0.0; charset=utf-8"),
    ("om 2.0.0", "application/openmetrics-text;version=2.0.0;escaping=allow-utf-8"),
    ("om 2", "application/openmetrics-text;version=2"),
    ("om 1.0 is older than 1.0.0", "application/openmetrics-text;version=1.0"),
    ("om 1.0.0.1", "application/openmetrics-text;version=1.0.0.1"),
    ("om version echoed", "application/openmetrics-text;version=01.00.000"),
    ("om version python int plus", "application/openmetrics-text;version=1.0.+0"),
    ("om version python int underscore", "application/openmetrics-text;version=1_0.0.0"),
    ("om version python int space", "application/openmetrics-text;version=1. 0.0"),
    ("om version latin-1 space", "application/openmetrics-text;version=1.\xa00.0"),
    ("om version negative zero", "application/openmetrics-text;version=1.-0.0"),
    ("om version 2 then words", "application/openmetrics-text;version=2.x"),
    ("om version long", "application/openmetrics-text;version=1.0.0." + "9" * 40),
    ("om version huge", "application/openmetrics-text;version=" + "9" * 40),
    ("order beats q", "text/plain;version=1.0.0;q=0.1,application/openmetrics-text;version=1.0.0;q=0.9"),
    ("case matters", "Application/OpenMetrics-Text;version=1.0.0"),
    ("param case matters", "application/openmetrics-text;Version=1.0.0"),
    ("spaces around", "  application/openmetrics-text ;  version=1.0.0 ;  escaping=dots  "),
    ("latin-1 spaces", "\xa0application/openmetrics-text\x85;\x1cversion=1.0.0\xa0;escaping=values\x1f"),
    ("first version wins", "application/openmetrics-text;version=0.0.1;version=1.0.0"),
    ("first escaping wins", "text/plain;version=1.0.0;escaping=dots;escaping=allow-utf-8"),
    ("escaping unknown", "text/plain;version=1.0.0;escaping=bogus"),
    ("escaping quoted", "application/openmetrics-text;version=1.0.0;escaping=\"allow-utf-8\""),
    ("escaping case", "application/openmetrics-text;version=1.0.0;escaping=Allow-UTF-8"),
    ("escaping empty", "application/openmetrics-text;version=1.0.0;escaping="),
    ("escaping before version", "application/openmetrics-text;escaping=values;version=1.0.0"),
    ("equals in value", "application/openmetrics-text;version=1.0.0;escaping=dots=x"),
    ("empty version", "application/openmetrics-text;version="),
    ("empty text version", "text/plain;version=,application/openmetrics-text;version=1.0.0"),
    ("commas only", ",,,"),
    ("garbage", "garbage;;==;,;version=1.0.0"),
    ("json", "application/json"),
    ("protobuf only", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"),
    # The client raises TypeError comparing these versions (a str part
    # against an int): promdir skips the entry instead.
    ("type error x.y", "application/openmetrics-text;version=x.y"),
    ("type error 1.x then text", "application/openmetrics-text;version=1.x,text/plain;version=1.0.0;escaping=dots"),
    ("type error 1.0.0abc", "application/openmetrics-text;version=1.0.0abc;escaping=allow-utf-8"),
    ("type error text 1..0", "text/plain;version=1..0;escaping=allow-utf-8,application/openmetrics-text"),
    ("type error quoted", "application/openmetrics-text;version=\"1.0.0\""),
    ("type error twice", "text/plain;version=v1,application/openmetrics-text;version=1.0.0-rc,text/plain;version=1.0.0"),
]

SCHEMES = ["allow-utf-8", "underscores", "dots", "values"]


def scheme_headers():
    rows = []
    for scheme in SCHEMES:
        rows.append((f"text 1.0.0 {scheme}", f"text/plain;version=1.0.0;escaping={scheme}"))
        rows.append((f"om 1.0.0 {scheme}", f"application/openmetrics-text;version=1.0.0;escaping={scheme}"))
    return rows


def export_client(mirror, dest):
    archive = subprocess.run(["git", "-C", mirror, "archive", "HEAD", "prometheus_client"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    return subprocess.run(["git", "-C", mirror, "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()


def write_directory(metrics_dir):
    """Metrics written by the client itself, one process (identifier 4242)."""
    from prometheus_client import Counter, Gauge, Histogram, Summary, values
    from prometheus_client.mmap_dict import MmapedDict, mmap_key

    values.ValueClass = values.MultiProcessValue(lambda: 4242)

    # The example and the client's own UTF-8 exposition tests.
    Gauge("my.gauge", "A gauge with a UTF-8 name", ["lbl.x"], multiprocess_mode="livesum").labels("y").set(3)
    Counter("utf8.cc", "A counter").inc()
    Counter("cc", "A counter", ["a"]).labels("b\\c").inc(2)
    g = Gauge("gg", "A gauge\nwith \\ and \"", ["a", "the.label"], multiprocess_mode="max")
    g.labels("\\x\n\"", "ünïcödé 😀").set(17)
    nonnumber = Gauge("nonnumber.g", "Non-number values", ["v"], multiprocess_mode="liveall")
    nonnumber.labels("nan").set(float("nan"))
    nonnumber.labels("inf").set(float("inf"))
    nonnumber.labels("-inf").set(float("-inf"))
    nonnumber.labels("big").set(1234567.0)
    h = Histogram("hh.seconds", "A histogram", ["the.label"], buckets=[1, 2.5, float("inf")])
    h.labels("x").observe(0.5)
    h.labels("x").observe(3)
    Histogram("hh", "A legacy histogram").observe(0.05)
    s = Summary("ss.utf8", "A summary", ["a.b"])
    s.labels("c").observe(17)
    # Names every scheme treats differently: a colon, leading digits,
    # underscores, non-ASCII, characters that need escaping inside quotes.
    Counter("app:colon_requests", "Colon in the name").inc()
    Gauge("1st.café_ünïcode", "Leading digit, non-ASCII", ["0lbl", "ü_l"], multiprocess_mode="mostrecent") \
        .labels("v", "w").set(5)
    Gauge("quote\"back\\slash\nline", "Escapes in a name", ["l\"b\\n\nl"], multiprocess_mode="min") \
        .labels("q").set(-1.5)
    Counter("emoji_😀_total", "Non-BMP in a name", ["k😀"]).labels("v").inc(4)

    # What the client's metric classes never write into files, written as
    # the multiprocess collector would find it: _created, _gsum, _gcount.
    raw = MmapedDict(os.path.join(metrics_dir, "counter_4243.db"))
    raw.write_value(mmap_key("raw.c", "raw.c_total", [], [], "Raw samples"), 2.0, 0.0)
    raw.write_value(mmap_key("raw.c", "raw.c_created", [], [], "Raw samples"), 1700000000.5, 0.0)
    raw.write_value(mmap_key("raw.c", "raw.c_gsum", ["x.y"], ["1"], "Raw samples"), 3.0, 0.0)
    raw.write_value(mmap_key("raw.c", "raw.c_gcount", ["x.y"], ["1"], "Raw samples"), 4.0, 0.0)
    raw.close()


class SortedMultiProcessCollector:
    """The client's MultiProcessCollector over the files in byte-wise name
    order (promdir's order; glob's is the file system's)."""

    def __init__(self, path):
        self._path = path

    def collect(self):
        from prometheus_client.multiprocess import MultiProcessCollector
        files = sorted(glob.glob(os.path.join(self._path, "*.db")), key=os.fsencode)
        return MultiProcessCollector.merge(files, accumulate=True)


def answer(accept, registry):
    from prometheus_client.exposition import choose_encoder
    encoder, content_type = choose_encoder(accept)
    return encoder, content_type, encoder(registry)


def body_name(encoder):
    func = getattr(encoder, "func", encoder)
    kind = "openmetrics" if "openmetrics" in func.__module__ else "text"
    escaping = getattr(encoder, "keywords", {}).get("escaping", "underscores")
    return f"{kind}-{escaping}"


def without_failing_entry(accept):
    """The header without the first entry the client fails on."""
    from prometheus_client.exposition import choose_encoder
    entries = accept.split(",")
    for k in range(len(entries)):
        try:
            choose_encoder(",".join(entries[:k + 1]))
        except TypeError:
            return ",".join(entries[:k] + entries[k + 1:])
    raise AssertionError("no failing entry in " + accept)


def record(name, accept, registry, bodies, out_dir):
    row = {"name": name, "accept": accept}
    header = accept
    try:
        encoder, content_type, body = answer(header, registry)
    except TypeError as e:
        row["client_error"] = f"TypeError: {e}"
        while True:
            header = without_failing_entry(header)
            try:
                encoder, content_type, body = answer(header, registry)
                break
            except TypeError:
                continue
        row["promdir_answers_as_for"] = header
    fname = body_name(encoder)
    if bodies.setdefault(fname, body) != body:
        raise AssertionError(f"{fname}: two different bodies")
    with open(os.path.join(out_dir, "bodies", fname), "wb") as f:
        f.write(body)
    row["content_type"] = content_type
    row["body"] = fname
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--mirror", default=DEFAULT_MIRROR)
    parser.add_argument("--out", default=os.path.join(here, "..", "data", "negotiation"))
    args = parser.parse_args()

    out = os.path.abspath(args.out)
    for sub in ("metrics", "bodies"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
        os.makedirs(os.path.join(out, sub))
    metrics_dir = os.path.join(out, "metrics")

    with tempfile.TemporaryDirectory() as tmp:
        commit = export_client(args.mirror, tmp)
        sys.path.insert(0, tmp)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        import prometheus_client
        assert prometheus_client.__file__.startswith(tmp), prometheus_client.__file__
        from prometheus_client import CollectorRegistry

        write_directory(metrics_dir)
        registry = CollectorRegistry()
        registry.register(SortedMultiProcessCollector(metrics_dir))
        bodies = {}
        rows = [record(n, a, registry, bodies, out)
                for n, a in PROMETHEUS_HEADERS + scheme_headers() + OTHER_HEADERS]

    with open(os.path.join(out, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"client_python": commit, "cases": rows}, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print(f"{len(rows)} Accept headers, {len(bodies)} bodies, client_python {commit[:12]} -> {out}")


if __name__ == "__main__":
    main()
