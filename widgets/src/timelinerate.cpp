#include "promdir/timelinerate.h"

#include <algorithm>
#include <cmath>

namespace promdir {

namespace {
bool endsWith(const std::string &s, std::string_view suffix)
{
    return s.size() >= suffix.size() && std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

// One run of present, finite points: the rate along it up to `endMs`.
void rateOfRun(const TimelinePoint *p, std::size_t n, std::int64_t windowMs, std::int64_t endMs,
               std::vector<TimelinePoint> &out)
{
    if (n == 0)
        return;
    // cum[i]: the increase from p[0] to p[i], resets counted as rate() does.
    std::vector<double> cum(n, 0.0);
    for (std::size_t i = 1; i < n; ++i) {
        const double d = p[i].value >= p[i - 1].value ? p[i].value - p[i - 1].value : p[i].value;
        cum[i] = cum[i - 1] + d;
    }
    std::vector<std::int64_t> times;
    times.reserve(2 * n + 1);
    for (std::size_t i = 0; i < n; ++i) {
        if (p[i].timeMs <= endMs)
            times.push_back(p[i].timeMs);
        if (p[i].timeMs + windowMs < endMs)
            times.push_back(p[i].timeMs + windowMs);
    }
    times.push_back(endMs);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    // Index of the last point at or before t.
    auto at = [&](std::int64_t t) -> std::ptrdiff_t {
        const auto it = std::upper_bound(p, p + n, t, [](std::int64_t v, const TimelinePoint &q) { return v < q.timeMs; });
        return std::ptrdiff_t(it - p) - 1;
    };
    for (const std::int64_t t : times) {
        const std::ptrdiff_t now = at(t);
        if (now < 0)
            continue;
        const std::int64_t start = std::max(t - windowMs, p[0].timeMs);
        const std::int64_t covered = t - start;
        if (covered <= 0)
            continue; // one sample: no rate yet
        const std::ptrdiff_t base = std::max<std::ptrdiff_t>(at(start), 0);
        const double increase = cum[std::size_t(now)] - cum[std::size_t(base)];
        out.push_back({t, increase * 1000.0 / double(covered), 0.0, true});
    }
}
} // namespace

std::vector<TimelinePoint> counterRate(const std::vector<TimelinePoint> &points, std::int64_t windowMs,
                                       std::int64_t endMs)
{
    std::vector<TimelinePoint> out;
    if (windowMs <= 0)
        return out;
    std::size_t begin = 0;
    for (std::size_t i = 0; i <= points.size(); ++i) {
        const bool breaks = i == points.size() || !points[i].present || !std::isfinite(points[i].value);
        if (!breaks)
            continue;
        const std::int64_t runEnd = i == points.size() ? endMs : std::min(endMs, points[i].timeMs);
        const std::size_t before = out.size();
        rateOfRun(points.data() + begin, i - begin, windowMs, runEnd, out);
        if (i < points.size() && out.size() > before)
            out.push_back({points[i].timeMs, 0.0, 0.0, false}); // the line ends here
        begin = i + 1;
    }
    return out;
}

bool isRateable(MetricType type, const std::string &sampleName)
{
    switch (type) {
    case MetricType::Counter:
        return true;
    case MetricType::Histogram:
    case MetricType::Summary:
        return endsWith(sampleName, "_count") || endsWith(sampleName, "_sum") || endsWith(sampleName, "_bucket");
    case MetricType::Gauge:
        return false;
    }
    return false;
}

} // namespace promdir
