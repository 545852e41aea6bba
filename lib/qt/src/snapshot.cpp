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
    if (counts.problems >= 0)
        return std::size_t(counts.problems);
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
    if (counts.dead >= 0)
        return std::size_t(counts.dead);
    return std::count_if(processes.begin(), processes.end(),
                         [](const ProcessStatus &p) { return p.liveness == Liveness::Dead; });
}

std::size_t Snapshot::staleFileCount() const
{
    if (counts.staleFiles >= 0)
        return std::size_t(counts.staleFiles);
    return std::count_if(fileStale.begin(), fileStale.end(), [](unsigned s) { return s != 0; });
}

} // namespace promdir


namespace promdir {

void describeProcesses(Snapshot &s, std::chrono::milliseconds staleAfter)
{
    s.processes.clear();
    s.fileStale.clear();
    s.counts = {};
    if (!s.result)
        return;
    // The core's rule; a snapshot keeps counts and flags, not names.
    ProcessOptions options;
    options.staleAfter = staleAfter;
    if (s.local)
        options.now = static_cast<double>(s.timeMs) / 1000.0;
    options.probeLocal = s.local;
    if (!s.result->pids.visible)
        options.pidsNotVisible = s.result->pids.reason;
    options.describeFiles = false;
    ProcessReport report = reportProcesses(s.result->load, options);
    s.referenceMs = static_cast<std::int64_t>(report.referenceTime * 1000.0);
    s.fileStale = std::move(report.fileStale);
    s.processes.reserve(report.processes.size());
    for (auto &row : report.processes) {
        ProcessStatus p;
        p.pid = std::move(row.pid);
        // A reused pid's files were written by a process that is gone.
        p.liveness = row.pidReuseSuspected ? Liveness::Dead : row.info.state;
        p.pidReused = row.pidReuseSuspected;
        p.startTimeMs = row.info.startTime ? static_cast<std::int64_t>(*row.info.startTime * 1000) : 0;
        p.files = static_cast<int>(row.fileCount);
        p.lastWriteMs = row.lastWriteNs / 1000000;
        p.staleFiles = static_cast<int>(row.staleCount);
        p.series = static_cast<int>(row.series);
        p.cmdline = std::move(row.info.cmdline);
        p.note = std::move(row.info.note);
        p.compacted = row.compacted;
        s.processes.push_back(std::move(p));
    }
    s.counts.problems = std::int64_t(s.problemCount());
    s.counts.dead = std::int64_t(s.deadCount());
    s.counts.staleFiles = std::int64_t(s.staleFileCount());
}

} // namespace promdir
