#pragma once
// Prometheus text 0.0.4 and OpenMetrics 1.0.0, byte for byte as the current
// Python client's generate_latest (spec sections 8-9).

#include "promdir/merge/merge.h"

namespace promdir {

enum class Format { Text, OpenMetrics };

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

struct RenderOptions
{
    Format format = Format::Text;
    // Sample names to keep (the HTTP name[] parameter); empty keeps all.
    std::vector<std::string> names;
};

std::string render(std::span<const MetricFamily> families, const RenderOptions &options = {});

// One sample a line: family, type, sample name, sorted labels, Python repr
// of the value (the fixtures' expected-noacc.txt format).
std::string renderSampleTable(std::span<const MetricFamily> families);

} // namespace promdir
