// promdir: the command line. Each sub-command lives in cmd_<name>.cpp; the
// options, their checks and every --help are CLI11's.
#include "commands.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>
#include <vector>

namespace {

using promdir::cli::Command;

// Help as the commands always printed it: the usage line first, then what
// the command does, its options by section, and the exit status.
class HelpFormatter : public CLI::Formatter
{
public:
    HelpFormatter()
    {
        column_width(26);
        label("Positionals", "Arguments");
        label("SUBCOMMAND", "COMMAND");
    }

    std::string make_help(const CLI::App *app, std::string name, CLI::AppFormatMode mode) const override
    {
        std::string out = make_usage(app, std::move(name));
        if (!app->get_description().empty())
            out += "\n" + app->get_description() + "\n";
        out += make_positionals(app);
        out += make_groups(app, mode);
        out += make_subcommands(app, mode);
        if (!app->get_footer().empty())
            out += "\n" + app->get_footer() + "\n";
        // Sections one blank line apart (CLI11 puts two between some).
        for (auto at = out.find("\n\n\n"); at != std::string::npos; at = out.find("\n\n\n", at))
            out.erase(at, 1);
        return out;
    }

    // Options a command cannot go without are part of its usage line.
    std::string make_usage(const CLI::App *app, std::string name) const override
    {
        std::string required;
        for (const CLI::Option *opt : app->get_options([](const CLI::Option *o) { return o->nonpositional() && o->get_required(); }))
            required += " " + opt->get_name() + " " + opt->get_type_name();
        return CLI::Formatter::make_usage(app, std::move(name) + required);
    }

    // In the list of commands, the first line of each one's description.
    std::string make_subcommand(const CLI::App *sub) const override
    {
        const std::string &description = sub->get_description();
        std::stringstream out;
        CLI::detail::format_help(out, sub->get_name(), description.substr(0, description.find('\n')), column_width_);
        return out.str();
    }
};

void configure(CLI::App &program)
{
    program.formatter(std::make_shared<HelpFormatter>());
    program.set_help_flag("-h,--help", "print this help and exit");
    program.set_version_flag("-V,--version", std::string("promdir ") + PROMDIR_VERSION, "print the version and exit");
    program.footer("PATH defaults to $PROMETHEUS_MULTIPROC_DIR.\n"
                   "Run 'promdir <command> --help' for a command's options.");
    program.require_subcommand(1);
    // An option given twice: the last one counts, as it always did.
    program.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// CLI11's messages start with a capital; ours do not.
std::string message(const CLI::Error &e)
{
    std::string m = e.what();
    if (m.size() > 1 && std::isupper(static_cast<unsigned char>(m[0])) && std::islower(static_cast<unsigned char>(m[1])))
        m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
    return m;
}

// A usage error: the message names the option or argument, exit status 2.
int usageError(const CLI::App &program, const CLI::ParseError &e, int argc, char **argv)
{
    if (const auto selected = program.get_subcommands(); !selected.empty()) {
        promdir::cli::printError(selected.front()->get_name(), message(e) + " (see --help)");
        return 2;
    }
    if (argc >= 2)
        std::fprintf(stderr, "promdir: unknown command '%s'\n", argv[1]);
    std::fputs(program.help().c_str(), stderr);
    return 2;
}

// The arguments after the program's name, last first (as CLI11 takes them).
// CLI11 reads "--opt=" as "--opt" followed by the next argument; it has
// always meant an empty value ("--subdir=" is the top level).
std::vector<std::string> arguments(int argc, char **argv)
{
    std::vector<std::string> args;
    for (int i = argc - 1; i >= 1; --i) {
        const std::string_view a = argv[i];
        if (a.starts_with("--") && a.size() > 3 && a.ends_with('=') && a.find('=') == a.size() - 1) {
            args.emplace_back();
            args.emplace_back(a.substr(0, a.size() - 1));
        } else {
            args.emplace_back(a);
        }
    }
    return args;
}

} // namespace

int main(int argc, char **argv)
{
    CLI::App program("Inspect, merge and serve Prometheus Python multiprocess directories.", "promdir");
    configure(program);
    std::vector<Command> commands;
    for (auto add : {promdir::cli::addRender, promdir::cli::addInspect, promdir::cli::addDemo, promdir::cli::addDoctor,
                     promdir::cli::addDiff, promdir::cli::addPack, promdir::cli::addMarkDead, promdir::cli::addCompact,
#ifdef PROMDIR_HAVE_EXPORTER
                     promdir::cli::addServe, promdir::cli::addPush,
#endif
         })
        commands.push_back(add(program));
    for (const Command &c : commands)
        c.app->group("Commands");

    // "promdir help [COMMAND]": the program's or the command's --help.
    if (argc >= 2 && std::string_view(argv[1]) == "help") {
        const auto named = std::find_if(commands.begin(), commands.end(),
                                        [&](const Command &c) { return argc >= 3 && c.app->get_name() == argv[2]; });
        std::fputs((named != commands.end() ? named->app->help("promdir") : program.help()).c_str(), stdout);
        return 0;
    }
    try {
        program.parse(arguments(argc, argv));
    } catch (const CLI::CallForHelp &) {
        std::fputs(program.help().c_str(), stdout);
        return 0;
    } catch (const CLI::CallForVersion &e) {
        std::printf("%s\n", e.what());
        return 0;
    } catch (const CLI::ParseError &e) {
        return usageError(program, e, argc, argv);
    }
    for (const Command &c : commands)
        if (c.app->parsed())
            return c.run();
    return 2; // unreachable: a command is required
}
