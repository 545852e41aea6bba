#pragma once
// The readers' lock of a metrics directory: promdir's readers hold it shared
// while they list and read, compaction exclusively while it swaps files
// (docs/compaction.md). It is flock() on the directory itself, so a reader
// needs no write permission and no lock file is ever created; the Python
// client knows nothing of it.

#include <chrono>
#include <string>

namespace promdir::detail {

class DirectoryLock
{
public:
    enum class Mode { Shared, Exclusive };
    // Waits up to `wait` for the lock; held() says whether it was had.
    DirectoryLock(const std::string &dir, Mode mode, std::chrono::milliseconds wait);
    ~DirectoryLock();
    DirectoryLock(const DirectoryLock &) = delete;
    DirectoryLock &operator=(const DirectoryLock &) = delete;

    bool held() const { return m_held; }
    void release();

private:
    int m_fd = -1;
    bool m_held = false;
};

// How long a reader waits for a compaction's swap before it reads anyway
// (a compaction holds the lock for its renames only; one stopped in a
// debugger must not stop every scrape).
inline constexpr std::chrono::milliseconds kReaderLockWait{5000};

} // namespace promdir::detail
