#pragma once
// Every series' value per pid over time, for the charts. Owned by the
// watcher's worker thread (not thread-safe); the GUI gets immutable
// SeriesTimeline copies. Memory stays bounded: a point is stored only when a
// value changes, points older than the window are dropped (one is kept as
// the value at the window's start), and each track has a point cap.

#include "promdir/snapshot.h"

#include <atomic>
#include <memory>

namespace promdir {

class SeriesHistory
{
public:
    SeriesHistory();
    ~SeriesHistory();
    SeriesHistory(const SeriesHistory &) = delete;
    SeriesHistory &operator=(const SeriesHistory &) = delete;

    void setWindow(std::chrono::milliseconds window);
    std::chrono::milliseconds window() const;
    void setMaxPointsPerTrack(std::size_t n);

    // Records the values of `result` seen at `timeMs`. Files whose parsed
    // result is the same object as last time are skipped: unchanged. When
    // `stop` becomes true it returns at once, the history half updated: for
    // a source being closed, whose history is cleared next.
    void update(const MergeResult &result, std::int64_t timeMs, const std::atomic<bool> *stop = nullptr);

    // The history of one series (empty pids when unknown). `type` and
    // `mode` decide how the merged line is computed.
    SeriesTimeline timeline(const SeriesId &id, MetricType type, GaugeMode mode) const;

    void clear();
    std::size_t trackCount() const;
    std::size_t pointCount() const;
    // How many entries found their track by their series and pid, since the
    // last clear(). An entry at the same place with the same key as in the
    // last read of its file takes that read's track without a look-up, so a
    // file read again costs what changed in it (for tests).
    std::uint64_t trackLookups() const;

private:
    // The tracks, series, pids and files (serieshistory.cpp): a track per
    // series and pid, most holding one point.
    struct Data;
    std::unique_ptr<Data> d;
};

// The key of a series as SeriesId::key() computes it, from a file's key.
std::string seriesKey(const Key &key);

} // namespace promdir
