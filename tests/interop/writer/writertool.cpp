// Runs a writer scenario (JSON written by writer_interop.py) with promdir's
// writer, so that the same scenario run by the Python client can be
// compared file by file.
//
// Usage: promdir_writertool SCENARIO.json DIR
// Scenario: {"processes": [{"pid": "101", "ops": [op, ...]}, ...]} with ops
//   {"op": "create", "id": "m1", "type": "counter|gauge|histogram|summary",
//    "name": ..., "help": ..., "labels": [...], "ns": ..., "subsystem": ...,
//    "unit": ..., "mode": "all|...", "buckets": [...]}
//   {"op": "inc|dec|set|observe|child", "id": "m1", "values": [...], "amount": x}
// Exit: 0 done, 3 the writer returned an error (message on stderr), 2 usage.
#include "promdir/format/json.h"
#include "promdir/writer/writer.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <variant>

using namespace promdir;

namespace {

const json::Value *member(const json::Value &obj, std::string_view name)
{
    if (!obj.isObject())
        return nullptr;
    const json::Value *found = nullptr;
    for (const auto &[k, v] : obj.object())
        if (k == name)
            found = &v;
    return found;
}

std::string str(const json::Value &obj, std::string_view name)
{
    const json::Value *v = member(obj, name);
    return v && v->isString() ? v->str() : std::string();
}

std::vector<std::string> strings(const json::Value &obj, std::string_view name)
{
    std::vector<std::string> out;
    if (const json::Value *v = member(obj, name); v && v->isArray())
        for (const auto &e : v->array())
            out.push_back(e.isString() ? e.str() : std::string());
    return out;
}

double number(const json::Value &v)
{
    if (const double *d = std::get_if<double>(&v.v))
        return *d;
    if (v.isString()) { // "inf", "-inf", "nan"
        const std::string &s = v.str();
        if (s == "inf")
            return std::numeric_limits<double>::infinity();
        if (s == "-inf")
            return -std::numeric_limits<double>::infinity();
        return std::numeric_limits<double>::quiet_NaN();
    }
    return 0;
}

int fail(const std::string &what)
{
    std::fprintf(stderr, "writertool: %s\n", what.c_str());
    return 3;
}

using Metric = std::variant<Counter, Gauge, Histogram, Summary>;

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s SCENARIO.json DIR\n", argv[0]);
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto parsed = json::parse(ss.str());
    if (!parsed)
        return fail("bad scenario JSON: " + parsed.error().message);
    const json::Value *processes = member(*parsed, "processes");
    if (!processes || !processes->isArray())
        return fail("scenario has no processes");
    for (const auto &p : processes->array()) {
        const std::string pid = str(p, "pid");
        auto w = Writer::open({.directory = argv[2], .processIdentifier = [pid] { return pid; }});
        if (!w)
            return fail(w.error().message);
        std::map<std::string, Metric> metrics;
        const json::Value *ops = member(p, "ops");
        if (!ops || !ops->isArray())
            continue;
        for (const auto &op : ops->array()) {
            const std::string kind = str(op, "op");
            const std::string id = str(op, "id");
            if (kind == "create") {
                MetricOptions o{.name = str(op, "name"), .help = str(op, "help"), .labelNames = strings(op, "labels"),
                                .ns = str(op, "ns"), .subsystem = str(op, "subsystem"), .unit = str(op, "unit")};
                const std::string type = str(op, "type");
                std::string error;
                if (type == "counter") {
                    auto m = w->counter(o);
                    if (!m)
                        return fail(m.error().message);
                    metrics[id] = *m;
                } else if (type == "gauge") {
                    auto mode = gaugeModeFromString(str(op, "mode"));
                    auto m = w->gauge(o, mode.value_or(GaugeMode::All));
                    if (!m)
                        return fail(m.error().message);
                    metrics[id] = *m;
                } else if (type == "histogram") {
                    std::vector<double> buckets = defaultBuckets();
                    if (const json::Value *b = member(op, "buckets"); b && b->isArray()) {
                        buckets.clear();
                        for (const auto &e : b->array())
                            buckets.push_back(number(e));
                    }
                    auto m = w->histogram(o, buckets);
                    if (!m)
                        return fail(m.error().message);
                    metrics[id] = *m;
                } else {
                    auto m = w->summary(o);
                    if (!m)
                        return fail(m.error().message);
                    metrics[id] = *m;
                }
                continue;
            }
            auto it = metrics.find(id);
            if (it == metrics.end())
                return fail("unknown metric " + id);
            const std::vector<std::string> values = strings(op, "values");
            const json::Value *amountValue = member(op, "amount");
            const double amount = amountValue ? number(*amountValue) : 1.0;
            WriteStatus st = WriteStatus::Ok;
            std::string error;
            std::visit(
                [&](const auto &metric) {
                    using T = std::decay_t<decltype(metric)>;
                    T target = metric;
                    if (!values.empty()) {
                        auto child = metric.labels(values);
                        if (!child) {
                            error = child.error().message;
                            return;
                        }
                        target = *child;
                    }
                    if (kind == "child")
                        return;
                    if constexpr (std::is_same_v<T, Counter>)
                        st = target.inc(amount);
                    else if constexpr (std::is_same_v<T, Gauge>)
                        st = kind == "inc" ? target.inc(amount) : kind == "dec" ? target.dec(amount) : target.set(amount);
                    else
                        st = target.observe(amount);
                },
                it->second);
            if (!error.empty())
                return fail(error);
            if (st != WriteStatus::Ok)
                return fail(std::string(toString(st)));
        }
    }
    return 0;
}
