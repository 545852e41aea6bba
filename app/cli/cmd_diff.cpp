// promdir diff: what changed between two directories or archives.
#include "commands.h"
#include "loadoptions.h"
#include "progress.h"

#include "promdir/diagnostics/diff.h"
#include "promdir/format/floatformat.h"
#include "promdir/format/json.h"
#include "promdir/engine/mergeengine.h"

#include <cstdio>

namespace promdir::cli {

namespace {

std::string help()
{
    std::string h =
        "Usage: promdir diff [--json] [--subdir-a DIR] [--subdir-b DIR] A B\n\n"
        "Merges A and B (directories or archives) as the Python client would and\n"
        "prints what changed from A to B: families added or removed, type or help\n"
        "changed, series added or removed, values changed (with the difference).\n\n"
        "  --json           machine-readable output\n"
        "  --subdir-a DIR   folder inside archive A (like --subdir)\n"
        "  --subdir-b DIR   folder inside archive B\n";
    h += kLoadOptionsHelp;
    h += "  (--subdir applies to both A and B)\n";
    h += "\nExit status: 0 no differences, 1 differences found, 2 bad usage or a PATH unusable.\n";
    return h;
}

std::string labelsText(const Labels &labels)
{
    if (labels.empty())
        return {};
    std::string s = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        s += (i ? "," : "") + labels[i].first + "=\"";
        for (char c : labels[i].second) {
            if (c == '\\' || c == '"')
                s += '\\';
            if (c == '\n') {
                s += "\\n";
                continue;
            }
            s += c;
        }
        s += '"';
    }
    return s + "}";
}

std::string q(std::string_view s)
{
    return json::pythonString(s);
}

std::string jsonNumber(double v)
{
    // JSON has no NaN/Inf: those become strings.
    const std::string s = floatToGoString(v);
    return (s == "NaN" || s == "+Inf" || s == "-Inf") ? q(s) : pythonRepr(v);
}

} // namespace

int runDiff(const Args &args)
{
    std::vector<std::string> paths;
    bool asJson = false, progress = true;
    LoadOptions load;
    std::string subA, subB;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--help" || a == "-h") {
            std::fputs(help().c_str(), stdout);
            return 0;
        }
        if (const int r = parseLoadOption("diff", args, i, load, progress)) {
            if (r < 0)
                return 2;
            continue;
        }
        if (a == "--json") {
            asJson = true;
        } else if (a == "--subdir-a" || a == "--subdir-b") {
            if (i + 1 >= args.size()) {
                printError("diff", a + " needs a value");
                return 2;
            }
            (a == "--subdir-a" ? subA : subB) = args[++i];
        } else if (a.starts_with("-") && a != "-") {
            printError("diff", "unknown option " + a + " (see --help)");
            return 2;
        } else {
            paths.push_back(a);
        }
    }
    if (paths.size() != 2) {
        printError("diff", "give two paths: promdir diff A B (see --help)");
        return 2;
    }
    std::vector<MetricFamily> fam[2];
    std::size_t problems = 0;
    for (int k = 0; k < 2; ++k) {
        LoadOptions lo = load;
        const std::string &sub = k == 0 ? subA : subB;
        if (!sub.empty())
            lo.subdir = sub;
        ProgressBar bar("reading " + paths[k], progress);
        lo.progress = bar.callback();
        MergeEngineOptions eo;
        eo.load = lo;
        MergeEngine engine(paths[k], eo);
        const auto result = engine.refresh();
        bar.finish();
        if (!result->load.ok) {
            printError("diff", result->load.error);
            return 2;
        }
        for (const auto &p : result->load.allProblems()) {
            printError("diff", p.describe());
            ++problems;
        }
        fam[k] = result->families;
    }
    const auto entries = diffFamilies(fam[0], fam[1]);

    std::string out;
    if (asJson) {
        out = "{\"a\": " + q(paths[0]) + ", \"b\": " + q(paths[1]) + ", \"changes\": [";
        bool first = true;
        for (const auto &e : entries) {
            out += first ? "\n" : ",\n";
            first = false;
            out += "  {\"kind\": " + q(toString(e.kind)) + ", \"family\": " + q(e.family);
            if (!e.sample.empty()) {
                out += ", \"sample\": " + q(e.sample) + ", \"labels\": {";
                for (std::size_t i = 0; i < e.labels.size(); ++i)
                    out += (i ? ", " : "") + q(e.labels[i].first) + ": " + q(e.labels[i].second);
                out += "}";
            }
            using K = DiffEntry::Kind;
            if (e.kind == K::SeriesRemoved || e.kind == K::ValueChanged)
                out += ", \"before\": " + jsonNumber(e.before);
            if (e.kind == K::SeriesAdded || e.kind == K::ValueChanged)
                out += ", \"after\": " + jsonNumber(e.after);
            if (e.kind == K::TypeChanged || e.kind == K::HelpChanged)
                out += ", \"before\": " + q(e.beforeText) + ", \"after\": " + q(e.afterText);
            out += "}";
        }
        out += "\n]}\n";
    } else {
        for (const auto &e : entries) {
            using K = DiffEntry::Kind;
            const std::string series = e.sample + labelsText(e.labels);
            switch (e.kind) {
            case K::FamilyAdded: out += "+ family " + e.family + "\n"; break;
            case K::FamilyRemoved: out += "- family " + e.family + "\n"; break;
            case K::TypeChanged: out += "~ family " + e.family + ": type " + e.beforeText + " -> " + e.afterText + "\n"; break;
            case K::HelpChanged: out += "~ family " + e.family + ": help " + q(e.beforeText) + " -> " + q(e.afterText) + "\n"; break;
            case K::SeriesAdded: out += "+ " + series + " " + floatToGoString(e.after) + "\n"; break;
            case K::SeriesRemoved: out += "- " + series + " " + floatToGoString(e.before) + "\n"; break;
            case K::ValueChanged: {
                std::string delta = floatToGoString(e.after - e.before);
                if (delta[0] != '-' && delta[0] != '+')
                    delta = "+" + delta;
                out += "~ " + series + " " + floatToGoString(e.before) + " -> " + floatToGoString(e.after) + " ("
                       + delta + ")\n";
                break;
            }
            }
        }
        if (entries.empty())
            out = "no differences\n";
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    (void)problems;
    return entries.empty() ? 0 : 1;
}

} // namespace promdir::cli
