#pragma once
// One row per process id of a loaded directory or archive (spec section 6):
// its files, whether it still runs, when it last wrote, which of its files
// are stale. `promdir inspect`, `promdir doctor` and the GUI share it.

#include "promdir/format/result.h"
#include "promdir/read/directory.h"

#include <chrono>

namespace promdir {

// Why a file counts as stale (bit flags, spec section 6).
enum StaleFlag : unsigned {
    NotStale = 0,
    StaleDeadLiveGauge = 1, // gauge_live* of a dead pid: mark_process_dead was never called
    StaleDeadGauge = 2,     // gauge_all/min/max/sum/mostrecent of a dead pid: kept forever
    StaleNotModified = 4,   // not written for longer than the threshold
};

struct StaleFile
{
    std::string name;
    std::string reason;
};

struct ProcessSummary
{
    std::string pid;
    ProcessInfo info;             // state, start time, command line; note says why unknown
    std::string livenessSource;   // "local", "manifest" or "none"
    std::vector<std::string> files; // base names, sorted (when ProcessOptions::describeFiles)
    std::size_t fileCount = 0;
    std::size_t series = 0;       // entries across its files
    std::uint64_t bytes = 0;
    std::int64_t lastWriteNs = 0; // newest modification time; 0 unknown
    std::vector<StaleFile> stale; // when ProcessOptions::describeFiles
    std::size_t staleCount = 0;
    bool liveGauges = false;      // has gauge_live* files
    bool pidReuseSuspected = false;
    std::string pidReuseReason;
    // The compacted contributions of dead processes (`promdir compact`):
    // no process, never alive, never stale; livenessSource "compacted".
    bool compacted = false;

    // The process that wrote the files is gone: it is dead, or a later
    // process runs under its pid.
    bool writerGone() const { return info.state == Liveness::Dead || pidReuseSuspected; }
};

// Files last written this long before the running process with their pid
// started were written by an earlier process with that pid. The slack
// covers start times known to a clock tick after a boot time known to the
// second.
inline constexpr double kPidReuseSlackSeconds = 2.0;

struct ProcessOptions
{
    // A file not modified for longer than this is stale; zero or less: never.
    std::chrono::milliseconds staleAfter = std::chrono::hours(24);
    // "Now" in seconds since the epoch, what staleness is measured against;
    // default: the clock for a directory, the newest file's modification
    // time for an archive (packed an hour ago, its files are not an hour
    // stale), else the manifest's time.
    std::optional<double> now;
    // Probe local processes for a directory (kill(pid, 0), /proc).
    bool probeLocal = true;
    // When set, the directory's pids are not this pid namespace's (see
    // PidVisibility): they are not probed, and each row says this instead.
    std::string pidsNotVisible;
    // Names of files and stale reasons per process; false leaves `files`
    // and `stale` empty (counts and flags only), for a refresh loop.
    bool describeFiles = true;
};

struct ProcessReport
{
    std::vector<ProcessSummary> processes; // sorted by pidLess
    std::vector<unsigned> fileStale;       // StaleFlag bits, parallel to load.files
    double referenceTime = 0;              // what staleness was measured against (0: unknown)
};

// Each pid of a loaded directory or archive, and which files are stale.
// Files whose names are not of the reference's form have no pid and are
// left out. The one rule for `promdir inspect`, `doctor` and the inspector.
ProcessReport reportProcesses(const LoadResult &load, const ProcessOptions &options = {});

// reportProcesses(load, options).processes.
std::vector<ProcessSummary> summarizeProcesses(const LoadResult &load, const ProcessOptions &options = {});

enum class RemoveErrorCode {
    CannotOpenDirectory, // the directory could not be opened: nothing was removed
    CannotExamine,       // a live gauge file could not be looked at
    IsAFolder,           // a folder has a live gauge file's name: left alone
    CannotRemove,        // a live gauge file could not be deleted
};
std::string_view nameOf(RemoveErrorCode code) noexcept;
inline constexpr ErrorCategory kRemoveErrors{"remove", &detail::enumeratorName<RemoveErrorCode, nameOf>};
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
