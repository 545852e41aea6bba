// promdir mark-dead: the reference's mark_process_dead(pid).
#include "commands.h"

#include "promdir/diagnostics/liveness.h"
#include "promdir/diagnostics/processes.h"
#include "promdir/format/filename.h"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace promdir::cli {

namespace {

struct MarkDeadSettings
{
    std::string pid, dir;
    bool force = false;
    bool dryRun = false;
};

// What the arguments do not say by themselves; false when not usable (printed).
bool usable(MarkDeadSettings &s)
{
    if (!validProcessIdentifier(s.pid)) {
        printError("mark-dead", "'" + s.pid + "' is not a process identifier (no '/' or '_')");
        return false;
    }
    if (!resolvePath("mark-dead", s.dir, "--dir"))
        return false;
    std::error_code ec;
    if (!std::filesystem::is_directory(s.dir, ec)) {
        printError("mark-dead", s.dir + ": not a directory (mark-dead works on a live directory, not an archive)");
        return false;
    }
    const ProcessInfo info = probeLocalProcess(s.pid);
    if (info.state == Liveness::Alive && !s.force) {
        printError("mark-dead", "process " + s.pid + " is running" + (info.cmdline.empty() ? "" : " (" + info.cmdline + ")")
                                    + "; its live gauges would come back at its next update. Use --force if this pid "
                                      "belongs to another machine or pid namespace.");
        return false;
    }
    return true;
}

int dryRun(const MarkDeadSettings &s)
{
    std::size_t n = 0;
    std::error_code ec;
    for (GaugeMode mode : allGaugeModes()) {
        if (!isLiveMode(mode))
            continue;
        const std::string name = "gauge_" + std::string(toString(mode)) + "_" + s.pid + ".db";
        if (std::filesystem::exists(std::filesystem::path(s.dir) / name, ec)) {
            std::printf("would delete %s\n", name.c_str());
            ++n;
        }
    }
    if (!n)
        std::printf("no live gauge files of pid %s in %s\n", s.pid.c_str(), s.dir.c_str());
    return 0;
}

int run(MarkDeadSettings &s)
{
    if (!usable(s))
        return 2;
    if (s.dryRun)
        return dryRun(s);
    const auto r = removeLiveGaugeFiles(s.pid, s.dir);
    if (!r) {
        printError("mark-dead", r.error().message);
        return 1;
    }
    for (const auto &name : r->removed)
        std::printf("deleted %s\n", name.c_str());
    if (r->removed.empty() && r->failed.empty())
        std::printf("no live gauge files of pid %s in %s\n", s.pid.c_str(), s.dir.c_str());
    if (!r->failed.empty()) {
        printError("mark-dead", r->failed.front().message);
        return 1;
    }
    return 0;
}

} // namespace

Command addMarkDead(CLI::App &program)
{
    auto s = std::make_shared<MarkDeadSettings>();
    CLI::App *cmd = program.add_subcommand(
        "mark-dead", "delete a dead process's live-gauge files (mark_process_dead)\n\n"
                     "Does what prometheus_client.multiprocess.mark_process_dead(PID) does: deletes\n"
                     "the live-gauge files gauge_live*_PID.db of DIR and nothing else; the process's\n"
                     "other files keep counting, as they must. Refuses when PID is a running process\n"
                     "here, unless --force.");
    cmd->add_option("PID", s->pid, "the process identifier")->type_name("")->required();
    cmd->add_option("--dir", s->dir, "the metrics directory (default: $PROMETHEUS_MULTIPROC_DIR)")->type_name("DIR");
    cmd->add_flag("--force", s->force, "also when PID is running (another pid namespace,\na reused pid)");
    cmd->add_flag("-n,--dry-run", s->dryRun, "only list what would be deleted");
    cmd->footer("Exit status: 0 done (also when there was nothing to delete), 1 some file could\n"
                "not be deleted, 2 bad usage, DIR unusable or PID running.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
