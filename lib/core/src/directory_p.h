#pragma once
// Internal: directory loading with a source of previous results (the
// merge engine's cache).

#include "promdir/directory.h"

#include <functional>

namespace promdir {

// What the caller knows of a file from an earlier load.
struct PreviousFile
{
    std::shared_ptr<const ParsedFile> file;
    // The file cannot have changed unless its stamp did (its process is
    // dead): it is not read again when the stamp is the same.
    bool frozen = false;
};

LoadResult loadDirectoryWith(const std::filesystem::path &dir, const LoadOptions &options,
                             const std::function<PreviousFile(const std::filesystem::path &)> &previous);

} // namespace promdir
