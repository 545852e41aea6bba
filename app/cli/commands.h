#pragma once
// Every `promdir` sub-command lives in its own cmd_<name>.cpp as one
// add<Name> function: it adds the sub-command to the program's CLI11 app,
// with its options bound to settings of its own, and returns it with what
// runs it once the command line is parsed. Exit codes: 0 fine, 1 problems
// found, 2 usage or path error.

#include "promdir/engine/mergeengine.h"
#include "promdir/read/directory.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace promdir::cli {

struct Command
{
    CLI::App *app = nullptr;
    std::function<int()> run;
};

Command addRender(CLI::App &program);   // cmd_render.cpp
Command addInspect(CLI::App &program);  // cmd_inspect.cpp
Command addDemo(CLI::App &program);     // cmd_demo.cpp
Command addDoctor(CLI::App &program);   // cmd_doctor.cpp
Command addDiff(CLI::App &program);     // cmd_diff.cpp
Command addPack(CLI::App &program);     // cmd_pack.cpp
Command addMarkDead(CLI::App &program); // cmd_markdead.cpp
Command addCompact(CLI::App &program);  // cmd_compact.cpp
Command addServe(CLI::App &program);    // cmd_serve.cpp; only with Promdir::Exporter (PROMDIR_HAVE_EXPORTER)
Command addPush(CLI::App &program);     // cmd_push.cpp; likewise

// Shared helpers (common.cpp).
// $PROMETHEUS_MULTIPROC_DIR (or the old lower-case name); empty when unset.
std::string defaultPath();
// An empty `path` becomes defaultPath(); false (and the error printed) when
// that is empty too. `what` names the argument in the message (PATH, DIR).
bool resolvePath(const std::string &command, std::string &path, const std::string &what = "PATH");
// Prints "promdir <cmd>: <message>" on stderr.
void printError(const std::string &command, const std::string &message);

// PATH (resolvePath) merged once, with a progress bar on stderr; null,
// with the error printed, when the path cannot be used (exit status 2).
std::shared_ptr<const MergeResult> mergeOnce(const std::string &command, std::string &path,
                                             const MergeEngineOptions &options, bool progress);
// A compaction's error as `compact` and `serve --compact-dead-after` print
// it: pids not visible from here name the flag both take.
std::string compactErrorText(const Error &error);

// Writes `out` to standard output, all of it now.
void printOutput(std::string_view out);

// Prints every problem of `load` on stderr ("promdir CMD: file: offset N:
// ..."); returns how many there were.
std::size_t printProblems(const std::string &command, const LoadResult &load);

} // namespace promdir::cli
