// promdir doctor: what is wrong with a directory or archive, and what to do.
#include "commands.h"
#include "loadoptions.h"
#include "progress.h"

#include "promdir/archive/archive.h"
#include "promdir/diagnostics/doctor.h"
#include "promdir/format/json.h"
#include "promdir/engine/mergeengine.h"

#include <cstdio>

namespace promdir::cli {

namespace {

std::string help()
{
    std::string h =
        "Usage: promdir doctor [--json] [--stale-after DURATION] [--max-files N] [PATH]\n\n"
        "Checks PATH (a directory or an archive; default $PROMETHEUS_MULTIPROC_DIR) and\n"
        "explains every problem found, with what to do about it. Checks:\n";
    for (const auto &[id, what] : doctorChecks()) {
        char line[256];
        std::snprintf(line, sizeof line, "  %-17s %s\n", id.c_str(), what.c_str());
        h += line;
    }
    h += "\n"
         "  --json                 machine-readable report\n"
         "  --stale-after DURATION files older than this are stale (default 24h; s, m, h, d)\n"
         "  --max-files N          more files than this is a problem (default 1000)\n";
    h += kLoadOptionsHelp;
    h += kLivenessOptionsHelp;
    h += "\nExit status: 0 healthy, 1 problems found, 2 bad usage or PATH unusable.\n";
    return h;
}

std::string q(std::string_view s)
{
    return json::pythonString(s);
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

} // namespace

int runDoctor(const Args &args)
{
    std::string path;
    bool asJson = false, progress = true;
    DoctorOptions options;
    LoadOptions load;
    MergeEngineOptions engineOptions;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--help" || a == "-h") {
            std::fputs(help().c_str(), stdout);
            return 0;
        }
        if (const int r = parseLivenessOption("doctor", args, i, engineOptions)) {
            if (r < 0)
                return 2;
            continue;
        }
        if (const int r = parseLoadOption("doctor", args, i, load, progress)) {
            if (r < 0)
                return 2;
            continue;
        }
        if (a == "--json") {
            asJson = true;
        } else if (a == "--stale-after" || a == "--max-files") {
            if (i + 1 >= args.size()) {
                printError("doctor", a + " needs a value");
                return 2;
            }
            const std::string &v = args[++i];
            if (a == "--stale-after") {
                const auto d = parseDuration(v);
                if (!d) {
                    printError("doctor", "--stale-after: '" + v + "' is not a duration (like 30m, 24h, 7d)");
                    return 2;
                }
                options.processes.staleAfter = std::chrono::seconds(*d);
            } else {
                const auto n = parseSize(v);
                if (!n) {
                    printError("doctor", "--max-files: '" + v + "' is not a number");
                    return 2;
                }
                options.manyFiles = *n;
            }
        } else if (a.starts_with("-") && a != "-") {
            printError("doctor", "unknown option " + a + " (see --help)");
            return 2;
        } else if (path.empty()) {
            path = a;
        } else {
            printError("doctor", "more than one PATH given");
            return 2;
        }
    }
    if (path.empty())
        path = defaultPath();
    if (path.empty()) {
        printError("doctor", "no PATH given and PROMETHEUS_MULTIPROC_DIR is not set");
        return 2;
    }
    ProgressBar bar("reading " + path, progress);
    load.progress = bar.callback();
    const LoadResult result = loadPath(path, load);
    bar.finish();
    if (engineOptions.pidNamespace == PidNamespace::Separate && !result.archive.isArchive)
        options.processes.pidsNotVisible = std::string(kPidsSetSeparate);
    const DoctorReport report = runDoctor(path, result, options);

    std::string out;
    if (asJson) {
        out = "{\"path\": " + q(path) + ", \"healthy\": " + (report.healthy() ? "true" : "false") + ", \"findings\": [";
        bool first = true;
        for (const auto &f : report.findings) {
            out += first ? "\n" : ",\n";
            first = false;
            out += "  {\"check\": " + q(f.check) + ", \"severity\": " + q(toString(f.severity)) + ", \"summary\": "
                   + q(f.summary) + ", \"details\": [";
            for (std::size_t i = 0; i < f.details.size(); ++i)
                out += (i ? ", " : "") + q(f.details[i]);
            out += "], \"advice\": " + (f.advice.empty() ? std::string("null") : q(f.advice)) + "}";
        }
        out += "\n]}\n";
    } else {
        out = "promdir doctor " + path + "\n\n";
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
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    if (!result.ok)
        return 2;
    return report.healthy() ? 0 : 1;
}

} // namespace promdir::cli
