#pragma once
// Compaction: the files of dead processes folded into one file per kind,
// so that a directory under worker recycling stops growing (issue 15,
// docs/compaction.md). The folded files are written in the reference's
// format, named counter_compacted.db, gauge_max_compacted.db, ... (older
// generations: ..._compacted-g2.db), so that every client generation and
// promdir merge them to the same output as before.
//
// Steps, each of which may be the last one before a crash (the next run or
// recoverCompaction() puts the directory back or finishes):
//   1. list the directory with stat() alone (names, sizes, times) and ask
//      whether each pid runs; read only the files of processes dead and
//      unchanged for the grace period, and the earlier compacted files
//      (nothing at all when no process is to be folded: a running
//      process's files are never opened); fold them in memory and write
//      the folded files into the compaction folder (.promdir-compaction/new),
//      synced;
//   2. take the readers' lock exclusively (promdir's readers hold it shared
//      while they list and read), move the chosen files into
//      .promdir-compaction/staged (atomic renames: no reader lists them);
//   3. check again: a pid alive again, a file locked by a writer or changed
//      since it was read is put back and the folded files written anew;
//   4. mark the commit (a file synced), move the folded files in, release
//      the lock; 5. delete the staged files.

#include "promdir/diagnostics/liveness.h"
#include "promdir/format/result.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace promdir {

enum class CompactErrorCode {
    CannotOpenDirectory, // missing, not a directory, or cannot be read
    Busy,                // another compaction holds the directory
    PidsNotVisible,      // the writers' pids cannot be checked from here (see CompactOptions)
    ReadersHold,         // readers kept the directory locked (bounded wait); nothing changed
    WriteFailed,         // a folded file could not be written (disk full, ...); nothing removed
    StagingFailed,       // a file could not be moved; what was moved was put back
    RecoveryFailed,      // an interrupted compaction could not be finished or undone
};
std::string_view nameOf(CompactErrorCode code) noexcept;
inline constexpr ErrorCategory kCompactErrors{"compact", &detail::enumeratorName<CompactErrorCode, nameOf>};
constexpr const ErrorCategory &errorCategory(CompactErrorCode) noexcept
{
    return kCompactErrors;
}

struct CompactOptions
{
    // A dead process's files are folded only when none of them changed for
    // this long.
    std::chrono::seconds grace{600};
    // Only say what would be done.
    bool dryRun = false;
    // Remove gauge_all files of dead processes (their pid label is in the
    // output, so folding them would change it): the output loses those
    // series, as asked.
    bool dropDeadAll = false;
    // Separate: the writers' pids are not this pid namespace's. Refused
    // unless assumeDeadWhenUnchanged. Auto: taken as separate when no pid
    // of the directory runs here but files changed within the grace period.
    PidNamespace pidNamespace = PidNamespace::Auto;
    // Pids cannot be checked: a process counts as dead when none of its
    // files changed for `grace` (the user's explicit choice).
    bool assumeDeadWhenUnchanged = false;
    // Whether a pid runs; empty: localLiveness (tests replace it).
    std::function<Liveness(std::string_view pid)> liveness;
    // Seconds since the epoch that `grace` is measured against; default now.
    std::optional<double> now;
    // How long to wait for readers before giving up (ReadersHold).
    std::chrono::milliseconds lockWait{10000};
    // Called after each step (1-based, see kCompactSteps); tests stop the
    // process there. The environment variable PROMDIR_COMPACT_STOP_AT=N
    // does the same for the command line: the process kills itself
    // (SIGKILL) right after step N.
    std::function<void(int step)> afterStep;
};

// The points at which compaction can be interrupted (afterStep's argument).
inline constexpr int kCompactSteps = 8;

struct CompactFile
{
    enum class Action { Fold, Remove, Keep };
    // The reason as a code, for words in another language (the inspector);
    // `detail` is its one argument where it has one.
    enum class Why {
        Folded,            // detail: the compacted file it goes into
        FoldedAgain,       // an earlier compacted file, folded in again
        Empty,             // removed: it contributes nothing
        Dropped,           // a gauge_all file removed (dropDeadAll)
        Unreadable,        // kept: detail: its first problem
        LiveGauge,         // kept: mark-dead removes it
        AllGauge,          // kept: its pid label is in the output
        MixedKinds,        // kept: detail: the family written in several kinds of file
        LivenessUnknown,   // kept: the pid cannot be checked here
        WithinGrace,       // kept: detail: how long ago it was written
        NothingNew,        // an earlier compacted file with nothing new of its kind
        EarlierUnreadable, // an earlier compacted file not read cleanly: its kind is left alone
        KindUnreadable,    // kept: detail: its kind's earlier compacted file, unreadable
        PutBack,           // kept: put back after staging (its pid runs again, it changed or is locked)
    };
    std::string name;
    std::string pid;
    std::uint64_t bytes = 0;
    Action action = Action::Keep;
    std::string reason; // why kept, or what folding/removing means here (English)
    Why why = Why::Folded;
    std::string detail;
};
std::string_view toString(CompactFile::Action action); // "fold", "remove", "keep"

struct CompactOutput
{
    std::string name;         // counter_compacted.db, ...
    std::uint64_t bytes = 0;
    std::size_t entries = 0;
    std::size_t foldedFiles = 0; // including an earlier compacted file
};

struct CompactReport
{
    bool dryRun = false;
    std::string directory;
    // Every file of a dead process or of an earlier compaction, and every
    // file of a running process only as a count.
    std::vector<CompactFile> files;
    std::vector<CompactOutput> outputs;
    std::vector<std::string> putBack; // pids found alive again (or files changed) after staging
    std::size_t filesBefore = 0, filesAfter = 0; // *.db files of the directory
    std::uint64_t bytesBefore = 0, bytesAfter = 0;
    std::string recovered; // what an interrupted earlier compaction left, and what was done
};

// Folds the dead processes' files of `dir`. Nothing is changed with
// dryRun; on any error nothing is removed and the directory merges as
// before.
Result<CompactReport> compactDirectory(const std::filesystem::path &dir, const CompactOptions &options = {});

// Finishes or undoes an interrupted compaction (what compactDirectory does
// first anyway); the sentence says what was found and done, empty when
// there was nothing to recover.
Result<std::string> recoverCompaction(const std::filesystem::path &dir, const CompactOptions &options = {});

} // namespace promdir
