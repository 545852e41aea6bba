#include "promdir/format/types.h"

#include <array>

namespace promdir {

namespace {
constexpr std::array<std::pair<GaugeMode, std::string_view>, 10> kModes{{
    {GaugeMode::All, "all"},
    {GaugeMode::LiveAll, "liveall"},
    {GaugeMode::Min, "min"},
    {GaugeMode::LiveMin, "livemin"},
    {GaugeMode::Max, "max"},
    {GaugeMode::LiveMax, "livemax"},
    {GaugeMode::Sum, "sum"},
    {GaugeMode::LiveSum, "livesum"},
    {GaugeMode::MostRecent, "mostrecent"},
    {GaugeMode::LiveMostRecent, "livemostrecent"},
}};
} // namespace

std::string_view toString(MetricType type)
{
    switch (type) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
    case MetricType::Summary: return "summary";
    }
    return "unknown";
}

std::string_view toString(GaugeMode mode)
{
    for (const auto &[m, name] : kModes)
        if (m == mode)
            return name;
    return {};
}

std::optional<MetricType> metricTypeFromString(std::string_view s)
{
    if (s == "counter") return MetricType::Counter;
    if (s == "gauge") return MetricType::Gauge;
    if (s == "histogram") return MetricType::Histogram;
    if (s == "summary") return MetricType::Summary;
    return std::nullopt;
}

std::optional<GaugeMode> gaugeModeFromString(std::string_view s)
{
    for (const auto &[m, name] : kModes)
        if (name == s)
            return m;
    return std::nullopt;
}

bool isLiveMode(GaugeMode mode)
{
    return toString(mode).starts_with("live");
}

const std::vector<GaugeMode> &allGaugeModes()
{
    static const std::vector<GaugeMode> modes = [] {
        std::vector<GaugeMode> v;
        for (const auto &[m, name] : kModes)
            v.push_back(m);
        return v;
    }();
    return modes;
}

std::string_view toString(ProblemKind kind)
{
    switch (kind) {
    case ProblemKind::Unreadable: return "unreadable";
    case ProblemKind::Vanished: return "vanished";
    case ProblemKind::Empty: return "empty";
    case ProblemKind::BadHeader: return "bad_header";
    case ProblemKind::Truncated: return "truncated";
    case ProblemKind::BadKeyLength: return "bad_key_length";
    case ProblemKind::BadUtf8: return "bad_utf8";
    case ProblemKind::BadJson: return "bad_json";
    case ProblemKind::BadKeyShape: return "bad_key_shape";
    case ProblemKind::MixedGeneration: return "mixed_generation";
    case ProblemKind::ForeignFile: return "foreign_file";
    case ProblemKind::Unstable: return "unstable";
    }
    return "unknown";
}

std::string Problem::describe() const
{
    return file + ": offset " + std::to_string(offset) + ": " + message;
}

} // namespace promdir
