// promdir diff: what changed between two directories or archives.
#include "commands.h"
#include "jsonoutput.h"
#include "options.h"
#include "progress.h"

#include "promdir/diagnostics/diff.h"
#include "promdir/format/floatformat.h"
#include "promdir/engine/mergeengine.h"

#include <cstdio>
#include <memory>
#include <optional>

namespace promdir::cli {

namespace {

struct DiffSettings
{
    std::string a, b;
    std::string subdirA, subdirB;
    bool json = false;
    bool progress = true;
    LoadOptions load;
};

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

Json changeJson(const DiffEntry &e)
{
    using K = DiffEntry::Kind;
    Json change = {{"kind", toString(e.kind)}, {"family", e.family}};
    if (!e.sample.empty()) {
        change["sample"] = e.sample;
        Json labels = Json::object();
        for (const auto &[name, value] : e.labels)
            labels[name] = value;
        change["labels"] = std::move(labels);
    }
    if (e.kind == K::SeriesRemoved || e.kind == K::ValueChanged)
        change["before"] = jsonNumber(e.before);
    if (e.kind == K::SeriesAdded || e.kind == K::ValueChanged)
        change["after"] = jsonNumber(e.after);
    if (e.kind == K::TypeChanged || e.kind == K::HelpChanged) {
        change["before"] = e.beforeText;
        change["after"] = e.afterText;
    }
    return change;
}

std::string diffJson(const DiffSettings &s, const std::vector<DiffEntry> &entries)
{
    Json changes = Json::array();
    for (const auto &e : entries)
        changes.push_back(changeJson(e));
    return jsonText({{"a", s.a}, {"b", s.b}, {"changes", std::move(changes)}});
}

std::string changeText(const DiffEntry &e)
{
    using K = DiffEntry::Kind;
    const std::string series = e.sample + labelsText(e.labels);
    switch (e.kind) {
    case K::FamilyAdded: return "+ family " + e.family + "\n";
    case K::FamilyRemoved: return "- family " + e.family + "\n";
    case K::TypeChanged: return "~ family " + e.family + ": type " + e.beforeText + " -> " + e.afterText + "\n";
    case K::HelpChanged: return "~ family " + e.family + ": help " + jsonQuoted(e.beforeText) + " -> " + jsonQuoted(e.afterText) + "\n";
    case K::SeriesAdded: return "+ " + series + " " + floatToGoString(e.after) + "\n";
    case K::SeriesRemoved: return "- " + series + " " + floatToGoString(e.before) + "\n";
    case K::ValueChanged: {
        std::string delta = floatToGoString(e.after - e.before);
        if (delta[0] != '-' && delta[0] != '+')
            delta = "+" + delta;
        return "~ " + series + " " + floatToGoString(e.before) + " -> " + floatToGoString(e.after) + " (" + delta + ")\n";
    }
    }
    return {};
}

// The merged families of one side; nullopt when it cannot be read (printed).
std::optional<std::vector<MetricFamily>> mergedFamilies(const DiffSettings &s, const std::string &path,
                                                         const std::string &subdir)
{
    MergeEngineOptions options;
    options.load = s.load;
    if (!subdir.empty())
        options.load.subdir = subdir;
    ProgressBar bar("reading " + path, s.progress);
    options.load.progress = bar.callback();
    MergeEngine engine(path, options);
    const auto result = engine.refresh();
    bar.finish();
    if (!result->load.ok) {
        printError("diff", result->load.error);
        return std::nullopt;
    }
    printProblems("diff", result->load);
    return result->families;
}

int run(const DiffSettings &s)
{
    const auto before = mergedFamilies(s, s.a, s.subdirA);
    if (!before)
        return 2;
    const auto after = mergedFamilies(s, s.b, s.subdirB);
    if (!after)
        return 2;
    const auto entries = diffFamilies(*before, *after);
    std::string out;
    if (s.json) {
        out = diffJson(s, entries);
    } else {
        for (const auto &e : entries)
            out += changeText(e);
        if (entries.empty())
            out = "no differences\n";
    }
    printOutput(out);
    return entries.empty() ? 0 : 1;
}

} // namespace

Command addDiff(CLI::App &program)
{
    auto s = std::make_shared<DiffSettings>();
    CLI::App *cmd = program.add_subcommand(
        "diff", "what changed between two directories or archives\n\n"
                "Merges A and B (directories or archives) as the Python client would and\n"
                "prints what changed from A to B: families added or removed, type or help\n"
                "changed, series added or removed, values changed (with the difference).");
    cmd->add_option("A", s->a, "the directory or archive before")->type_name("")->required();
    cmd->add_option("B", s->b, "the directory or archive after")->type_name("")->required();
    addJsonFlag(*cmd, s->json);
    cmd->add_option("--subdir-a", s->subdirA, "folder inside archive A (like --subdir)")->type_name("DIR");
    cmd->add_option("--subdir-b", s->subdirB, "folder inside archive B")->type_name("DIR");
    addLoadOptions(*cmd, s->load, s->progress);
    cmd->footer("--subdir applies to both A and B.\n"
                "Exit status: 0 no differences, 1 differences found, 2 bad usage or a PATH unusable.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
