#pragma once
// Internal: which processes are gone, for the merge engine (a file of a
// gone process cannot change unless something writes it from elsewhere).

#include "promdir/diagnostics/liveness.h"
#include "promdir/format/filename.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <memory>
#include <string_view>

namespace promdir::detail {

// Which processes are gone, asked once per pid and refresh (pids are
// reused, so no answer outlives the refresh): a process whose files can no
// longer change is a local pid that no longer exists; anything we cannot
// tell (a pid that is not a number) counts as running. Asked for every
// file, also from the loading threads, so answers sit in a small
// open-addressing table read without a lock; past its capacity, kill()
// is simply asked again.
class GoneProcesses
{
public:
    explicit GoneProcesses(bool trust) : m_trust(trust) {}

    bool operator()(std::string_view pidText)
    {
        // Compacted contributions are replaced by rename only, never written.
        if (m_trust && isCompactedIdentifier(pidText))
            return true;
        const auto pid = m_trust ? numericPid(pidText) : std::nullopt;
        if (!pid)
            return false;
        const auto key = static_cast<std::int32_t>(*pid); // numericPid: at most 2^30 - 1
        std::size_t i = static_cast<std::size_t>(static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ull >> 40)
                        & (kSlots - 1);
        for (std::size_t probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kSlots - 1)) {
            Slot &slot = m_slots[i];
            std::int32_t seen = slot.pid.load(std::memory_order_acquire);
            if (seen == kEmpty && slot.pid.compare_exchange_strong(seen, key, std::memory_order_acq_rel)) {
                const bool gone = ask(key);
                slot.verdict.store(gone ? 1 : 0, std::memory_order_release);
                return gone;
            }
            if (seen == key) {
                const std::int8_t v = slot.verdict.load(std::memory_order_acquire);
                return v >= 0 ? v == 1 : ask(key); // another thread is asking right now
            }
        }
        return ask(key);
    }

private:
    static bool ask(std::int64_t pid) { return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

    // Room for the pids of the biggest directories reported (thousands of
    // processes); a pid that finds no place within a few steps is asked
    // every time, rather than every look-up walking a table full of dead
    // processes' pids.
    static constexpr std::size_t kSlots = 16384; // a power of two
    static constexpr std::size_t kMaxProbes = 64;
    static constexpr std::int32_t kEmpty = -1;
    struct Slot
    {
        std::atomic<std::int32_t> pid{kEmpty};
        std::atomic<std::int8_t> verdict{-1};
    };
    bool m_trust;
    std::unique_ptr<Slot[]> m_slots{new Slot[kSlots]};
};

} // namespace promdir::detail
