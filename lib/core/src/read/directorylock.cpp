#include "read/directorylock_p.h"

#include <cerrno>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace promdir::detail {

DirectoryLock::DirectoryLock(const std::string &dir, Mode mode, std::chrono::milliseconds wait)
{
    m_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (m_fd < 0)
        return;
    const int op = (mode == Mode::Shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    auto pause = std::chrono::microseconds(200);
    for (;;) {
        if (::flock(m_fd, op) == 0) {
            m_held = true;
            return;
        }
        if ((errno != EWOULDBLOCK && errno != EINTR) || std::chrono::steady_clock::now() >= deadline)
            return;
        std::this_thread::sleep_for(pause);
        pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(5));
    }
}

DirectoryLock::~DirectoryLock()
{
    release();
}

void DirectoryLock::release()
{
    if (m_fd >= 0)
        ::close(m_fd); // closing the only descriptor releases the lock
    m_fd = -1;
    m_held = false;
}

} // namespace promdir::detail
