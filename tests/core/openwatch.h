#pragma once
// What was opened in a folder, as inotify sees it (IN_OPEN: by any process,
// for reading or writing): the tests that check that compaction reads only
// the files it may fold.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include <sys/inotify.h>
#include <unistd.h>

namespace promdir::test {

class OpenWatch
{
public:
    explicit OpenWatch(const std::string &dir)
        : m_fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
    {
        if (m_fd < 0 || ::inotify_add_watch(m_fd, dir.c_str(), IN_OPEN) < 0) {
            std::fprintf(stderr, "inotify on %s: %s\n", dir.c_str(), std::strerror(errno));
            std::abort();
        }
    }
    ~OpenWatch() { ::close(m_fd); }
    OpenWatch(const OpenWatch &) = delete;
    OpenWatch &operator=(const OpenWatch &) = delete;

    // How often each name in the folder was opened since the last call;
    // folders end in '/'. The folder itself (its listing, its lock) is not
    // counted.
    std::map<std::string, int> opened()
    {
        std::map<std::string, int> counts;
        alignas(inotify_event) char buf[1 << 16];
        for (ssize_t n; (n = ::read(m_fd, buf, sizeof buf)) > 0;) {
            for (const char *p = buf; p < buf + n;) {
                const auto *e = reinterpret_cast<const inotify_event *>(p);
                if (e->mask & IN_Q_OVERFLOW) {
                    std::fprintf(stderr, "inotify: queue overflow\n");
                    std::abort();
                }
                if (e->len > 0)
                    ++counts[std::string(e->name) + (e->mask & IN_ISDIR ? "/" : "")];
                p += sizeof(inotify_event) + e->len;
            }
        }
        return counts;
    }

    // The *.db files among them.
    static std::map<std::string, int> dbFiles(const std::map<std::string, int> &opened)
    {
        std::map<std::string, int> db;
        for (const auto &[name, count] : opened)
            if (std::string_view(name).ends_with(".db"))
                db.emplace(name, count);
        return db;
    }

private:
    int m_fd;
};

} // namespace promdir::test
