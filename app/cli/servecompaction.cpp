#include "servecompaction.h"

#include "commands.h"

#include "promdir/compact/compact.h"

#include <algorithm>
#include <cstdio>

namespace promdir::cli {

BackgroundCompaction::BackgroundCompaction(std::string dir, std::chrono::seconds grace, PidNamespace pids,
                                           bool assumeDeadWhenUnchanged)
    : m_dir(std::move(dir)), m_grace(grace), m_pids(pids), m_assumeDead(assumeDeadWhenUnchanged),
      m_thread([this] { loop(); })
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
// there was nothing to do. A refusal that every pass meets again (pids not
// visible, a directory that cannot be read) is said once, not every pass.
void BackgroundCompaction::compactOnce()
{
    CompactOptions options;
    options.grace = m_grace;
    options.pidNamespace = m_pids;
    options.assumeDeadWhenUnchanged = m_assumeDead;
    const auto r = compactDirectory(m_dir, options);
    if (!r) {
        std::string text = compactErrorText(r.error());
        if (text != m_lastError)
            std::fprintf(stderr, "promdir serve: compaction: %s\n", text.c_str());
        std::fflush(stderr);
        m_lastError = std::move(text);
        return;
    }
    m_lastError.clear();
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
