#pragma once
// `promdir serve --compact-dead-after DURATION`: compaction (lib/core
// compact/) run now and then on a thread of its own while the exporter
// serves. The exporter's merges hold the readers' lock while they read, so
// no scrape sees a half-done compaction (docs/compaction.md).

#include "promdir/diagnostics/liveness.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace promdir::cli {

class BackgroundCompaction
{
public:
    // Compacts `dir` every `every`, folding processes dead and unchanged for `grace`.
    BackgroundCompaction(std::string dir, std::chrono::seconds grace, PidNamespace pids, bool assumeDeadWhenUnchanged);
    ~BackgroundCompaction(); // stops and waits for a compaction under way
    BackgroundCompaction(const BackgroundCompaction &) = delete;
    BackgroundCompaction &operator=(const BackgroundCompaction &) = delete;

    // How often: a quarter of the grace period, between 1 second and 1 minute.
    static std::chrono::milliseconds interval(std::chrono::seconds grace);

private:
    void loop();
    void compactOnce();

    std::string m_dir;
    std::chrono::seconds m_grace;
    PidNamespace m_pids;
    bool m_assumeDead;
    std::string m_lastError; // said once, until it changes or a pass succeeds
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread; // last: starts once the rest is ready
};

} // namespace promdir::cli
