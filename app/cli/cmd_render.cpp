// promdir render: the merged exposition, as the Python client would serve it.
#include "commands.h"
#include "loadoptions.h"
#include "progress.h"

#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"

#include <cstdio>

namespace promdir::cli {

namespace {

const char kHelp[] =
    "Usage: promdir render [--format text|openmetrics|samples] [--no-accumulate]\n"
    "                      [--name SAMPLE_NAME]... [PATH]\n\n"
    "Merges every *.db file of PATH (a directory; default $PROMETHEUS_MULTIPROC_DIR)\n"
    "in sorted name order exactly as the Python client's MultiProcessCollector and\n"
    "prints the exposition.\n\n"
    "  --format text          Prometheus text format 0.0.4 (default)\n"
    "  --format openmetrics   OpenMetrics 1.0.0\n"
    "  --format samples       one sample a line: family, type, sample, labels, value\n"
    "  --no-accumulate        keep raw histogram bucket counts (merge with accumulate=False)\n"
    "  --name SAMPLE_NAME     only these samples (like the HTTP name[] parameter); repeatable\n\n"
    "PATH may also be an archive of a directory (see below).\n\n"
    "Problems in files are printed on stderr; everything readable is still rendered.\n"
    "Exit status: 0 all files clean, 1 some file had a problem, 2 bad usage or PATH.\n";

} // namespace

int runRender(const Args &args)
{
    std::string path;
    std::string format = "text";
    RenderOptions render;
    MergeEngineOptions engineOptions;
    bool progress = true;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (const int r = parseLivenessOption("render", args, i, engineOptions)) {
            if (r < 0)
                return 2;
            continue;
        }
        if (const int r = parseLoadOption("render", args, i, engineOptions.load, progress)) {
            if (r < 0)
                return 2;
            continue;
        }
        auto value = [&](const char *opt) -> const std::string * {
            if (i + 1 >= args.size()) {
                printError("render", std::string(opt) + " needs a value");
                return nullptr;
            }
            return &args[++i];
        };
        if (a == "--help" || a == "-h") {
            std::fputs(kHelp, stdout);
            std::fputs(kLoadOptionsHelp, stdout);
            std::fputs(kLivenessOptionsHelp, stdout);
            return 0;
        } else if (a == "--format") {
            const std::string *v = value("--format");
            if (!v)
                return 2;
            format = *v;
        } else if (a.starts_with("--format=")) {
            format = a.substr(9);
        } else if (a == "--no-accumulate") {
            engineOptions.merge.accumulate = false;
        } else if (a == "--name") {
            const std::string *v = value("--name");
            if (!v)
                return 2;
            render.names.push_back(*v);
        } else if (a.starts_with("--name=")) {
            render.names.push_back(a.substr(7));
        } else if (a.starts_with("-") && a != "-") {
            printError("render", "unknown option " + a + " (see --help)");
            return 2;
        } else if (path.empty()) {
            path = a;
        } else {
            printError("render", "more than one PATH given");
            return 2;
        }
    }
    if (format == "text")
        render.format = Format::Text;
    else if (format == "openmetrics")
        render.format = Format::OpenMetrics;
    else if (format != "samples") {
        printError("render", "unknown format '" + format + "' (text, openmetrics or samples)");
        return 2;
    }
    if (path.empty())
        path = defaultPath();
    if (path.empty()) {
        printError("render", "no PATH given and PROMETHEUS_MULTIPROC_DIR is not set");
        return 2;
    }

    ProgressBar bar("reading " + path, progress);
    engineOptions.load.progress = bar.callback();
    MergeEngine engine(path, engineOptions);
    const auto result = engine.refresh();
    bar.finish();
    if (!result->load.ok) {
        printError("render", result->load.error);
        return 2;
    }
    const std::string out = format == "samples" ? renderSampleTable(result->families)
                                                : promdir::render(result->families, render);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    const auto problems = result->load.allProblems();
    for (const auto &p : problems)
        printError("render", p.describe());
    return problems.empty() ? 0 : 1;
}

} // namespace promdir::cli
