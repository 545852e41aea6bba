#pragma once
// The compaction folder inside a metrics directory, opened without
// following links, and the file operations compaction makes in it: each
// inside an open folder (*at() calls), synced where a crash must not lose
// it.

#include "compact/compact_p.h"

namespace promdir::detail {

struct CompactionFolders
{
    std::string path;   // the metrics directory, as given
    int dir = -1;       // the metrics directory
    int folder = -1;    // .promdir-compaction (locked exclusively: one compaction at a time)
    int staged = -1;    // .promdir-compaction/staged
    int fresh = -1;     // .promdir-compaction/new
    CompactionFolders() = default;
    CompactionFolders(const CompactionFolders &) = delete;
    CompactionFolders &operator=(const CompactionFolders &) = delete;
    ~CompactionFolders();
};

// Opens (creating when missing) the folders and takes the compaction lock.
Result<void> openCompactionFolders(const std::filesystem::path &dir, CompactionFolders &f);

// Base names in an open folder (not . and ..), sorted.
std::vector<std::string> namesIn(int folder);
// `bytes` as the file `name` in `folder`, synced; on failure nothing of it
// stays. `shown` names the file in the error.
Result<void> writeFileAt(int folder, const std::string &name, const std::string &bytes, const std::string &shown);
bool syncFolder(int folder);
// rename without replacing: false with errno EEXIST when `to` exists.
bool moveNoReplace(int fromFolder, const std::string &name, int toFolder);

// Finishes (commit mark present) or undoes (absent) what an interrupted
// compaction left; empty when there was nothing.
Result<std::string> recoverIn(CompactionFolders &f, const CompactOptions &options);

} // namespace promdir::detail
