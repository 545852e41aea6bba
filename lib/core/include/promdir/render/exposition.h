#pragma once
// What /metrics answers, without the HTTP plumbing: content negotiation as
// the Python client's exposition helpers do it (spec section 10), gzip, and
// the promdir_file_errors family. Beside the renderer so that every server
// (the Qt exporter, a C++ application's own) negotiates the same way.

#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"

#include <optional>
#include <string>
#include <string_view>

namespace promdir {

struct Negotiated
{
    Format format = Format::Text;
    std::string contentType; // for the Content-Type header
};

// The reference's choose_encoder: the first Accept entry that is
// application/openmetrics-text (no version, or version >= 1.0.0) gives
// OpenMetrics 1.0.0; a text/plain entry with version >= 1.0.0 gives the
// text format under `text/plain; version=1.0.0; charset=utf-8`; otherwise
// text 0.0.4. q-values are ignored, as the reference ignores them.
Negotiated negotiate(std::string_view accept);

// The reference's gzip_accepted: some Accept-Encoding entry is `gzip`.
bool acceptsGzip(std::string_view acceptEncoding);

// A gzip member (RFC 1952) of `data`.
std::string gzipCompress(std::string_view data);

// Problems of the last load, as a gauge family appended to the scrape:
//
//   # HELP promdir_file_errors Files promdir could not read completely, by kind of problem; everything readable is served.
//   # TYPE promdir_file_errors gauge
//   promdir_file_errors{kind="truncated"} 1.0
//
// One sample per kind of problem found (kind = the ProblemKind name, e.g.
// bad_json, foreign_file, truncated), sorted by kind; the value is the
// number of distinct files with at least one problem of that kind. Absent
// (nullopt) when there is no problem, so a clean directory is served byte
// for byte as the Python client serves it.
std::optional<MetricFamily> fileErrorsFamily(const LoadResult &load);

inline constexpr std::string_view kFileErrorsName = "promdir_file_errors";

// The whole /metrics body: the merged families, then promdir_file_errors
// when there are problems, honouring options.names for both.
std::string renderScrape(const MergeResult &result, const RenderOptions &options);

} // namespace promdir
