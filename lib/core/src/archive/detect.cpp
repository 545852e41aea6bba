// What an archive is, from its first bytes: tar (ustar, or a v7 header with a
// valid checksum) and the compressions promdir reads, and words for the
// files it does not read.
#include "promdir/archive/archive.h"
#include "read/userfile_p.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace promdir {

std::string_view toString(Compression c)
{
    switch (c) {
    case Compression::None: return "none";
    case Compression::Gzip: return "gzip";
    case Compression::Bzip2: return "bzip2";
    case Compression::Xz: return "xz";
    case Compression::Zstd: return "zstd";
    }
    return "none";
}

ArchiveDetection detectArchive(std::string_view head)
{
    ArchiveDetection d;
    auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
    if (starts("\x1f\x8b")) {
        d.isArchive = true;
        d.compression = Compression::Gzip;
    } else if (starts("BZh")) {
        d.isArchive = true;
        d.compression = Compression::Bzip2;
    } else if (starts(std::string_view("\xfd" "7zXZ\0", 6))) {
        d.isArchive = true;
        d.compression = Compression::Xz;
    } else if (starts("\x28\xb5\x2f\xfd")) {
        d.isArchive = true;
        d.compression = Compression::Zstd;
    } else if (head.size() >= 263 && head.substr(257, 5) == "ustar") {
        d.isArchive = true;
    } else if (head.size() >= 512) {
        // A pre-POSIX (v7) tar has no magic: trust a valid header checksum.
        unsigned sum = 0;
        for (std::size_t i = 0; i < 512; ++i)
            sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(head[i]);
        const std::string chk(head.substr(148, 8));
        char *end = nullptr;
        const unsigned long stored = std::strtoul(chk.c_str(), &end, 8);
        if (end != chk.c_str() && stored == sum && head[0] != '\0') {
            d.isArchive = true;
        }
    }
    if (!d.isArchive) {
        if (starts(std::string_view("\x5d\x00\x00", 3)))
            d.error = "a legacy .lzma file; recompress it with xz (promdir reads .tar.xz)";
        else if (starts("PK\x03\x04"))
            d.error = "a zip file; promdir reads tar archives (.tar, .tar.gz, .tar.bz2, .tar.xz, .tar.zst)";
        else if (starts("7z\xbc\xaf"))
            d.error = "a 7-Zip file; promdir reads tar archives (.tar, .tar.gz, .tar.bz2, .tar.xz, .tar.zst)";
        else
            d.error = "not a directory nor a tar archive promdir can read "
                      "(.tar, .tar.gz, .tar.bz2, .tar.xz, .tar.zst)";
    }
    return d;
}

ArchiveDetection detectArchiveFile(const std::filesystem::path &path)
{
    struct stat st{};
    std::string why;
    bool notAFile = false;
    const int fd = detail::openRegularFile(path, st, why, notAFile);
    if (fd < 0) {
        ArchiveDetection d;
        d.error = why;
        return d;
    }
    std::string head(512, '\0');
    std::size_t got = 0;
    while (got < head.size()) {
        const ssize_t n = ::read(fd, head.data() + got, head.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    head.resize(got);
    return detectArchive(head);
}

} // namespace promdir
