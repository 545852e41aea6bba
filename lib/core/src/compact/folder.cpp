// The compaction folder: opening it safely, writing and moving files in it,
// and recovering from a compaction that stopped half way.
#include "compact/folder_p.h"

#include "promdir/format/filename.h"
#include "read/directorylock_p.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace promdir::detail {

namespace {

Error systemError(CompactErrorCode code, const std::string &what, int err)
{
    return Error{code, what + ": " + std::strerror(err)};
}

// A sub-folder we made: created 0700 when missing, never a link.
int openSubfolder(int parent, const char *name)
{
    if (::mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
        return -1;
    return ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

} // namespace

CompactionFolders::~CompactionFolders()
{
    for (int fd : {fresh, staged, folder, dir})
        if (fd >= 0)
            ::close(fd);
}

Result<void> openCompactionFolders(const std::filesystem::path &dir, CompactionFolders &f)
{
    f.path = dir.string();
    f.dir = ::open(f.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (f.dir < 0)
        return systemError(CompactErrorCode::CannotOpenDirectory, f.path, errno);
    const std::string folder(kCompactionFolder);
    f.folder = openSubfolder(f.dir, folder.c_str());
    if (f.folder < 0)
        return systemError(CompactErrorCode::CannotOpenDirectory, f.path + "/" + folder + " (a folder of ours, never a link)", errno);
    if (::flock(f.folder, LOCK_EX | LOCK_NB) != 0)
        return errno == EWOULDBLOCK ? Error{CompactErrorCode::Busy, f.path + ": another compaction is running"}
                                    : systemError(CompactErrorCode::CannotOpenDirectory, f.path + "/" + folder, errno);
    f.staged = openSubfolder(f.folder, kStagedFolder);
    f.fresh = openSubfolder(f.folder, kNewFolder);
    if (f.staged < 0 || f.fresh < 0)
        return systemError(CompactErrorCode::CannotOpenDirectory, f.path + "/" + folder + "/...", errno);
    return {};
}

std::vector<std::string> namesIn(int folder)
{
    std::vector<std::string> names;
    const int fd = ::dup(folder);
    DIR *d = fd >= 0 ? ::fdopendir(fd) : nullptr;
    if (!d) {
        if (fd >= 0)
            ::close(fd);
        return names;
    }
    ::rewinddir(d);
    while (const dirent *e = ::readdir(d)) {
        const std::string_view n = e->d_name;
        if (n != "." && n != "..")
            names.emplace_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

Result<void> writeFileAt(int folder, const std::string &name, const std::string &bytes, const std::string &shown)
{
    const int fd = ::openat(folder, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return systemError(CompactErrorCode::WriteFailed, shown, errno);
    std::size_t done = 0;
    int err = 0;
    while (done < bytes.size() && !err) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n > 0)
            done += std::size_t(n);
        else if (n < 0 && errno != EINTR)
            err = errno;
        else if (n == 0)
            err = ENOSPC;
    }
    if (!err && ::fsync(fd) != 0)
        err = errno;
    if (::close(fd) != 0 && !err)
        err = errno;
    if (err) {
        ::unlinkat(folder, name.c_str(), 0);
        return systemError(CompactErrorCode::WriteFailed, shown, err);
    }
    return {};
}

bool syncFolder(int folder)
{
    return ::fsync(folder) == 0;
}

bool moveNoReplace(int fromFolder, const std::string &name, int toFolder)
{
    return ::renameat2(fromFolder, name.c_str(), toFolder, name.c_str(), RENAME_NOREPLACE) == 0;
}

void reachedStep(const CompactOptions &options, int step)
{
    if (options.afterStep)
        options.afterStep(step);
    if (const char *at = std::getenv("PROMDIR_COMPACT_STOP_AT"); at && std::atoi(at) == step)
        ::raise(SIGKILL); // as `kill -9` would, between two steps
}

bool lockedByWriter(int dirFd, const std::string &name)
{
    const int fd = ::openat(dirFd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return locked;
}

} // namespace promdir::detail
