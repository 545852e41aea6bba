#include "promdir/toppids.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace promdir {

namespace {
bool counts(const TimelinePoint &p)
{
    return p.present && std::isfinite(p.value);
}

double lastValue(const PidTimeline &line)
{
    if (line.points.empty() || !counts(line.points.back()))
        return -std::numeric_limits<double>::infinity();
    return line.points.back().value;
}
} // namespace

PidRanking rankPids(const std::vector<PidTimeline> &lines, int n, const std::vector<bool> &first)
{
    auto isFirst = [&](std::size_t i) { return i < first.size() && first[i]; };
    PidRanking out;
    std::vector<std::size_t> order(lines.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::vector<double> value(lines.size());
    std::vector<bool> ranked(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        value[i] = lastValue(lines[i]);
        ranked[i] = value[i] > -std::numeric_limits<double>::infinity();
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (isFirst(a) != isFirst(b))
            return isFirst(a);
        if (ranked[a] != ranked[b])
            return bool(ranked[a]);
        if (ranked[a] && value[a] != value[b])
            return value[a] > value[b];
        return pidLess(lines[a].pid, lines[b].pid);
    });
    const std::size_t keep = n < 0 ? order.size() : std::min(order.size(), std::size_t(n));
    out.top.assign(order.begin(), order.begin() + std::ptrdiff_t(keep));
    out.others.assign(order.begin() + std::ptrdiff_t(keep), order.end());
    std::sort(out.others.begin(), out.others.end());
    if (out.others.empty())
        return out;

    // The sum as a sweep over every change of every other pid's value: each
    // point adds what it changes (new value minus the one it replaces).
    struct Change
    {
        std::int64_t timeMs;
        double delta;
        int present; // +1: a pid starts counting, -1: stops, 0: neither
        int nonzero; // the same for pids whose value is not 0
    };
    std::vector<Change> changes;
    for (const std::size_t i : out.others) {
        double held = 0.0;
        bool holding = false;
        for (const TimelinePoint &p : lines[i].points) {
            const bool now = counts(p);
            const double v = now ? p.value : 0.0;
            changes.push_back({p.timeMs, v - held, int(now) - int(holding), int(v != 0.0) - int(held != 0.0)});
            held = v;
            holding = now;
        }
    }
    std::stable_sort(changes.begin(), changes.end(),
                     [](const Change &a, const Change &b) { return a.timeMs < b.timeMs; });
    // Compensated (Neumaier) so that rates of many pids do not drift, and
    // exactly 0 while every summed value is 0 (no -3e-16 left over).
    double sum = 0.0, compensation = 0.0;
    auto add = [&](double v) {
        const double t = sum + v;
        compensation += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t;
    };
    int counting = 0, nonzero = 0;
    for (std::size_t i = 0; i < changes.size();) {
        const std::int64_t t = changes[i].timeMs;
        for (; i < changes.size() && changes[i].timeMs == t; ++i) {
            add(changes[i].delta);
            counting += changes[i].present;
            nonzero += changes[i].nonzero;
        }
        if (nonzero == 0)
            sum = compensation = 0.0;
        const TimelinePoint p{t, sum + compensation, 0.0, counting > 0};
        // A point only where the sum changes (or starts or ends).
        if (!out.othersSum.empty() && out.othersSum.back().present == p.present
            && (!p.present || out.othersSum.back().value == p.value))
            continue;
        if (out.othersSum.empty() && !p.present)
            continue;
        out.othersSum.push_back(p);
    }
    return out;
}

} // namespace promdir
