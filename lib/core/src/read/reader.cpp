// One file read from disk: opened only when it is a regular file, read up
// to its `used` bytes until two reads agree (a live writer may change values
// meanwhile), then parsed (read/parse.cpp).
#include "promdir/read/reader.h"
#include "read/parse_p.h"
#include "read/userfile_p.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace promdir {

namespace detail {

namespace {

static_assert(sizeof(Entry) == 32, "an entry stays 32 bytes: merging walks hundreds of thousands of them");

FileStamp stampFrom(const struct stat &st)
{
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
            static_cast<std::uint64_t>(st.st_size),
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
            static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec};
}

// Reads up to `want` bytes at `offset`; returns what was read.
bool preadAll(int fd, std::string &buf, std::size_t want, std::string &error)
{
    buf.resize(want);
    std::size_t got = 0;
    while (got < want) {
        const ssize_t n = ::pread(fd, buf.data() + got, want - got, static_cast<off_t>(got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = std::strerror(errno);
            buf.resize(got);
            return false;
        }
        if (n == 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    buf.resize(got);
    return true;
}

// How many bytes of the file matter: `used` (when sane), else all of it.
std::size_t bytesWanted(const std::string &head, std::size_t fileSize)
{
    if (head.size() < kHeader)
        return fileSize;
    std::int32_t used;
    std::memcpy(&used, head.data(), 4);
    if (used <= 0)
        return std::min<std::size_t>(fileSize, kHeader);
    return std::min<std::size_t>(fileSize, static_cast<std::size_t>(used));
}

// The bytes of one file, read until two reads agree.
struct RawRead
{
    ParsedFile f;          // path, name, stamp, size, and problems so far
    std::string data;      // up to `used`
    bool failed = false;   // nothing to parse
    bool stable = true;
};

// Whether the file's first data.size() bytes are still `data`.
bool sameAsFile(int fd, const std::string &data)
{
    constexpr std::size_t kPiece = 64 * 1024;
    thread_local std::string piece;
    piece.resize(std::min(kPiece, data.size()));
    for (std::size_t at = 0; at < data.size();) {
        const std::size_t want = std::min(kPiece, data.size() - at);
        const ssize_t n = ::pread(fd, piece.data(), want, static_cast<off_t>(at));
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        if (std::memcmp(piece.data(), data.data() + at, static_cast<std::size_t>(n)) != 0)
            return false;
        at += static_cast<std::size_t>(n);
    }
    return true;
}

void notRegular(ParsedFile &f, const struct stat &st)
{
    if (S_ISDIR(st.st_mode)) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::ForeignFile, ProblemCode::FolderNotFile));
        return;
    }
    f.problems.push_back(makeProblem(f.path, 0, ProblemKind::Unreadable, ProblemCode::NotRegularFile,
                                     {detail::fileTypeCode(st.st_mode)}));
}

// Opens `f.path` when it is a regular file (through a link, as the
// reference does; read/userfile_p.h); else -1, with the problem.
int openRegular(ParsedFile &f, bool checkType, struct stat &st)
{
    const detail::Opened opened = detail::openIfRegular(f.path.c_str(), st, checkType);
    if (opened.fd >= 0)
        return opened.fd;
    if (opened.error == 0)
        notRegular(f, st);
    else if (opened.error == ENOENT)
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::Vanished, ProblemCode::Vanished));
    else
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::Unreadable, ProblemCode::CannotOpen,
                                         {std::strerror(opened.error)}));
    return -1;
}

// The first read: sized like a similar file (its `used` and a little more:
// files are 64 KiB and more, but often little of that is used, and copying
// unused zeros is most of the cost), 16 KiB without one; then the rest that
// the header's `used` asks for. A writer appends beyond `used` before
// raising it, so what we read is consistent. `fileSize`: from fstat().
bool readUsed(int fd, std::size_t fileSize, std::size_t firstRead, RawRead &r, std::string &error)
{
    if (!preadAll(fd, r.data, std::min<std::size_t>(fileSize, firstRead), error))
        return false;
    const std::size_t want = bytesWanted(r.data, fileSize);
    if (want > r.data.size()) {
        const std::size_t have = r.data.size();
        r.data.resize(want);
        const ssize_t n = ::pread(fd, r.data.data() + have, want - have, static_cast<off_t>(have));
        r.data.resize(have + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    } else {
        r.data.resize(want);
    }
    r.f.size = fileSize;
    return true;
}

// `again` is a second read of as many bytes as `data`, in which only values
// changed (a live writer). Settles each changed 8-byte word with its
// neighbours (a value+timestamp pair may start 8 bytes before it) by
// reading that window until two reads agree. False when one would not.
bool settleChangedWords(int fd, std::string &again, const std::string &data)
{
    std::string w1, w2;
    for (std::size_t word = kHeader; word + 8 <= again.size(); word += 8) {
        if (std::memcmp(again.data() + word, data.data() + word, 8) == 0)
            continue;
        const std::size_t from = word - 8 >= kHeader ? word - 8 : word;
        const std::size_t to = std::min(again.size(), word + 16);
        bool ok = false;
        for (int k = 0; k < 256 && !ok; ++k) {
            w1.resize(to - from);
            w2.resize(to - from);
            if (::pread(fd, w1.data(), w1.size(), static_cast<off_t>(from)) != static_cast<ssize_t>(w1.size())
                || ::pread(fd, w2.data(), w2.size(), static_cast<off_t>(from)) != static_cast<ssize_t>(w2.size()))
                break;
            ok = w1 == w2;
        }
        if (!ok)
            return false;
        again.replace(from, w1.size(), w1);
        word = to - 8; // continue after the window
    }
    return true;
}

// Reads the open file into `r` until two reads agree (or once, without
// verifying); `error` gets why a read failed.
void readUntilStable(int fd, const struct stat &st, const ReadOptions &options, const ReadHints &hints, RawRead &r,
                     std::string &error)
{
    std::string again;
    const bool verify = options.verifyStable && !hints.quiescent;
    r.stable = !verify;
    const int attempts = std::max(1, options.maxAttempts);
    bool haveData = false;
    std::size_t firstRead = 16384;
    if (hints.similar && hints.similar->used > 0)
        firstRead = std::min<std::size_t>((static_cast<std::size_t>(hints.similar->used) + 512 + 63) & ~std::size_t(63),
                                          std::size_t(1) << 20);
    for (int attempt = 0; attempt < attempts && error.empty(); ++attempt) {
        if (!haveData) {
            auto fileSize = static_cast<std::size_t>(st.st_size);
            if (attempt > 0) { // starting over: it shrank
                struct stat now{};
                if (::fstat(fd, &now) == 0)
                    fileSize = static_cast<std::size_t>(now.st_size);
            }
            if (!readUsed(fd, fileSize, firstRead, r, error))
                break;
            haveData = true;
            if (!verify)
                break;
        }
        // Usually nothing changed: compare piecewise, without a second copy
        // of a big file.
        if (sameAsFile(fd, r.data)) {
            r.stable = true;
            break;
        }
        if (!preadAll(fd, again, r.data.size(), error))
            break;
        if (again == r.data) {
            r.stable = true;
            break;
        }
        if (again.size() != r.data.size()) {
            haveData = false; // it shrank: start over
            continue;
        }
        // Keep the first read's header: entries appended since lie beyond
        // the `used` it gave, and what it covers is compared below.
        again.replace(0, kHeader, r.data, 0, kHeader);
        const bool settled = settleChangedWords(fd, again, r.data);
        r.data.swap(again);
        if (settled) {
            r.stable = true;
            break;
        }
    }
}

// Reads into `r` (whose `data` may come with capacity to reuse).
void readRaw(std::string path, FileName fileName, const ReadOptions &options, const ReadHints &hints, RawRead &r)
{
    ParsedFile &f = r.f;
    f.path = std::move(path);
    f.name = baseName(f.path);
    f.fileName = std::move(fileName);
    struct stat st{};
    const int fd = openRegular(f, hints.checkType, st);
    if (fd < 0) {
        r.failed = true;
        return;
    }
    f.stamp = stampFrom(st);
    std::string error;
    readUntilStable(fd, st, options, hints, r, error);
    ::close(fd);
    if (!error.empty()) {
        f.problems.push_back(makeProblem(f.path, r.data.size(), ProblemKind::Unreadable, ProblemCode::ReadFailed, {error}));
        r.failed = true;
    }
}

void finish(RawRead &r, const ReadOptions &options, const ReadHints &hints)
{
    if (r.failed)
        return;
    parseInto(r.f, std::string_view(r.data), options, hints);
    if (!r.stable)
        r.f.problems.push_back(makeProblem(r.f.path, 0, ProblemKind::Unstable, ProblemCode::Unstable));
}

// A read buffer per thread, kept between files: a big directory is read file
// after file, and fresh buffers would cost an allocation and page faults each.
struct BufferLease
{
    explicit BufferLease(RawRead &r) : m_r(r) { m_r.data.swap(spare()); }
    ~BufferLease()
    {
        if (m_r.data.capacity() <= kKeep)
            spare().swap(m_r.data);
    }
    BufferLease(const BufferLease &) = delete;
    BufferLease &operator=(const BufferLease &) = delete;

private:
    static constexpr std::size_t kKeep = 1 << 20;
    static std::string &spare()
    {
        thread_local std::string buffer;
        return buffer;
    }
    RawRead &m_r;
};

// Whether `r` holds the bytes `previous` was parsed from (its used bytes'
// hash, and what the file's stamp says cannot differ).
bool sameBytesAs(const RawRead &r, const ParsedFile &previous)
{
    return !r.failed && r.stable && previous.size == r.f.size && previous.stamp.inode == r.f.stamp.inode
           && previous.used > 0 && r.data.size() >= kHeader && readInt32(r.data, 0) == previous.used
           && ReaderAccess::contentHash(previous)
                  == contentHash(std::string_view(r.data).substr(
                      0, std::min<std::size_t>(r.data.size(), static_cast<std::size_t>(previous.used))))
           && previous.problems.empty();
}

} // namespace

std::optional<FileStamp> stampAt(const char *path)
{
    struct stat st{};
    if (::stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return stampFrom(st);
}

ParsedFile readFileAt(std::string path, FileName name, const ReadOptions &options, const ReadHints &hints)
{
    RawRead r;
    BufferLease lease(r);
    readRaw(std::move(path), std::move(name), options, hints, r);
    finish(r, options, hints);
    return std::move(r.f);
}

std::optional<std::uint64_t> contentHashAt(std::string path, const ReadOptions &options)
{
    RawRead r;
    BufferLease lease(r);
    readRaw(std::move(path), FileName{}, options, {}, r);
    if (r.failed || !r.stable || r.data.size() < kHeader)
        return std::nullopt;
    // As parseInto() hashes: the used bytes, or as many as there are.
    const std::int32_t used = readInt32(r.data, 0);
    if (used < static_cast<std::int32_t>(kHeader))
        return std::nullopt;
    const std::size_t limit = std::min(static_cast<std::size_t>(used), r.data.size());
    return contentHash(std::string_view(r.data).substr(0, limit));
}

std::shared_ptr<const ParsedFile> rereadFileAt(std::string path, FileName name,
                                               const std::shared_ptr<const ParsedFile> &previous,
                                               const ReadOptions &options, const ReadHints &hints)
{
    RawRead r;
    BufferLease lease(r);
    readRaw(std::move(path), std::move(name), options, hints, r);
    if (previous && sameBytesAs(r, *previous)) {
        if (previous->stamp == r.f.stamp)
            return previous;
        auto copy = std::make_shared<ParsedFile>(*previous);
        copy->stamp = r.f.stamp;
        return copy;
    }
    finish(r, options, hints);
    return std::make_shared<const ParsedFile>(std::move(r.f));
}

} // namespace detail

std::optional<FileStamp> stampOf(const std::filesystem::path &path)
{
    return detail::stampAt(path.c_str());
}

ParsedFile readFile(const std::filesystem::path &path, const ReadOptions &options)
{
    std::string p = path.string();
    FileName name = parseFileName(detail::baseName(p));
    return detail::readFileAt(std::move(p), std::move(name), options);
}

std::shared_ptr<const ParsedFile> rereadFile(const std::filesystem::path &path,
                                             const std::shared_ptr<const ParsedFile> &previous,
                                             const ReadOptions &options)
{
    std::string p = path.string();
    FileName name = parseFileName(detail::baseName(p));
    return detail::rereadFileAt(std::move(p), std::move(name), previous, options);
}

} // namespace promdir
