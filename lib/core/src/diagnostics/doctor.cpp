#include "promdir/diagnostics/doctor.h"

#include <algorithm>
#include <map>
#include <set>

#include <sys/statvfs.h>

namespace promdir {

std::string_view toString(Severity s)
{
    switch (s) {
    case Severity::Ok: return "ok";
    case Severity::Info: return "info";
    case Severity::Problem: return "problem";
    }
    return "ok";
}

bool DoctorReport::healthy() const
{
    return std::none_of(findings.begin(), findings.end(), [](const Finding &f) { return f.severity == Severity::Problem; });
}

const std::vector<std::pair<std::string, std::string>> &doctorChecks()
{
    static const std::vector<std::pair<std::string, std::string>> checks = {
        {"path", "the directory or archive can be read"},
        {"archive", "an archive was read to its end; skipped members; manifest present"},
        {"corrupt-files", "files the reader could not fully parse (the reference fails the whole scrape on them)"},
        {"empty-files", "zero-length .db files"},
        {"foreign-files", "*.db files whose names the reference does not expect, other files, sub-folders"},
        {"generations", "files of several format generations (an upgrade that did not wipe the directory)"},
        {"type-conflicts", "one metric name with different types or help texts in different files"},
        {"dead-live-gauges", "dead pids whose gauge_live* files were never removed (mark_process_dead not called)"},
        {"dead-gauges", "dead pids whose gauge_all/min/max/sum/mostrecent series are still exported"},
        {"pid-reuse", "a running process with a pid whose files were last written before it started"},
        {"liveness", "pids whose liveness cannot be known (non-numeric, archive without manifest)"},
        {"stale-files", "files not modified for longer than the stale threshold"},
        {"file-count", "number of files and bytes (scrapes re-read every file)"},
        {"free-space", "free space and inodes on the directory's file system"},
    };
    return checks;
}

namespace {

bool isParseProblem(ProblemKind k)
{
    switch (k) {
    case ProblemKind::Unreadable:
    case ProblemKind::BadHeader:
    case ProblemKind::Truncated:
    case ProblemKind::BadKeyLength:
    case ProblemKind::BadUtf8:
    case ProblemKind::BadJson:
    case ProblemKind::BadKeyShape:
    case ProblemKind::Unstable:
        return true;
    default:
        return false;
    }
}

std::string bytesText(std::uint64_t n)
{
    const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[64];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string joinPids(const std::vector<std::string> &pids, std::size_t max)
{
    std::string s;
    for (std::size_t i = 0; i < pids.size() && i < max; ++i)
        s += (i ? ", " : "") + pids[i];
    if (pids.size() > max)
        s += ", ... (" + std::to_string(pids.size()) + " in all)";
    return s;
}

} // namespace

DoctorReport runDoctor(const std::string &path, const LoadResult &load, const DoctorOptions &options)
{
    DoctorReport report;
    report.path = path;
    auto add = [&](std::string check, Severity sev, std::string summary, std::vector<std::string> details = {},
                   std::string advice = {}) {
        if (details.size() > options.maxDetails) {
            const auto n = details.size();
            details.resize(options.maxDetails);
            details.push_back("... and " + std::to_string(n - options.maxDetails) + " more");
        }
        report.findings.push_back({std::move(check), sev, std::move(summary), std::move(details), std::move(advice)});
    };

    if (!load.ok) {
        add("path", Severity::Problem, load.error, {},
            load.archive.isArchive && !load.archive.dbFolders.empty()
                ? "Choose the metrics folder with --subdir."
                : "Give the metrics directory (PROMETHEUS_MULTIPROC_DIR) or a support archive of it.");
        return report;
    }
    add("path", Severity::Ok,
        std::string(load.archive.isArchive ? "archive" : "directory") + " read: " + std::to_string(load.files.size())
            + " .db files");

    // Archive.
    if (load.archive.isArchive) {
        std::vector<std::string> details;
        bool broken = false;
        for (const auto &p : load.problems)
            if (p.kind == ProblemKind::Truncated || p.kind == ProblemKind::Unreadable)
                if (p.file == path) {
                    details.push_back(p.message);
                    broken = true;
                }
        for (const auto &s : load.archive.skipped)
            details.push_back("skipped " + s.name + ": " + s.reason);
        if (broken)
            add("archive", Severity::Problem, "the archive is truncated or corrupt; only part of it was read",
                details, "Ask for the archive again (check its size and checksum after the transfer).");
        else
            add("archive", load.archive.skippedCount || !load.manifest ? Severity::Info : Severity::Ok,
                load.archive.compression + " archive, folder '" + load.archive.folder + "', "
                    + std::to_string(load.archive.members) + " members, " + std::to_string(load.archive.skippedCount)
                    + " skipped; " + (load.manifest ? "manifest from " + load.manifest->host : std::string("no manifest")),
                details,
                load.manifest ? std::string()
                              : "Without promdir-manifest.json liveness is unknown: ask for 'promdir pack DIR -o FILE.tar.gz'.");
    } else {
        add("archive", Severity::Ok, "not an archive");
    }

    // Corrupt, empty, foreign.
    {
        std::vector<std::string> corrupt, empty, foreignDb, other;
        std::set<std::string> seen;
        for (const auto &f : load.files) {
            for (const auto &p : f->problems) {
                if (p.kind == ProblemKind::Empty) {
                    empty.push_back(f->name);
                    break;
                }
                if (isParseProblem(p.kind) && seen.insert(f->name).second)
                    corrupt.push_back(p.describe());
                if (p.kind == ProblemKind::ForeignFile)
                    foreignDb.push_back(f->name + ": " + p.message);
            }
        }
        for (const auto &p : load.problems)
            if (p.kind == ProblemKind::ForeignFile)
                other.push_back(p.file + ": " + p.message);
        add("corrupt-files", corrupt.empty() ? Severity::Ok : Severity::Problem,
            corrupt.empty() ? "every .db file parses" : std::to_string(corrupt.size()) + " files are corrupt or cut short",
            corrupt,
            corrupt.empty() ? std::string()
                            : "The reference client fails the whole scrape on such a file (client_python #347, #604, #878). "
                              "If the pid in its name is dead, delete the file; otherwise wipe the directory at the next "
                              "restart. promdir keeps serving everything else.");
        add("empty-files", empty.empty() ? Severity::Ok : Severity::Problem,
            empty.empty() ? "no empty files" : std::to_string(empty.size()) + " files are empty (0 bytes)", empty,
            empty.empty() ? std::string()
                          : "A file is empty when its process died while creating it or the disk was full; "
                            "the reference fails reading it. Delete empty files of dead pids.");
        const bool bad = !foreignDb.empty();
        std::vector<std::string> all = foreignDb;
        all.insert(all.end(), other.begin(), other.end());
        add("foreign-files", bad ? Severity::Problem : other.empty() ? Severity::Ok : Severity::Info,
            bad ? std::to_string(foreignDb.size()) + " *.db files are not metrics files"
                : other.empty() ? "only metrics files" : std::to_string(other.size()) + " other files or folders (ignored)",
            all,
            bad ? "The reference reads every *.db file and fails on these (SQLite files, compaction output). Move them "
                  "out of the directory."
                : other.empty() ? std::string()
                                : "The reference ignores them; keep the directory for metrics files only.");
    }

    // Generations.
    {
        std::map<int, std::size_t> gens;
        std::vector<std::string> mixedInFile;
        for (const auto &f : load.files) {
            if (f->generation)
                ++gens[f->generation];
            for (const auto &p : f->problems)
                if (p.kind == ProblemKind::MixedGeneration)
                    mixedInFile.push_back(f->name);
        }
        std::string text;
        for (const auto &[g, n] : gens)
            text += (text.empty() ? "" : ", ") + std::string("generation ") + std::to_string(g) + ": "
                    + std::to_string(n) + " files";
        const bool old = gens.count(1) || gens.count(2) || gens.count(3);
        if (gens.size() > 1 || !mixedInFile.empty())
            add("generations", Severity::Problem, "files of several format generations: " + text, mixedInFile,
                "Old files were left behind by an upgrade that did not wipe the directory (client_python #996); "
                "the current client fails on generations 1-3. Wipe the directory when (re)deploying.");
        else if (old)
            add("generations", Severity::Info, "written by an old client: " + text, {},
                "Current clients (0.18+) cannot read these files; promdir can.");
        else
            add("generations", Severity::Ok, text.empty() ? "no entries yet" : text);
    }

    // Type and help conflicts between files.
    {
        struct Seen
        {
            MetricType type;
            std::string file;
            std::string help;
            bool hasHelp;
        };
        std::map<std::string, Seen> first;
        std::vector<std::string> types, helps;
        std::set<std::string> reported;
        for (const auto &f : load.files) {
            if (!f->fileName.valid)
                continue;
            for (const auto &e : f->entries) {
                auto [it, fresh] = first.try_emplace(e.key->metric, Seen{f->fileName.type, f->name, e.key->help, e.key->hasHelp});
                if (fresh)
                    continue;
                if (it->second.type != f->fileName.type && reported.insert("t" + e.key->metric).second)
                    types.push_back(e.key->metric + ": " + std::string(toString(it->second.type)) + " in "
                                    + it->second.file + ", " + std::string(toString(f->fileName.type)) + " in " + f->name);
                if (it->second.hasHelp && e.key->hasHelp && it->second.help != e.key->help
                    && reported.insert("h" + e.key->metric).second)
                    helps.push_back(e.key->metric + ": help differs between " + it->second.file + " and " + f->name);
            }
        }
        std::vector<std::string> all = types;
        all.insert(all.end(), helps.begin(), helps.end());
        add("type-conflicts", types.empty() ? (helps.empty() ? Severity::Ok : Severity::Info) : Severity::Problem,
            types.empty() && helps.empty()
                ? "each metric has one type and help"
                : std::to_string(types.size()) + " metrics with several types, " + std::to_string(helps.size())
                      + " with several help texts",
            all,
            types.empty() && helps.empty()
                ? std::string()
                : "The merge takes the type and help of the first file read, so the output is wrong for these "
                  "metrics. Rename one of them, or wipe files written by an older version of the application.");
    }

    // Per process.
    const auto rows = summarizeProcesses(load, options.processes);
    {
        std::vector<std::string> liveLeft, gaugesLeft, reuse, unknown, stale, details1, details2;
        std::size_t dead = 0;
        for (const auto &r : rows) {
            if (r.info.state == Liveness::Dead)
                ++dead;
            if (r.info.state == Liveness::Unknown)
                unknown.push_back(r.pid);
            if (r.pidReuseSuspected)
                reuse.push_back(r.pid + ": " + r.pidReuseReason + (r.info.cmdline.empty() ? "" : " (now: " + r.info.cmdline + ")"));
            for (const auto &s : r.stale) {
                if (s.reason.starts_with("live gauge of a dead")) {
                    if (liveLeft.empty() || liveLeft.back() != r.pid)
                        liveLeft.push_back(r.pid);
                    details1.push_back(s.name);
                } else if (s.reason.starts_with("gauge of a dead")) {
                    if (gaugesLeft.empty() || gaugesLeft.back() != r.pid)
                        gaugesLeft.push_back(r.pid);
                    details2.push_back(s.name);
                } else {
                    stale.push_back(s.name + ": " + s.reason);
                }
            }
        }
        const bool knows = std::any_of(rows.begin(), rows.end(), [](const ProcessSummary &r) {
            return r.info.state != Liveness::Unknown;
        });
        if (!options.processes.pidsNotVisible.empty())
            add("pid-namespace", Severity::Info, options.processes.pidsNotVisible, {},
                "Liveness is not checked: dead processes, stale gauges and pid reuse cannot be told here, and every "
                "file is read on every scrape. Run promdir in the writers' pid namespace (for Kubernetes, "
                "shareProcessNamespace: true) to have them.");
        std::string cmds;
        for (std::size_t i = 0; i < liveLeft.size() && i < 5; ++i)
            cmds += "\n  promdir mark-dead " + liveLeft[i] + " --dir " + path;
        add("dead-live-gauges", liveLeft.empty() ? Severity::Ok : Severity::Problem,
            liveLeft.empty() ? (knows ? "no live gauges of dead processes" : "liveness unknown: not checked")
                             : std::to_string(liveLeft.size()) + " dead pids still have gauge_live* files: "
                                   + joinPids(liveLeft, 10),
            details1,
            liveLeft.empty() ? std::string()
                             : "Call prometheus_client.multiprocess.mark_process_dead(worker.pid) from gunicorn's "
                               "child_exit hook (client_python #115). To remove them now:"
                                   + (load.archive.isArchive ? std::string(" run promdir mark-dead on the live directory.") : cmds));
        add("dead-gauges", gaugesLeft.empty() ? Severity::Ok : Severity::Problem,
            gaugesLeft.empty() ? (knows ? "no gauge series of dead processes" : "liveness unknown: not checked")
                               : std::to_string(gaugesLeft.size()) + " dead pids still export gauge series: "
                                     + joinPids(gaugesLeft, 10),
            details2,
            gaugesLeft.empty()
                ? std::string()
                : "Gauges in mode all/min/max/sum/mostrecent keep the values of dead processes forever "
                  "(client_python #495). Use the live modes (liveall, livesum, ...) with mark_process_dead, and wipe "
                  "the directory when the server restarts.");
        add("pid-reuse", reuse.empty() ? Severity::Ok : Severity::Problem,
            reuse.empty() ? "no pid reuse suspected" : std::to_string(reuse.size()) + " pids look reused", reuse,
            reuse.empty() ? std::string()
                          : "The directory was not wiped when the server restarted, so a new process with an old pid "
                            "adds to the old process's files and the old values look alive. Wipe the directory before "
                            "starting the server.");
        add("liveness", unknown.empty() ? Severity::Ok : Severity::Info,
            unknown.empty() ? std::to_string(rows.size()) + " pids, " + std::to_string(dead) + " dead"
                            : std::to_string(unknown.size()) + " of " + std::to_string(rows.size())
                                  + " pids have unknown liveness: " + joinPids(unknown, 10),
            {},
            unknown.empty() ? std::string()
                            : load.archive.isArchive ? "Archives carry liveness only with a manifest: use 'promdir pack'."
                                                     : "Non-numeric pids (custom process identifiers) cannot be checked.");
        add("stale-files", stale.empty() ? Severity::Ok : Severity::Info,
            stale.empty() ? "no file older than " + formatDuration(static_cast<double>(options.processes.staleAfter.count()))
                          : std::to_string(stale.size()) + " files not written for more than "
                                + formatDuration(static_cast<double>(options.processes.staleAfter.count())),
            stale,
            stale.empty() ? std::string()
                          : "Old files still count in the output; if their processes are gone, the directory "
                            "should be wiped at the next restart.");
    }

    // Volume.
    {
        std::uint64_t bytes = 0;
        for (const auto &f : load.files)
            bytes += f->size;
        const bool many = load.files.size() > options.manyFiles;
        const bool big = bytes > options.manyBytes;
        add("file-count", many || big ? Severity::Problem : Severity::Ok,
            std::to_string(load.files.size()) + " files, " + bytesText(bytes) + " in " + std::to_string(rows.size())
                + " pids",
            {},
            many || big ? "Each scrape of the reference re-reads every file: thousands of files take seconds "
                          "(client_python #204, #367). Wipe the directory at restart, limit worker recycling "
                          "(max_requests), or serve with 'promdir serve', which re-reads only changed files."
                        : std::string());
    }

    // Free space.
    if (load.archive.isArchive) {
        add("free-space", Severity::Ok, "not checked for an archive");
    } else {
        struct statvfs vfs{};
        if (::statvfs(path.c_str(), &vfs) != 0) {
            add("free-space", Severity::Info, "could not query the file system");
        } else {
            const std::uint64_t total = static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize;
            const std::uint64_t avail = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
            const double frac = total ? static_cast<double>(avail) / static_cast<double>(total) : 1.0;
            const bool lowSpace = total && (frac < options.minFreeFraction || avail < options.minFreeBytes);
            const bool lowInodes = vfs.f_files > 0 && static_cast<double>(vfs.f_favail) / static_cast<double>(vfs.f_files) < 0.05;
            char pct[32];
            std::snprintf(pct, sizeof pct, "%.0f%%", frac * 100);
            add("free-space", lowSpace || lowInodes ? Severity::Problem : Severity::Ok,
                bytesText(avail) + " free of " + bytesText(total) + " (" + pct + ")"
                    + (vfs.f_files ? ", " + std::to_string(vfs.f_favail) + " inodes free" : std::string()),
                {},
                lowSpace || lowInodes
                    ? "Writers fail when the file system fills (often /dev/shm or a small tmpfs). Free space, "
                      "wipe files of dead processes at restart, or give the directory a larger file system."
                    : std::string());
        }
    }
    return report;
}

} // namespace promdir
