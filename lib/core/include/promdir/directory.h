#pragma once
// Loading a whole metrics directory: list *.db, read each, report the rest.

#include "promdir/merge.h"

namespace promdir {

struct LoadOptions
{
    ReadOptions read;
};

// Everything promdir knows about one directory (or archive) at one moment.
struct LoadResult
{
    bool ok = false;           // false: the path itself could not be used
    std::string error;         // one line, when !ok
    FileList files;            // every *.db file read, sorted by name
    std::vector<Problem> problems; // directory-level: foreign files, folders
    // All problems: directory-level plus every file's.
    std::vector<Problem> allProblems() const;
};

// A directory on disk. Missing or not a directory: ok=false.
LoadResult loadDirectory(const std::filesystem::path &dir, const LoadOptions &options = {});

// A directory or an archive; what every tool calls.
LoadResult loadPath(const std::filesystem::path &path, const LoadOptions &options = {});

} // namespace promdir
