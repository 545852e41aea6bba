#pragma once
// Internal: directory loading with a source of previous results (the
// merge engine's cache).

#include "promdir/directory.h"

#include <functional>

namespace promdir {

LoadResult loadDirectoryWith(const std::filesystem::path &dir, const LoadOptions &options,
                             const std::function<std::shared_ptr<const ParsedFile>(const std::filesystem::path &)> &previous);

} // namespace promdir
