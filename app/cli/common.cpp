#include "commands.h"
#include "progress.h"

#include "promdir/compact/compact.h"
#include "promdir/format/filename.h"

#include <cstdio>
#include <cstdlib>

namespace promdir::cli {

std::string defaultPath()
{
    return multiprocessDirectoryFromEnvironment();
}

bool resolvePath(const std::string &command, std::string &path, const std::string &what)
{
    if (path.empty())
        path = defaultPath();
    if (path.empty())
        printError(command, "no " + what + " given and PROMETHEUS_MULTIPROC_DIR is not set");
    return !path.empty();
}

void printError(const std::string &command, const std::string &message)
{
    std::fprintf(stderr, "promdir %s: %s\n", command.c_str(), message.c_str());
}

std::shared_ptr<const MergeResult> mergeOnce(const std::string &command, std::string &path,
                                             const MergeEngineOptions &options, bool progress)
{
    if (!resolvePath(command, path))
        return nullptr;
    ProgressBar bar("reading " + path, progress);
    MergeEngineOptions withBar = options;
    withBar.load.progress = bar.callback();
    MergeEngine engine(path, withBar);
    auto result = engine.refresh();
    bar.finish();
    if (!result->load.ok) {
        printError(command, result->load.error);
        return nullptr;
    }
    return result;
}

std::string compactErrorText(const Error &error)
{
    if (error.code.as<CompactErrorCode>() != CompactErrorCode::PidsNotVisible)
        return error.message;
    return error.message
           + ". If the writers run in another pid namespace, pass --assume-dead-when-unchanged: a process then "
             "counts as dead when none of its files changed for the grace period";
}

void printOutput(std::string_view out)
{
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
}

std::size_t printProblems(const std::string &command, const LoadResult &load)
{
    const auto problems = load.allProblems();
    for (const auto &p : problems)
        printError(command, p.describe());
    return problems.size();
}

} // namespace promdir::cli
