"""What current client_python main does where Debian's 0.16 and 0.21.1 do
otherwise: written from main's behaviour (prometheus_client/multiprocess.py,
utils.py, openmetrics/exposition.py at the mirror's HEAD), not copied.
render_reference.py plugs these into the installed client; float_oracle.py
uses float_to_go_string as the expected value. README.md lists the
differences."""

import math

from prometheus_client.samples import Sample


# --- floatToGoString (#1190: two-digit exponent, no leading zero) ---------

def float_to_go_string(d):
    d = float(d)
    if math.isinf(d):
        return "+Inf" if d > 0 else "-Inf"
    if math.isnan(d):
        return "NaN"
    text = repr(d)
    point = text.find(".")
    # Only positive values written as plain digits with 7 or more digits
    # before the point get Go's exponent form.
    if d > 0 and point > 6:
        digits = (text[:point] + text[point + 1:]).rstrip("0")
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%se+%02d" % (mantissa, point - 1)
    return text


# --- The merge (PR #1148: one group per label set) -----------------------

NO_PID_MODES = ("min", "livemin", "max", "livemax", "sum", "livesum",
                "mostrecent", "livemostrecent")


def accumulate_current(metrics, accumulate):
    """Current main's accumulation: per family, one group per label set in
    the order the group was first written to, histogram buckets appended to
    their group after the loop."""
    for metric in metrics.values():
        groups = {}       # label tuple -> {(sample name, label tuple): value}
        best_stamp = {}   # (label tuple, sample name) -> timestamp
        bucket_counts = {}  # label tuple without le -> {bound: count}
        mode = getattr(metric, "_multiprocess_mode", None)

        def group(labels):
            return groups.setdefault(labels, {})

        for s in metric.samples:
            name, labels, value = s.name, s.labels, s.value
            if metric.type == "gauge" and mode in NO_PID_MODES:
                labels = tuple(pair for pair in labels if pair[0] != "pid")
            key = (name, labels)
            if metric.type == "gauge":
                if mode in ("min", "livemin", "max", "livemax"):
                    g = group(labels)
                    if key not in g:
                        g[key] = value
                    elif (value < g[key]) if mode.endswith("min") else (value > g[key]):
                        g[key] = value
                elif mode in ("sum", "livesum"):
                    g = group(labels)
                    g[key] = g.get(key, 0.0) + value
                elif mode in ("mostrecent", "livemostrecent"):
                    stamp = float(s.timestamp or 0)
                    # Only a strictly newer timestamp wins, starting from 0.0;
                    # the group comes to exist with its first winner.
                    if best_stamp.get((labels, name), 0.0) < stamp:
                        group(labels)[key] = value
                        best_stamp[(labels, name)] = stamp
                else:  # all, liveall
                    group(labels)[key] = value
            elif metric.type == "histogram":
                le = next((v for k, v in labels if k == "le"), None)
                if le is not None:
                    rest = tuple(pair for pair in labels if pair[0] != "le")
                    counts = bucket_counts.setdefault(rest, {})
                    bound = float(le)
                    # Equal bounds (0.0 and -0.0) share the first one's key.
                    counts[bound] = counts.get(bound, 0.0) + value
                else:
                    g = group(labels)
                    g[key] = g.get(key, 0.0) + value
            else:  # counter, summary
                g = group(labels)
                g[key] = g.get(key, 0.0) + value

        if metric.type == "histogram":
            for labels, counts in bucket_counts.items():
                g = group(labels)
                total = 0.0
                for bound, count in sorted(counts.items()):
                    bucket_key = (metric.name + "_bucket",
                                  labels + (("le", float_to_go_string(bound)),))
                    if accumulate:
                        total += count
                        g[bucket_key] = total
                    else:
                        g[bucket_key] = count
                if accumulate:
                    g[(metric.name + "_count", labels)] = total

        metric.samples = [Sample(name, dict(labels), value)
                          for g in groups.values() for (name, labels), value in g.items()]
    return metrics.values()


# --- OpenMetrics sample names (underscore escaping) ---------------------

def _legacy_label_char(c, index):
    return ("a" <= c <= "z" or "A" <= c <= "Z" or c == "_"
            or ("0" <= c <= "9" and index > 0))


def om_sample_name(name):
    return "".join(c if _legacy_label_char(c, i) else "_" for i, c in enumerate(name))
