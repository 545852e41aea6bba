// promdir doctor: what is wrong with a directory or archive, and what to do.
#include "commands.h"
#include "jsonoutput.h"
#include "options.h"
#include "progress.h"

#include "promdir/archive/archive.h"
#include "promdir/diagnostics/doctor.h"
#include "promdir/engine/mergeengine.h"

#include <cstdio>
#include <memory>

namespace promdir::cli {

namespace {

struct DoctorSettings
{
    std::string path;
    bool json = false;
    bool progress = true;
    DoctorOptions options;
    LoadOptions load;
    MergeEngineOptions engine; // liveness options
};

std::string checksText()
{
    std::string out = "Checks:";
    for (const auto &[id, what] : doctorChecks()) {
        char line[256];
        std::snprintf(line, sizeof line, "\n  %-17s %s", id.c_str(), what.c_str());
        out += line;
    }
    return out;
}

// Names come from the directory or archive: never print raw control bytes
// (line breaks of our own messages stay).
std::string safe(std::string_view s)
{
    std::string out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == '\n') {
            out += escapeMemberName(s.substr(start, i - start));
            if (i < s.size())
                out += '\n';
            start = i + 1;
        }
    }
    return out;
}

std::string reportJson(const DoctorReport &report)
{
    Json findings = Json::array();
    for (const auto &f : report.findings)
        findings.push_back({{"check", f.check},
                            {"severity", toString(f.severity)},
                            {"summary", f.summary},
                            {"details", f.details},
                            {"advice", textOrNull(f.advice)}});
    return jsonText({{"path", report.path}, {"healthy", report.healthy()}, {"findings", std::move(findings)}});
}

std::string reportText(const DoctorReport &report)
{
    std::string out = "promdir doctor " + report.path + "\n\n";
    std::size_t problems = 0;
    for (const auto &f : report.findings) {
        const char *tag = f.severity == Severity::Problem ? "[PROBLEM]" : f.severity == Severity::Info ? "[info]   " : "[ok]     ";
        problems += f.severity == Severity::Problem;
        out += std::string(tag) + " " + f.check + ": " + safe(f.summary) + "\n";
        for (const auto &d : f.details)
            out += "            " + safe(d) + "\n";
        if (!f.advice.empty() && f.severity != Severity::Ok)
            out += "          what to do: " + f.advice + "\n";
    }
    out += problems ? "\n" + std::to_string(problems) + " problem(s) found.\n" : std::string("\nHealthy.\n");
    return out;
}

int run(DoctorSettings &s)
{
    if (!resolvePath("doctor", s.path))
        return 2;
    ProgressBar bar("reading " + s.path, s.progress);
    s.load.progress = bar.callback();
    const LoadResult result = loadPath(s.path, s.load);
    bar.finish();
    if (s.engine.pidNamespace == PidNamespace::Separate && !result.archive.isArchive)
        s.options.processes.pidsNotVisible = std::string(kPidsSetSeparate);
    const DoctorReport report = runDoctor(s.path, result, s.options);
    const std::string out = s.json ? reportJson(report) : reportText(report);
    printOutput(out);
    if (!result.ok)
        return 2;
    return report.healthy() ? 0 : 1;
}

} // namespace

Command addDoctor(CLI::App &program)
{
    auto s = std::make_shared<DoctorSettings>();
    CLI::App *cmd = program.add_subcommand(
        "doctor", "find and explain problems of a directory or archive\n\n"
                  "Checks PATH and explains every problem found, with what to do about it.\n"
                      + checksText());
    addPathArgument(*cmd, s->path);
    addJsonFlag(*cmd, s->json);
    addStaleAfterOption(*cmd, s->options.processes);
    cmd->add_option_function<std::string>(
           "--max-files",
           [s](const std::string &v) {
               const auto n = parseSize(v);
               if (!n)
                   throw notA("--max-files", v, "a number");
               s->options.manyFiles = *n;
           },
           "more files than this is a problem (default 1000)")
        ->type_name("N");
    addLoadOptions(*cmd, s->load, s->progress);
    addLivenessOptions(*cmd, s->engine);
    cmd->footer("Exit status: 0 healthy, 1 problems found, 2 bad usage or PATH unusable.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
