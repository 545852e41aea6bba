// promdir compact: the files of dead processes folded into one file per
// kind (lib/core compact/, docs/compaction.md).
#include "commands.h"
#include "jsonoutput.h"
#include "options.h"

#include "promdir/compact/compact.h"
#include "promdir/diagnostics/processes.h"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace promdir::cli {

namespace {

struct CompactSettings
{
    std::string dir;
    CompactOptions options;
    bool recover = false;
    bool json = false;
};

std::string mib(std::uint64_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

Json toJson(const CompactReport &r)
{
    Json files = Json::array();
    for (const CompactFile &f : r.files)
        files.push_back({{"name", f.name}, {"pid", f.pid}, {"bytes", f.bytes}, {"action", toString(f.action)}, {"reason", f.reason}});
    Json outputs = Json::array();
    for (const CompactOutput &o : r.outputs)
        outputs.push_back({{"name", o.name}, {"bytes", o.bytes}, {"entries", o.entries}, {"folded_files", o.foldedFiles}});
    Json j;
    j["directory"] = r.directory;
    j["dry_run"] = r.dryRun;
    j["recovered"] = textOrNull(r.recovered);
    j["files_before"] = r.filesBefore;
    j["files_after"] = r.filesAfter;
    j["bytes_before"] = r.bytesBefore;
    j["bytes_after"] = r.bytesAfter;
    j["put_back"] = r.putBack;
    j["outputs"] = std::move(outputs);
    j["files"] = std::move(files);
    return j;
}

void printText(const CompactReport &r)
{
    if (!r.recovered.empty())
        std::printf("%s\n", r.recovered.c_str());
    const char *fold = r.dryRun ? "would fold" : "folded";
    const char *remove = r.dryRun ? "would remove" : "removed";
    std::size_t kept = 0;
    for (const CompactFile &f : r.files) {
        if (f.action == CompactFile::Action::Keep) {
            ++kept;
            std::printf("keep    %s: %s\n", f.name.c_str(), f.reason.c_str());
        } else {
            std::printf("%-7s %s (%s)\n", f.action == CompactFile::Action::Fold ? "fold" : "remove", f.name.c_str(),
                        f.reason.c_str());
        }
    }
    for (const CompactOutput &o : r.outputs)
        std::printf("%s %zu files into %s (%zu series, %llu bytes)\n", fold, o.foldedFiles, o.name.c_str(), o.entries,
                    static_cast<unsigned long long>(o.bytes));
    for (const std::string &pid : r.putBack)
        std::printf("put back the files of pid %s: it runs again, or a file changed or is locked\n", pid.c_str());
    std::size_t gone = 0;
    for (const CompactFile &f : r.files)
        gone += f.action != CompactFile::Action::Keep;
    std::printf("%s %zu files of dead processes; kept %zu; *.db files %zu -> %zu, %s -> %s\n", remove, gone, kept,
                r.filesBefore, r.filesAfter, mib(r.bytesBefore).c_str(), mib(r.bytesAfter).c_str());
}

int run(CompactSettings &s)
{
    if (!resolvePath("compact", s.dir, "DIR"))
        return 2;
    std::error_code ec;
    if (!std::filesystem::is_directory(s.dir, ec)) {
        printError("compact", s.dir + ": not a directory (compact works on a live directory, not an archive)");
        return 2;
    }
    if (s.recover) {
        const auto r = recoverCompaction(s.dir, s.options);
        if (!r) {
            printError("compact", r.error().message);
            return 1;
        }
        std::printf("%s\n", r->empty() ? "nothing to recover" : r->c_str());
        return 0;
    }
    const auto r = compactDirectory(s.dir, s.options);
    if (!r) {
        printError("compact", compactErrorText(r.error()));
        const auto code = r.error().code.as<CompactErrorCode>();
        return code == CompactErrorCode::PidsNotVisible || code == CompactErrorCode::CannotOpenDirectory ? 2 : 1;
    }
    if (s.json)
        std::fputs(jsonText(toJson(*r)).c_str(), stdout);
    else
        printText(*r);
    return 0;
}

} // namespace

Command addCompact(CLI::App &program)
{
    auto s = std::make_shared<CompactSettings>();
    CLI::App *cmd = program.add_subcommand(
        "compact",
        "fold the files of dead processes into one file per kind\n\n"
        "The files of processes that are dead and unchanged for the grace period are\n"
        "folded into counter_compacted.db, histogram_compacted.db, summary_compacted.db\n"
        "and gauge_<mode>_compacted.db, written in the Python client's format, so\n"
        "that the Python client and promdir merge the directory to the same output as\n"
        "before (floating-point sums to within the rounding of another order of\n"
        "additions; integer sums exactly). gauge_all files are kept (their pid label\n"
        "is in the output) unless --drop-dead-all; live gauges of dead processes are\n"
        "kept and reported (promdir mark-dead removes them).\n\n"
        "Safety: files are moved aside by atomic renames, liveness is checked again\n"
        "after that and a process found running is given its files back; a crash at\n"
        "any point is finished or undone by the next run or by --recover; on a full\n"
        "disk nothing is removed. promdir's own readers (render, serve, inspector)\n"
        "wait for the moment of the swap. The Python client cannot be coordinated\n"
        "with: a scrape that lists the directory just before the swap and reads the\n"
        "files after it fails once (a file listed is gone: FileNotFoundError), and a\n"
        "scrape that reads while the renames happen can miss or count twice the\n"
        "folded values once; the next scrape is right. See docs/compaction.md.");
    addPathArgument(*cmd, s->dir)->description("the metrics directory (default: $PROMETHEUS_MULTIPROC_DIR)");
    addDurationOption(*cmd, "--grace", [s](std::chrono::seconds d) { s->options.grace = d; },
                      "fold a dead process's files only when none changed\nfor this long (default 10m)");
    cmd->add_flag("-n,--dry-run", s->options.dryRun, "only say what would be folded, removed and kept");
    addJsonFlag(*cmd, s->json);
    cmd->add_flag("--recover", s->recover, "only finish or undo an interrupted compaction");
    cmd->add_flag("--drop-dead-all", s->options.dropDeadAll,
                  "remove gauge_all files of dead processes (their\nseries leave the output)");
    addPidNamespaceOption(*cmd, s->options.pidNamespace,
                          "auto (default): refused when no pid of the\ndirectory runs here yet files changed within the\n"
                          "grace period; separate: refused unless\n--assume-dead-when-unchanged");
    addAssumeDeadOption(*cmd, s->options.assumeDeadWhenUnchanged);
    cmd->footer("Exit status: 0 done (also when there was nothing to fold), 1 compaction failed\n"
                "(nothing removed; the message says why), 2 bad usage, DIR unusable, or pids\n"
                "not visible from here.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
