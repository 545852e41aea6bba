#pragma once
// A merge with memory: keeps each file's parsed result keyed by its identity
// and state, re-reads only files that changed, and merges. The exporter, the
// watcher and the CLI all go through it.

#include "promdir/diagnostics/liveness.h"
#include "promdir/engine/detail/refreshdetail.h"
#include "promdir/read/directory.h"

#include <chrono>
#include <mutex>

namespace promdir {

// What one refresh did, for a status line or a log.
struct MergeStats
{
    std::size_t filesRead = 0;   // parsed in this refresh
    std::size_t filesReused = 0; // unchanged since the last refresh: the earlier parse kept
    std::chrono::microseconds loadTime{0};  // listing and reading the source
    std::chrono::microseconds mergeTime{0}; // merging what was read
};

// Whether the engine trusts kill(pid, 0) for this directory.
struct PidVisibility
{
    bool visible = true;
    // When !visible, why, in one sentence: "pids here are not visible from
    // this pid namespace: counter_7.db changed after process 7 was gone", or
    // the option that said so.
    std::string reason;
};

// One immutable result; share it freely between threads.
struct MergeResult
{
    LoadResult load;
    std::vector<MetricFamily> families;
    MergeOptions options;
    MergeStats stats;
    PidVisibility pids;

private:
    friend class MergeEngine;
    friend const detail::RefreshDetail &detail::refreshDetail(const MergeResult &);
    detail::RefreshDetail m_detail;
};

struct MergeEngineOptions
{
    MergeOptions merge;
    LoadOptions load;
    // Files of processes that are not running (kill(pid, 0) fails) cannot
    // change: they are kept without being read on every refresh while inotify
    // reports nothing about them. That holds only when the writers share
    // this pid namespace; see PidNamespace (Separate: every file is read on
    // every refresh).
    PidNamespace pidNamespace = PidNamespace::Auto;
    // A worker elsewhere writes through mmap, which neither raises an
    // inotify event nor promptly changes the file's times. So the files kept
    // are still read again in turn, a share of them on each refresh, so that
    // each is read at least this often while refreshes come: a value that
    // changed is never served older than this.
    std::chrono::milliseconds recheckEvery{5000};
};

class MergeEngine
{
public:
    explicit MergeEngine(std::filesystem::path path, MergeEngineOptions options = {});
    ~MergeEngine();
    MergeEngine(const MergeEngine &) = delete;
    MergeEngine &operator=(const MergeEngine &) = delete;

    const std::filesystem::path &path() const { return m_path; }

    // Looks at the source again and merges. Safe to call from any thread;
    // concurrent calls are serialised.
    std::shared_ptr<const MergeResult> refresh();

    // The last result, or null before the first refresh.
    std::shared_ptr<const MergeResult> last() const;

private:
    struct Cache;
    std::filesystem::path m_path;
    MergeEngineOptions m_options;
    mutable std::mutex m_mutex;
    std::unique_ptr<Cache> m_cache;
    std::shared_ptr<const MergeResult> m_last;
};

} // namespace promdir
