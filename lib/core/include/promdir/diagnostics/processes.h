#pragma once
// One row per process id of a loaded directory or archive (spec section 6):
// its files, whether it still runs, when it last wrote, which of its files
// are stale. `promdir inspect`, `promdir doctor` and the GUI share it.

#include "promdir/format/result.h"
#include "promdir/read/directory.h"

#include <chrono>

namespace promdir {

struct StaleFile
{
    std::string name;
    std::string reason;
};

struct ProcessSummary
{
    std::string pid;
    ProcessInfo info;             // state, start time, command line
    std::string livenessSource;   // "local", "manifest" or "none"
    std::vector<std::string> files; // base names, sorted
    std::uint64_t bytes = 0;
    std::int64_t lastWriteNs = 0; // newest modification time; 0 unknown
    std::vector<StaleFile> stale;
    bool liveGauges = false;      // has gauge_live* files
    bool pidReuseSuspected = false;
    std::string pidReuseReason;
};

struct ProcessOptions
{
    // A file not modified for longer than this is stale.
    std::chrono::seconds staleAfter = std::chrono::hours(24);
    // "Now" in seconds since the epoch; default: the clock for a directory,
    // the manifest's time (else the newest file) for an archive.
    std::optional<double> now;
    // Probe local processes for a directory (kill(pid, 0), /proc).
    bool probeLocal = true;
    // When set, the directory's pids are not this pid namespace's (see
    // PidVisibility): they are not probed, and each row says this instead.
    std::string pidsNotVisible;
};

// Rows sorted by pid (numerically when both are numbers). Files whose names
// are not of the reference's form have no pid and are left out.
std::vector<ProcessSummary> summarizeProcesses(const LoadResult &load, const ProcessOptions &options = {});

enum class RemoveErrorCode {
    CannotOpenDirectory, // the directory could not be opened: nothing was removed
    CannotExamine,       // a live gauge file could not be looked at
    IsAFolder,           // a folder has a live gauge file's name: left alone
    CannotRemove,        // a live gauge file could not be deleted
};
std::string_view nameOf(RemoveErrorCode code) noexcept;
namespace detail {
std::string_view removeErrorCodeName(int value) noexcept;
}
inline constexpr ErrorCategory kRemoveErrors{"remove", &detail::removeErrorCodeName};
constexpr const ErrorCategory &errorCategory(RemoveErrorCode) noexcept
{
    return kRemoveErrors;
}

// What removeLiveGaugeFiles did in a directory it could open: the files it
// deleted, and those it could not (each error names the file; the others
// are still deleted).
struct LiveGaugeRemoval
{
    std::vector<std::string> removed; // base names
    std::vector<Error> failed;        // codes CannotExamine, IsAFolder, CannotRemove
};

// The reference's mark_process_dead(pid, path): deletes the
// gauge_live*_<pid>.db files of `dir` and nothing else. An error when `dir`
// cannot be opened (CannotOpenDirectory).
Result<LiveGaugeRemoval> removeLiveGaugeFiles(std::string_view pid, const std::filesystem::path &dir);

// "3d 4h", "12m", "40s".
std::string formatDuration(double seconds);

} // namespace promdir
