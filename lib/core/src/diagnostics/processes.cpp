#include "promdir/diagnostics/processes.h"

#include "promdir/diagnostics/liveness.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmath>
#include <map>

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

namespace {

bool pidLess(const std::string &a, const std::string &b)
{
    const auto na = numericPid(a), nb = numericPid(b);
    if (na && nb)
        return *na < *nb;
    if (na != nb && (na || nb))
        return na.has_value(); // numbers first
    return a < b;
}

} // namespace

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

std::string_view detail::removeErrorCodeName(int value) noexcept
{
    return nameOf(RemoveErrorCode(value));
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

std::vector<ProcessSummary> summarizeProcesses(const LoadResult &load, const ProcessOptions &options)
{
    std::map<std::string, std::vector<const ParsedFile *>> byPid;
    for (const auto &f : load.files)
        if (f->fileName.valid)
            byPid[f->fileName.pid].push_back(f.get());

    std::map<std::string, const ProcessInfo *> fromManifest;
    if (load.manifest)
        for (const auto &p : load.manifest->processes)
            fromManifest[p.pid] = &p;

    double now = 0;
    if (options.now) {
        now = *options.now;
    } else if (!load.archive.isArchive) {
        now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    } else if (load.manifest && load.manifest->time > 0) {
        now = load.manifest->time;
    } else {
        for (const auto &f : load.files)
            now = std::max(now, static_cast<double>(f->stamp.mtimeNs) / 1e9);
    }
    const double staleAfter = static_cast<double>(options.staleAfter.count());

    std::vector<ProcessSummary> rows;
    rows.reserve(byPid.size());
    for (const auto &[pid, files] : byPid) {
        ProcessSummary row;
        row.pid = pid;
        if (load.archive.isArchive) {
            if (auto it = fromManifest.find(pid); it != fromManifest.end()) {
                row.info = *it->second;
                row.livenessSource = "manifest";
            } else {
                row.info.pid = pid;
                row.info.note = load.manifest ? "not in the archive's manifest" : "archive without a manifest";
                row.livenessSource = "none";
            }
        } else if (!options.pidsNotVisible.empty()) {
            row.info.pid = pid;
            row.info.note = options.pidsNotVisible;
            row.livenessSource = "none";
        } else if (options.probeLocal) {
            row.info = probeLocalProcess(pid);
            row.livenessSource = row.info.state == Liveness::Unknown ? "none" : "local";
        } else {
            row.info.pid = pid;
            row.livenessSource = "none";
        }
        const bool dead = row.info.state == Liveness::Dead;
        for (const ParsedFile *f : files) {
            row.files.push_back(f->name);
            row.bytes += f->size;
            row.lastWriteNs = std::max(row.lastWriteNs, f->stamp.mtimeNs);
            const bool gauge = f->fileName.type == MetricType::Gauge;
            const bool live = gauge && isLiveMode(f->fileName.mode);
            row.liveGauges = row.liveGauges || live;
            if (dead && live)
                row.stale.push_back({f->name, "live gauge of a dead process: mark_process_dead was not called, "
                                              "its values are still exported"});
            else if (dead && gauge)
                row.stale.push_back({f->name, "gauge of a dead process: its values stay in the output "
                                              "until the directory is wiped"});
            else if (f->stamp.mtimeNs > 0 && now > 0) {
                const double age = now - static_cast<double>(f->stamp.mtimeNs) / 1e9;
                if (age > staleAfter)
                    row.stale.push_back({f->name, "not written for " + formatDuration(age)});
            }
        }
        std::sort(row.files.begin(), row.files.end());
        // Files last written before the running process started were
        // written by an earlier process that had the same pid.
        if (row.info.state == Liveness::Alive && row.info.startTime && row.lastWriteNs > 0) {
            const double lastWrite = static_cast<double>(row.lastWriteNs) / 1e9;
            if (lastWrite + 2.0 < *row.info.startTime) {
                row.pidReuseSuspected = true;
                row.pidReuseReason = "the running process started " + formatDuration(*row.info.startTime - lastWrite)
                                     + " after its files were last written: they belong to an earlier process "
                                       "with the same pid";
            }
        }
        rows.push_back(std::move(row));
    }
    std::sort(rows.begin(), rows.end(), [](const ProcessSummary &a, const ProcessSummary &b) { return pidLess(a.pid, b.pid); });
    return rows;
}

} // namespace promdir
