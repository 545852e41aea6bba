#pragma once
// Loading a whole metrics directory: list *.db, read each, report the rest.

#include "promdir/archive/manifest.h"
#include "promdir/merge/merge.h"

#include <atomic>
#include <functional>
#include <optional>

namespace promdir {

// Safety caps for archives: a tarball from a customer is untrusted input.
struct ArchiveLimits
{
    std::uint64_t maxTotalBytes = std::uint64_t(8) << 30;  // uncompressed bytes read
    std::uint64_t maxMemberBytes = std::uint64_t(1) << 30; // one .db member
    std::uint64_t maxMembers = 1'000'000;                  // tar members
};

// Called while an archive is read: compressed bytes consumed out of the
// archive's size. From the loading thread.
using LoadProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct LoadOptions
{
    ReadOptions read;
    // Archives only (archive.h):
    std::string subdir;        // folder inside the archive; empty: find it
    ArchiveLimits limits;
    LoadProgress progress;
    // Set to stop loading: looked at between files (a directory) or blocks
    // (an archive); the load then fails ("loading was cancelled").
    const std::atomic<bool> *cancel = nullptr;
};

// A tar member that was not read (links, devices, FIFOs, unsafe names).
struct SkippedMember
{
    std::string name;   // escaped for display (escapeMemberName)
    std::string reason;
};

// What loading an archive found, beside the files.
struct ArchiveInfo
{
    bool isArchive = false;
    std::string compression;   // "none", "gzip", "bzip2", "xz", "zstd"
    std::string folder;        // folder loaded, "" for the top level (escaped)
    // Every folder holding *.db files with their count (escaped names).
    std::vector<std::pair<std::string, std::size_t>> dbFolders;
    std::vector<SkippedMember> skipped; // the first 1000
    std::size_t skippedCount = 0;
    std::uint64_t members = 0;
    std::uint64_t uncompressedBytes = 0;
    std::uint64_t compressedBytes = 0; // read, out of
    std::uint64_t archiveBytes = 0;    // the archive file's size
    bool complete = false;     // read up to the end-of-archive marker
};

// Everything promdir knows about one directory (or archive) at one moment.
// A value rather than a Result<T>: a load that failed still says what was
// found (an archive's folders to choose from, members skipped, bytes read),
// and it is kept and shown like any other snapshot (MergeResult::load).
struct [[nodiscard]] LoadResult
{
    bool ok = false;           // false: the path itself could not be used
    std::string error;         // one line, when !ok
    FileList files;            // every *.db file read, sorted by name
    std::vector<Problem> problems; // directory-level: foreign files, folders
    ArchiveInfo archive;           // for an archive (archive.isArchive)
    // From promdir-manifest.json in an archive: liveness of its pids.
    std::optional<Manifest> manifest;
    // All problems: directory-level plus every file's.
    std::vector<Problem> allProblems() const;
};

// A directory on disk. Missing or not a directory: ok=false.
[[nodiscard]] LoadResult loadDirectory(const std::filesystem::path &dir, const LoadOptions &options = {});

// A directory or an archive; what every tool calls.
[[nodiscard]] LoadResult loadPath(const std::filesystem::path &path, const LoadOptions &options = {});

} // namespace promdir
