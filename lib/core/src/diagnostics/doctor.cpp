#include "promdir/diagnostics/doctor.h"

#include <algorithm>
#include <cstdio>
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

namespace {

// What the per-process checks share, from summarizeProcesses' rows.
struct ProcessFacts
{
    std::vector<std::string> liveLeft;   // dead pids with gauge_live* files
    std::vector<std::string> liveFiles;  // those files
    std::vector<std::string> gaugesLeft; // dead pids with other gauge files
    std::vector<std::string> gaugeFiles; // those files
    std::vector<std::string> reuse;      // "pid: why"
    std::vector<std::string> unknown;    // pids of unknown liveness
    std::vector<std::string> stale;      // "file: why"
    std::size_t dead = 0;
    bool knows = false; // the liveness of some pid is known
};

// Everything a check looks at.
struct DoctorInput
{
    const std::string &path;
    const LoadResult &load;
    const DoctorOptions &options;
    std::vector<ProcessSummary> rows;
    ProcessFacts processes;
};

// A check's finding, before it is named and its details capped.
struct Verdict
{
    Severity severity = Severity::Ok;
    std::string summary;
    std::vector<std::string> details = {};
    std::string advice = {};
};

struct DoctorCheck
{
    std::string_view id;
    std::string_view description;
    Verdict (*run)(const DoctorInput &);
};

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

ProcessFacts processFacts(const std::vector<ProcessSummary> &rows)
{
    ProcessFacts f;
    for (const auto &r : rows) {
        if (r.compacted)
            continue; // no process: what compaction folded of dead ones
        f.dead += r.info.state == Liveness::Dead;
        f.knows = f.knows || r.info.state != Liveness::Unknown;
        if (r.info.state == Liveness::Unknown)
            f.unknown.push_back(r.pid);
        if (r.pidReuseSuspected)
            f.reuse.push_back(r.pid + ": " + r.pidReuseReason + (r.info.cmdline.empty() ? "" : " (now: " + r.info.cmdline + ")"));
        for (const auto &s : r.stale) {
            if (s.reason.starts_with("live gauge of a dead")) {
                if (f.liveLeft.empty() || f.liveLeft.back() != r.pid)
                    f.liveLeft.push_back(r.pid);
                f.liveFiles.push_back(s.name);
            } else if (s.reason.starts_with("gauge of a dead")) {
                if (f.gaugesLeft.empty() || f.gaugesLeft.back() != r.pid)
                    f.gaugesLeft.push_back(r.pid);
                f.gaugeFiles.push_back(s.name);
            } else {
                f.stale.push_back(s.name + ": " + s.reason);
            }
        }
    }
    return f;
}

Verdict checkPath(const DoctorInput &in)
{
    const LoadResult &load = in.load;
    if (!load.ok)
        return {Severity::Problem, load.error, {},
                load.archive.isArchive && !load.archive.dbFolders.empty()
                    ? "Choose the metrics folder with --subdir."
                    : "Give the metrics directory (PROMETHEUS_MULTIPROC_DIR) or a support archive of it."};
    return {Severity::Ok, std::string(load.archive.isArchive ? "archive" : "directory") + " read: "
                              + std::to_string(load.files.size()) + " .db files"};
}

Verdict checkArchive(const DoctorInput &in)
{
    const LoadResult &load = in.load;
    if (!load.archive.isArchive)
        return {Severity::Ok, "not an archive"};
    std::vector<std::string> details;
    bool broken = false;
    for (const auto &p : load.problems)
        if ((p.kind == ProblemKind::Truncated || p.kind == ProblemKind::Unreadable) && p.file == in.path) {
            details.push_back(p.message);
            broken = true;
        }
    for (const auto &s : load.archive.skipped)
        details.push_back("skipped " + s.name + ": " + s.reason);
    if (broken)
        return {Severity::Problem, "the archive is truncated or corrupt; only part of it was read", details,
                "Ask for the archive again (check its size and checksum after the transfer)."};
    return {load.archive.skippedCount || !load.manifest ? Severity::Info : Severity::Ok,
            load.archive.compression + " archive, folder '" + load.archive.folder + "', "
                + std::to_string(load.archive.members) + " members, " + std::to_string(load.archive.skippedCount)
                + " skipped; " + (load.manifest ? "manifest from " + load.manifest->host : std::string("no manifest")),
            details,
            load.manifest ? std::string()
                          : "Without promdir-manifest.json liveness is unknown: ask for 'promdir pack DIR -o FILE.tar.gz'."};
}

Verdict checkCorruptFiles(const DoctorInput &in)
{
    std::vector<std::string> corrupt;
    for (const auto &f : in.load.files) {
        for (const auto &p : f->problems) {
            if (p.kind == ProblemKind::Empty)
                break; // empty-files
            if (isParseProblem(p.kind)) {
                corrupt.push_back(p.describe());
                break;
            }
        }
    }
    if (corrupt.empty())
        return {Severity::Ok, "every .db file parses"};
    return {Severity::Problem, std::to_string(corrupt.size()) + " files are corrupt or cut short", corrupt,
            "The reference client fails the whole scrape on such a file (client_python #347, #604, #878). "
            "If the pid in its name is dead, delete the file; otherwise wipe the directory at the next "
            "restart. promdir keeps serving everything else."};
}

Verdict checkEmptyFiles(const DoctorInput &in)
{
    std::vector<std::string> empty;
    for (const auto &f : in.load.files)
        if (std::any_of(f->problems.begin(), f->problems.end(), [](const Problem &p) { return p.kind == ProblemKind::Empty; }))
            empty.push_back(f->name);
    if (empty.empty())
        return {Severity::Ok, "no empty files"};
    return {Severity::Problem, std::to_string(empty.size()) + " files are empty (0 bytes)", empty,
            "A file is empty when its process died while creating it or the disk was full; "
            "the reference fails reading it. Delete empty files of dead pids."};
}

Verdict checkForeignFiles(const DoctorInput &in)
{
    std::vector<std::string> foreignDb, other;
    for (const auto &f : in.load.files)
        for (const auto &p : f->problems) {
            if (p.kind == ProblemKind::Empty)
                break; // empty-files
            if (p.kind == ProblemKind::ForeignFile)
                foreignDb.push_back(f->name + ": " + p.message);
        }
    for (const auto &p : in.load.problems)
        if (p.kind == ProblemKind::ForeignFile)
            other.push_back(p.file + ": " + p.message);
    std::vector<std::string> all = foreignDb;
    all.insert(all.end(), other.begin(), other.end());
    if (!foreignDb.empty())
        return {Severity::Problem, std::to_string(foreignDb.size()) + " *.db files are not metrics files", all,
                "The reference reads every *.db file and fails on these (SQLite files, compaction output). Move them "
                "out of the directory."};
    if (!other.empty())
        return {Severity::Info, std::to_string(other.size()) + " other files or folders (ignored)", all,
                "The reference ignores them; keep the directory for metrics files only."};
    return {Severity::Ok, "only metrics files"};
}

Verdict checkGenerations(const DoctorInput &in)
{
    std::map<int, std::size_t> gens;
    std::vector<std::string> mixedInFile;
    for (const auto &f : in.load.files) {
        if (f->generation)
            ++gens[f->generation];
        for (const auto &p : f->problems)
            if (p.kind == ProblemKind::MixedGeneration)
                mixedInFile.push_back(f->name);
    }
    std::string text;
    for (const auto &[g, n] : gens)
        text += (text.empty() ? "" : ", ") + std::string("generation ") + std::to_string(g) + ": " + std::to_string(n)
                + " files";
    if (gens.size() > 1 || !mixedInFile.empty())
        return {Severity::Problem, "files of several format generations: " + text, mixedInFile,
                "Old files were left behind by an upgrade that did not wipe the directory (client_python #996); "
                "the current client fails on generations 1-3. Wipe the directory when (re)deploying."};
    if (gens.count(1) || gens.count(2) || gens.count(3))
        return {Severity::Info, "written by an old client: " + text, {},
                "Current clients (0.18+) cannot read these files; promdir can."};
    return {Severity::Ok, text.empty() ? "no entries yet" : text};
}

Verdict checkTypeConflicts(const DoctorInput &in)
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
    for (const auto &f : in.load.files) {
        if (!f->fileName.valid)
            continue;
        for (const auto &e : f->entries) {
            auto [it, fresh] = first.try_emplace(e.key->metric, Seen{f->fileName.type, f->name, e.key->help, e.key->hasHelp});
            if (fresh)
                continue;
            if (it->second.type != f->fileName.type && reported.insert("t" + e.key->metric).second)
                types.push_back(e.key->metric + ": " + std::string(toString(it->second.type)) + " in " + it->second.file
                                + ", " + std::string(toString(f->fileName.type)) + " in " + f->name);
            if (it->second.hasHelp && e.key->hasHelp && it->second.help != e.key->help
                && reported.insert("h" + e.key->metric).second)
                helps.push_back(e.key->metric + ": help differs between " + it->second.file + " and " + f->name);
        }
    }
    if (types.empty() && helps.empty())
        return {Severity::Ok, "each metric has one type and help"};
    std::vector<std::string> all = types;
    all.insert(all.end(), helps.begin(), helps.end());
    return {types.empty() ? Severity::Info : Severity::Problem,
            std::to_string(types.size()) + " metrics with several types, " + std::to_string(helps.size())
                + " with several help texts",
            all,
            "The merge takes the type and help of the first file read, so the output is wrong for these "
            "metrics. Rename one of them, or wipe files written by an older version of the application."};
}

Verdict checkPidNamespace(const DoctorInput &in)
{
    const std::string &notVisible = in.options.processes.pidsNotVisible;
    if (!notVisible.empty())
        return {Severity::Info, notVisible, {},
                "Liveness is not checked: dead processes, stale gauges and pid reuse cannot be told here, and every "
                "file is read on every scrape. Run promdir in the writers' pid namespace (for Kubernetes, "
                "shareProcessNamespace: true) to have them."};
    return {Severity::Ok, in.load.archive.isArchive ? "not checked for an archive"
                                                    : "the writers' pids are taken to be this pid namespace's"};
}

Verdict checkDeadLiveGauges(const DoctorInput &in)
{
    const ProcessFacts &p = in.processes;
    if (p.liveLeft.empty())
        return {Severity::Ok, p.knows ? "no live gauges of dead processes" : "liveness unknown: not checked"};
    std::string commands;
    for (std::size_t i = 0; i < p.liveLeft.size() && i < 5; ++i)
        commands += "\n  promdir mark-dead " + p.liveLeft[i] + " --dir " + in.path;
    return {Severity::Problem,
            std::to_string(p.liveLeft.size()) + " dead pids still have gauge_live* files: " + joinPids(p.liveLeft, 10),
            p.liveFiles,
            "Call prometheus_client.multiprocess.mark_process_dead(worker.pid) from gunicorn's child_exit hook "
            "(client_python #115). To remove them now:"
                + (in.load.archive.isArchive ? std::string(" run promdir mark-dead on the live directory.") : commands)};
}

Verdict checkDeadGauges(const DoctorInput &in)
{
    const ProcessFacts &p = in.processes;
    if (p.gaugesLeft.empty())
        return {Severity::Ok, p.knows ? "no gauge series of dead processes" : "liveness unknown: not checked"};
    return {Severity::Problem,
            std::to_string(p.gaugesLeft.size()) + " dead pids still export gauge series: " + joinPids(p.gaugesLeft, 10),
            p.gaugeFiles,
            "Gauges in mode all/min/max/sum/mostrecent keep the values of dead processes forever "
            "(client_python #495). Use the live modes (liveall, livesum, ...) with mark_process_dead, and wipe "
            "the directory when the server restarts."};
}

Verdict checkPidReuse(const DoctorInput &in)
{
    const auto &reuse = in.processes.reuse;
    if (reuse.empty())
        return {Severity::Ok, "no pid reuse suspected"};
    return {Severity::Problem, std::to_string(reuse.size()) + " pids look reused", reuse,
            "The directory was not wiped when the server restarted, so a new process with an old pid "
            "adds to the old process's files and the old values look alive. Wipe the directory before "
            "starting the server."};
}

Verdict checkLiveness(const DoctorInput &in)
{
    const ProcessFacts &p = in.processes;
    if (p.unknown.empty())
        return {Severity::Ok, std::to_string(in.rows.size()) + " pids, " + std::to_string(p.dead) + " dead"};
    return {Severity::Info,
            std::to_string(p.unknown.size()) + " of " + std::to_string(in.rows.size())
                + " pids have unknown liveness: " + joinPids(p.unknown, 10),
            {},
            in.load.archive.isArchive ? "Archives carry liveness only with a manifest: use 'promdir pack'."
                                      : "Non-numeric pids (custom process identifiers) cannot be checked."};
}

Verdict checkStaleFiles(const DoctorInput &in)
{
    const auto &stale = in.processes.stale;
    const std::string after = formatDuration(static_cast<double>(in.options.processes.staleAfter.count()));
    if (stale.empty())
        return {Severity::Ok, "no file older than " + after};
    return {Severity::Info, std::to_string(stale.size()) + " files not written for more than " + after, stale,
            "Old files still count in the output; if their processes are gone, the directory "
            "should be wiped at the next restart."};
}

Verdict checkFileCount(const DoctorInput &in)
{
    std::uint64_t bytes = 0;
    for (const auto &f : in.load.files)
        bytes += f->size;
    const bool tooMany = in.load.files.size() > in.options.manyFiles || bytes > in.options.manyBytes;
    return {tooMany ? Severity::Problem : Severity::Ok,
            std::to_string(in.load.files.size()) + " files, " + bytesText(bytes) + " in " + std::to_string(in.rows.size())
                + " pids",
            {},
            tooMany ? "Each scrape of the reference re-reads every file: thousands of files take seconds "
                      "(client_python #204, #367). Fold dead workers' files with 'promdir compact', wipe the "
                      "directory at restart, limit worker recycling (max_requests), or serve with 'promdir serve', "
                      "which re-reads only changed files."
                    : std::string()};
}

Verdict checkFreeSpace(const DoctorInput &in)
{
    if (in.load.archive.isArchive)
        return {Severity::Ok, "not checked for an archive"};
    struct statvfs vfs{};
    if (::statvfs(in.path.c_str(), &vfs) != 0)
        return {Severity::Info, "could not query the file system"};
    const std::uint64_t total = static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize;
    const std::uint64_t avail = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    const double frac = total ? static_cast<double>(avail) / static_cast<double>(total) : 1.0;
    const bool lowSpace = total && (frac < in.options.minFreeFraction || avail < in.options.minFreeBytes);
    const bool lowInodes = vfs.f_files > 0 && static_cast<double>(vfs.f_favail) / static_cast<double>(vfs.f_files) < 0.05;
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.0f%%", frac * 100);
    return {lowSpace || lowInodes ? Severity::Problem : Severity::Ok,
            bytesText(avail) + " free of " + bytesText(total) + " (" + pct + ")"
                + (vfs.f_files ? ", " + std::to_string(vfs.f_favail) + " inodes free" : std::string()),
            {},
            lowSpace || lowInodes ? "Writers fail when the file system fills (often /dev/shm or a small tmpfs). Free "
                                    "space, wipe files of dead pids at restart, or give the directory a larger file "
                                    "system."
                                  : std::string()};
}

// Every check, in the order of the report. The first is the path's: when
// the path cannot be read, it is the only one run.
const DoctorCheck kChecks[] = {
    {"path", "the directory or archive can be read", checkPath},
    {"archive", "an archive was read to its end; skipped members; manifest present", checkArchive},
    {"corrupt-files", "files the reader could not fully parse (the reference fails the whole scrape on them)",
     checkCorruptFiles},
    {"empty-files", "zero-length .db files", checkEmptyFiles},
    {"foreign-files", "*.db files whose names the reference does not expect, other files, sub-folders",
     checkForeignFiles},
    {"generations", "files of several format generations (an upgrade that did not wipe the directory)",
     checkGenerations},
    {"type-conflicts", "one metric name with different types or help texts in different files", checkTypeConflicts},
    {"pid-namespace", "whether the writers' pids can be checked from this pid namespace (--pid-namespace)",
     checkPidNamespace},
    {"dead-live-gauges", "dead pids whose gauge_live* files were never removed (mark_process_dead not called)",
     checkDeadLiveGauges},
    {"dead-gauges", "dead pids whose gauge_all/min/max/sum/mostrecent series are still exported", checkDeadGauges},
    {"pid-reuse", "a running process with a pid whose files were last written before it started", checkPidReuse},
    {"liveness", "pids whose liveness cannot be known (non-numeric, archive without manifest)", checkLiveness},
    {"stale-files", "files not modified for longer than the stale threshold", checkStaleFiles},
    {"file-count", "number of files and bytes (scrapes re-read every file)", checkFileCount},
    {"free-space", "free space and inodes on the directory's file system", checkFreeSpace},
};

Finding finding(std::string_view id, Verdict v, std::size_t maxDetails)
{
    if (v.details.size() > maxDetails) {
        const auto n = v.details.size();
        v.details.resize(maxDetails);
        v.details.push_back("... and " + std::to_string(n - maxDetails) + " more");
    }
    return {std::string(id), v.severity, std::move(v.summary), std::move(v.details), std::move(v.advice)};
}

} // namespace

const std::vector<std::pair<std::string, std::string>> &doctorChecks()
{
    static const std::vector<std::pair<std::string, std::string>> checks = [] {
        std::vector<std::pair<std::string, std::string>> list;
        for (const auto &c : kChecks)
            list.emplace_back(c.id, c.description);
        return list;
    }();
    return checks;
}

DoctorReport runDoctor(const std::string &path, const LoadResult &load, const DoctorOptions &options)
{
    DoctorInput in{path, load, options, {}, {}};
    if (load.ok) {
        in.rows = summarizeProcesses(load, options.processes);
        in.processes = processFacts(in.rows);
    }
    DoctorReport report;
    report.path = path;
    for (const auto &check : kChecks) {
        report.findings.push_back(finding(check.id, check.run(in), options.maxDetails));
        if (!load.ok)
            break; // only the path's finding
    }
    return report;
}

} // namespace promdir
