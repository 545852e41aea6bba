#pragma once
// Internals of compaction: the plan (which files, folded into what) and the
// folder where files are staged (docs/compaction.md).

#include "promdir/compact/compact.h"
#include "promdir/read/directory.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace promdir::detail {

// The dead processes' files of one kind and generation, folded into one
// file: counter_compacted.db, gauge_max_compacted-g2.db, ...
struct FoldGroup
{
    std::string output;                 // base name of the folded file
    MetricType type = MetricType::Counter;
    GaugeMode mode = GaugeMode::None;
    int stride = 16;                    // 16: generation 4; 8: generations 1-3
    std::vector<const ParsedFile *> files; // in name order; an earlier folded file among them
};

// One file to move out of the directory: folded or removed.
struct StagedFile
{
    std::string name;
    std::string pid;
    FileStamp stamp; // as read; a file found otherwise after staging goes back
};

// A *.db file of the directory as stat() sees it. The plan is made from
// these; a file is read only when it may be folded or decides a fold.
struct ListedFile
{
    std::string path;
    std::string name;
    FileName fileName;
    std::uint64_t bytes = 0;   // a regular file's size (through a link, as the reader opens it); else 0
    std::int64_t mtimeNs = 0;  // likewise
    bool listedRegular = false; // the listing saw a regular file: the reader need not look first
    std::shared_ptr<const ParsedFile> parsed; // when read
    bool vanished = false;     // a live gauge removed before it could be read (mark_process_dead)
};

struct CompactPlan
{
    std::vector<ListedFile> listed; // every *.db file, by name; owns the files folded
    std::vector<CompactFile> rows;  // the report's files
    std::vector<StagedFile> staged; // every Fold and Remove row
    std::vector<FoldGroup> groups;
    std::size_t filesBefore = 0;    // *.db files, from the listing (the vanished left out)
    std::uint64_t bytesBefore = 0;
    std::string refusal;            // PidsNotVisible: why
};

// Lists `dir` with stat() alone, decides from names, sizes, times and the
// pids' liveness, and reads only the files of dead processes past the grace
// period and the earlier compacted files; nothing at all when no process is
// to be folded. Holds the readers' lock shared meanwhile, as every promdir
// reader does. Fails (CannotOpenDirectory) when `dir` cannot be listed.
Result<CompactPlan> planCompaction(const std::filesystem::path &dir, const CompactOptions &options, double now);

// The folded file of `group` without the files named in `left` (put back):
// its bytes (empty when nothing is left to fold) and entry count.
std::string foldGroup(const FoldGroup &group, const std::set<std::string> &left, std::size_t *entries);

// The base name a compacted contribution of this kind and generation has.
std::string compactedName(MetricType type, GaugeMode mode, int generation);

// Names inside the compaction folder.
inline constexpr const char *kStagedFolder = "staged";   // files moved out of the directory
inline constexpr const char *kNewFolder = "new";         // folded files, before they move in
inline constexpr const char *kCommitMark = "committed";  // present: the new files are the truth

// The step hook: options.afterStep, then PROMDIR_COMPACT_STOP_AT.
void reachedStep(const CompactOptions &options, int step);

// Whether a writer holds a lock on the file (promdir's writer locks every
// file it writes, in whatever pid namespace it runs on this machine).
bool lockedByWriter(int dirFd, const std::string &name);

} // namespace promdir::detail
