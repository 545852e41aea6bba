#include "promdir/serieshistory.h"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <set>
#include <unordered_map>

namespace promdir {

namespace {
bool sameDouble(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

using Index = std::uint32_t;
constexpr Index kNone = std::numeric_limits<Index>::max();

// One pid's tracks by series number: open addressing, linear probing. The
// tracks of a directory's first load are found or made one entry after the
// other, millions of them; a pid's table (a few hundred series) stays in
// the cache while its files are read, where one table of every (series,
// pid) would miss it at each entry, and a tree per series keyed by pid
// strings compared its way down for each.
class TrackTable
{
public:
    Index find(Index series) const
    {
        if (m_slots.empty())
            return kNone;
        for (std::size_t i = home(series);; i = next(i)) {
            if (m_slots[i].series == series)
                return m_slots[i].track;
            if (m_slots[i].series == kNone)
                return kNone;
        }
    }
    // `series` is not in the table.
    void insert(Index series, Index track)
    {
        if ((m_count + 1) * 4 > m_slots.size() * 3)
            resize(std::max<std::size_t>(8, m_slots.size() * 2));
        std::size_t i = home(series);
        while (m_slots[i].series != kNone)
            i = next(i);
        m_slots[i] = {series, track};
        ++m_count;
    }
    void erase(Index series)
    {
        if (m_slots.empty())
            return;
        std::size_t hole = home(series);
        while (m_slots[hole].series != series) {
            if (m_slots[hole].series == kNone)
                return;
            hole = next(hole);
        }
        // Later slots of the run move back into the hole unless their home
        // lies after it: every slot stays reachable from its home without
        // tombstones.
        for (std::size_t j = next(hole); m_slots[j].series != kNone; j = next(j)) {
            const std::size_t k = home(m_slots[j].series);
            const bool homeAfterHole = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
            if (!homeAfterHole) {
                m_slots[hole] = m_slots[j];
                hole = j;
            }
        }
        m_slots[hole] = {};
        --m_count;
        if (m_slots.size() > 8 && m_count * 8 < m_slots.size())
            resize(m_slots.size() / 2);
    }
    std::size_t size() const { return m_count; }

private:
    struct Slot
    {
        Index series = kNone;
        Index track = kNone;
    };
    std::size_t next(std::size_t i) const { return (i + 1) & (m_slots.size() - 1); }
    // Series numbers are given in order: spread them (Fibonacci hashing).
    std::size_t home(Index series) const
    {
        return std::size_t((std::uint64_t(series) * 0x9E3779B97F4A7C15ull) >> m_shift);
    }
    void resize(std::size_t capacity)
    {
        std::vector<Slot> old = std::exchange(m_slots, std::vector<Slot>(capacity));
        m_shift = 64 - std::countr_zero(capacity);
        for (const Slot &s : old) {
            if (s.series == kNone)
                continue;
            std::size_t i = home(s.series);
            while (m_slots[i].series != kNone)
                i = next(i);
            m_slots[i] = s;
        }
    }

    std::vector<Slot> m_slots; // a power of two in size
    int m_shift = 64;
    std::size_t m_count = 0;
};
} // namespace

struct SeriesHistory::Data
{
    struct Series;
    struct Track
    {
        // Most tracks hold one point: kept inside, no allocation per track.
        boost::container::small_vector<TimelinePoint, 1> points;
        Series *series = nullptr; // (values of `series` do not move); null: a free slot
        Index pid = kNone;
        int refs = 0; // file entries that feed it
    };
    struct Series
    {
        SeriesId id;
        std::string key;               // in `series`
        std::vector<const Key *> keys; // in `byKey`
        std::vector<Index> tracks;     // one per pid
        Index number = kNone;          // in the pids' tables
        std::int64_t queuedMs = -1;    // last time put in `due`
    };
    struct Pid
    {
        std::string name;
        TrackTable tracks;
    };
    struct KeyRef
    {
        std::shared_ptr<const Key> hold; // keeps the key (and the pointer's identity) valid
        Series *series = nullptr;
    };
    struct FileRecord
    {
        std::shared_ptr<const ParsedFile> file; // held so identity checks are safe
        std::vector<Index> tracks;              // by entry; kNone for an entry without a key
    };

    std::chrono::milliseconds window{std::chrono::minutes(10)};
    std::size_t maxPoints = 4096;
    std::unordered_map<std::string, Series> series;
    std::vector<Index> freeNumbers;
    Index nextNumber = 0;
    // Interned keys are shared between files: find their series without
    // building its key string for every entry.
    std::unordered_map<const Key *, KeyRef> byKey;
    std::deque<Track> tracks; // by index; a deque, so a track does not move
    std::vector<Index> freeTracks;
    std::vector<Pid> pids; // by index, given while a pid has tracks
    std::vector<Index> freePids;
    std::unordered_map<std::string, Index> pidIndex;
    // The last result's files, in its order (by name), and what each
    // feeds: a new list is matched with it by one walk, the files that are
    // the same objects as before without looking at them.
    std::vector<std::shared_ptr<const ParsedFile>> order;
    std::vector<FileRecord> records;
    // Series that got a point, by when: only they can have points to drop
    // once that time leaves the window (a point goes when the one after it
    // is out; a track ends with its last point), so trimming costs what
    // changed, not every track (633,000 for 1,000 processes).
    std::deque<std::pair<std::int64_t, std::string>> due;
    std::size_t trackCount = 0;
    std::size_t pointCount = 0;
    std::int64_t lastTimeMs = 0;
    std::uint64_t lookups = 0;

    Index pidOf(const std::string &name)
    {
        const auto it = pidIndex.find(name);
        if (it != pidIndex.end())
            return it->second;
        Index p;
        if (!freePids.empty()) {
            p = freePids.back();
            freePids.pop_back();
        } else {
            p = Index(pids.size());
            pids.emplace_back();
        }
        pids[p].name = name;
        pidIndex.emplace(name, p);
        return p;
    }

    Index track(const Entry &entry, const ParsedFile &file, Index pid)
    {
        ++lookups;
        auto kit = byKey.find(entry.key);
        if (kit == byKey.end()) {
            auto [it, inserted] = series.try_emplace(seriesKey(*entry.key));
            Series &s = it->second;
            if (inserted) {
                s.id = SeriesId{entry.key->metric, entry.key->sample, entry.key->labels};
                s.key = it->first;
                if (!freeNumbers.empty()) {
                    s.number = freeNumbers.back();
                    freeNumbers.pop_back();
                } else {
                    s.number = nextNumber++;
                }
            }
            s.keys.push_back(entry.key);
            kit = byKey.emplace(entry.key, KeyRef{file.keepKey(entry), &s}).first;
        }
        Series &s = *kit->second.series;
        TrackTable &table = pids[pid].tracks;
        Index t = table.find(s.number);
        if (t != kNone)
            return t;
        if (!freeTracks.empty()) {
            t = freeTracks.back();
            freeTracks.pop_back();
        } else {
            t = Index(tracks.size());
            tracks.emplace_back();
        }
        tracks[t].series = &s;
        tracks[t].pid = pid;
        table.insert(s.number, t);
        s.tracks.push_back(t);
        ++trackCount;
        return t;
    }

    void append(Track &t, const TimelinePoint &p)
    {
        if (!t.points.empty()) {
            const auto &last = t.points.back();
            if (!p.present && !last.present)
                return;
            if (p.present && last.present && sameDouble(last.value, p.value)
                && sameDouble(last.timestamp, p.timestamp))
                return;
        } else if (!p.present) {
            return;
        }
        t.points.push_back(p);
        ++pointCount;
        if (t.series->queuedMs != p.timeMs) {
            t.series->queuedMs = p.timeMs;
            due.emplace_back(p.timeMs, t.series->key);
        }
        if (t.points.size() > maxPoints) {
            // Drop a batch at once so erasing from the front stays cheap.
            const std::size_t drop = std::max<std::size_t>(1, maxPoints / 4);
            t.points.erase(t.points.begin(), t.points.begin() + std::ptrdiff_t(drop));
            pointCount -= drop;
        }
    }

    // The tracks of `f`'s entries, each given a point. An entry at the same
    // place with the same key as in `old` (the last read of the same file)
    // feeds the same track: no look-up.
    FileRecord record(const std::shared_ptr<const ParsedFile> &f, std::int64_t timeMs, const FileRecord *old)
    {
        FileRecord rec;
        rec.file = f;
        const std::vector<Entry> &entries = f->entries;
        rec.tracks.assign(entries.size(), kNone);
        const std::vector<Entry> *before = old ? &old->file->entries : nullptr;
        Index pid = kNone;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const Entry &e = entries[i];
            if (!e.key)
                continue;
            Index t = before && i < before->size() && (*before)[i].key == e.key ? old->tracks[i] : kNone;
            if (t == kNone) {
                if (pid == kNone)
                    pid = pidOf(f->fileName.pid);
                t = track(e, *f, pid);
            }
            Track &tr = tracks[t];
            append(tr, {timeMs, e.value, e.timestamp, true});
            ++tr.refs;
            rec.tracks[i] = t;
        }
        return rec;
    }

    // Series the old version of a file had and no file (the new version
    // included: its entries were counted first) still feeds end.
    void endTracksOf(const FileRecord &old, std::int64_t timeMs)
    {
        for (const Index t : old.tracks) {
            if (t != kNone && --tracks[t].refs == 0)
                append(tracks[t], {timeMs, 0.0, 0.0, false});
        }
    }

    void trim(std::int64_t nowMs)
    {
        const std::int64_t start = nowMs - window.count();
        while (!due.empty() && due.front().first <= start) {
            const std::string key = std::move(due.front().second);
            due.pop_front();
            auto sit = series.find(key);
            if (sit == series.end())
                continue; // gone already
            trimSeries(sit->second, start);
            if (sit->second.tracks.empty()) {
                for (const Key *k : sit->second.keys)
                    byKey.erase(k);
                freeNumbers.push_back(sit->second.number);
                series.erase(sit);
            }
        }
    }

    void trimSeries(Series &s, std::int64_t start)
    {
        std::size_t kept = 0;
        for (const Index t : s.tracks) {
            Track &tr = tracks[t];
            auto &pts = tr.points;
            // Keep one point before the window: the value at its start.
            std::size_t old = 0;
            while (old + 1 < pts.size() && pts[old + 1].timeMs <= start)
                ++old;
            if (old > 0) {
                pts.erase(pts.begin(), pts.begin() + std::ptrdiff_t(old));
                pointCount -= old;
            }
            const bool ended = pts.empty() || (!pts.back().present && pts.back().timeMs <= start);
            if (tr.refs == 0 && ended) {
                pointCount -= pts.size();
                --trackCount;
                forget(t, s.number);
            } else {
                s.tracks[kept++] = t;
            }
        }
        s.tracks.resize(kept);
    }

    // Frees track `t` of the series numbered `number`, and its pid when it
    // was the pid's last.
    void forget(Index t, Index number)
    {
        const Index pid = tracks[t].pid;
        std::destroy_at(&tracks[t]);
        std::construct_at(&tracks[t]);
        freeTracks.push_back(t);
        Pid &p = pids[pid];
        p.tracks.erase(number);
        if (p.tracks.size() == 0) {
            pidIndex.erase(p.name);
            p = Pid{};
            freePids.push_back(pid);
        }
    }
};

std::string seriesKey(const Key &key)
{
    SeriesId id{key.metric, key.sample, key.labels};
    return id.key();
}

SeriesHistory::SeriesHistory()
    : d(std::make_unique<Data>())
{
}

SeriesHistory::~SeriesHistory() = default;

void SeriesHistory::setWindow(std::chrono::milliseconds window)
{
    d->window = std::max(window, std::chrono::milliseconds(1000));
    if (d->lastTimeMs)
        d->trim(d->lastTimeMs);
}

std::chrono::milliseconds SeriesHistory::window() const
{
    return d->window;
}

void SeriesHistory::setMaxPointsPerTrack(std::size_t n)
{
    d->maxPoints = n < 2 ? 2 : n;
}

std::size_t SeriesHistory::trackCount() const
{
    return d->trackCount;
}

std::size_t SeriesHistory::pointCount() const
{
    return d->pointCount;
}

std::uint64_t SeriesHistory::trackLookups() const
{
    return d->lookups;
}

void SeriesHistory::clear()
{
    auto fresh = std::make_unique<Data>();
    fresh->window = d->window;
    fresh->maxPoints = d->maxPoints;
    d = std::move(fresh);
}

void SeriesHistory::update(const MergeResult &result, std::int64_t timeMs, const std::atomic<bool> *stop)
{
    auto stopped = [stop] { return stop && stop->load(std::memory_order_relaxed); };
    Data &h = *d;
    h.lastTimeMs = timeMs;
    const auto &files = result.load.files;

    // Each file of the new list: the same object as before (kept), a file
    // of the same name read again (recorded, then the old read's tracks
    // ended), or new. Both lists are in name order; were they not, a file
    // would only be taken for gone and new, which ends and records the
    // same (gone files end last, after every new read counted its tracks).
    struct Read
    {
        std::size_t at;                       // in `files`
        Data::FileRecord *old;                // the last read of that name, or null
    };
    std::vector<Read> reads;
    std::vector<Data::FileRecord *> gone;
    std::vector<Data::FileRecord> next(files.size());
    std::size_t i = 0;
    for (std::size_t j = 0; j < files.size();) {
        if (i < h.order.size() && files[j] == h.order[i]) {
            next[j++] = std::move(h.records[i++]);
            continue;
        }
        const int c = i == h.order.size() ? -1 : files[j]->name.compare(h.order[i]->name);
        if (c < 0) {
            reads.push_back({j++, nullptr});
        } else if (c == 0) {
            reads.push_back({j++, &h.records[i++]});
        } else {
            gone.push_back(&h.records[i++]);
        }
    }
    for (; i < h.order.size(); ++i)
        gone.push_back(&h.records[i]);

    // A pid's files one after the other: its table of tracks stays in the
    // cache. In name order the pid changes at every file, and finding each
    // entry's track then missed the cache: most of a first load's time.
    std::stable_sort(reads.begin(), reads.end(), [&files](const Read &a, const Read &b) {
        return files[a.at]->fileName.pid < files[b.at]->fileName.pid;
    });
    bool stoppedHalfway = false;
    for (const Read &r : reads) {
        const auto &f = files[r.at];
        if (!stoppedHalfway && stopped())
            stoppedHalfway = true;
        if (stoppedHalfway) {
            // A source being closed: what is not recorded keeps its last
            // read (or nothing), so every track keeps its count.
            next[r.at] = r.old ? std::move(*r.old) : Data::FileRecord{f, {}};
            continue;
        }
        next[r.at] = f->fileName.valid ? h.record(f, timeMs, r.old) : Data::FileRecord{f, {}};
        if (r.old)
            h.endTracksOf(*r.old, timeMs);
    }
    // Files that are gone: their series end now.
    for (const Data::FileRecord *g : gone)
        h.endTracksOf(*g, timeMs);
    h.records = std::move(next);
    h.order = files;
    if (!stoppedHalfway)
        h.trim(timeMs);
}

SeriesTimeline SeriesHistory::timeline(const SeriesId &id, MetricType type, GaugeMode mode) const
{
    SeriesTimeline tl;
    tl.series = id;
    tl.type = type;
    tl.mode = mode;
    tl.toMs = d->lastTimeMs;
    tl.fromMs = d->lastTimeMs - d->window.count();
    auto it = d->series.find(id.key());
    if (it == d->series.end())
        return tl;

    // Pids in the merge's order: their names' bytes.
    std::vector<const Data::Track *> byPid;
    byPid.reserve(it->second.tracks.size());
    for (const Index t : it->second.tracks)
        byPid.push_back(&d->tracks[t]);
    std::sort(byPid.begin(), byPid.end(), [this](const Data::Track *a, const Data::Track *b) {
        return d->pids[a->pid].name < d->pids[b->pid].name;
    });
    std::set<std::int64_t> times;
    for (const Data::Track *t : byPid) {
        PidTimeline p;
        p.pid = d->pids[t->pid].name;
        p.points.assign(t->points.begin(), t->points.end());
        for (const auto &pt : p.points)
            times.insert(std::max(pt.timeMs, tl.fromMs));
        tl.pids.push_back(std::move(p));
    }
    if (type == MetricType::Gauge && (mode == GaugeMode::All || mode == GaugeMode::LiveAll))
        return tl;

    // What the merge exported at each moment a pid's value changed.
    std::vector<std::size_t> cursor(tl.pids.size(), 0);
    std::vector<PidValue> values;
    for (const std::int64_t t : times) {
        values.clear();
        for (std::size_t i = 0; i < tl.pids.size(); ++i) {
            const auto &pts = tl.pids[i].points;
            auto &c = cursor[i];
            while (c + 1 < pts.size() && pts[c + 1].timeMs <= t)
                ++c;
            if (c < pts.size() && pts[c].timeMs <= t && pts[c].present)
                values.push_back({tl.pids[i].pid, pts[c].value, pts[c].timestamp});
        }
        if (values.empty())
            continue;
        if (type == MetricType::Gauge) {
            const auto out = applyGaugeMode(mode, values);
            if (!out.empty())
                tl.merged.push_back({t, out.front().value, out.front().timestamp, true});
        } else {
            double sum = 0.0;
            for (const auto &v : values)
                sum += v.value;
            tl.merged.push_back({t, sum, 0.0, true});
        }
    }
    return tl;
}

} // namespace promdir
