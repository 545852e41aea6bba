#pragma once
// One immutable picture of a metrics directory, made by the watcher's worker
// thread and handed to the GUI as shared_ptr<const Snapshot>: the GUI never
// reads files, and models reset from a snapshot in one go.

#include "promdir/diagnostics/liveness.h"
#include "promdir/diagnostics/processes.h"
#include "promdir/format/filename.h"
#include "promdir/engine/mergeengine.h"

#include <QMetaType>
#include <QString>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace promdir {

// One pid of a snapshot: what the system says about it (spec section 6;
// Unknown for an archive without a manifest or a pid that is not a number)
// and what its files hold.
struct ProcessStatus
{
    std::string pid;
    Liveness liveness = Liveness::Unknown;
    // A running process has this pid but started after the files were last
    // written: the pid was reused, the writer is dead.
    bool pidReused = false;
    std::int64_t startTimeMs = 0; // ms since the epoch; 0 when unknown
    int files = 0;
    std::int64_t lastWriteMs = 0; // newest file modification; 0 when unknown
    int staleFiles = 0;
    int series = 0; // entries across its files
    std::string cmdline; // when known
    std::string note;    // why unknown, "zombie", ...
    // The compacted contributions of dead processes (`promdir compact`):
    // no process, never alive, never stale.
    bool compacted = false;

    bool operator==(const ProcessStatus &) const = default;
};

// One series as the files store it: the key's metric, sample and labels
// (for gauges without the pid label the merge adds).
struct SeriesId
{
    std::string metric;
    std::string sample;
    Labels labels;

    bool isValid() const { return !sample.empty(); }
    bool operator==(const SeriesId &) const = default;
    // A compact, unambiguous identity usable as a map key.
    std::string key() const;
};

struct TimelinePoint
{
    std::int64_t timeMs = 0;  // when the worker saw it (ms since the epoch)
    double value = 0.0;
    double timestamp = 0.0;   // the entry's own timestamp (generation 4)
    bool present = true;      // false: the pid stopped having this series
};

struct PidTimeline
{
    std::string pid;
    std::vector<TimelinePoint> points; // ascending time, only changes
};

// The history of one series: every pid's value over time and what the
// merge exported from them.
struct SeriesTimeline
{
    SeriesId series;
    MetricType type = MetricType::Counter;
    GaugeMode mode = GaugeMode::None;
    std::vector<PidTimeline> pids;       // in merge order (file name order)
    std::vector<TimelinePoint> merged;   // empty for gauge all/liveall
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
};

struct Snapshot
{
    std::uint64_t sequence = 0;          // 1, 2, ... per opened source
    QString path;
    bool local = true;                   // a directory here: liveness is known
    std::int64_t timeMs = 0;             // when it was taken
    // What staleness is measured against: timeMs for a directory, the
    // newest file's modification time for an archive.
    std::int64_t referenceMs = 0;
    std::shared_ptr<const MergeResult> result;
    std::vector<ProcessStatus> processes;  // sorted: numeric pids first, by value
    std::vector<unsigned> fileStale;     // StaleFlag bits (processes.h), parallel to result->load.files
    std::chrono::microseconds cost{0};   // the whole refresh in the worker
    std::shared_ptr<const SeriesTimeline> timeline; // of the focused series, if any
    std::size_t historyPoints = 0;       // memory the history holds, in points
    // Equal for snapshots whose contents are equal (the same parsed files,
    // problems, processes and staleness: only the time, the cost and the
    // engine's figures differ), different otherwise, whatever the source:
    // views skip a snapshot that shows nothing new. 0: not known.
    std::uint64_t contentsId = 0;

    // What the status bar shows of every snapshot, counted once by
    // describeProcesses() on the worker thread instead of over 70,000 files
    // on the GUI thread per snapshot; -1: not counted (counted per call).
    struct Counts
    {
        std::int64_t problems = -1;
        std::int64_t dead = -1;
        std::int64_t staleFiles = -1;
    } counts;

    const ProcessStatus *process(std::string_view pid) const;
    std::size_t fileCount() const;
    std::size_t problemCount() const;
    std::size_t deadCount() const;
    std::size_t staleFileCount() const;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;
using TimelinePtr = std::shared_ptr<const SeriesTimeline>;

// Whether `a` and `b` show the same: the same parsed files (by identity),
// problems, processes and staleness.
bool sameContents(const Snapshot &a, const Snapshot &b);

// Fills processes and fileStale of `s` from s.result by the core's rule
// (reportProcesses, spec section 6): liveness asked of the system when
// s.local, staleness against s.timeMs (an archive: its newest file).
// staleAfter <= 0 disables the "not modified" rule.
void describeProcesses(Snapshot &s, std::chrono::milliseconds staleAfter);

} // namespace promdir

Q_DECLARE_METATYPE(promdir::SnapshotPtr)
Q_DECLARE_METATYPE(promdir::TimelinePtr)
