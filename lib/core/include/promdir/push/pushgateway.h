#pragma once
// What a push to a Prometheus Pushgateway sends, as the Python client's
// push_to_gateway builds it: the group's URL (job and grouping labels in
// the path, values the path cannot carry in the `@base64` form), the body's
// content type, and how long to wait after failed pushes. No networking
// here: `promdir push` and Promdir::Pusher (Qt) send. The credentials file
// is auth/credentials.h, shared with `serve`.
//
//     auto url = pushUrl({"localhost:9091", "backup", {{"path", "/var/db"}}});
//     // http://localhost:9091/metrics/job/backup/path@base64/L3Zhci9kYg==

#include "promdir/format/result.h"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace promdir {

enum class PushErrorCode {
    NoJob,            // the job name is empty
    BadLabelName,     // a grouping label name is not a Prometheus label name
    RepeatedLabel,    // a grouping label given twice, or named "job"
    BadGateway,       // the gateway names no host, or holds user:password@ (never on a command line)
};
std::string_view nameOf(PushErrorCode code) noexcept;
inline constexpr ErrorCategory kPushErrors{"push", &detail::enumeratorName<PushErrorCode, nameOf>};
constexpr const ErrorCategory &errorCategory(PushErrorCode) noexcept
{
    return kPushErrors;
}

// One group on a Pushgateway.
struct PushGroup
{
    std::string gateway; // "host:port" or "http(s)://host:port[/prefix]"
    std::string job;
    std::vector<std::pair<std::string, std::string>> grouping; // label name, value
};

// The group's URL as the Python client (current main) makes it: "http://"
// before a gateway without an http(s) scheme, trailing '/' dropped, then
// /metrics/job/JOB and /NAME/VALUE per grouping label sorted by name. A
// value that is empty becomes NAME@base64/=, one with '/' or ' ' is base64url
// (NAME@base64/...), others are percent-encoded like quote_plus; the job too.
// Refused: an empty job, names that are no label names, a name twice or
// "job", a gateway without host or with credentials in it.
Result<std::string> pushUrl(const PushGroup &group);

// RFC 4648 base64url with padding (Python's base64.urlsafe_b64encode).
std::string base64Url(std::string_view bytes);

// The body's type: the text format 0.0.4, what `promdir render` prints.
inline constexpr std::string_view kPushContentType = "text/plain; version=0.0.4; charset=utf-8";

// How long to wait before the next attempt after `failures` pushes in a row
// failed (failures >= 1): `first`, doubled each time, at most `longest`.
std::chrono::milliseconds pushRetryDelay(int failures, std::chrono::milliseconds first,
                                         std::chrono::milliseconds longest);

} // namespace promdir
