#include "servecompaction.h"

#include "promdir/compact/compact.h"

#include <algorithm>
#include <cstdio>

namespace promdir::cli {

BackgroundCompaction::BackgroundCompaction(std::string dir, std::chrono::seconds grace, PidNamespace pids)
    : m_dir(std::move(dir)), m_grace(grace), m_pids(pids), m_thread([this] { loop(); })
{
}

BackgroundCompaction::~BackgroundCompaction()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

std::chrono::milliseconds BackgroundCompaction::interval(std::chrono::seconds grace)
{
    return std::clamp<std::chrono::milliseconds>(grace / 4, std::chrono::seconds(1), std::chrono::minutes(1));
}

void BackgroundCompaction::loop()
{
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, interval(m_grace), [this] { return m_stop; })) {
        lock.unlock();
        compactOnce();
        lock.lock();
    }
}

// One line on stderr when something was folded or went wrong; quiet when
// there was nothing to do.
void BackgroundCompaction::compactOnce()
{
    CompactOptions options;
    options.grace = m_grace;
    options.pidNamespace = m_pids;
    const auto r = compactDirectory(m_dir, options);
    if (!r) {
        std::fprintf(stderr, "promdir serve: compaction: %s\n", r.error().message.c_str());
        return;
    }
    if (!r->recovered.empty())
        std::fprintf(stderr, "promdir serve: compaction: %s\n", r->recovered.c_str());
    std::size_t folded = 0;
    for (const CompactFile &f : r->files)
        folded += f.action != CompactFile::Action::Keep;
    if (folded > 0)
        std::fprintf(stderr, "promdir serve: compacted %zu files of dead processes; *.db files %zu -> %zu\n", folded,
                     r->filesBefore, r->filesAfter);
    std::fflush(stderr);
}

} // namespace promdir::cli
