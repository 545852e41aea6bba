#include "promdir/serieshistory.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

namespace promdir {

namespace {
bool sameDouble(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}
} // namespace

std::string seriesKey(const Key &key)
{
    SeriesId id{key.metric, key.sample, key.labels};
    return id.key();
}

SeriesHistory::SeriesHistory() = default;
SeriesHistory::~SeriesHistory() = default;

void SeriesHistory::setWindow(std::chrono::milliseconds window)
{
    m_window = std::max(window, std::chrono::milliseconds(1000));
    if (m_lastTimeMs)
        trim(m_lastTimeMs);
}

void SeriesHistory::clear()
{
    m_files.clear();
    m_order.clear();
    m_byKey.clear();
    m_series.clear();
    m_due.clear();
    m_trackCount = 0;
    m_pointCount = 0;
    m_lastTimeMs = 0;
}

SeriesHistory::Track &SeriesHistory::track(const Entry &entry, const ParsedFile &file)
{
    const Key *key = entry.key;
    const std::string &pid = file.fileName.pid;
    auto kit = m_byKey.find(key);
    if (kit == m_byKey.end()) {
        auto [it, inserted] = m_series.try_emplace(seriesKey(*key));
        if (inserted) {
            it->second.id = SeriesId{key->metric, key->sample, key->labels};
            it->second.key = it->first;
        }
        it->second.keys.push_back(key);
        kit = m_byKey.emplace(key, KeyRef{file.keepKey(entry), &it->second}).first;
    }
    auto [tit, tnew] = kit->second.series->pids.try_emplace(pid);
    if (tnew) {
        ++m_trackCount;
        tit->second.series = kit->second.series;
    }
    return tit->second;
}

void SeriesHistory::append(Track &t, const TimelinePoint &p)
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
    ++m_pointCount;
    if (t.series->queuedMs != p.timeMs) {
        t.series->queuedMs = p.timeMs;
        m_due.emplace_back(p.timeMs, t.series->key);
    }
    if (t.points.size() > m_maxPoints) {
        // Drop a batch at once so erasing from the front stays cheap.
        const std::size_t drop = std::max<std::size_t>(1, m_maxPoints / 4);
        t.points.erase(t.points.begin(), t.points.begin() + std::ptrdiff_t(drop));
        m_pointCount -= drop;
    }
}

SeriesHistory::FileRecord SeriesHistory::record(const std::shared_ptr<const ParsedFile> &f, std::int64_t timeMs)
{
    FileRecord rec;
    rec.file = f;
    rec.tracks.reserve(f->entries.size());
    for (const auto &e : f->entries) {
        if (!e.key)
            continue;
        Track &t = track(e, *f);
        append(t, {timeMs, e.value, e.timestamp, true});
        ++t.refs;
        rec.tracks.push_back(&t);
    }
    return rec;
}

// Series the old version of a file had and the new one (if any) lacks end.
void SeriesHistory::endTracksOf(const FileRecord &old, const FileRecord *now, std::int64_t timeMs)
{
    for (Track *t : old.tracks) {
        if (--t->refs == 0
            && (!now || std::find(now->tracks.begin(), now->tracks.end(), t) == now->tracks.end()))
            append(*t, {timeMs, 0.0, 0.0, false});
    }
}

void SeriesHistory::update(const MergeResult &result, std::int64_t timeMs, const std::atomic<bool> *stop)
{
    auto stopped = [stop] { return stop && stop->load(std::memory_order_relaxed); };
    m_lastTimeMs = timeMs;
    const auto &files = result.load.files;

    // Usually the same files as last time, some of them read again: only
    // those are looked at (a refresh then costs what changed).
    bool sameList = files.size() == m_order.size();
    for (std::size_t i = 0; sameList && i < files.size(); ++i)
        sameList = files[i] == m_order[i] || files[i]->path == m_order[i]->path;
    if (sameList) {
        for (std::size_t i = 0; i < files.size(); ++i) {
            const auto &f = files[i];
            if (f == m_order[i] || !f->fileName.valid)
                continue;
            if (stopped())
                return;
            auto old = m_files.find(f->path);
            FileRecord rec = record(f, timeMs);
            if (old != m_files.end()) {
                endTracksOf(old->second, &rec, timeMs);
                old->second = std::move(rec);
            } else {
                m_files.emplace(f->path, std::move(rec));
            }
        }
        m_order = files;
        trim(timeMs);
        return;
    }

    std::unordered_map<std::string, FileRecord> next;
    next.reserve(files.size());
    for (const auto &f : files) {
        if (!f->fileName.valid)
            continue;
        if (stopped())
            return;
        auto old = m_files.find(f->path);
        if (old != m_files.end() && old->second.file == f) {
            next.emplace(f->path, std::move(old->second));
            m_files.erase(old);
            continue;
        }
        FileRecord rec = record(f, timeMs);
        if (old != m_files.end()) {
            endTracksOf(old->second, &rec, timeMs);
            m_files.erase(old);
        }
        next.emplace(f->path, std::move(rec));
    }
    // Files that are gone: their series end now.
    for (auto &[path, rec] : m_files)
        endTracksOf(rec, nullptr, timeMs);
    m_files = std::move(next);
    m_order = files;
    trim(timeMs);
}

void SeriesHistory::trim(std::int64_t nowMs)
{
    const std::int64_t start = nowMs - m_window.count();
    while (!m_due.empty() && m_due.front().first <= start) {
        const std::string key = std::move(m_due.front().second);
        m_due.pop_front();
        auto sit = m_series.find(key);
        if (sit == m_series.end())
            continue; // gone already
        trimSeries(sit->second, start);
        if (sit->second.pids.empty()) {
            for (const Key *k : sit->second.keys)
                m_byKey.erase(k);
            m_series.erase(sit);
        }
    }
}

void SeriesHistory::trimSeries(Series &s, std::int64_t start)
{
    auto &pids = s.pids;
    for (auto tit = pids.begin(); tit != pids.end();) {
        auto &pts = tit->second.points;
        // Keep one point before the window: the value at its start.
        std::size_t old = 0;
        while (old + 1 < pts.size() && pts[old + 1].timeMs <= start)
            ++old;
        if (old > 0) {
            pts.erase(pts.begin(), pts.begin() + std::ptrdiff_t(old));
            m_pointCount -= old;
        }
        const bool ended = pts.empty() || (!pts.back().present && pts.back().timeMs <= start);
        if (tit->second.refs == 0 && ended) {
            m_pointCount -= pts.size();
            --m_trackCount;
            tit = pids.erase(tit);
        } else {
            ++tit;
        }
    }
}

SeriesTimeline SeriesHistory::timeline(const SeriesId &id, MetricType type, GaugeMode mode) const
{
    SeriesTimeline tl;
    tl.series = id;
    tl.type = type;
    tl.mode = mode;
    tl.toMs = m_lastTimeMs;
    tl.fromMs = m_lastTimeMs - m_window.count();
    auto it = m_series.find(id.key());
    if (it == m_series.end())
        return tl;

    std::set<std::int64_t> times;
    for (const auto &[pid, t] : it->second.pids) {
        PidTimeline p;
        p.pid = pid;
        p.points.assign(t.points.begin(), t.points.end());
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
