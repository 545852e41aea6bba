#pragma once
// Internal: directory loading with a source of previous results (the
// merge engine's cache).

#include "promdir/directory.h"
#include "merge_p.h"

#include <functional>

namespace promdir {

// What the caller knows of a file from an earlier load.
struct PreviousFile
{
    std::shared_ptr<const ParsedFile> file;
    // The file cannot have changed unless its stamp did (its process is
    // dead): it is not read again when the stamp is the same.
    bool frozen = false;
    // Nothing happened to the file since (inotify said so): a frozen file is
    // taken as it is, without even a stat.
    bool untouched = false;
};

// A listing from an earlier load, to load again without reading the
// directory (when inotify says no file came or went).
struct KnownListing
{
    std::vector<std::string> dbFiles; // paths, sorted by name
    std::vector<Problem> problems;
};

// `firsts`, when given, gets where each key of the load's interner was
// first seen outside gauge files, in merge order (for compilePlan); it is
// left empty when that could not be worked out.
LoadResult loadDirectoryWith(const std::filesystem::path &dir, const LoadOptions &options,
                             const std::function<PreviousFile(const std::string &path)> &previous,
                             const KnownListing *known = nullptr,
                             std::vector<detail::FirstSighting> *firsts = nullptr);

} // namespace promdir
