// Archives read in memory: a decompressing Boost.Iostreams chain over the
// file, our own tar reader on top, and only the .db members of the metrics
// folder kept (as parsed files, never as bytes).
#include "promdir/archive.h"

#include "tar_p.h"

#include <boost/iostreams/categories.hpp>
#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filter/zstd.hpp>
#include <boost/iostreams/filtering_streambuf.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

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
struct LimitExceeded
{
    std::string message;
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

// Member path split into folder and base name; ".." never resolves.
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
    std::vector<std::string_view> parts;
    std::size_t p = 0;
    while (p <= name.size()) {
        auto s = name.find('/', p);
        if (s == std::string_view::npos)
            s = name.size();
        const auto part = name.substr(p, s - p);
        if (part == "..") {
            mp.safe = false;
            mp.reason = "unsafe name (contains '..'); not read";
            return mp;
        }
        if (!part.empty() && part != ".")
            parts.push_back(part);
        p = s + 1;
    }
    if (parts.empty()) {
        if (isDir)
            return mp; // "./" is the top folder itself
        mp.safe = false;
        mp.reason = "empty member name; not read";
        return mp;
    }
    auto join = [&](std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) {
            if (i)
                s += '/';
            s += parts[i];
        }
        return s;
    };
    if (isDir) {
        mp.folder = join(parts.size());
        return mp;
    }
    mp.folder = join(parts.size() - 1);
    mp.base = std::string(parts.back());
    return mp;
}

std::string normaliseSubdir(std::string_view s)
{
    const MemberPath mp = splitMemberPath(s, true);
    return mp.safe ? mp.folder : std::string(s);
}

std::string parentOf(const std::string &folder)
{
    const auto slash = folder.rfind('/');
    return slash == std::string::npos ? std::string() : folder.substr(0, slash);
}

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

// Boost's exceptions in words, and whether the data just ended early.
std::string describeFailure(Compression c, const std::exception &e, bool &truncated)
{
    truncated = false;
    const std::string what = std::string(toString(c)) + " data ";
    if (const auto *g = dynamic_cast<const io::gzip_error *>(&e)) {
        if ((g->error() == io::gzip::zlib_error && g->zlib_error_code() == io::zlib::buf_error)
            || g->error() == io::gzip::bad_footer) {
            truncated = true;
            return what + "ends early (the file is truncated)";
        }
        if (g->error() == io::gzip::bad_crc || g->error() == io::gzip::bad_length)
            return what + "is corrupt (checksum mismatch)";
        if (g->error() == io::gzip::bad_header)
            return what + "has a bad header";
        return what + "is corrupt (zlib error " + std::to_string(g->zlib_error_code()) + ")";
    }
    if (const auto *b = dynamic_cast<const io::bzip2_error *>(&e)) {
        if (b->error() == io::bzip2::unexpected_eof) {
            truncated = true;
            return what + "ends early (the file is truncated)";
        }
        return what + "is corrupt (bzip2 error " + std::to_string(b->error()) + ")";
    }
    if (const auto *x = dynamic_cast<const io::lzma_error *>(&e)) {
        if (x->error() == io::lzma::buf_error) {
            truncated = true;
            return what + "ends early (the file is truncated)";
        }
        return what + "is corrupt (lzma error " + std::to_string(x->error()) + ")";
    }
    if (const auto *z = dynamic_cast<const io::zstd_error *>(&e))
        return what + "is corrupt (zstd error " + std::to_string(z->error()) + ")";
    return what + "could not be read (" + e.what() + ")";
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
    std::uint64_t uncompressed = 0;
    auto readFn = [&](char *buf, std::size_t n) -> std::size_t {
        const std::streamsize got = chain.sgetn(buf, static_cast<std::streamsize>(n));
        if (got <= 0)
            return 0;
        uncompressed += static_cast<std::uint64_t>(got);
        if (uncompressed > limits.maxTotalBytes)
            throw LimitExceeded{"the archive expands to more than " + humanBytes(limits.maxTotalBytes)
                                + " of uncompressed data, the limit (raise it with --max-total-size, "
                                  "or LoadOptions::limits.maxTotalBytes)"};
        return static_cast<std::size_t>(got);
    };
    tar::Reader reader(readFn);

    // Members share parsed keys (like the files of a directory).
    KeyInterner interner;
    ReadOptions read = options.read;
    if (!read.interner)
        read.interner = &interner;

    const bool pick = !options.subdir.empty();
    const std::string wanted = pick ? normaliseSubdir(options.subdir) : std::string();
    std::map<std::string, Folder> folders;      // folders that hold anything we kept
    std::set<std::string> existing;             // every folder seen (explicit or implied)
    auto noteFolder = [&](std::string f) {
        while (existing.insert(f).second && !f.empty())
            f = parentOf(f);
        existing.insert(std::string());
    };
    auto wantFolder = [&](const std::string &f) { return !pick || f == wanted; };
    auto skipMember = [&](std::string name, std::string reason) {
        ++r.archive.skippedCount;
        if (r.archive.skipped.size() < kMaxSkippedListed)
            r.archive.skipped.push_back({std::move(name), std::move(reason)});
    };

    std::string breakWhy;       // set when the archive could not be read to its end
    ProblemKind breakKind = ProblemKind::Truncated;
    std::string currentMember;  // escaped, for the break message
    std::uint64_t currentSize = 0;
    bool inMember = false;
    std::string limitError;
    bool cancelled = false;
    std::vector<char> chunk(64 * 1024);
    bool checkingTail = false;  // every member is read; decompressing the rest

    try {
        tar::Member m;
        for (;;) {
            const auto status = reader.next(m);
            if (status == tar::Reader::Status::End) {
                if (reader.endedWithoutMarker()) {
                    if (r.archive.members == 0 && uncompressed == 0)
                        breakWhy = "the archive is empty";
                    else
                        breakWhy = "the archive ends without its end-of-archive marker (cut at a member boundary?)";
                } else {
                    r.archive.complete = true;
                }
                inMember = false;
                // Decompress to the end of the stream: gzip, xz and zstd check
                // their checksum only there, and a damaged block can decode
                // into plausible member contents (seen with gzip).
                if (det.compression != Compression::None && r.archive.complete) {
                    checkingTail = true;
                    while (readFn(chunk.data(), chunk.size()) > 0) {
                    }
                }
                break;
            }
            if (status == tar::Reader::Status::Error) {
                breakWhy = reader.error();
                breakKind = breakWhy.find("ends inside") != std::string::npos ? ProblemKind::Truncated
                                                                               : ProblemKind::Unreadable;
                break;
            }
            if (++r.archive.members > limits.maxMembers)
                throw LimitExceeded{"the archive has more than " + std::to_string(limits.maxMembers)
                                    + " members, the limit (raise it with --max-members, "
                                      "or LoadOptions::limits.maxMembers)"};
            const std::string display = escapeMemberName(m.name);
            currentMember = display;
            currentSize = m.size;
            inMember = true;
            const MemberPath mp = splitMemberPath(m.name, m.kind == tar::Kind::Directory);
            if (!mp.safe) {
                skipMember(display, mp.reason);
                continue;
            }
            if (m.kind == tar::Kind::Directory) {
                noteFolder(mp.folder);
                continue;
            }
            noteFolder(mp.folder);
            const std::string memberPath = shown + ":" + display;
            if (m.kind != tar::Kind::Regular) {
                std::string why = std::string(tar::toString(m.kind));
                if (m.kind == tar::Kind::SymLink || m.kind == tar::Kind::HardLink)
                    why += " to '" + escapeMemberName(m.linkName) + "'; links are not followed";
                else if (m.kind == tar::Kind::Other)
                    why += " (tar type '" + escapeMemberName(std::string(1, m.typeflag)) + "'); not read";
                else
                    why += "; not read";
                skipMember(display, why);
                if (wantFolder(mp.folder) && isDbName(mp.base))
                    folders[mp.folder].problems.push_back(
                        {memberPath, 0, ProblemKind::Unreadable, "is a " + why + ", so its metrics were not read"});
                continue;
            }
            if (mp.base == kManifestName) {
                if (m.size <= kMaxManifestBytes) {
                    std::string text(m.size, '\0');
                    std::size_t got = 0;
                    while (got < text.size()) {
                        const std::size_t n = reader.read(text.data() + got, text.size() - got);
                        if (n == 0)
                            break;
                        got += n;
                    }
                    if (got == text.size()) {
                        folders[mp.folder].manifest = std::move(text);
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
                    f.problems.push_back({memberPath, 0, ProblemKind::ForeignFile, "not a metrics file (*.db); ignored"});
                else
                    ++f.foreignOmitted;
                continue;
            }
            Folder &folder = folders[mp.folder];
            const FileName fn = parseFileName(mp.base);
            // A member listed with one problem and not read.
            auto notRead = [&](ProblemKind kind, std::string message) {
                auto f = std::make_shared<ParsedFile>();
                f->path = memberPath;
                f->name = mp.base;
                f->fileName = fn;
                f->size = m.size;
                f->stamp.size = m.size;
                f->stamp.mtimeNs = m.mtimeNs;
                f->problems.push_back({memberPath, 0, kind, std::move(message)});
                folder.add(std::move(f));
            };
            if (!fn.valid) {
                notRead(ProblemKind::ForeignFile, "not a metrics file name (" + fn.reason + "); not merged");
                continue;
            }
            if (!folder.byName.count(mp.base))
                ++folder.metricsFiles;
            if (m.size > limits.maxMemberBytes) {
                notRead(ProblemKind::Unreadable, "member is " + std::to_string(m.size)
                                                     + " bytes, more than the limit of "
                                                     + humanBytes(limits.maxMemberBytes)
                                                     + " for one file; not read (raise it with --max-member-size)");
                continue;
            }
            // Only the `used` bytes matter; the zero tail is skipped unbuffered.
            std::string bytes;
            const std::size_t first = static_cast<std::size_t>(std::min<std::uint64_t>(m.size, 8));
            bytes.resize(first);
            std::size_t got = 0;
            while (got < first) {
                const std::size_t n = reader.read(bytes.data() + got, first - got);
                if (n == 0)
                    break;
                got += n;
            }
            std::uint64_t want = m.size;
            if (got == 8) {
                std::int32_t used;
                std::memcpy(&used, bytes.data(), 4);
                want = used <= 0 ? 8 : std::min<std::uint64_t>(m.size, static_cast<std::uint64_t>(used));
            }
            if (got == first && want > got) {
                bytes.resize(static_cast<std::size_t>(want));
                while (got < want) {
                    const std::size_t n = reader.read(bytes.data() + got, static_cast<std::size_t>(want - got));
                    if (n == 0)
                        break;
                    got += n;
                }
            }
            bytes.resize(got);
            ParsedFile pf = readBytes(memberPath, bytes, read);
            pf.name = mp.base;
            pf.fileName = fn;
            pf.size = m.size;
            pf.stamp.size = m.size;
            pf.stamp.mtimeNs = m.mtimeNs;
            folder.add(std::make_shared<ParsedFile>(std::move(pf)));
            if (!reader.error().empty()) {
                breakWhy = reader.error();
                break;
            }
        }
    } catch (const LimitExceeded &e) {
        limitError = e.message;
    } catch (const Cancelled &) {
        cancelled = true;
    } catch (const std::exception &e) {
        bool truncated = false;
        breakWhy = describeFailure(det.compression, e, truncated);
        breakKind = truncated ? ProblemKind::Truncated : ProblemKind::Unreadable;
        if (checkingTail) {
            r.archive.complete = false;
            breakWhy += " after the end-of-archive marker, so the members read may hold damaged values";
        }
    } catch (...) {
        breakKind = ProblemKind::Unreadable;
        breakWhy = "the archive could not be decompressed";
    }

    r.archive.uncompressedBytes = uncompressed;
    r.archive.compressedBytes = state->read;
    if (options.progress)
        options.progress(state->read, state->total);

    if (cancelled) {
        r.error = shown + ": loading was cancelled";
        return r;
    }

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
        if (existing.count(wanted) || folders.count(wanted))
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
            if (mr.ok && existing.count(normaliseSubdir(mr.manifest.folder)))
                chosen = normaliseSubdir(mr.manifest.folder);
        }
        if (!chosen && breakWhy.empty() && limitError.empty())
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
                r.problems.push_back({shown + ":" + escapeMemberName(*chosen), 0, ProblemKind::ForeignFile,
                                      "and " + std::to_string(it->second.foreignOmitted)
                                          + " more files that are not metrics files (*.db); ignored"});
        }
        sortByName(r.files);
        for (const auto &f : existing)
            if (!f.empty() && f != *chosen && parentOf(f) == *chosen)
                r.problems.push_back({shown + ":" + escapeMemberName(f), 0, ProblemKind::ForeignFile,
                                      "sub-folder ignored (the directory is not read recursively)"});
        // The nearest manifest at or above the folder.
        std::string up = *chosen;
        for (;;) {
            auto mf = folders.find(up);
            if (mf != folders.end() && mf->second.manifest) {
                const auto mr = parseManifest(*mf->second.manifest);
                if (mr.ok)
                    r.manifest = mr.manifest;
                else
                    r.problems.push_back({mf->second.manifestMember, 0, ProblemKind::BadJson,
                                          "manifest not usable: " + mr.error + "; liveness unknown"});
                break;
            }
            if (up.empty())
                break;
            up = parentOf(up);
        }
    }

    std::string breakMessage;
    if (!breakWhy.empty()) {
        std::string msg = breakWhy;
        if (inMember && !currentMember.empty() && !r.archive.complete)
            msg += "; in or right after member '" + currentMember + "' (" + std::to_string(currentSize) + " bytes)";
        msg += "; stopped at byte " + std::to_string(state->read) + " of " + std::to_string(state->total)
               + " of the file (byte " + std::to_string(uncompressed) + " of the tar data), after "
               + std::to_string(r.archive.members) + " members; the files read before are kept";
        r.problems.push_back({shown, reader.position(), breakKind, msg});
        breakMessage = msg;
    }

    if (!limitError.empty()) {
        r.error = shown + ": " + limitError + "; stopped after " + std::to_string(r.archive.members)
                  + " members and " + std::to_string(uncompressed) + " bytes";
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
