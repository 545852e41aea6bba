// promdir inspect: one row per file, and a summary.
#include "commands.h"
#include "jsonoutput.h"
#include "loadreport.h"
#include "options.h"

#include "promdir/archive/archive.h"
#include "promdir/engine/mergeengine.h"

#include <cstdio>
#include <map>
#include <memory>
#include <set>

namespace promdir::cli {

namespace {

struct InspectSettings
{
    std::string path;
    bool json = false;
    bool progress = true;
    MergeEngineOptions engine;
    ProcessOptions processes;
};

// What the summary line counts.
struct Totals
{
    std::set<std::string> pids;
    std::map<int, std::size_t> generations;
    std::size_t entries = 0;
    std::uint64_t bytes = 0;
};

Totals totals(const FileList &files)
{
    Totals t;
    for (const auto &f : files) {
        if (f->fileName.valid)
            t.pids.insert(f->fileName.pid);
        ++t.generations[f->generation];
        t.entries += f->entries.size();
        t.bytes += f->size;
    }
    return t;
}

Json fileJson(const ParsedFile &f)
{
    Json problems = Json::array();
    for (const auto &p : f.problems)
        problems.push_back({{"kind", toString(p.kind)}, {"offset", p.offset}, {"message", p.message}});
    return {
        {"name", f.name},
        {"type", f.fileName.valid ? Json(toString(f.fileName.type)) : Json(nullptr)},
        {"mode", f.fileName.mode != GaugeMode::None ? Json(toString(f.fileName.mode)) : Json(nullptr)},
        {"pid", f.fileName.valid ? Json(f.fileName.pid) : Json(nullptr)},
        {"generation", f.generation ? Json(f.generation) : Json(nullptr)},
        {"size", f.size},
        {"used", f.used},
        {"entries", f.entries.size()},
        {"problems", std::move(problems)},
    };
}

std::string inspectJson(const std::string &path, const MergeResult &result, const std::vector<ProcessSummary> &processes)
{
    const auto &files = result.load.files;
    const Totals t = totals(files);
    Json fileRows = Json::array();
    for (const auto &f : files)
        fileRows.push_back(fileJson(*f));
    Json directoryProblems = Json::array();
    for (const auto &p : result.load.problems)
        directoryProblems.push_back({{"file", p.file}, {"kind", toString(p.kind)}, {"message", p.message}});
    const Json doc = {
        {"path", path},
        {"files", std::move(fileRows)},
        {"directory_problems", std::move(directoryProblems)},
        {"processes", processesJson(processes)},
        {"archive", archiveJson(result.load)},
        {"summary",
         {{"files", files.size()},
          {"pids", t.pids.size()},
          {"entries", t.entries},
          {"bytes", t.bytes},
          {"problems", result.load.allProblems().size()},
          {"families", result.families.size()}}},
    };
    return jsonText(doc);
}

std::string fileTableText(const FileList &files)
{
    std::string out;
    char line[512];
    std::snprintf(line, sizeof line, "%-32s %-9s %-14s %-8s %3s %10s %10s %7s  %s\n", "FILE", "TYPE", "MODE", "PID",
                  "GEN", "SIZE", "USED", "ENTRIES", "PROBLEMS");
    out += line;
    for (const auto &f : files) {
        std::string prob = std::to_string(f->problems.size());
        if (!f->problems.empty())
            prob += " (" + std::string(toString(f->problems.front().kind)) + ")";
        std::snprintf(line, sizeof line, "%-32s %-9s %-14s %-8s %3s %10llu %10lld %7zu  %s\n",
                      escapeMemberName(f->name).c_str(),
                      f->fileName.valid ? std::string(toString(f->fileName.type)).c_str() : "?",
                      f->fileName.mode != GaugeMode::None ? std::string(toString(f->fileName.mode)).c_str() : "-",
                      f->fileName.valid ? escapeMemberName(f->fileName.pid).c_str() : "?",
                      f->generation ? std::to_string(f->generation).c_str() : "-",
                      static_cast<unsigned long long>(f->size), static_cast<long long>(f->used), f->entries.size(),
                      prob.c_str());
        out += line;
    }
    return out;
}

std::string inspectText(const MergeResult &result, const std::vector<ProcessSummary> &processes)
{
    const auto &files = result.load.files;
    const Totals t = totals(files);
    std::string out = fileTableText(files);
    out += "\n" + std::to_string(files.size()) + " files, " + std::to_string(t.pids.size()) + " pids, "
           + std::to_string(t.entries) + " entries, " + std::to_string(t.bytes) + " bytes, "
           + std::to_string(result.families.size()) + " metric families, "
           + std::to_string(result.load.allProblems().size()) + " problems\n";
    out += "generations:";
    for (const auto &[g, n] : t.generations) {
        // Appended piece by piece: GCC 12 -O3 warns falsely (-Wrestrict) on " " + std::string.
        out += ' ';
        out += g ? std::to_string(g) : std::string("none");
        out += '=';
        out += std::to_string(n);
    }
    out += "\n";
    out += processesText(processes);
    out += archiveText(result.load);
    return out;
}

int run(InspectSettings &s)
{
    const auto result = mergeOnce("inspect", s.path, s.engine, s.progress);
    if (!result)
        return 2;
    s.processes.pidsNotVisible = result->pids.reason;
    const auto processes = summarizeProcesses(result->load, s.processes);
    printOutput(s.json ? inspectJson(s.path, *result, processes) : inspectText(*result, processes));
    return printProblems("inspect", result->load) == 0 ? 0 : 1;
}

} // namespace

Command addInspect(CLI::App &program)
{
    auto s = std::make_shared<InspectSettings>();
    CLI::App *cmd = program.add_subcommand(
        "inspect", "list every file (and process) of a directory or archive\n\n"
                   "Lists every file of PATH: name, type, gauge mode, pid, format generation (1-4),\n"
                   "size, used bytes, entries and problems, then a summary.\n\n"
                   "Then one row per process id: its files, alive/dead/unknown (from this\n"
                   "machine for a directory, from promdir-manifest.json for an archive), last\n"
                   "write, and which files are stale (gauges of dead processes, files not written\n"
                   "for longer than --stale-after), with reasons.");
    addPathArgument(*cmd, s->path);
    addJsonFlag(*cmd, s->json);
    addStaleAfterOption(*cmd, s->processes);
    addLoadOptions(*cmd, s->engine.load, s->progress);
    addLivenessOptions(*cmd, s->engine);
    cmd->footer("Exit status: 0 all files clean, 1 some file had a problem, 2 bad usage or PATH.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
