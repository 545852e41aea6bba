// promdir inspect: one row per file, and a summary.
#include "commands.h"
#include "loadoptions.h"
#include "progress.h"

#include "promdir/archive/archive.h"
#include "promdir/format/json.h"
#include "promdir/engine/mergeengine.h"

#include <cstdio>
#include <map>
#include <set>

namespace promdir::cli {

namespace {

const char kHelp[] =
    "Usage: promdir inspect [--json] [PATH]\n\n"
    "Lists every file of PATH (a directory; default $PROMETHEUS_MULTIPROC_DIR):\n"
    "name, type, gauge mode, pid, format generation (1-4), size, used bytes,\n"
    "entries and problems, then a summary.\n\n"
    "Then one row per process id: its files, alive/dead/unknown (from this\n"
    "machine for a directory, from promdir-manifest.json for an archive), last\n"
    "write, and which files are stale (gauges of dead processes, files not written\n"
    "for longer than --stale-after), with reasons. PATH may be an archive.\n\n"
    "  --json                 machine-readable output\n"
    "  --stale-after DURATION files not written for this long are stale (default 24h)\n\n"
    "Exit status: 0 all files clean, 1 some file had a problem, 2 bad usage or PATH.\n";

std::string q(std::string_view s)
{
    return json::pythonString(s);
}

} // namespace

int runInspect(const Args &args)
{
    std::string path;
    bool asJson = false;
    bool progress = true;
    MergeEngineOptions engineOptions;
    ProcessOptions processOptions;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (const int r = parseLoadOption("inspect", args, i, engineOptions.load, progress)) {
            if (r < 0)
                return 2;
            continue;
        }
        if (const int r = parseLivenessOption("inspect", args, i, engineOptions)) {
            if (r < 0)
                return 2;
            continue;
        }
        if (a == "--help" || a == "-h") {
            std::fputs(kHelp, stdout);
            std::fputs(kLoadOptionsHelp, stdout);
            std::fputs(kLivenessOptionsHelp, stdout);
            return 0;
        } else if (a == "--stale-after") {
            const auto d = i + 1 < args.size() ? parseDuration(args[i + 1]) : std::nullopt;
            if (!d) {
                printError("inspect", "--stale-after needs a duration (like 30m, 24h, 7d)");
                return 2;
            }
            processOptions.staleAfter = std::chrono::seconds(*d);
            ++i;
        } else if (a == "--json") {
            asJson = true;
        } else if (a.starts_with("-") && a != "-") {
            printError("inspect", "unknown option " + a + " (see --help)");
            return 2;
        } else if (path.empty()) {
            path = a;
        } else {
            printError("inspect", "more than one PATH given");
            return 2;
        }
    }
    if (path.empty())
        path = defaultPath();
    if (path.empty()) {
        printError("inspect", "no PATH given and PROMETHEUS_MULTIPROC_DIR is not set");
        return 2;
    }
    ProgressBar bar("reading " + path, progress);
    engineOptions.load.progress = bar.callback();
    MergeEngine engine(path, engineOptions);
    const auto result = engine.refresh();
    bar.finish();
    if (!result->load.ok) {
        printError("inspect", result->load.error);
        return 2;
    }
    const auto &files = result->load.files;
    std::set<std::string> pids;
    std::map<int, std::size_t> generations;
    std::size_t entries = 0;
    std::uint64_t bytes = 0;
    for (const auto &f : files) {
        if (f->fileName.valid)
            pids.insert(f->fileName.pid);
        ++generations[f->generation];
        entries += f->entries.size();
        bytes += f->size;
    }
    const auto problems = result->load.allProblems();
    processOptions.pidsNotVisible = result->pids.reason;
    const auto processes = summarizeProcesses(result->load, processOptions);

    std::string out;
    if (asJson) {
        out += "{\"path\": " + q(path) + ", \"files\": [";
        bool first = true;
        for (const auto &f : files) {
            out += first ? "\n" : ",\n";
            first = false;
            out += "  {\"name\": " + q(f->name) + ", \"type\": "
                   + (f->fileName.valid ? q(toString(f->fileName.type)) : std::string("null"))
                   + ", \"mode\": " + (f->fileName.mode != GaugeMode::None ? q(toString(f->fileName.mode)) : std::string("null"))
                   + ", \"pid\": " + (f->fileName.valid ? q(f->fileName.pid) : std::string("null"))
                   + ", \"generation\": " + (f->generation ? std::to_string(f->generation) : std::string("null"))
                   + ", \"size\": " + std::to_string(f->size) + ", \"used\": " + std::to_string(f->used)
                   + ", \"entries\": " + std::to_string(f->entries.size()) + ", \"problems\": [";
            bool pf = true;
            for (const auto &p : f->problems) {
                out += pf ? "" : ", ";
                pf = false;
                out += "{\"kind\": " + q(toString(p.kind)) + ", \"offset\": " + std::to_string(p.offset)
                       + ", \"message\": " + q(p.message) + "}";
            }
            out += "]}";
        }
        out += "\n], \"directory_problems\": [";
        bool pf = true;
        for (const auto &p : result->load.problems) {
            out += pf ? "" : ", ";
            pf = false;
            out += "{\"file\": " + q(p.file) + ", \"kind\": " + q(toString(p.kind)) + ", \"message\": " + q(p.message) + "}";
        }
        out += "], \"processes\": " + processesJson(processes) + ", \"archive\": " + archiveJson(result->load);
        out += ", \"summary\": {\"files\": " + std::to_string(files.size()) + ", \"pids\": "
               + std::to_string(pids.size()) + ", \"entries\": " + std::to_string(entries)
               + ", \"bytes\": " + std::to_string(bytes) + ", \"problems\": " + std::to_string(problems.size())
               + ", \"families\": " + std::to_string(result->families.size()) + "}}\n";
    } else {
        char line[512];
        std::snprintf(line, sizeof line, "%-32s %-9s %-14s %-8s %3s %10s %10s %7s  %s\n", "FILE", "TYPE", "MODE",
                      "PID", "GEN", "SIZE", "USED", "ENTRIES", "PROBLEMS");
        out += line;
        for (const auto &f : files) {
            std::string prob = std::to_string(f->problems.size());
            if (!f->problems.empty())
                prob += " (" + std::string(toString(f->problems.front().kind)) + ")";
            std::snprintf(line, sizeof line, "%-32s %-9s %-14s %-8s %3s %10llu %10lld %7zu  %s\n", escapeMemberName(f->name).c_str(),
                          f->fileName.valid ? std::string(toString(f->fileName.type)).c_str() : "?",
                          f->fileName.mode != GaugeMode::None ? std::string(toString(f->fileName.mode)).c_str() : "-",
                          f->fileName.valid ? escapeMemberName(f->fileName.pid).c_str() : "?",
                          f->generation ? std::to_string(f->generation).c_str() : "-",
                          static_cast<unsigned long long>(f->size), static_cast<long long>(f->used),
                          f->entries.size(), prob.c_str());
            out += line;
        }
        out += "\n" + std::to_string(files.size()) + " files, " + std::to_string(pids.size()) + " pids, "
               + std::to_string(entries) + " entries, " + std::to_string(bytes) + " bytes, "
               + std::to_string(result->families.size()) + " metric families, " + std::to_string(problems.size())
               + " problems\n";
        out += "generations:";
        for (const auto &[g, n] : generations) {
            // Appended piece by piece: GCC 12 -O3 warns falsely (-Wrestrict) on " " + std::string.
            out += ' ';
            out += g ? std::to_string(g) : std::string("none");
            out += '=';
            out += std::to_string(n);
        }
        out += "\n";
        out += processesText(processes);
        out += archiveText(result->load);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    for (const auto &p : problems)
        printError("inspect", p.describe());
    return problems.empty() ? 0 : 1;
}

} // namespace promdir::cli
