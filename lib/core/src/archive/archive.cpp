// Archives read in memory: a decompressing Boost.Iostreams chain over the
// file, libarchive's tar reader on top, and only the .db members of the
// metrics folder kept (as parsed files, never as bytes). Boost decompresses
// rather than libarchive because it checks every stream's checksum at its
// end (libarchive's gzip reader does not), and a damaged block can decode
// into plausible member contents.
#include "promdir/archive/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <boost/iostreams/categories.hpp>
#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filter/zstd.hpp>
#include <boost/iostreams/filtering_streambuf.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace promdir {

namespace fs = std::filesystem;
namespace io = boost::iostreams;

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

ArchiveDetection detectArchiveFile(const fs::path &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ArchiveDetection d;
        d.error = std::strerror(errno);
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

std::string escapeMemberName(std::string_view raw)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size());
    auto esc = [&](unsigned char c) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
    };
    std::size_t i = 0;
    while (i < raw.size()) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c < 0x20 || c == 0x7f || c == '\\') {
            esc(c);
            ++i;
            continue;
        }
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        // Valid UTF-8 sequences pass; anything else is escaped byte by byte.
        std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
        bool ok = len && i + len <= raw.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(raw[i + k]) & 0xc0) == 0x80;
        if (ok && len == 3) {
            const auto c1 = static_cast<unsigned char>(raw[i + 1]);
            ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0); // overlong, surrogates
        } else if (ok && len == 4) {
            const auto c1 = static_cast<unsigned char>(raw[i + 1]);
            ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
        }
        if (ok && len == 2 && raw[i] == '\xc2' && static_cast<unsigned char>(raw[i + 1]) < 0xa0) {
            // C1 control characters would move the terminal's cursor too.
            esc(c);
            esc(static_cast<unsigned char>(raw[i + 1]));
            i += 2;
            continue;
        }
        if (!ok) {
            esc(c);
            ++i;
            continue;
        }
        out.append(raw.substr(i, len));
        i += len;
    }
    return out;
}

namespace {

constexpr std::uint64_t kMaxManifestBytes = 16 << 20;
constexpr std::size_t kMaxSkippedListed = 1000;

struct Cancelled
{
};

std::string humanBytes(std::uint64_t n)
{
    const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    double v = static_cast<double>(n);
    while (v >= 1024 && u < 4 && n % 1024 == 0) {
        v /= 1024;
        n /= 1024;
        ++u;
    }
    if (u == 0)
        return std::to_string(n) + " bytes";
    return std::to_string(n) + " " + units[u];
}

// The compressed file, counting what the decompressor consumed.
struct SourceState
{
    int fd = -1;
    std::uint64_t read = 0;
    std::uint64_t total = 0;
    std::uint64_t reported = 0;
    LoadProgress progress;
    const std::atomic<bool> *cancel = nullptr;
    ~SourceState()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

class CountingSource
{
public:
    typedef char char_type;
    typedef io::source_tag category;
    explicit CountingSource(std::shared_ptr<SourceState> s) : m_s(std::move(s)) {}

    std::streamsize read(char *buf, std::streamsize n)
    {
        if (m_s->cancel && m_s->cancel->load(std::memory_order_relaxed))
            throw Cancelled{};
        ssize_t r;
        do {
            r = ::read(m_s->fd, buf, static_cast<std::size_t>(n));
        } while (r < 0 && errno == EINTR);
        if (r < 0)
            throw std::runtime_error(std::string("read error: ") + std::strerror(errno));
        if (r == 0)
            return -1;
        m_s->read += static_cast<std::uint64_t>(r);
        if (m_s->progress && m_s->read - m_s->reported >= (256 << 10)) {
            m_s->reported = m_s->read;
            m_s->progress(m_s->read, m_s->total);
        }
        return r;
    }

private:
    std::shared_ptr<SourceState> m_s;
};

// Boost's exceptions in words, and whether the data just ended early.
Phrase describeFailure(Compression c, const std::exception &e, bool &truncated)
{
    truncated = false;
    const std::string what(toString(c));
    if (const auto *g = dynamic_cast<const io::gzip_error *>(&e)) {
        if ((g->error() == io::gzip::zlib_error && g->zlib_error_code() == io::zlib::buf_error)
            || g->error() == io::gzip::bad_footer) {
            truncated = true;
            return Phrase(ProblemCode::DataEndsEarly, {what});
        }
        if (g->error() == io::gzip::bad_crc || g->error() == io::gzip::bad_length)
            return Phrase(ProblemCode::DataChecksumMismatch, {what});
        if (g->error() == io::gzip::bad_header)
            return Phrase(ProblemCode::DataBadHeader, {what});
        return Phrase(ProblemCode::DataCorrupt, {what, "zlib", g->zlib_error_code()});
    }
    if (const auto *b = dynamic_cast<const io::bzip2_error *>(&e)) {
        if (b->error() == io::bzip2::unexpected_eof) {
            truncated = true;
            return Phrase(ProblemCode::DataEndsEarly, {what});
        }
        return Phrase(ProblemCode::DataCorrupt, {what, "bzip2", b->error()});
    }
    if (const auto *x = dynamic_cast<const io::lzma_error *>(&e)) {
        if (x->error() == io::lzma::buf_error) {
            truncated = true;
            return Phrase(ProblemCode::DataEndsEarly, {what});
        }
        return Phrase(ProblemCode::DataCorrupt, {what, "lzma", x->error()});
    }
    if (const auto *z = dynamic_cast<const io::zstd_error *>(&e))
        return Phrase(ProblemCode::DataCorrupt, {what, "zstd", z->error()});
    return Phrase(ProblemCode::DataUnreadable, {what, e.what()});
}

// The tar data handed to libarchive: decompressed, and counted against the
// total limit together with the holes of sparse members (they cost as much
// to expand as stored zeros). Nothing may be thrown through libarchive's C
// code, so why reading stopped is kept here; libarchive only learns that it
// did.
struct TarFeed
{
    enum class Stop { None, Limit, Cancelled, Failed };

    io::filtering_streambuf<io::input> *chain = nullptr;
    Compression compression = Compression::None;
    std::uint64_t limit = 0;
    std::uint64_t bytes = 0; // decompressed tar data pulled so far
    std::uint64_t holes = 0; // sparse holes charged so far
    bool atEnd = false;      // the decompressed data ended normally
    Stop stop = Stop::None;
    Phrase failure; // Failed: why
    bool failureIsTruncation = false;
    std::vector<char> buffer = std::vector<char>(64 * 1024);

    // False when this makes the archive too big (stop is then Limit).
    bool charge(std::uint64_t holeBytes)
    {
        // Saturating: a member may claim nearly 2^63 bytes of holes.
        holes = holeBytes > UINT64_MAX - holes ? UINT64_MAX : holes + holeBytes;
        if ((holes > UINT64_MAX - bytes || bytes + holes > limit) && stop == Stop::None)
            stop = Stop::Limit;
        return stop == Stop::None;
    }

    // Up to n decompressed bytes; 0 at the end or once stopped.
    std::size_t pull(char *buf, std::size_t n)
    {
        if (stop != Stop::None || atEnd)
            return 0;
        std::size_t got = 0;
        try {
            // In small steps, so that what decoded before a failure is
            // still read (the failure stops the next pull).
            while (got < n) {
                const auto want = static_cast<std::streamsize>(std::min<std::size_t>(n - got, 4096));
                const std::streamsize k = chain->sgetn(buf + got, want);
                if (k <= 0) {
                    atEnd = true;
                    break;
                }
                got += static_cast<std::size_t>(k);
            }
        } catch (const Cancelled &) {
            stop = Stop::Cancelled;
        } catch (const std::exception &e) {
            stop = Stop::Failed;
            failure = describeFailure(compression, e, failureIsTruncation);
        } catch (...) {
            stop = Stop::Failed;
            failure = ProblemCode::ArchiveNotDecompressed;
        }
        bytes += got;
        if (!charge(0))
            return 0;
        return got;
    }
};

la_ssize_t feedTar(struct archive *a, void *data, const void **out)
{
    auto *feed = static_cast<TarFeed *>(data);
    const std::size_t n = feed->pull(feed->buffer.data(), feed->buffer.size());
    if (n == 0 && feed->stop != TarFeed::Stop::None) {
        archive_set_error(a, EIO, "reading the archive stopped");
        return ARCHIVE_FATAL;
    }
    *out = feed->buffer.data();
    return static_cast<la_ssize_t>(n);
}

struct ArchiveFree
{
    void operator()(struct archive *a) const { archive_read_free(a); }
};

// Reads the current member's data from its start, holes as zeros, as far
// as asked and no further (the rest is skipped without being kept).
class MemberData
{
public:
    // holesCharged: the member's holes are already counted against the limit.
    MemberData(struct archive *a, TarFeed &feed, bool holesCharged)
        : m_a(a), m_feed(feed), m_holesCharged(holesCharged)
    {
    }

    // Extends bytes() to `want` (less only at the member's end). False: the
    // archive broke, or the limit was reached.
    bool readTo(std::uint64_t want)
    {
        while (m_bytes.size() < want) {
            if (m_left == 0 && !m_end) {
                const void *block = nullptr;
                std::size_t len = 0;
                la_int64_t offset = 0;
                const int rc = archive_read_data_block(m_a, &block, &len, &offset);
                if (rc == ARCHIVE_EOF) {
                    m_end = true;
                    len = 0;
                } else if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
                    return false;
                }
                m_block = static_cast<const char *>(block);
                m_left = len;
                m_offset = offset > 0 ? static_cast<std::uint64_t>(offset) : 0;
            }
            const std::uint64_t at = m_bytes.size();
            if (m_offset > at) { // a hole up to the next block (or the end)
                const std::uint64_t zeros = std::min(m_offset, want) - at;
                if (!m_holesCharged && !m_feed.charge(zeros))
                    return false;
                m_bytes.append(static_cast<std::size_t>(zeros), '\0');
                continue;
            }
            if (m_end)
                break;
            if (m_offset + m_left <= at) { // a sparse map going backwards: ignored
                m_left = 0;
                continue;
            }
            const std::uint64_t skip = at - m_offset;
            const std::uint64_t take = std::min<std::uint64_t>(m_left - skip, want - at);
            m_bytes.append(m_block + skip, static_cast<std::size_t>(take));
            m_block += skip + take;
            m_left -= static_cast<std::size_t>(skip + take);
            m_offset = at + take;
        }
        return true;
    }

    std::string &bytes() { return m_bytes; }

private:
    struct archive *m_a;
    TarFeed &m_feed;
    bool m_holesCharged;
    std::string m_bytes;
    const char *m_block = nullptr;
    std::size_t m_left = 0;     // of the block not yet taken
    std::uint64_t m_offset = 0; // where m_block is in the member
    bool m_end = false;
};

// Member path split into folder and base name; ".." never resolves. One
// pass: a path thousands of folders deep costs its length, not the sum of
// its prefixes.
struct MemberPath
{
    bool safe = true;
    std::string folder; // "a/b", "" for the top
    std::string base;
    std::string reason;
};

MemberPath splitMemberPath(std::string_view name, bool isDir)
{
    MemberPath mp;
    std::string path;          // the parts kept, joined by '/'
    std::size_t lastStart = 0; // where the last part begins in `path`
    for (std::size_t p = 0; p <= name.size();) {
        auto s = name.find('/', p);
        if (s == std::string_view::npos)
            s = name.size();
        const auto part = name.substr(p, s - p);
        if (part == "..") {
            mp.safe = false;
            mp.reason = "unsafe name (contains '..'); not read";
            return mp;
        }
        if (!part.empty() && part != ".") {
            if (!path.empty())
                path += '/';
            lastStart = path.size();
            path += part;
        }
        p = s + 1;
    }
    if (path.empty()) {
        if (isDir)
            return mp; // "./" is the top folder itself
        mp.safe = false;
        mp.reason = "empty member name; not read";
        return mp;
    }
    if (isDir) {
        mp.folder = std::move(path);
        return mp;
    }
    mp.base = path.substr(lastStart);
    path.resize(lastStart ? lastStart - 1 : 0);
    mp.folder = std::move(path);
    return mp;
}

std::string normaliseSubdir(std::string_view s)
{
    const MemberPath mp = splitMemberPath(s, true);
    return mp.safe ? mp.folder : std::string(s);
}

// `folder` is `ancestor` or inside it ("" is the top, above everything).
bool isAtOrBelow(std::string_view folder, std::string_view ancestor)
{
    if (ancestor.empty() || folder == ancestor)
        return true;
    return folder.size() > ancestor.size() && folder.starts_with(ancestor) && folder[ancestor.size()] == '/';
}

// Every folder the members name, each once: the folder of each member
// only, as its ancestors are implied. Kept this way (not as every ancestor
// path) the set costs at most the bytes of the names read; questions about
// a folder walk it once.
class FolderSet
{
public:
    void add(const std::string &folder)
    {
        if (!folder.empty())
            m_folders.insert(folder);
    }

    bool contains(std::string_view folder) const
    {
        if (folder.empty())
            return true;
        return std::any_of(m_folders.begin(), m_folders.end(),
                           [&](const std::string &f) { return isAtOrBelow(f, folder); });
    }

    // The folders right inside `parent`, sorted.
    std::set<std::string> children(const std::string &parent) const
    {
        std::set<std::string> out;
        for (const auto &f : m_folders) {
            if (f.size() <= parent.size() || !isAtOrBelow(f, parent))
                continue;
            const std::size_t from = parent.empty() ? 0 : parent.size() + 1;
            const auto slash = f.find('/', from);
            out.insert(f.substr(0, slash));
        }
        return out;
    }

private:
    std::unordered_set<std::string> m_folders;
};

constexpr std::size_t kMaxForeignListed = 1000; // per folder; the rest are counted

struct Folder
{
    FileList files;
    std::vector<Problem> problems;
    std::size_t foreignListed = 0;
    std::size_t foreignOmitted = 0;
    std::unordered_map<std::string, std::size_t> byName; // index in files

    // A name stored twice (tar -r appends): the last copy wins, as when
    // the archive is extracted.
    void add(std::shared_ptr<ParsedFile> f)
    {
        auto [it, fresh] = byName.try_emplace(f->name, files.size());
        if (fresh)
            files.push_back(std::move(f));
        else
            files[it->second] = std::move(f);
    }
    std::size_t metricsFiles = 0; // .db members with a metrics file name
    std::optional<std::string> manifest;
    std::string manifestMember;
};

std::string folderLabel(const std::string &folder)
{
    return folder.empty() ? std::string("(top level)") : escapeMemberName(folder) + "/";
}

bool isDbName(std::string_view base)
{
    return base.ends_with(".db") && !base.starts_with(".");
}

// Why a member is not read, for what libarchive says it is; none for a
// regular file.
std::optional<Phrase> notReadReason(struct archive_entry *e)
{
    if (const char *target = archive_entry_hardlink(e))
        return Phrase(ProblemCode::MemberHardLink, {escapeMemberName(target)});
    switch (archive_entry_filetype(e)) {
    case AE_IFREG: return std::nullopt;
    case AE_IFLNK: {
        const char *target = archive_entry_symlink(e);
        return Phrase(ProblemCode::MemberSymlink, {escapeMemberName(target ? target : "")});
    }
    case AE_IFCHR: return Phrase(ProblemCode::MemberCharDevice);
    case AE_IFBLK: return Phrase(ProblemCode::MemberBlockDevice);
    case AE_IFIFO: return Phrase(ProblemCode::MemberFifo);
    case AE_IFSOCK: return Phrase(ProblemCode::MemberSocket);
    default: return Phrase(ProblemCode::MemberSpecial);
    }
}

// Holes of a sparse member: its real size less the data stored.
std::uint64_t holeBytes(struct archive_entry *e, std::uint64_t size)
{
    if (archive_entry_sparse_reset(e) <= 0)
        return 0;
    std::uint64_t stored = 0;
    la_int64_t offset = 0, length = 0;
    while (archive_entry_sparse_next(e, &offset, &length) == ARCHIVE_OK)
        stored += length > 0 ? static_cast<std::uint64_t>(length) : 0;
    return stored < size ? size - stored : 0;
}

} // namespace

LoadResult loadArchive(const fs::path &archive, const LoadOptions &options)
{
    LoadResult r;
    r.archive.isArchive = true;
    const std::string shown = archive.string();

    auto state = std::make_shared<SourceState>();
    // Never open a FIFO or a device: open() could block, reads never end.
    std::error_code fec;
    if (!fs::is_regular_file(archive, fec)) {
        r.error = shown + ": not a directory nor a regular file";
        return r;
    }
    state->fd = ::open(archive.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (state->fd < 0) {
        r.error = shown + ": " + std::strerror(errno);
        return r;
    }
    struct stat st{};
    if (::fstat(state->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        r.error = shown + ": not a regular file";
        return r;
    }
    state->total = static_cast<std::uint64_t>(st.st_size);
    state->progress = options.progress;
    state->cancel = options.cancel;
    r.archive.archiveBytes = state->total;

    // Detect from the first bytes, then read from the start again.
    std::string head(512, '\0');
    const ssize_t hn = ::pread(state->fd, head.data(), head.size(), 0);
    head.resize(hn > 0 ? static_cast<std::size_t>(hn) : 0);
    const ArchiveDetection det = detectArchive(head);
    if (!det.isArchive) {
        r.error = shown + ": " + det.error;
        return r;
    }
    r.archive.compression = std::string(toString(det.compression));

    io::filtering_streambuf<io::input> chain;
    switch (det.compression) {
    case Compression::Gzip: chain.push(io::gzip_decompressor()); break;
    case Compression::Bzip2: chain.push(io::bzip2_decompressor()); break;
    case Compression::Xz: chain.push(io::lzma_decompressor()); break;
    case Compression::Zstd: chain.push(io::zstd_decompressor()); break;
    case Compression::None: break;
    }
    chain.push(CountingSource(state), 64 * 1024);

    const ArchiveLimits &limits = options.limits;
    TarFeed feed;
    feed.chain = &chain;
    feed.compression = det.compression;
    feed.limit = limits.maxTotalBytes;

    std::unique_ptr<struct archive, ArchiveFree> owner(archive_read_new());
    struct archive *a = owner.get();
    if (!a) {
        r.error = shown + ": out of memory";
        return r;
    }
    // Tar only, every variant; the data arrives decompressed.
    archive_read_support_format_tar(a);

    // Members share parsed keys (like the files of a directory).
    KeyInterner interner;
    ReadOptions read = options.read;
    if (!read.interner)
        read.interner = &interner;

    const bool pick = !options.subdir.empty();
    const std::string wanted = pick ? normaliseSubdir(options.subdir) : std::string();
    std::map<std::string, Folder> folders; // folders that hold anything we kept
    FolderSet existing;                    // every folder seen (explicit or implied)
    auto wantFolder = [&](const std::string &f) { return !pick || f == wanted; };
    auto skipMember = [&](std::string name, std::string reason) {
        ++r.archive.skippedCount;
        if (r.archive.skipped.size() < kMaxSkippedListed)
            r.archive.skipped.push_back({std::move(name), std::move(reason)});
    };

    std::optional<Phrase> breakWhy; // set when the archive could not be read to its end
    ProblemKind breakKind = ProblemKind::Truncated;
    std::string currentMember; // escaped, for the break message
    std::uint64_t currentSize = 0;
    bool inMember = false;
    bool tooManyMembers = false;
    auto tarPosition = [&] {
        const la_int64_t p = archive_filter_bytes(a, 0);
        return p > 0 ? static_cast<std::uint64_t>(p) : 0;
    };
    // libarchive stopped: the feed's reason first (it knows about limits,
    // cancelling and decompression), else libarchive's own words.
    auto brokeOff = [&](ProblemCode what) {
        if (feed.stop == TarFeed::Stop::Failed) {
            breakWhy = feed.failure;
            breakKind = feed.failureIsTruncation ? ProblemKind::Truncated : ProblemKind::Unreadable;
            return;
        }
        if (feed.stop != TarFeed::Stop::None)
            return;
        const char *err = archive_error_string(a);
        const std::string said = err ? err : "unknown error";
        // Cut inside a header or a member: libarchive says "Truncated", or
        // fails right where the data ran out.
        const bool cut = said.find("runcated") != std::string::npos
                         || (feed.atEnd && tarPosition() + 512 >= feed.bytes);
        breakKind = cut ? ProblemKind::Truncated : ProblemKind::Unreadable;
        breakWhy = Phrase(cut ? ProblemCode::ArchiveEndsInside : ProblemCode::ArchiveDamagedIn, {what, said});
    };

    if (archive_read_open(a, &feed, nullptr, feedTar, nullptr) != ARCHIVE_OK) {
        if (feed.stop == TarFeed::Stop::None && feed.bytes == 0) {
            breakWhy = ProblemCode::ArchiveEmpty;
        } else if (feed.stop == TarFeed::Stop::None) {
            const char *err = archive_error_string(a);
            breakKind = ProblemKind::Unreadable;
            breakWhy = Phrase(ProblemCode::ArchiveNotTar, {err ? err : "unknown error"});
        } else {
            brokeOff(ProblemCode::TarFirstHeader);
        }
    } else {
        // Nothing of ours may leave the library as an exception (an
        // allocation failing on a huge member, say): it ends the reading.
        try {
            for (;;) {
                if (inMember && archive_read_data_skip(a) != ARCHIVE_OK) {
                    brokeOff(ProblemCode::TarMemberData);
                    break;
                }
                const std::uint64_t before = tarPosition();
                struct archive_entry *e = nullptr;
                const int rc = archive_read_next_header(a, &e);
                if (rc == ARCHIVE_EOF) {
                    inMember = false;
                    if (tarPosition() == before) {
                        // The data ended at a member boundary, no marker read.
                        if (r.archive.members == 0 && feed.bytes == 0)
                            breakWhy = ProblemCode::ArchiveEmpty;
                        else
                            breakWhy = ProblemCode::ArchiveNoEndMarker;
                        break;
                    }
                    r.archive.complete = true;
                    // Decompress to the end of the stream: gzip, xz and zstd check
                    // their checksum only there.
                    if (det.compression != Compression::None)
                        while (feed.pull(feed.buffer.data(), feed.buffer.size()) > 0) {
                        }
                    if (feed.stop == TarFeed::Stop::Failed) {
                        r.archive.complete = false;
                        breakWhy = Phrase(ProblemCode::ArchiveDamagedAfterEnd, {feed.failure});
                        breakKind = feed.failureIsTruncation ? ProblemKind::Truncated : ProblemKind::Unreadable;
                    }
                    break;
                }
                if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
                    brokeOff(ProblemCode::TarMemberHeader);
                    break;
                }
                if (++r.archive.members > limits.maxMembers) {
                    tooManyMembers = true;
                    break;
                }
                const char *rawName = archive_entry_pathname(e);
                const std::string_view name = rawName ? rawName : "";
                const bool isDir = !archive_entry_hardlink(e) && archive_entry_filetype(e) == AE_IFDIR;
                const la_int64_t declared = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
                const std::uint64_t size = declared > 0 ? static_cast<std::uint64_t>(declared) : 0;
                const std::string display = escapeMemberName(name);
                currentMember = display;
                currentSize = size;
                inMember = true;
                const std::optional<Phrase> why = isDir ? std::nullopt : notReadReason(e);
                // Holes are charged when the member is met, read or not.
                const std::uint64_t holes = !why && !isDir ? holeBytes(e, size) : 0;
                const bool sparse = holes > 0;
                if (sparse && !feed.charge(holes))
                    break;
                const MemberPath mp = splitMemberPath(name, isDir);
                if (!mp.safe) {
                    skipMember(display, mp.reason);
                    continue;
                }
                existing.add(mp.folder);
                if (isDir)
                    continue;
                const std::string memberPath = shown + ":" + display;
                if (why) {
                    skipMember(display, problemText(*why));
                    if (wantFolder(mp.folder) && isDbName(mp.base))
                        folders[mp.folder].problems.push_back(
                            makeProblem(memberPath, 0, ProblemKind::Unreadable, ProblemCode::MemberNotRead, {*why}));
                    continue;
                }
                if (mp.base == kManifestName) {
                    if (size <= kMaxManifestBytes) {
                        MemberData data(a, feed, sparse);
                        if (!data.readTo(size)) {
                            brokeOff(ProblemCode::TarMemberData);
                            break;
                        }
                        if (data.bytes().size() == size) {
                            folders[mp.folder].manifest = std::move(data.bytes());
                            folders[mp.folder].manifestMember = memberPath;
                        }
                    }
                    continue;
                }
                if (!wantFolder(mp.folder))
                    continue;
                if (!isDbName(mp.base)) {
                    Folder &f = folders[mp.folder];
                    if (f.foreignListed++ < kMaxForeignListed)
                        f.problems.push_back(
                            makeProblem(memberPath, 0, ProblemKind::ForeignFile, ProblemCode::NotMetricsFileIgnored));
                    else
                        ++f.foreignOmitted;
                    continue;
                }
                Folder &folder = folders[mp.folder];
                const FileName fn = parseFileName(mp.base);
                const std::int64_t mtimeNs = archive_entry_mtime_is_set(e) && archive_entry_mtime(e) >= 0
                                                 ? std::int64_t(archive_entry_mtime(e)) * 1'000'000'000
                                                       + archive_entry_mtime_nsec(e)
                                                 : 0;
                // A member listed with one problem and not read.
                auto notRead = [&](ProblemKind kind, ProblemCode code, std::vector<Phrase> args) {
                    auto f = std::make_shared<ParsedFile>();
                    f->path = memberPath;
                    f->name = mp.base;
                    f->fileName = fn;
                    f->size = size;
                    f->stamp.size = size;
                    f->stamp.mtimeNs = mtimeNs;
                    f->problems.push_back(makeProblem(memberPath, 0, kind, code, std::move(args)));
                    folder.add(std::move(f));
                };
                if (!fn.valid) {
                    notRead(ProblemKind::ForeignFile, ProblemCode::BadFileName, {fn.reason});
                    continue;
                }
                if (!folder.byName.count(mp.base))
                    ++folder.metricsFiles;
                if (size > limits.maxMemberBytes) {
                    notRead(ProblemKind::Unreadable, ProblemCode::MemberTooBig, {size, humanBytes(limits.maxMemberBytes)});
                    continue;
                }
                // Only the `used` bytes matter; the zero tail is skipped unbuffered.
                MemberData data(a, feed, sparse);
                bool whole = data.readTo(std::min<std::uint64_t>(size, 8));
                std::uint64_t want = size;
                if (whole && data.bytes().size() == 8) {
                    std::int32_t used;
                    std::memcpy(&used, data.bytes().data(), 4);
                    want = used <= 0 ? 8 : std::min<std::uint64_t>(size, static_cast<std::uint64_t>(used));
                }
                whole = whole && data.readTo(want);
                ParsedFile pf = readBytes(memberPath, data.bytes(), read);
                pf.name = mp.base;
                pf.fileName = fn;
                pf.size = size;
                pf.stamp.size = size;
                pf.stamp.mtimeNs = mtimeNs;
                folder.add(std::make_shared<ParsedFile>(std::move(pf)));
                if (!whole) {
                    brokeOff(ProblemCode::TarMemberData);
                    break;
                }
            }
        } catch (const std::exception &e) {
            breakKind = ProblemKind::Unreadable;
            breakWhy = Phrase(ProblemCode::ArchiveReadingStopped, {e.what()});
        }
    }

    r.archive.uncompressedBytes = feed.bytes;
    r.archive.compressedBytes = state->read;
    if (options.progress)
        options.progress(state->read, state->total);

    if (feed.stop == TarFeed::Stop::Cancelled) {
        r.error = shown + ": loading was cancelled";
        return r;
    }
    std::string limitError;
    if (tooManyMembers)
        limitError = "the archive has more than " + std::to_string(limits.maxMembers)
                     + " members, the limit (raise it with --max-members, or LoadOptions::limits.maxMembers)";
    else if (feed.stop == TarFeed::Stop::Limit)
        limitError = "the archive expands to more than " + humanBytes(limits.maxTotalBytes)
                     + " of uncompressed data, the limit (raise it with --max-total-size, "
                       "or LoadOptions::limits.maxTotalBytes)";
    if (!limitError.empty())
        breakWhy.reset();

    // Which folder is the metrics directory?
    std::vector<std::string> candidates;
    for (const auto &[name, f] : folders)
        if (f.metricsFiles > 0) {
            candidates.push_back(name);
            r.archive.dbFolders.emplace_back(folderLabel(name), f.metricsFiles);
        }
    std::optional<std::string> chosen;
    std::string chooseError;
    auto listCandidates = [&] {
        std::string s;
        for (const auto &[label, n] : r.archive.dbFolders)
            s += "\n  " + label + " (" + std::to_string(n) + " metrics files)";
        return s;
    };
    if (pick) {
        if (existing.contains(wanted) || folders.count(wanted))
            chosen = wanted;
        else
            chooseError = "no folder '" + escapeMemberName(options.subdir) + "' in the archive"
                          + (candidates.empty() ? std::string(" (no folder holds metrics files)")
                                                : "; folders holding metrics files:" + listCandidates());
    } else if (candidates.size() == 1) {
        chosen = candidates.front();
    } else if (candidates.size() > 1) {
        chooseError = "several folders in the archive hold metrics files; choose one with --subdir:"
                      + listCandidates();
    } else {
        // No metrics files: a packed empty directory still names its folder.
        for (const auto &[name, f] : folders) {
            if (!f.manifest)
                continue;
            const auto mr = parseManifest(*f.manifest);
            if (mr.ok && existing.contains(normaliseSubdir(mr.manifest.folder)))
                chosen = normaliseSubdir(mr.manifest.folder);
        }
        if (!chosen && !breakWhy && limitError.empty())
            chooseError = "no metrics files (*.db) in the archive (" + std::to_string(r.archive.members)
                          + " members)";
    }

    if (chosen) {
        r.archive.folder = escapeMemberName(*chosen);
        auto it = folders.find(*chosen);
        if (it != folders.end()) {
            r.files = std::move(it->second.files);
            r.problems = std::move(it->second.problems);
            if (it->second.foreignOmitted)
                r.problems.push_back(makeProblem(shown + ":" + escapeMemberName(*chosen), 0, ProblemKind::ForeignFile,
                                                 ProblemCode::MoreForeignFiles, {it->second.foreignOmitted}));
        }
        sortByName(r.files);
        for (const auto &f : existing.children(*chosen))
            r.problems.push_back(makeProblem(shown + ":" + escapeMemberName(f), 0, ProblemKind::ForeignFile,
                                             ProblemCode::SubfolderIgnored));
        // The nearest manifest at or above the folder.
        const std::pair<const std::string, Folder> *nearest = nullptr;
        for (const auto &entry : folders)
            if (entry.second.manifest && isAtOrBelow(*chosen, entry.first)
                && (!nearest || entry.first.size() > nearest->first.size()))
                nearest = &entry;
        if (nearest) {
            const auto mr = parseManifest(*nearest->second.manifest);
            if (mr.ok)
                r.manifest = mr.manifest;
            else
                r.problems.push_back(makeProblem(nearest->second.manifestMember, 0, ProblemKind::BadJson,
                                                 ProblemCode::ManifestNotUsable, {mr.error}));
        }
    }

    std::string breakMessage;
    if (breakWhy) {
        Phrase why = std::move(*breakWhy);
        if (inMember && !currentMember.empty() && !r.archive.complete)
            why = Phrase(ProblemCode::ArchiveStoppedInMember, {std::move(why), currentMember, currentSize});
        r.problems.push_back(makeProblem(shown, tarPosition(), breakKind, ProblemCode::ArchiveStopped,
                                         {std::move(why), state->read, state->total, feed.bytes, r.archive.members}));
        breakMessage = r.problems.back().message;
    }

    if (!limitError.empty()) {
        r.error = shown + ": " + limitError + "; stopped after " + std::to_string(r.archive.members)
                  + " members and " + std::to_string(feed.bytes) + " bytes";
        return r;
    }
    if (!chosen) {
        r.error = shown + ": " + (chooseError.empty() ? breakMessage : chooseError);
        return r;
    }
    r.ok = true;
    return r;
}

} // namespace promdir
