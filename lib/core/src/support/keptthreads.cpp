#include "support/keptthreads_p.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <unistd.h>

namespace promdir::detail {

namespace {

// Threads kept from one use to the next. A thread made for each load
// starts on its maker's core and is moved to an idle one only after a
// few milliseconds, which is most of a small directory's load, and takes
// varying time; kept threads wait where they last ran.
// One user at a time (a load, the sums beside the plan compiler, a render
// in two halves): another one meanwhile makes its own threads or does
// without. Never destroyed (the threads are detached and end with the
// process), and not used in a process forked from the one that made it.
class KeptThreads
{
public:
    static KeptThreads &instance()
    {
        static KeptThreads *kept = new KeptThreads; // never destroyed: see above
        return *kept;
    }

    // Runs `work` on this thread and on `extra` kept threads at once;
    // returns when all are done. False (nothing run) when the pool is busy.
    bool run(unsigned extra, const std::function<void()> &work)
    {
        std::unique_lock busy(m_busy, std::try_to_lock);
        if (!busy || ::getpid() != m_pid)
            return false;
        {
            std::lock_guard lock(m_mutex);
            for (; m_threads < extra; ++m_threads)
                std::thread([this] { serve(); }).detach();
            m_work = &work;
            m_wanted = extra;
            m_taken = 0;
            m_running = extra;
            ++m_generation;
        }
        m_wake.notify_all();
        std::exception_ptr failed;
        try {
            work();
        } catch (...) {
            failed = std::current_exception(); // the others still use the caller's state: wait first
        }
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [&] { return m_running == 0; });
        m_work = nullptr;
        if (failed)
            std::rethrow_exception(failed);
        return true;
    }

private:
    void serve()
    {
        std::unique_lock lock(m_mutex);
        std::uint64_t served = 0;
        for (;;) {
            m_wake.wait(lock, [&] { return m_generation != served && m_taken < m_wanted; });
            served = m_generation;
            ++m_taken;
            const std::function<void()> *work = m_work;
            lock.unlock();
            (*work)();
            lock.lock();
            if (--m_running == 0)
                m_done.notify_all();
        }
    }

    const pid_t m_pid = ::getpid();
    std::mutex m_busy; // held for a whole use
    std::mutex m_mutex;
    std::condition_variable m_wake, m_done;
    const std::function<void()> *m_work = nullptr;
    unsigned m_threads = 0, m_wanted = 0, m_taken = 0, m_running = 0;
    std::uint64_t m_generation = 0;
};

} // namespace

bool runOnKeptThreads(unsigned extra, const std::function<void()> &work)
{
    return KeptThreads::instance().run(extra, work);
}

namespace {

// `a` and `b` at once, on this thread and a kept one, or else as `busy`
// says (when the kept threads are busy): on a new thread, or one after the
// other here. Whichever thread starts first takes `a`; an exception of
// either is passed on after both are done.
enum class WhenBusy { NewThread, Inline };
void runPair(const std::function<void()> &a, const std::function<void()> &b, WhenBusy busy)
{
    std::atomic<int> turn{0};
    std::exception_ptr failed[2];
    const std::function<void()> either = [&] {
        const int mine = turn.fetch_add(1);
        try {
            (mine == 0 ? a : b)();
        } catch (...) {
            failed[mine] = std::current_exception();
        }
    };
    if (!runOnKeptThreads(1, either)) {
        if (busy == WhenBusy::Inline) {
            either();
            either();
        } else {
            std::thread helper(either);
            either();
            helper.join();
        }
    }
    for (const auto &e : failed)
        if (e)
            std::rethrow_exception(e);
}

} // namespace

void runBeside(const std::function<void()> &a, const std::function<void()> &b)
{
    runPair(a, b, WhenBusy::NewThread);
}

void runBesideIfIdle(const std::function<void()> &a, const std::function<void()> &b)
{
    runPair(a, b, WhenBusy::Inline);
}

} // namespace promdir::detail
