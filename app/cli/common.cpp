#include "commands.h"

#include "promdir/format/filename.h"

#include <cstdio>
#include <cstdlib>

namespace promdir::cli {

std::string defaultPath()
{
    return multiprocessDirectoryFromEnvironment();
}

void printError(const std::string &command, const std::string &message)
{
    std::fprintf(stderr, "promdir %s: %s\n", command.c_str(), message.c_str());
}

} // namespace promdir::cli
