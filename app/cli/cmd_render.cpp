// promdir render: the merged exposition, as the Python client would serve it.
#include "commands.h"
#include "options.h"

#include "promdir/engine/mergeengine.h"
#include "promdir/render/exposition.h"

#include <memory>

namespace promdir::cli {

namespace {

struct RenderSettings
{
    std::string path;
    std::string format = "text";
    std::string accept; // as an HTTP client would send it; overrides format and escaping
    RenderOptions render;
    MergeEngineOptions engine;
    bool progress = true;
};

int run(RenderSettings &s)
{
    const auto result = mergeOnce("render", s.path, s.engine, s.progress);
    if (!result)
        return 2;
    if (s.format == "openmetrics")
        s.render.format = Format::OpenMetrics;
    if (!s.accept.empty())
        s.render = negotiate(s.accept).renderOptions(std::move(s.render.names));
    printOutput(s.format == "samples" ? renderSampleTable(result->families) : promdir::render(result->families, s.render));
    return printProblems("render", result->load) == 0 ? 0 : 1;
}

} // namespace

Command addRender(CLI::App &program)
{
    auto s = std::make_shared<RenderSettings>();
    CLI::App *cmd = program.add_subcommand(
        "render", "print the merged exposition of a directory or archive\n\n"
                  "Merges every *.db file of PATH in sorted name order exactly as the Python\n"
                  "client's MultiProcessCollector and prints the exposition.\n"
                  "Problems in files are printed on stderr; everything readable is still rendered.");
    addPathArgument(*cmd, s->path);
    auto *format = cmd->add_option("--format", s->format,
                    "text: Prometheus text format 0.0.4 (default; 1.0.0\n"
                    "with --escaping)\n"
                    "openmetrics: OpenMetrics 1.0.0\n"
                    "samples: one sample a line: family, type, sample,\n"
                    "labels, value")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"text", "openmetrics", "samples"}));
    auto *escaping = cmd->add_option_function<std::string>(
                              "--escaping",
                              [s](const std::string &v) { s->render.escaping = nameEscapingFromString(v).value_or(NameEscaping::Underscores); },
                              "how names outside [a-zA-Z_:][a-zA-Z0-9_:]* are written,\n"
                              "as the client's escaping schemes (default underscores):\n"
                              "allow-utf-8: as they are, quoted: {\"my.gauge\",\"lbl.x\"=\"y\"}\n"
                              "underscores: my_gauge{lbl_x=\"y\"}\n"
                              "dots: my_dot_gauge{lbl_dot_x=\"y\"}\n"
                              "values: U__my_2e_gauge{U__lbl_2e_x=\"y\"}")
                          ->type_name("SCHEME")
                          ->check(CLI::IsMember({"allow-utf-8", "underscores", "dots", "values"}));
    cmd->add_option("--accept", s->accept,
                    "format and escaping as `serve` answers this HTTP Accept\n"
                    "header, e.g. Prometheus 3's")
        ->type_name("HEADER")
        ->excludes(escaping)
        ->excludes(format);
    addNoAccumulateOption(*cmd, s->engine.merge);
    cmd->add_option("--name", s->render.names, "only these samples (like the HTTP name[] parameter);\nrepeatable")
        ->type_name("SAMPLE_NAME")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    addLoadOptions(*cmd, s->engine.load, s->progress);
    addLivenessOptions(*cmd, s->engine);
    cmd->footer("Exit status: 0 all files clean, 1 some file had a problem, 2 bad usage or PATH.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
