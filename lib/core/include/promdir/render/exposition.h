#pragma once
// What /metrics answers, without the HTTP plumbing: content negotiation as
// the Python client's exposition helpers do it (spec section 10), gzip, the
// promdir_file_errors family and promdir's self-metrics. Beside the
// renderer so that every server (the Qt exporter, a C++ application's own),
// `promdir render` and the inspector negotiate the same way.

#include "promdir/diagnostics/processes.h"
#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"

#include <optional>
#include <string>
#include <string_view>

namespace promdir {

struct Negotiated
{
    Format format = Format::Text;
    NameEscaping escaping = NameEscaping::Underscores;
    std::string version = "0.0.4"; // of the format; OpenMetrics: as asked
    std::string contentType;        // for the Content-Type header

    RenderOptions renderOptions(std::vector<std::string> names = {}) const;
};

// The current client's choose_encoder: the first Accept entry that is
//   application/openmetrics-text without a version gives OpenMetrics 1.0.0,
//     `application/openmetrics-text; version=1.0.0; charset=utf-8`,
//     underscores;
//   application/openmetrics-text with version >= 1.0.0 gives OpenMetrics
//     with the escaping asked for (underscores when none or unknown) and
//     `application/openmetrics-text; version=<as asked>; charset=utf-8;
//     escaping=<scheme>`;
//   text/plain with version >= 1.0.0 gives text under
//     `text/plain; version=1.0.0; charset=utf-8; escaping=<scheme>`;
// otherwise text 0.0.4, underscores. Versions compare as the client's
// parse_version tuples; q-values are ignored, as the client ignores them.
// One divergence: a version the client cannot compare (TypeError, e.g.
// `1.0.0abc`) skips the entry here (docs/compatibility.md).
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

inline constexpr std::string_view kSelfMetricsPrefix = "promdir_";

// promdir's own view of the directory, so that Prometheus can alert on it
// (installers/prometheus/promdir-alerts.yml): one gauge family each, in this
// order, all named promdir_*:
//   promdir_files                         *.db files
//   promdir_files_size_bytes              their total size
//   promdir_processes{state}              pids with files: alive, dead (or pid reused), unknown
//   promdir_stale_files                   files whose process is gone, or not written for 24 h
//   promdir_last_merge_duration_seconds   listing, reading and merging, last refresh
//   promdir_last_merge_files_read         files read again by the last refresh (others kept)
// Problems by kind are promdir_file_errors (fileErrorsFamily).
std::vector<MetricFamily> selfMetricsFamilies(const MergeResult &result, const ProcessReport &processes);

// Whether a scrape carries the self-metrics. Off by default: the output is
// then the client's, byte for byte.
enum class SelfMetrics { Off, On };

// The whole /metrics body: the merged families, then promdir_file_errors
// when there are problems, then the self-metrics when asked for (pids
// probed now), honouring options.names for all.
std::string renderScrape(const MergeResult &result, const RenderOptions &options,
                         SelfMetrics selfMetrics = SelfMetrics::Off);

// A scrape with self-metrics in two parts, so that a server can keep the
// part that changes only with the files: the head (the body without
// self-metrics, renderScrape(..., Off), less OpenMetrics' final "# EOF\n")
// and the tail (the self-metrics, rendered from this merge with pids
// probed now, and "# EOF\n" for OpenMetrics). renderScrape(result,
// options, SelfMetrics::On) is scrapeHead(renderScrape(result, options),
// options.format) + renderSelfMetrics(result, options).
std::string scrapeHead(std::string body, Format format);
std::string renderSelfMetrics(const MergeResult &result, const RenderOptions &options);

// gzip of a head compressed once and tails that change: the head deflated
// and ended with a sync flush, so that a tail deflated later continues the
// same deflate stream. gzipWithTail(gzipHead(h), t) is one gzip member
// that decompresses to h + t, as gzipCompress(h + t) does, compressing
// only t.
struct GzipHead
{
    std::string deflated;    // raw deflate blocks, none of them final
    std::uint32_t crc = 0;   // CRC-32 of the head's bytes
    std::uint64_t bytes = 0; // the head's length
};
GzipHead gzipHead(std::string_view head);
std::string gzipWithTail(const GzipHead &head, std::string_view tail);

} // namespace promdir
