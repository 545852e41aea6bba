// Opening and reading files the user named: the type is checked before
// open(), open() never blocks, reading stops at the cap.
#include "promdir/read/userfile.h"
#include "format/bytes_p.h"
#include "read/userfile_p.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace promdir {

namespace detail {

ProblemCode fileTypeCode(mode_t mode)
{
    return S_ISFIFO(mode)   ? ProblemCode::TypeFifo
           : S_ISSOCK(mode) ? ProblemCode::TypeSocket
           : S_ISCHR(mode)  ? ProblemCode::TypeCharDevice
           : S_ISBLK(mode)  ? ProblemCode::TypeBlockDevice
                            : ProblemCode::TypeUnknown;
}

namespace {

std::string notRegular(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder, not a file";
    return problemText(Phrase(fileTypeCode(mode))) + ", not a regular file";
}

} // namespace

Opened openIfRegular(const char *path, struct stat &st, bool statFirst)
{
    if (statFirst) {
        if (::stat(path, &st) != 0)
            return {-1, errno};
        if (!S_ISREG(st.st_mode))
            return {-1, 0};
    }
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return {-1, errno};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return {-1, 0};
    }
    return {fd, 0};
}

int openRegularFile(const std::filesystem::path &path, struct stat &st, std::string &why, bool &notAFile)
{
    const Opened opened = openIfRegular(path.c_str(), st);
    notAFile = opened.fd < 0 && opened.error == 0;
    if (opened.fd < 0)
        why = notAFile ? notRegular(st.st_mode) : std::strerror(opened.error);
    return opened.fd;
}

} // namespace detail

namespace {

// Up to `maxBytes` + 1 bytes (one more tells a file that grew past the cap).
bool readCapped(int fd, std::size_t maxBytes, std::string &out, std::string &why)
{
    out.resize(std::min<std::size_t>(maxBytes + 1, 64 * 1024));
    std::size_t got = 0;
    for (;;) {
        if (got == out.size()) {
            if (out.size() > maxBytes)
                break;
            out.resize(std::min(out.size() * 2, maxBytes + 1));
        }
        const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            why = std::strerror(errno);
            return false;
        }
        if (n == 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return true;
}

} // namespace

std::string_view nameOf(UserFileErrorCode code) noexcept
{
    switch (code) {
    case UserFileErrorCode::CannotOpen: return "CannotOpen";
    case UserFileErrorCode::NotAFile: return "NotAFile";
    case UserFileErrorCode::TooLarge: return "TooLarge";
    case UserFileErrorCode::ReadFailed: return "ReadFailed";
    }
    return "Unknown";
}

Result<UserFile> readUserFile(const std::filesystem::path &path, std::string_view what, std::size_t maxBytes)
{
    const std::string prefix = "cannot read " + std::string(what) + " " + path.string() + ": ";
    struct stat st{};
    std::string why;
    bool notAFile = false;
    const int fd = detail::openRegularFile(path, st, why, notAFile);
    if (fd < 0)
        return Error{notAFile ? UserFileErrorCode::NotAFile : UserFileErrorCode::CannotOpen, prefix + why};
    UserFile file;
    file.readableByOthers = (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
    const bool tooLarge = static_cast<std::uint64_t>(st.st_size) > maxBytes;
    const bool read = !tooLarge && readCapped(fd, maxBytes, file.bytes, why);
    ::close(fd);
    if (tooLarge || (read && file.bytes.size() > maxBytes))
        return Error{UserFileErrorCode::TooLarge, prefix + "larger than " + detail::limitText(maxBytes)};
    if (!read)
        return Error{UserFileErrorCode::ReadFailed, prefix + why};
    return file;
}

} // namespace promdir
