#pragma once
// Internal: directory loading with a source of previous results (the
// merge engine's cache).

#include "promdir/read/directory.h"
#include "read/listing_p.h"
#include "read/sightings_p.h"

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

using PreviousLookup = std::function<PreviousFile(const std::string &path, const FileName &name)>;

// The caller holds the readers' lock (read/directorylock_p.h) around it:
// the merge engine holds it over its events, listing and reading together.
// `previous` is asked about each file (its path, and what its name says)
// from the loading threads, at once.
// `firsts`, when given, gets where each key of the load's interner was
// first seen outside gauge files, in merge order (for
// compilePlanFromSightings); it is
// left empty when that could not be worked out.
LoadResult loadDirectoryWith(const std::filesystem::path &dir, const LoadOptions &options,
                             const PreviousLookup &previous,
                             std::vector<detail::FirstSighting> *firsts = nullptr);

// The files of `listing` (a listing's dbFiles, or some of them: full
// paths in one folder, sorted) read as a load reads them: on the kept
// threads, keys shared, the `unsure` ones looked at before they are opened;
// in the listing's order (a live gauge file that vanished is left out, as
// in a load). Without listing again: compaction lists with stat() alone and
// reads only the files it may fold. The caller holds the readers' lock.
FileList loadListedFiles(detail::Listing listing, const LoadOptions &options = {});

} // namespace promdir
