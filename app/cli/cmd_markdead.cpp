// promdir mark-dead: the reference's mark_process_dead(pid).
#include "commands.h"

#include "promdir/diagnostics/liveness.h"
#include "promdir/diagnostics/processes.h"

#include <cstdio>
#include <filesystem>

namespace promdir::cli {

namespace {

const char kHelp[] =
    "Usage: promdir mark-dead PID [--dir DIR] [--force] [--dry-run]\n\n"
    "Does what prometheus_client.multiprocess.mark_process_dead(PID) does: deletes\n"
    "the live-gauge files gauge_live*_PID.db of DIR (default\n"
    "$PROMETHEUS_MULTIPROC_DIR) and nothing else; the process's other files keep\n"
    "counting, as they must. Refuses when PID is a running process here, unless\n"
    "--force.\n\n"
    "  --dir DIR   the metrics directory\n"
    "  --force     also when PID is running (another pid namespace, a reused pid)\n"
    "  --dry-run   only list what would be deleted\n\n"
    "Exit status: 0 done (also when there was nothing to delete), 1 some file could\n"
    "not be deleted, 2 bad usage, DIR unusable or PID running.\n";

} // namespace

int runMarkDead(const Args &args)
{
    std::string pid, dir;
    bool force = false, dryRun = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kHelp, stdout);
            return 0;
        } else if (a == "--dir") {
            if (i + 1 >= args.size()) {
                printError("mark-dead", "--dir needs a value");
                return 2;
            }
            dir = args[++i];
        } else if (a.starts_with("--dir=")) {
            dir = a.substr(6);
        } else if (a == "--force") {
            force = true;
        } else if (a == "--dry-run" || a == "-n") {
            dryRun = true;
        } else if (a.starts_with("-") && a != "-") {
            printError("mark-dead", "unknown option " + a + " (see --help)");
            return 2;
        } else if (pid.empty()) {
            pid = a;
        } else {
            printError("mark-dead", "more than one PID given");
            return 2;
        }
    }
    if (pid.empty()) {
        printError("mark-dead", "no PID given (see --help)");
        return 2;
    }
    if (pid.find('/') != std::string::npos || pid.find('_') != std::string::npos || pid == "." || pid == "..") {
        printError("mark-dead", "'" + pid + "' is not a process identifier (no '/' or '_')");
        return 2;
    }
    if (dir.empty())
        dir = defaultPath();
    if (dir.empty()) {
        printError("mark-dead", "no --dir given and PROMETHEUS_MULTIPROC_DIR is not set");
        return 2;
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        printError("mark-dead", dir + ": not a directory (mark-dead works on a live directory, not an archive)");
        return 2;
    }
    const ProcessInfo info = probeLocalProcess(pid);
    if (info.state == Liveness::Alive && !force) {
        printError("mark-dead", "process " + pid + " is running" + (info.cmdline.empty() ? "" : " (" + info.cmdline + ")")
                                    + "; its live gauges would come back at its next update. Use --force if this pid "
                                      "belongs to another machine or pid namespace.");
        return 2;
    }
    if (dryRun) {
        std::size_t n = 0;
        for (GaugeMode mode : allGaugeModes()) {
            if (!isLiveMode(mode))
                continue;
            const std::string name = "gauge_" + std::string(toString(mode)) + "_" + pid + ".db";
            if (std::filesystem::exists(std::filesystem::path(dir) / name, ec)) {
                std::printf("would delete %s\n", name.c_str());
                ++n;
            }
        }
        if (!n)
            std::printf("no live gauge files of pid %s in %s\n", pid.c_str(), dir.c_str());
        return 0;
    }
    const auto r = removeLiveGaugeFiles(pid, dir);
    if (!r) {
        printError("mark-dead", r.error().message);
        return 1;
    }
    for (const auto &name : r->removed)
        std::printf("deleted %s\n", name.c_str());
    if (r->removed.empty() && r->failed.empty())
        std::printf("no live gauge files of pid %s in %s\n", pid.c_str(), dir.c_str());
    if (!r->failed.empty()) {
        printError("mark-dead", r->failed.front().message);
        return 1;
    }
    return 0;
}

} // namespace promdir::cli
