#!/usr/bin/python3
"""Renders a multiprocess directory with the installed Python client, as the
current client_python main branch would.

The installed client (Debian 12's 0.16 or Debian 13's 0.21.1) reads the
files and renders: MultiProcessCollector.merge(files in byte-wise sorted
name order, accumulate=...) and its generate_latest. Where current main
behaves differently from these releases, the difference is patched in
(README.md lists each one):

  1. _accumulate_metrics: current main groups samples per label set, so a
     histogram's _sum, buckets and _count stay together (PR #1148). Replaced
     by accumulate_current() below, written from main's behaviour.
  2. floatToGoString: current main pads the exponent to two digits without a
     leading zero for exponents >= 10 ('1e+10', not '1e+010'; #1190).
  3. OpenMetrics sample lines: current main passes sample names through its
     underscore escaping with the label-name character set, so ':' becomes
     '_' in sample lines (HELP/TYPE keep the name).

--as-client turns all patches off (what the installed client itself prints).
--any-generation reads files of format generation 3 (8-byte values) and 4
(value + timestamp) side by side; neither client can (0.16 reads only 3,
0.21.1 only 4), so this replaces the file reader with one that finds each
file's stride itself.

Output formats: text (Prometheus 0.0.4), openmetrics, samples (one sample a
line: family, type, sample name, sorted labels, repr of the value: the
fixtures' expected-noacc.txt format).

Usage: render_reference.py [--format text|openmetrics|samples]
                           [--no-accumulate] [--name SAMPLE]... [--as-client]
                           [--any-generation] DIR
"""

import argparse
import glob
import json
import os
import struct
import sys

from prometheus_client import exposition, multiprocess, utils
from prometheus_client import mmap_dict
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
import prometheus_client.openmetrics.exposition as om_exposition

from current_main import accumulate_current, float_to_go_string, om_sample_name

CLIENT_READS_TIMESTAMPS = "timestamp" in (mmap_dict._read_all_values.__doc__ or "")


# --- Reading any generation -----------------------------------------------

def _entries(data, used, stride):
    """(key, value, timestamp, pos) for one value stride, or None when the
    file does not parse that way."""
    out = []
    pos = 8
    while pos < used:
        if pos + 4 > used:
            return None
        length = struct.unpack_from("i", data, pos)[0]
        if length < 0:
            return None
        start = pos + 4
        padded = length + (8 - (length + 4) % 8)
        value_pos = start + padded
        if value_pos + stride > used:
            return None
        try:
            key = data[start:start + length].decode("utf-8")
            parsed = json.loads(key)
        except (UnicodeDecodeError, ValueError):
            return None
        if not (isinstance(parsed, list) and len(parsed) == 4):
            return None
        if stride == 16:
            value, stamp = struct.unpack_from("dd", data, value_pos)
        else:
            value, stamp = struct.unpack_from("d", data, value_pos)[0], 0.0
        out.append((key, value, stamp, value_pos))
        pos = value_pos + stride
    return out if pos == used else None


def read_any_generation(filename):
    with open(filename, "rb") as f:
        data = f.read()
    used = struct.unpack_from("i", data, 0)[0]
    entries = _entries(data, used, 16)
    if entries is None:
        entries = _entries(data, used, 8)
    if entries is None:
        raise RuntimeError("%s: neither generation 3 nor 4" % filename)
    if CLIENT_READS_TIMESTAMPS:
        return entries
    return [(k, v, pos) for k, v, _, pos in entries]


class _Families:
    """What generate_latest wants: something with collect()."""

    def __init__(self, metrics):
        self.metrics = list(metrics)

    def collect(self):
        return self.metrics


def sorted_db_files(directory):
    files = glob.glob(os.path.join(glob.escape(directory), "*.db"))
    return sorted(files, key=lambda p: os.fsencode(os.path.basename(p)))


def restrict(metrics, names):
    """The reference's restricted registry: samples of the named sample
    names only; families left without samples are dropped."""
    out = []
    for metric in metrics:
        samples = [s for s in metric.samples if s.name in names]
        if samples:
            m = Metric(metric.name, metric.documentation, metric.type)
            m.samples = samples
            out.append(m)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir")
    parser.add_argument("--format", choices=("text", "openmetrics", "samples"), default="text")
    parser.add_argument("--no-accumulate", action="store_true")
    parser.add_argument("--name", action="append", default=[])
    parser.add_argument("--as-client", action="store_true",
                        help="no patches: what the installed client itself renders")
    parser.add_argument("--any-generation", action="store_true")
    args = parser.parse_args()

    if not os.path.isdir(args.dir):
        sys.exit("render_reference: not a directory: %s" % args.dir)

    if not args.as_client:
        MultiProcessCollector._accumulate_metrics = staticmethod(accumulate_current)
        for module in (utils, exposition, om_exposition, multiprocess):
            module.floatToGoString = float_to_go_string
    if args.any_generation:
        mmap_dict.MmapedDict.read_all_values_from_file = staticmethod(read_any_generation)

    files = sorted_db_files(args.dir)
    metrics = list(MultiProcessCollector.merge(files, accumulate=not args.no_accumulate))
    if args.name:
        metrics = restrict(metrics, set(args.name))

    out = sys.stdout.buffer
    if args.format == "text":
        out.write(exposition.generate_latest(_Families(metrics)))
    elif args.format == "openmetrics":
        if not args.as_client:
            for metric in metrics:
                metric.samples = [s._replace(name=om_sample_name(s.name)) for s in metric.samples]
        out.write(om_exposition.generate_latest(_Families(metrics)))
    else:
        lines = []
        for metric in metrics:
            for s in metric.samples:
                lines.append("%s\t%s\t%s\t%r\t%r\n" % (metric.name, metric.type, s.name,
                                                        sorted(s.labels.items()), s.value))
        out.write("".join(lines).encode("utf-8", "surrogatepass"))


if __name__ == "__main__":
    main()
