#pragma once
// Every `promdir` subcommand is one function in its own cmd_<name>.cpp,
// listed in the table in main.cpp. Arguments exclude the program and the
// subcommand name. Exit codes: 0 fine, 1 problems found, 2 usage/path error.

#include <string>
#include <vector>

namespace promdir::cli {

using Args = std::vector<std::string>;

struct Command
{
    const char *name;
    const char *summary;
    int (*run)(const Args &args);
};

int runRender(const Args &args);
int runInspect(const Args &args);
int runDemo(const Args &args);    // cmd_demo.cpp
int runPack(const Args &args);     // cmd_pack.cpp
int runDoctor(const Args &args);   // cmd_doctor.cpp
int runDiff(const Args &args);     // cmd_diff.cpp
int runMarkDead(const Args &args); // cmd_markdead.cpp
int runServe(const Args &args); // cmd_serve.cpp; only with Promdir::Exporter (PROMDIR_HAVE_EXPORTER)

// Shared helpers (common.cpp).
// PATH argument or $PROMETHEUS_MULTIPROC_DIR (or the old lower-case name).
std::string defaultPath();
// Prints "promdir <cmd>: <message>" on stderr.
void printError(const std::string &command, const std::string &message);

} // namespace promdir::cli
