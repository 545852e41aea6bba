#!/usr/bin/python3
"""Runs a writer scenario (see writertool.cpp) with the installed Python
client, one simulated process after the other, each under its own process
identifier through the client's MultiProcessValue(identifier) hook.

Usage: py_write.py SCENARIO.json DIR
"""
import json
import os
import sys

scenario_path, directory = sys.argv[1], sys.argv[2]
os.environ.pop("prometheus_multiproc_dir", None)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory

from prometheus_client import Counter, Gauge, Histogram, Summary, values  # noqa: E402


def num(v):
    return float(v)  # "inf", "-inf" and numbers alike


with open(scenario_path, encoding="utf-8") as f:
    scenario = json.load(f)

CLASSES = {"counter": Counter, "gauge": Gauge, "histogram": Histogram, "summary": Summary}

for proc in scenario["processes"]:
    pid = proc["pid"]
    values.ValueClass = values.MultiProcessValue(lambda pid=pid: pid)
    metrics = {}
    for op in proc["ops"]:
        if op["op"] == "create":
            kw = dict(name=op["name"], documentation=op.get("help", ""), labelnames=op.get("labels", []),
                      namespace=op.get("ns", ""), subsystem=op.get("subsystem", ""), unit=op.get("unit", ""),
                      registry=None)
            if op["type"] == "gauge":
                kw["multiprocess_mode"] = op.get("mode", "all")
            if op["type"] == "histogram" and "buckets" in op:
                kw["buckets"] = [num(b) for b in op["buckets"]]
            metrics[op["id"]] = CLASSES[op["type"]](**kw)
            continue
        m = metrics[op["id"]]
        if op.get("values"):
            m = m.labels(*op["values"])
        if op["op"] == "child":
            continue
        getattr(m, op["op"])(num(op.get("amount", 1)))
