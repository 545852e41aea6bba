#pragma once
// Every series' value per pid over time, for the charts. Owned by the
// watcher's worker thread (not thread-safe); the GUI gets immutable
// SeriesTimeline copies. Memory stays bounded: a point is stored only when a
// value changes, points older than the window are dropped (one is kept as
// the value at the window's start), and each track has a point cap.

#include "promdir/snapshot.h"

#include <atomic>
#include <deque>
#include <map>
#include <unordered_map>

namespace promdir {

class SeriesHistory
{
public:
    SeriesHistory();
    ~SeriesHistory();

    void setWindow(std::chrono::milliseconds window);
    std::chrono::milliseconds window() const { return m_window; }
    void setMaxPointsPerTrack(std::size_t n) { m_maxPoints = n < 2 ? 2 : n; }

    // Records the values of `result` seen at `timeMs`. Files whose parsed
    // result is the same object as last time are skipped: unchanged. When
    // `stop` becomes true it returns at once, the history half updated: for
    // a source being closed, whose history is cleared next.
    void update(const MergeResult &result, std::int64_t timeMs, const std::atomic<bool> *stop = nullptr);

    // The history of one series (empty pids when unknown). `type` and
    // `mode` decide how the merged line is computed.
    SeriesTimeline timeline(const SeriesId &id, MetricType type, GaugeMode mode) const;

    void clear();
    std::size_t trackCount() const { return m_trackCount; }
    std::size_t pointCount() const { return m_pointCount; }

private:
    struct Series;
    struct Track
    {
        // A vector, not a deque: most tracks hold one or two points, and a
        // deque costs half a kilobyte even then.
        std::vector<TimelinePoint> points;
        int refs = 0; // file records that feed it
        Series *series = nullptr; // (values of m_series do not move)
    };
    struct Series
    {
        SeriesId id;
        std::string key;                   // in m_series
        std::map<std::string, Track> pids; // byte order = merge order
        std::vector<const Key *> keys;     // cached in m_byKey
        std::int64_t queuedMs = -1;        // last time put in m_due
    };
    struct KeyRef
    {
        std::shared_ptr<const Key> hold; // keeps the key (and the pointer's identity) valid
        Series *series = nullptr;
    };
    struct FileRecord
    {
        std::shared_ptr<const ParsedFile> file; // held so identity checks are safe
        std::vector<Track *> tracks;
    };

    Track &track(const Entry &entry, const ParsedFile &file);
    FileRecord record(const std::shared_ptr<const ParsedFile> &f, std::int64_t timeMs);
    void endTracksOf(const FileRecord &old, const FileRecord *now, std::int64_t timeMs);
    void append(Track &t, const TimelinePoint &p);
    void trim(std::int64_t nowMs);
    void trimSeries(Series &s, std::int64_t startMs);

    std::chrono::milliseconds m_window{std::chrono::minutes(10)};
    std::size_t m_maxPoints = 4096;
    std::unordered_map<std::string, Series> m_series;
    // Interned keys are shared between files: find their series without
    // building its key string for every entry.
    std::unordered_map<const Key *, KeyRef> m_byKey;
    std::unordered_map<std::string, FileRecord> m_files; // by path
    // The last result's files in its order: when the list is the same but
    // for some files read again, only those are looked up.
    std::vector<std::shared_ptr<const ParsedFile>> m_order;
    // Series that got a point, by when: only they can have points to drop
    // once that time leaves the window (a point goes when the one after it
    // is out; a track ends with its last point), so trimming costs what
    // changed, not every track (633,000 for 1,000 processes).
    std::deque<std::pair<std::int64_t, std::string>> m_due;
    std::size_t m_trackCount = 0;
    std::size_t m_pointCount = 0;
    std::int64_t m_lastTimeMs = 0;
};

// The key of a series as SeriesId::key() computes it, from a file's key.
std::string seriesKey(const Key &key);

} // namespace promdir
