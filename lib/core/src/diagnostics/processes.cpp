#include "promdir/diagnostics/processes.h"

#include "promdir/diagnostics/liveness.h"
#include "promdir/format/filename.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmath>
#include <cstdint>
#include <unordered_map>

namespace promdir {

std::string formatDuration(double s)
{
    if (!(s >= 0))
        return "?";
    const auto t = static_cast<long long>(s);
    if (t >= 86400)
        return std::to_string(t / 86400) + "d " + std::to_string(t % 86400 / 3600) + "h";
    if (t >= 3600)
        return std::to_string(t / 3600) + "h " + std::to_string(t % 3600 / 60) + "m";
    if (t >= 60)
        return std::to_string(t / 60) + "m";
    return std::to_string(t) + "s";
}

std::string_view nameOf(RemoveErrorCode code) noexcept
{
    switch (code) {
    case RemoveErrorCode::CannotOpenDirectory: return "CannotOpenDirectory";
    case RemoveErrorCode::CannotExamine: return "CannotExamine";
    case RemoveErrorCode::IsAFolder: return "IsAFolder";
    case RemoveErrorCode::CannotRemove: return "CannotRemove";
    }
    return "Unknown";
}

Result<LiveGaugeRemoval> removeLiveGaugeFiles(std::string_view pid, const std::filesystem::path &dir)
{
    LiveGaugeRemoval r;
    // Names are looked at and removed inside one open folder, so a folder
    // swapped for a link on the way cannot send the removal elsewhere; a
    // link under a live gauge's name is removed itself (as the reference's
    // os.remove does), never what it points to; a folder is left alone.
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return Error{RemoveErrorCode::CannotOpenDirectory, dir.string() + ": " + std::strerror(errno)};
    for (GaugeMode mode : allGaugeModes()) {
        if (!isLiveMode(mode))
            continue;
        const std::string name = "gauge_" + std::string(toString(mode)) + "_" + std::string(pid) + ".db";
        struct stat st{};
        if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT)
                r.failed.push_back({RemoveErrorCode::CannotExamine, (dir / name).string() + ": " + std::strerror(errno)});
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            r.failed.push_back({RemoveErrorCode::IsAFolder, (dir / name).string() + ": is a folder; not removed"});
            continue;
        }
        if (::unlinkat(dfd, name.c_str(), 0) == 0)
            r.removed.push_back(name);
        else if (errno != ENOENT)
            r.failed.push_back({RemoveErrorCode::CannotRemove, (dir / name).string() + ": " + std::strerror(errno)});
    }
    ::close(dfd);
    return r;
}

namespace {

double referenceTimeOf(const LoadResult &load, const ProcessOptions &options)
{
    if (options.now)
        return *options.now;
    if (!load.archive.isArchive)
        return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    double newest = 0;
    for (const auto &f : load.files)
        newest = std::max(newest, static_cast<double>(f->stamp.mtimeNs) / 1e9);
    if (newest == 0 && load.manifest)
        newest = load.manifest->time;
    return newest;
}

// What is known of the process behind `pid`, and from where.
void describeLiveness(ProcessSummary &row, const LoadResult &load, const std::unordered_map<std::string_view, const ProcessInfo *> &fromManifest,
                      const ProcessOptions &options)
{
    row.info.pid = row.pid;
    if (isCompactedIdentifier(row.pid)) {
        row.compacted = true;
        row.info.note = "compacted contributions of dead processes (promdir compact)";
        row.livenessSource = "compacted";
        return;
    }
    // Archives packed by `promdir pack` say how their pids were.
    if (load.archive.isArchive || load.manifest) {
        if (auto it = fromManifest.find(row.pid); it != fromManifest.end()) {
            row.info = *it->second;
            row.livenessSource = "manifest";
        } else {
            row.info.note = load.manifest ? "not in the archive's manifest" : "archive without a manifest";
            row.livenessSource = "none";
        }
    } else if (!options.pidsNotVisible.empty()) {
        row.info.note = options.pidsNotVisible;
        row.livenessSource = "none";
    } else if (options.probeLocal) {
        row.info = probeLocalProcess(row.pid);
        row.livenessSource = row.info.state == Liveness::Unknown ? "none" : "local";
    } else {
        row.livenessSource = "none";
    }
}

void checkPidReuse(ProcessSummary &row)
{
    if (row.info.state != Liveness::Alive || !row.info.startTime || row.lastWriteNs <= 0)
        return;
    const double lastWrite = static_cast<double>(row.lastWriteNs) / 1e9;
    if (lastWrite + kPidReuseSlackSeconds >= *row.info.startTime)
        return;
    row.pidReuseSuspected = true;
    row.pidReuseReason = "the running process started " + formatDuration(*row.info.startTime - lastWrite)
                         + " after its files were last written: they belong to an earlier process "
                           "with the same pid";
}

unsigned staleFlags(const ParsedFile &f, bool writerGone, double reference, const ProcessOptions &options)
{
    unsigned flags = NotStale;
    const bool gauge = f.fileName.type == MetricType::Gauge;
    if (writerGone && gauge)
        flags |= isLiveMode(f.fileName.mode) ? StaleDeadLiveGauge : StaleDeadGauge;
    if (options.staleAfter.count() > 0 && f.stamp.mtimeNs > 0 && reference > 0) {
        const double age = reference - static_cast<double>(f.stamp.mtimeNs) / 1e9;
        if (age * 1000 > static_cast<double>(options.staleAfter.count()))
            flags |= StaleNotModified;
    }
    return flags;
}

std::string staleReason(unsigned flags, const ParsedFile &f, double reference)
{
    if (flags & StaleDeadLiveGauge)
        return "live gauge of a dead process: mark_process_dead was not called, its values are still exported";
    if (flags & StaleDeadGauge)
        return "gauge of a dead process: its values stay in the output until the directory is wiped";
    return "not written for " + formatDuration(reference - static_cast<double>(f.stamp.mtimeNs) / 1e9);
}

} // namespace

ProcessReport reportProcesses(const LoadResult &load, const ProcessOptions &options)
{
    ProcessReport report;
    report.fileStale.assign(load.files.size(), NotStale);
    report.referenceTime = referenceTimeOf(load, options);

    // Files of one pid are not next to each other (sorted by name, the kind
    // first): each file notes its process's row, found by hash, and the rows
    // are sorted once at the end. Inspectors refresh this every second for
    // thousands of pids.
    std::unordered_map<std::string_view, std::size_t> rowOf;
    std::vector<std::size_t> fileRow(load.files.size(), SIZE_MAX);
    auto &rows = report.processes;
    for (std::size_t i = 0; i < load.files.size(); ++i) {
        const ParsedFile &f = *load.files[i];
        if (!f.fileName.valid)
            continue;
        const auto [it, added] = rowOf.try_emplace(f.fileName.pid, rows.size());
        if (added)
            rows.emplace_back().pid = f.fileName.pid;
        fileRow[i] = it->second;
        ProcessSummary &row = rows[it->second];
        ++row.fileCount;
        row.bytes += f.size;
        row.series += f.entries.size();
        row.lastWriteNs = std::max(row.lastWriteNs, f.stamp.mtimeNs);
        row.liveGauges = row.liveGauges || (f.fileName.type == MetricType::Gauge && isLiveMode(f.fileName.mode));
    }

    std::unordered_map<std::string_view, const ProcessInfo *> fromManifest;
    if (load.manifest)
        for (const auto &p : load.manifest->processes)
            fromManifest[p.pid] = &p; // the last row of a pid counts
    for (ProcessSummary &row : rows) {
        describeLiveness(row, load, fromManifest, options);
        checkPidReuse(row);
    }

    for (std::size_t i = 0; i < load.files.size(); ++i) {
        if (fileRow[i] == SIZE_MAX)
            continue;
        const ParsedFile &f = *load.files[i];
        ProcessSummary &row = rows[fileRow[i]];
        const unsigned flags = row.compacted ? NotStale : staleFlags(f, row.writerGone(), report.referenceTime, options);
        report.fileStale[i] = flags;
        row.staleCount += flags != NotStale;
        if (options.describeFiles) {
            row.files.push_back(f.name);
            if (flags != NotStale)
                row.stale.push_back({f.name, staleReason(flags, f, report.referenceTime)});
        }
    }
    for (ProcessSummary &row : rows)
        std::sort(row.files.begin(), row.files.end());
    std::sort(rows.begin(), rows.end(), [](const ProcessSummary &a, const ProcessSummary &b) { return pidLess(a.pid, b.pid); });
    return report;
}

std::vector<ProcessSummary> summarizeProcesses(const LoadResult &load, const ProcessOptions &options)
{
    return reportProcesses(load, options).processes;
}

} // namespace promdir
