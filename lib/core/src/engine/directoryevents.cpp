#include "engine/directoryevents_p.h"

#include <unistd.h>

#ifdef __linux__
#include <sys/inotify.h>
#endif

namespace promdir::detail {

#ifdef __linux__

namespace {

constexpr std::uint32_t kNames =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
constexpr std::uint32_t kContents = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE;

} // namespace

bool DirectoryEvents::watch(const std::filesystem::path &dir)
{
    if (m_fd >= 0)
        return true;
    m_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_fd < 0)
        return false;
    m_contents = false;
    if (::inotify_add_watch(m_fd, dir.c_str(), kNames) < 0) {
        close();
        return false;
    }
    return true;
}

bool DirectoryEvents::watchContents(const std::filesystem::path &dir)
{
    if (m_fd < 0 || m_contents)
        return false;
    if (::inotify_add_watch(m_fd, dir.c_str(), kNames | kContents) < 0) {
        close();
        return false;
    }
    m_contents = true;
    return true;
}

bool DirectoryEvents::drain(std::unordered_set<std::string> &touched)
{
    bool listingValid = true;
    alignas(struct inotify_event) char buf[16384];
    for (;;) {
        const ssize_t n = ::read(m_fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (ssize_t at = 0; at < n;) {
            const auto *ev = reinterpret_cast<const struct inotify_event *>(buf + at);
            at += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
            if (ev->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                listingValid = false;
                if (!(ev->mask & IN_Q_OVERFLOW))
                    close(); // the directory itself is gone: watch again next time
                if (m_fd < 0)
                    return false;
                continue;
            }
            if (ev->mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))
                listingValid = false;
            if (ev->len > 0)
                touched.insert(ev->name);
        }
    }
    return listingValid;
}

#else

bool DirectoryEvents::watch(const std::filesystem::path &)
{
    return false;
}

bool DirectoryEvents::watchContents(const std::filesystem::path &)
{
    return false;
}

bool DirectoryEvents::drain(std::unordered_set<std::string> &)
{
    return false;
}

#endif

void DirectoryEvents::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

} // namespace promdir::detail
