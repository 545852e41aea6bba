// promdir: the command line. Each subcommand lives in cmd_<name>.cpp.
#include "commands.h"

#include <cstdio>
#include <cstring>
#include <iostream>

namespace {

using promdir::cli::Command;

const Command kCommands[] = {
    {"render", "print the merged exposition of a directory or archive", promdir::cli::runRender},
    {"inspect", "list every file (and process) of a directory or archive", promdir::cli::runInspect},
    {"demo", "run worker processes writing metrics (or generate a big directory)", promdir::cli::runDemo},
    {"doctor", "find and explain problems of a directory or archive", promdir::cli::runDoctor},
    {"diff", "what changed between two directories or archives", promdir::cli::runDiff},
    {"pack", "write a support tarball of a directory, with liveness", promdir::cli::runPack},
    {"mark-dead", "delete a dead process's live-gauge files (mark_process_dead)", promdir::cli::runMarkDead},
#ifdef PROMDIR_HAVE_EXPORTER
    {"serve", "serve the merged metrics over HTTP at /metrics", promdir::cli::runServe},
#endif
};

void usage(std::FILE *out)
{
    std::fprintf(out, "Usage: promdir <command> [options] [PATH]\n\n"
                      "Inspect, merge and serve Prometheus Python multiprocess directories.\n"
                      "PATH defaults to $PROMETHEUS_MULTIPROC_DIR.\n\nCommands:\n");
    for (const auto &c : kCommands)
        std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
    std::fprintf(out, "\nRun 'promdir <command> --help' for a command's options.\n"
                      "Options: --help, --version\n");
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const std::string cmd = argv[1];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        usage(stdout);
        return 0;
    }
    if (cmd == "--version" || cmd == "-V") {
        std::printf("promdir %s\n", PROMDIR_VERSION);
        return 0;
    }
    for (const auto &c : kCommands) {
        if (cmd == c.name) {
            promdir::cli::Args args(argv + 2, argv + argc);
            return c.run(args);
        }
    }
    std::fprintf(stderr, "promdir: unknown command '%s'\n", cmd.c_str());
    usage(stderr);
    return 2;
}
