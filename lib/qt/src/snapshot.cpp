#include "promdir/snapshot.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace promdir {

namespace {
void appendPart(std::string &out, std::string_view s)
{
    out += std::to_string(s.size());
    out += ':';
    out += s;
}

bool asNumber(std::string_view s, unsigned long long &n)
{
    if (s.empty() || s.size() > 19)
        return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    return ec == std::errc() && p == s.data() + s.size();
}
} // namespace

std::string SeriesId::key() const
{
    std::string k;
    appendPart(k, metric);
    appendPart(k, sample);
    for (const auto &[n, v] : labels) {
        appendPart(k, n);
        appendPart(k, v);
    }
    return k;
}

bool pidLess(std::string_view a, std::string_view b)
{
    unsigned long long x = 0, y = 0;
    const bool na = asNumber(a, x), nb = asNumber(b, y);
    if (na != nb)
        return na;
    if (na && x != y)
        return x < y;
    return a < b;
}

const ProcessStatus *Snapshot::process(std::string_view pid) const
{
    // processes is sorted by pidLess: views ask per value, so no linear scan.
    auto it = std::lower_bound(processes.begin(), processes.end(), pid,
                               [](const ProcessStatus &p, std::string_view v) { return pidLess(p.pid, v); });
    return it != processes.end() && it->pid == pid ? &*it : nullptr;
}

std::size_t Snapshot::fileCount() const
{
    return result ? result->load.files.size() : 0;
}

std::size_t Snapshot::problemCount() const
{
    if (!result)
        return 0;
    std::size_t n = result->load.problems.size();
    for (const auto &f : result->load.files)
        n += f->problems.size();
    return n;
}

bool sameContents(const Snapshot &a, const Snapshot &b)
{
    if (!a.result || !b.result || a.path != b.path || a.local != b.local)
        return false;
    const LoadResult &x = a.result->load, &y = b.result->load;
    if (x.ok != y.ok || x.error != y.error || x.files != y.files || x.problems.size() != y.problems.size()
        || a.result->families.size() != b.result->families.size() || a.result->pids.visible != b.result->pids.visible
        || a.result->pids.reason != b.result->pids.reason)
        return false;
    for (std::size_t i = 0; i < x.problems.size(); ++i) {
        const Problem &p = x.problems[i], &q = y.problems[i];
        if (p.file != q.file || p.offset != q.offset || p.kind != q.kind || p.message != q.message)
            return false;
    }
    return a.fileStale == b.fileStale && a.processes == b.processes;
}

std::size_t Snapshot::deadCount() const
{
    return std::count_if(processes.begin(), processes.end(),
                         [](const ProcessStatus &p) { return p.liveness == Liveness::Dead; });
}

std::size_t Snapshot::staleFileCount() const
{
    return std::count_if(fileStale.begin(), fileStale.end(), [](unsigned s) { return s != 0; });
}

} // namespace promdir


#include <unordered_map>

namespace promdir {

void describeProcesses(Snapshot &s, std::chrono::milliseconds staleAfter)
{
    s.processes.clear();
    s.fileStale.clear();
    if (!s.result)
        return;
    const auto &files = s.result->load.files;
    s.fileStale.assign(files.size(), NotStale);

    // Files of one pid are not next to each other (they are sorted by name,
    // the kind first): each file notes its process's place, found by hash.
    std::unordered_map<std::string_view, std::size_t> placeOf;
    std::vector<std::size_t> fileProcess(files.size(), SIZE_MAX);
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto &f = files[i];
        if (!f->fileName.valid)
            continue;
        const auto [it, added] = placeOf.try_emplace(f->fileName.pid, s.processes.size());
        if (added) {
            s.processes.emplace_back();
            s.processes.back().pid = f->fileName.pid;
        }
        fileProcess[i] = it->second;
        auto &p = s.processes[it->second];
        ++p.files;
        p.series += static_cast<int>(f->entries.size());
        p.lastWriteMs = std::max<std::int64_t>(p.lastWriteMs, f->stamp.mtimeNs / 1000000);
    }
    // An archive packed by `promdir pack` says how its pids were.
    const auto &manifest = s.result->load.manifest;
    std::unordered_map<std::string_view, const ProcessInfo *> inManifest;
    if (!s.local && manifest)
        for (const auto &m : manifest->processes)
            inManifest[m.pid] = &m; // the last one of a pid, as before
    for (auto &p : s.processes) {
        if (!s.local) {
            if (const auto it = inManifest.find(p.pid); it != inManifest.end()) {
                const auto &m = *it->second;
                p.liveness = m.state;
                p.startTimeMs = m.startTime ? std::int64_t(*m.startTime * 1000) : 0;
                p.cmdline = m.cmdline;
                p.note = m.note;
            }
            continue;
        }
        if (!s.result->pids.visible) {
            p.liveness = Liveness::Unknown;
            p.note = s.result->pids.reason;
            continue;
        }
        const ProcessInfo st = probeLocalProcess(p.pid);
        p.liveness = st.state;
        p.startTimeMs = st.startTime ? std::int64_t(*st.startTime * 1000) : 0;
        p.cmdline = st.cmdline;
        p.note = st.note;
        // Files last written well before this process started belong to an
        // earlier process with the same pid (one second of slack for coarse
        // clocks).
        if (p.liveness == Liveness::Alive && p.startTimeMs > 0 && p.lastWriteMs > 0
            && p.lastWriteMs + 1000 < p.startTimeMs) {
            p.pidReused = true;
            p.liveness = Liveness::Dead;
        }
    }
    // "Not written for long" is measured against the source's own time: now
    // for a directory, the newest file for an archive (packed an hour ago,
    // its files are not an hour stale).
    std::int64_t reference = s.timeMs;
    if (!s.local) {
        std::int64_t newest = 0;
        for (const auto &f : files)
            newest = std::max<std::int64_t>(newest, f->stamp.mtimeNs / 1000000);
        if (newest > 0)
            reference = newest;
    }
    s.referenceMs = reference;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (fileProcess[i] == SIZE_MAX)
            continue;
        const auto &f = *files[i];
        auto &p = s.processes[fileProcess[i]];
        unsigned flags = NotStale;
        if (p.liveness == Liveness::Dead && f.fileName.type == MetricType::Gauge)
            flags |= isLiveMode(f.fileName.mode) ? StaleDeadLiveGauge : StaleDeadGauge;
        if (staleAfter.count() > 0 && f.stamp.mtimeNs > 0
            && reference - f.stamp.mtimeNs / 1000000 > staleAfter.count())
            flags |= StaleNotModified;
        s.fileStale[i] = flags;
        if (flags)
            ++p.staleFiles;
    }
    std::sort(s.processes.begin(), s.processes.end(),
              [](const ProcessStatus &a, const ProcessStatus &b) { return pidLess(a.pid, b.pid); });
}

} // namespace promdir
