#pragma once
// Is the process behind a pid still running? (spec section 6)
//
// Only meaningful for a directory on this machine and in this pid
// namespace: a directory shared with a container sees other pids. For an
// archive, liveness comes from its manifest (promdir pack) or is unknown.

#include <optional>
#include <string>
#include <string_view>

namespace promdir {

enum class Liveness { Unknown, Alive, Dead };

// Whether the processes writing a directory share this pid namespace, so
// that kill(pid, 0) tells whether they still run. Auto: trust it until a
// file of a process believed gone is seen changing (a worker in another
// container or pid namespace), then stop trusting it for that directory.
enum class PidNamespace { Auto, Shared, Separate };

std::string_view toString(PidNamespace ns); // "auto", "shared", "separate"
std::optional<PidNamespace> pidNamespaceFromString(std::string_view s);
// What is said of a directory's processes when PidNamespace::Separate is set.
inline constexpr std::string_view kPidsSetSeparate =
    "pids here are not visible from this pid namespace (set to separate)";

std::string_view toString(Liveness state); // "unknown", "alive", "dead"
std::optional<Liveness> livenessFromString(std::string_view s);

struct ProcessInfo
{
    std::string pid;
    Liveness state = Liveness::Unknown;
    // Seconds since the epoch when the process started (Linux /proc), to
    // tell a reused pid from the process that wrote the files.
    std::optional<double> startTime;
    std::string cmdline; // arguments joined by spaces; empty when unknown
    std::string note;    // why unknown, "zombie", "no permission to signal", ...
};

// The decimal pid of the current OS, or nullopt for a name like "archive".
std::optional<long> numericPid(std::string_view pid);

// kill(pid, 0), then /proc/<pid>/stat for the start time and state and
// /proc/<pid>/cmdline. A zombie counts as dead: it will never write again.
// A non-numeric pid is Unknown.
ProcessInfo probeLocalProcess(std::string_view pid);

// Only the state probeLocalProcess gives (kill(pid, 0), then the state in
// /proc/<pid>/stat when it runs), without start time and command line: for
// asking about the thousands of pids of a big directory (compaction).
Liveness localLiveness(std::string_view pid);

// Boot time in seconds since the epoch (/proc/stat btime), when known.
std::optional<double> bootTime();

} // namespace promdir
