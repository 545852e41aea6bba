#!/usr/bin/python3
"""Writes a fresh multiprocess directory with the installed Python client.

Run with /usr/bin/python3 (Debian 12: prometheus_client 0.16) or with
PYTHONPATH pointing at another client (scripts/fetch-python-client gives
Debian 13's 0.21.1). Everything is driven by --seed, so a failing directory
can be made again: the seed is printed on stderr.

Each simulated process is a real forked child of this script. The client
names its files after its process identifier; we give it one chosen by the
seed (decimal numbers of varying widths, so sorted and numeric order differ,
words like 'worker-3', and now and then the child's real pid), through the
client's own hook: values.ValueClass = values.MultiProcessValue(identifier).
Some identifiers are used by two children one after the other (pid reuse:
the second one reopens the first one's files). A few metrics are created in
this parent before forking, as a preloading server does, so every child
carries their series. At the end mark_process_dead() runs for some
identifiers.

Usage: gen_python_dir.py [--seed N] [--processes N] [--no-conflicts] DIR
DIR must not exist or be empty.
"""

import argparse
import os
import random
import sys

os.environ.pop("prometheus_multiproc_dir", None)

import prometheus_client  # noqa: E402
from prometheus_client import Counter, Gauge, Histogram, Summary, values  # noqa: E402
from prometheus_client import metrics as client_metrics  # noqa: E402
from prometheus_client import multiprocess  # noqa: E402

INF = float("inf")
NAN = float("nan")

GAUGE_MODES = sorted(Gauge._MULTIPROC_MODES)
HAS_MOSTRECENT = "mostrecent" in Gauge._MULTIPROC_MODES


def client_version():
    """The version of the client actually imported (from its egg-info)."""
    import glob
    here = os.path.dirname(os.path.dirname(prometheus_client.__file__))
    for info in sorted(glob.glob(os.path.join(here, "prometheus_client-*-info"))):
        return os.path.basename(info)[len("prometheus_client-"):].rsplit(".", 1)[0]
    return getattr(prometheus_client, "__version__", "unknown")


# Label values that must come through every renderer unharmed. Lone
# surrogates are left out on purpose: the client writes them, but its own
# generate_latest cannot encode them (tested by the key oracle instead).
LABEL_VALUES = [
    "", "plain", "café 日本", "😀", "a\U0001d11eb", "quote\"d", "it's",
    "both'\"", "back\\slash", "\\", "\\n", "new\nline", "\n", "cr\rx",
    "tab\tx", "nul\x00x", "\x01\x1f", "del\x7f", "/path/to", "nbsp\xa0x",
    "zwj\u200dx", "rtl\u200f", "e\u0301", "ls\u2028x", "\ufeffbom", "\uffff",
    "priv\ue000", "{}=,", "le", "pid", " space ", "~!@#$%^&*()", "0", "+Inf",
    "NaN", "Ω≈ç√∫", "\U0010ffff", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
]

CHAR_POOL = (
    "abcXYZ019 _-.:/\\\"'\n\t\r\x00\x1b\x7f\x80\x9f\xa0\xad\xe9\u0301\u03a9"
    "\u2028\u200b\u4e2d\ue000\ufeff\ufffd\uffff\U00010000\U0001f600"
    "\U0001d11e\U0010ffff"
)
# Characters repr() escapes although they are neither controls nor spaces:
# unassigned code points and format characters (str.isprintable is False).
HARD_REPR_CHARS = "\ud7ff\U000e0001\u0378\U0001fffe\u061c\U000e007f"

HELP_TEXTS = [
    "Plain help.", "", "Help with back\\slash and\nnewline.",
    "Quotes \" and ' in help.", "Ünïcödé help 😀 \U0001d11e", "tab\tand\rcr",
    "Trailing space ", "\\n is not a newline", "Multiprocess metric",
]

LABEL_NAMES = ["a", "route", "lf", "le_x", "pi", "pie", "zz", "Upper", "_x",
               "method", "code", "queue"]

BUCKET_SETS = [
    None,  # the client's default buckets
    [1e-07, 0.001, 0.5, 1.0, 2.5e+06, 1e10, 12345678901.0, 1.5e16, 1e300],
    [-1.0, 0.0, 1.0],
    [0.1, 0.2, 0.30000000000000004, 1 / 3],
    [99999.99, 1e6, 1234567.0, 1e7, 999999999.0],
    [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308],
    [0.005, 0.01, 1.0, INF],
    [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0],
]

SPECIAL_VALUES = [0.0, -0.0, 1.0, -1.0, NAN, INF, -INF, 1e-07, 1234567.0,
                  2.5e+06, 1e+16, 1e16 + 2, 0.1, 1e10, 12345678901.5, 5e-324,
                  -1234567.0, 1.7976931348623157e308, 123.456, 1e22, 1e21]


def finite_value(rng):
    r = rng.random()
    if r < 0.3:
        return float(rng.randint(-1000, 100000))
    if r < 0.6:
        return round(rng.uniform(-100, 100), rng.randint(0, 6))
    if r < 0.8:
        return rng.uniform(0, 1) * 10 ** rng.randint(-12, 20)
    return -rng.uniform(0, 1) * 10 ** rng.randint(-12, 20)


def random_value(rng):
    if rng.random() < 0.25:
        return rng.choice(SPECIAL_VALUES)
    return finite_value(rng)


def random_label_value(rng):
    if rng.random() < 0.7:
        return rng.choice(LABEL_VALUES)
    return "".join(rng.choice(CHAR_POOL) for _ in range(rng.randint(0, 12)))


def use_hard_repr_chars():
    global CHAR_POOL
    CHAR_POOL += HARD_REPR_CHARS
    LABEL_VALUES.append("hard" + HARD_REPR_CHARS)


class MetricDef:
    """One metric as the application source defines it (same in every process)."""

    def __init__(self, kind, name, help_text, labelnames, label_sets, **kwargs):
        self.kind = kind
        self.name = name
        self.help = help_text
        self.labelnames = labelnames
        self.label_sets = label_sets
        self.kwargs = kwargs

    def create(self, help_override=None, kwargs_override=None):
        cls = {"counter": Counter, "gauge": Gauge, "histogram": Histogram,
               "summary": Summary}[self.kind]
        kwargs = dict(self.kwargs)
        kwargs.update(kwargs_override or {})
        help_text = self.help if help_override is None else help_override
        return cls(self.name, help_text, labelnames=self.labelnames, registry=None, **kwargs)


def make_schema(rng, conflicts):
    defs = []

    def label_sets(labelnames, count):
        if not labelnames:
            return [()]
        sets = []
        for _ in range(count):
            sets.append(tuple(random_label_value(rng) for _ in labelnames))
        return sets

    def add(kind, name, nlabels, nsets, **kwargs):
        labelnames = tuple(rng.sample(LABEL_NAMES, nlabels))
        defs.append(MetricDef(kind, name, rng.choice(HELP_TEXTS), labelnames,
                              label_sets(labelnames, nsets), **kwargs))

    add("counter", "requests", 2, 8)
    add("counter", "plain_events", 0, 1)
    add("counter", "special_events", 1, 3)
    add("counter", "jobs_total", 1, 5)             # the client strips _total
    add("counter", "app:colon_requests", 1, 3)     # ':' is legal in metric names
    add("counter", "bytes", 1, 3, namespace="app", subsystem="io", unit="bytes")
    add("counter", "Upper_Case", 1, 4)
    for mode in GAUGE_MODES:
        add("gauge", "g_" + mode, rng.randint(0, 2), 4, multiprocess_mode=mode)
        add("gauge", "g2_" + mode, 1, 3, multiprocess_mode=mode)
    add("gauge", "_private_gauge", 1, 2, multiprocess_mode="all")
    # Labels named like the ones the merge adds or reads: 'pid' and 'le'.
    for mode in ("all", "sum", "max"):
        defs.append(MetricDef("gauge", "g_pid_label_" + mode, "Own pid label", ("pid", "le"),
                              [("user", "x"), ("7", "1.0"), ("", "+Inf")], multiprocess_mode=mode))
    defs.append(MetricDef("counter", "c_le_label", "Own le label", ("le",), [("0.5",), ("x",)]))
    for i, buckets in enumerate(BUCKET_SETS):
        kwargs = {} if buckets is None else {"buckets": buckets}
        add("histogram", "h%d_seconds" % i, rng.randint(0, 2), 3, **kwargs)
    add("histogram", "app:colon_hist", 1, 2, buckets=[0.5, 1.0])
    add("summary", "s_plain", 0, 1)
    add("summary", "s_labelled", 2, 5)
    if conflicts:
        # Rolling deploys: the same metric name defined differently by
        # different processes. The first file read fixes type and help; the
        # last gauge file read fixes the gauge mode; bucket sets are united.
        add("gauge", "conflict_mode", 1, 3, multiprocess_mode="max")
        add("histogram", "conflict_buckets", 1, 2, buckets=[-0.0, 1.0, 5.0])
        add("counter", "conflict_type", 1, 2)
        add("counter", "conflict_help", 0, 1)
    return defs


def conflict_variant(rng, d):
    """Another process's definition of the same metric, or None."""
    if not d.name.startswith("conflict_") or rng.random() < 0.5:
        return None, None, None
    if d.name == "conflict_mode":
        return None, rng.choice([m for m in GAUGE_MODES if m != "max"]), None
    if d.name == "conflict_buckets":
        return None, None, {"buckets": [0.0, 2.0, 5.0]}
    if d.name == "conflict_type":
        return "gauge", None, None
    if d.name == "conflict_help":
        return None, None, {"__help__": "Another help text"}
    return None, None, None


class FakeClock:
    """time.time() for the client's mostrecent gauges: seeded, with ties,
    zeros, steps back, NaN and negative values."""

    def __init__(self, rng):
        self.rng = rng
        self.now = 1.7e9 + rng.randint(0, 10 ** 6)

    def time(self):
        r = self.rng.random()
        if r < 0.05:
            return 0.0
        if r < 0.08:
            return NAN
        if r < 0.10:
            return -5.0
        if r < 0.25:
            return self.now  # a tie with the previous reading
        if r < 0.35:
            return self.now - self.rng.randint(1, 1000)
        self.now += self.rng.choice([1e-6, 0.001, 1.0, 3600.0])
        return self.now

    # Anything else the client wants from the time module.
    def __getattr__(self, name):
        import time
        return getattr(time, name)


def exercise(rng, metric, d, kind, mode):
    # NaN and infinities spread through sums, so only some metrics get them.
    special = d.name.startswith(("special", "g_", "h2_", "s_plain", "conflict"))
    for labels in rng.sample(d.label_sets, rng.randint(1, len(d.label_sets))):
        child = metric.labels(*labels) if d.labelnames else metric
        for _ in range(rng.randint(1, 4)):
            if kind == "counter":
                r = rng.random()
                if special and r < 0.05:
                    amount = rng.choice([INF, NAN])
                elif r < 0.02:
                    amount = rng.choice([1e17, 1e16 + 2])
                elif r < 0.3:
                    amount = rng.choice([0.1, 0.2, 0.3, 1e-7, 0.0, 1 / 3])
                else:
                    amount = float(rng.randint(1, 100))
                child.inc(amount)
            elif kind == "gauge":
                value = random_value(rng) if special else finite_value(rng)
                if mode and "mostrecent" in mode:
                    child.set(value)
                else:
                    op = rng.random()
                    if op < 0.5:
                        child.set(value)
                    elif op < 0.75:
                        child.inc(rng.choice([1.0, 0.1, 2.5, 1e16]))
                    elif op < 0.9:
                        child.dec(rng.choice([1.0, 0.3, 7.0]))
                    else:
                        with child.track_inprogress():
                            pass
            else:  # histogram, summary
                r = rng.random()
                if r < 0.1:
                    amount = rng.choice(([NAN, INF, -INF] if special else [])
                                        + [0.0, -0.0, 1e-07, 2.5e+06, 1.5e16, 1.0, 0.5])
                elif r < 0.2:
                    amount = -rng.uniform(0, 10)
                else:
                    amount = rng.uniform(0, 1) * 10 ** rng.randint(-8, 12)
                child.observe(amount)


def run_child(seed, index, ident, defs, preloaded, conflicts):
    rng = random.Random(seed * 1000003 + index)
    IDENT[0] = os.getpid() if ident is None else ident
    client_metrics.time = FakeClock(rng)
    # Touch the preloaded metrics (their values move into this child's files).
    for metric, d in preloaded:
        exercise(rng, metric, d, d.kind, d.kwargs.get("multiprocess_mode"))
    if index == 0:
        # One big process: its counter file outgrows the initial 64 KiB.
        big = Counter("big_series", "Many series", labelnames=("n", "tag"), registry=None)
        for n in range(1500):
            big.labels(str(n), "x" * (n % 40)).inc(n)
    for d in defs:
        if rng.random() < 0.45:
            continue
        kind, mode, kwargs_override = d.kind, d.kwargs.get("multiprocess_mode"), None
        if conflicts:
            other_kind, other_mode, extra = conflict_variant(rng, d)
            if other_kind:
                kind = other_kind
            if other_mode:
                mode = other_mode
                kwargs_override = {"multiprocess_mode": other_mode}
            if extra:
                kwargs_override = dict(extra)
        help_override = None
        if kwargs_override and "__help__" in kwargs_override:
            help_override = kwargs_override.pop("__help__")
        if kind != d.kind:
            metric = Gauge(d.name, d.help, labelnames=d.labelnames, registry=None, multiprocess_mode="all")
        else:
            metric = d.create(help_override, kwargs_override)
        exercise(rng, metric, d, kind, mode)


IDENT = [None]


def pick_identifiers(rng, count):
    pool = []
    for width in (1, 2, 3, 4, 5, 7):
        pool.append(str(rng.randint(10 ** (width - 1), 10 ** width - 1)))
    pool += ["99", "100", "1000", "worker-3", "archive", "Z9", "a.b", "0x1f", "007",
             "web-1.example", "Ärger", "a b", "9" * 19]
    while len(pool) < count:
        pool.append(str(rng.randint(2, 4194304)))
    rng.shuffle(pool)
    idents = []
    for i in range(count):
        if rng.random() < 0.08:
            idents.append(None)  # the child's real pid
        elif idents and rng.random() < 0.1:
            idents.append(rng.choice([x for x in idents if x is not None] or ["1"]))  # reuse
        else:
            idents.append(pool[i % len(pool)])
    return idents


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--processes", type=int, default=40)
    parser.add_argument("--no-conflicts", action="store_true",
                        help="leave out metrics defined differently by different processes")
    parser.add_argument("--no-preload", action="store_true")
    parser.add_argument("--no-hard-repr-chars", action="store_true",
                        help="leave out unassigned and format characters, which only the "
                             "sample table (Python repr) treats specially")
    args = parser.parse_args()
    if not args.no_hard_repr_chars:
        use_hard_repr_chars()

    seed = args.seed if args.seed is not None else random.SystemRandom().randint(0, 2 ** 31)
    print("gen_python_dir: seed %d, prometheus_client %s from %s, %d processes"
          % (seed, client_version(), os.path.dirname(prometheus_client.__file__), args.processes),
          file=sys.stderr)
    os.makedirs(args.dir, exist_ok=True)
    if os.listdir(args.dir):
        sys.exit("gen_python_dir: %s is not empty" % args.dir)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = args.dir

    rng = random.Random(seed)
    defs = make_schema(rng, not args.no_conflicts)
    idents = pick_identifiers(rng, args.processes)

    # The parent's own identifier; its files hold the preloaded series at 0.
    IDENT[0] = "1"
    values.ValueClass = values.MultiProcessValue(lambda: IDENT[0])
    preloaded = []
    if not args.no_preload:
        for d in defs:
            if d.name in ("requests", "g_livesum", "h1_seconds", "s_labelled"):
                metric = d.create()
                for labels in d.label_sets[:2]:
                    if d.labelnames:
                        metric.labels(*labels)
                preloaded.append((metric, d))

    for index, ident in enumerate(idents):
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                run_child(seed, index, ident, defs, preloaded, not args.no_conflicts)
            except BaseException as e:  # report, then leave without cleanup handlers
                print("gen_python_dir: child %d (%s) failed: %r" % (index, ident, e), file=sys.stderr)
                status = 1
            os._exit(status)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            sys.exit("gen_python_dir: child %d failed (seed %d)" % (index, seed))

    dead = [x for x in idents if x is not None and rng.random() < 0.3]
    dead.append("424242")  # never existed
    for ident in dead:
        multiprocess.mark_process_dead(ident, args.dir)
    print("gen_python_dir: %d files; marked dead: %s"
          % (len(os.listdir(args.dir)), " ".join(sorted(set(dead)))), file=sys.stderr)


if __name__ == "__main__":
    main()
