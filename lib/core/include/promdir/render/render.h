#pragma once
// Prometheus text 0.0.4 / 1.0.0 and OpenMetrics 1.0.0, byte for byte as the
// current Python client's generate_latest (spec sections 8-9), with each of
// its name escaping schemes.

#include "promdir/merge/merge.h"

#include <optional>

namespace promdir {

enum class Format { Text, OpenMetrics };

// How metric and label names outside the legacy character set
// ([a-zA-Z_:][a-zA-Z0-9_:]*) are written: the client's escaping schemes,
// asked for by a scraper with `escaping=` in Accept (exposition.h).
//   AllowUtf8    names as they are, quoted when not legacy: {"my.gauge","lbl.x"="y"}
//   Underscores  every character outside the set becomes '_': my_gauge{lbl_x="y"}
//   Dots         '.' becomes _dot_, '_' becomes __, others '_' (always applied)
//   Values       U__ and each character outside the set as _<hex>_, '_' as __
enum class NameEscaping { AllowUtf8, Underscores, Dots, Values };

// The scheme's name in headers: "allow-utf-8", "underscores", "dots", "values".
std::string_view toString(NameEscaping escaping);
std::optional<NameEscaping> nameEscapingFromString(std::string_view name);

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

struct RenderOptions
{
    Format format = Format::Text;
    // Sample names to keep (the HTTP name[] parameter); empty keeps all.
    std::vector<std::string> names;
    // Underscores is what the client answers to a scraper that asks for no
    // scheme (and to text 0.0.4).
    NameEscaping escaping = NameEscaping::Underscores;
};

std::string render(std::span<const MetricFamily> families, const RenderOptions &options = {});

// One sample a line: family, type, sample name, sorted labels, Python repr
// of the value (the fixtures' expected-noacc.txt format).
std::string renderSampleTable(std::span<const MetricFamily> families);

} // namespace promdir
