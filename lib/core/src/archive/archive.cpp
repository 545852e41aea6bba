// Archives read in memory: a decompressing chain over the file
// (archive/tarfeed.cpp), libarchive's tar reader on top, and only the .db
// members of the metrics folder kept (as parsed files, never as bytes;
// archive/members.cpp). Then the folder that is the metrics directory is
// chosen, and what stopped the reading early is described.
#include "promdir/archive/archive.h"
#include "archive/members_p.h"
#include "format/bytes_p.h"
#include "read/userfile_p.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace promdir {

namespace fs = std::filesystem;

namespace {

using namespace detail;

constexpr std::uint64_t kMaxManifestBytes = 16 << 20;
constexpr std::size_t kMaxSkippedListed = 1000;

// One archive loaded, in steps: open it and set up the chain and the tar
// reader; read the members; choose the folder that is the metrics
// directory and take its files; describe what stopped the reading early.
class ArchiveLoad
{
public:
    ArchiveLoad(const fs::path &archive, const LoadOptions &options)
        : m_archive(archive), m_options(options), m_shown(archive.string()), m_read(options.read),
          m_pick(!options.subdir.empty()), m_wanted(m_pick ? normaliseSubdir(options.subdir) : std::string())
    {
        m_r.archive.isArchive = true;
        // Members share parsed keys (like the files of a directory).
        if (!m_read.interner)
            m_read.interner = &m_interner;
    }

    LoadResult run()
    {
        if (!openFile() || !openTar())
            return std::move(m_r);
        if (archive_read_open(m_a, &m_feed, nullptr, feedTar, nullptr) != ARCHIVE_OK)
            openFailed();
        else
            readMembers();
        m_r.archive.uncompressedBytes = m_feed.bytes;
        m_r.archive.compressedBytes = m_state->read;
        if (m_options.progress)
            m_options.progress(m_state->read, m_state->total);
        if (m_feed.stop == TarFeed::Stop::Cancelled) {
            m_r.error = m_shown + ": loading was cancelled";
            return std::move(m_r);
        }
        const std::string limitError = limitReached();
        if (!limitError.empty())
            m_breakWhy.reset();
        std::string chooseError;
        const std::optional<std::string> chosen = chooseFolder(limitError, chooseError);
        if (chosen)
            takeFolder(*chosen);
        const std::string breakMessage = describeBreak();
        if (!limitError.empty()) {
            m_r.error = m_shown + ": " + limitError + "; stopped after " + std::to_string(m_r.archive.members)
                        + " members and " + std::to_string(m_feed.bytes) + " bytes";
            return std::move(m_r);
        }
        if (!chosen) {
            m_r.error = m_shown + ": " + (chooseError.empty() ? breakMessage : chooseError);
            return std::move(m_r);
        }
        m_r.ok = true;
        return std::move(m_r);
    }

private:
    enum class Next { More, Stop };

    bool openFile();
    bool openTar();
    void openFailed();
    void readMembers();
    Next readMember(struct archive_entry *e);
    Next atEndOfArchive(std::uint64_t before);
    Next readManifest(const MemberPath &mp, std::uint64_t size, bool sparse, const std::string &memberPath);
    Next readMetricsFile(struct archive_entry *e, const MemberPath &mp, std::uint64_t size, bool sparse,
                         const std::string &memberPath);
    void brokeOff(ProblemCode what);
    void skipMember(std::string name, std::string reason);
    std::uint64_t tarPosition() const;
    std::string limitReached() const;
    std::optional<std::string> chooseFolder(const std::string &limitError, std::string &chooseError);
    std::string listCandidates() const;
    void takeFolder(const std::string &chosen);
    void takeManifest(const std::string &chosen);
    std::string describeBreak();

    const fs::path &m_archive;
    const LoadOptions &m_options;
    const std::string m_shown; // the archive's path, as messages name it
    LoadResult m_r;

    std::shared_ptr<SourceState> m_state = std::make_shared<SourceState>();
    Compression m_compression = Compression::None;
    io::filtering_streambuf<io::input> m_chain;
    TarFeed m_feed;
    std::unique_ptr<struct archive, ArchiveFree> m_owner;
    struct archive *m_a = nullptr;

    KeyInterner m_interner;
    ReadOptions m_read;
    const bool m_pick; // a folder was asked for
    const std::string m_wanted;
    std::map<std::string, Folder> m_folders; // folders that hold anything we kept
    FolderSet m_existing;                    // every folder seen (explicit or implied)

    std::optional<Phrase> m_breakWhy; // set when the archive could not be read to its end
    ProblemKind m_breakKind = ProblemKind::Truncated;
    std::string m_currentMember; // escaped, for the break message
    std::uint64_t m_currentSize = 0;
    bool m_inMember = false;
    bool m_tooManyMembers = false;
};

// Never opens a FIFO or a device: open() could block, reads never end
// (the rule of every file the user names, read/userfile_p.h).
bool ArchiveLoad::openFile()
{
    struct stat st{};
    std::string why;
    bool notAFile = false;
    m_state->fd = openRegularFile(m_archive, st, why, notAFile);
    if (m_state->fd < 0) {
        m_r.error = m_shown + ": " + why;
        return false;
    }
    m_state->total = static_cast<std::uint64_t>(st.st_size);
    m_state->progress = m_options.progress;
    m_state->cancel = m_options.cancel;
    m_r.archive.archiveBytes = m_state->total;

    // Detect from the first bytes, then read from the start again.
    std::string head(512, '\0');
    const ssize_t hn = ::pread(m_state->fd, head.data(), head.size(), 0);
    head.resize(hn > 0 ? static_cast<std::size_t>(hn) : 0);
    const ArchiveDetection det = detectArchive(head);
    if (!det.isArchive) {
        m_r.error = m_shown + ": " + det.error;
        return false;
    }
    m_compression = det.compression;
    m_r.archive.compression = std::string(toString(det.compression));
    return true;
}

// The decompressing chain, the feed that counts it, and libarchive's tar
// reader (tar only, every variant; the data arrives decompressed).
bool ArchiveLoad::openTar()
{
    pushDecompressor(m_chain, m_compression, m_state);
    m_feed.chain = &m_chain;
    m_feed.compression = m_compression;
    m_feed.limit = m_options.limits.maxTotalBytes;
    m_owner.reset(archive_read_new());
    m_a = m_owner.get();
    if (!m_a) {
        m_r.error = m_shown + ": out of memory";
        return false;
    }
    archive_read_support_format_tar(m_a);
    return true;
}

// The first header could not be read.
void ArchiveLoad::openFailed()
{
    if (m_feed.stop == TarFeed::Stop::None && m_feed.bytes == 0) {
        m_breakWhy = ProblemCode::ArchiveEmpty;
    } else if (m_feed.stop == TarFeed::Stop::None) {
        const char *err = archive_error_string(m_a);
        m_breakKind = ProblemKind::Unreadable;
        m_breakWhy = Phrase(ProblemCode::ArchiveNotTar, {err ? err : "unknown error"});
    } else {
        brokeOff(ProblemCode::TarFirstHeader);
    }
}

// Nothing of ours may leave the library as an exception (an allocation
// failing on a huge member, say): it ends the reading.
void ArchiveLoad::readMembers()
{
    try {
        for (;;) {
            if (m_inMember && archive_read_data_skip(m_a) != ARCHIVE_OK) {
                brokeOff(ProblemCode::TarMemberData);
                break;
            }
            const std::uint64_t before = tarPosition();
            struct archive_entry *e = nullptr;
            const int rc = archive_read_next_header(m_a, &e);
            if (rc == ARCHIVE_EOF) {
                atEndOfArchive(before);
                break;
            }
            if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
                brokeOff(ProblemCode::TarMemberHeader);
                break;
            }
            if (++m_r.archive.members > m_options.limits.maxMembers) {
                m_tooManyMembers = true;
                break;
            }
            if (readMember(e) == Next::Stop)
                break;
        }
    } catch (const std::exception &e) {
        m_breakKind = ProblemKind::Unreadable;
        m_breakWhy = Phrase(ProblemCode::ArchiveReadingStopped, {e.what()});
    }
}

ArchiveLoad::Next ArchiveLoad::atEndOfArchive(std::uint64_t before)
{
    m_inMember = false;
    if (tarPosition() == before) {
        // The data ended at a member boundary, no marker read.
        if (m_r.archive.members == 0 && m_feed.bytes == 0)
            m_breakWhy = ProblemCode::ArchiveEmpty;
        else
            m_breakWhy = ProblemCode::ArchiveNoEndMarker;
        return Next::Stop;
    }
    m_r.archive.complete = true;
    // Decompress to the end of the stream: gzip, xz and zstd check their
    // checksum only there.
    if (m_compression != Compression::None)
        while (m_feed.pull(m_feed.buffer.data(), m_feed.buffer.size()) > 0) {
        }
    if (m_feed.stop == TarFeed::Stop::Failed) {
        m_r.archive.complete = false;
        m_breakWhy = Phrase(ProblemCode::ArchiveDamagedAfterEnd, {m_feed.failure});
        m_breakKind = m_feed.failureIsTruncation ? ProblemKind::Truncated : ProblemKind::Unreadable;
    }
    return Next::Stop;
}

// One member: skipped (and why), a folder noted, the manifest, a foreign
// file listed, or a metrics file read.
ArchiveLoad::Next ArchiveLoad::readMember(struct archive_entry *e)
{
    const char *rawName = archive_entry_pathname(e);
    const std::string_view name = rawName ? rawName : "";
    const bool isDir = !archive_entry_hardlink(e) && archive_entry_filetype(e) == AE_IFDIR;
    const la_int64_t declared = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
    const std::uint64_t size = declared > 0 ? static_cast<std::uint64_t>(declared) : 0;
    const std::string display = escapeMemberName(name);
    m_currentMember = display;
    m_currentSize = size;
    m_inMember = true;
    const std::optional<Phrase> why = isDir ? std::nullopt : notReadReason(e);
    // Holes are charged when the member is met, read or not.
    const std::uint64_t holes = !why && !isDir ? holeBytes(e, size) : 0;
    const bool sparse = holes > 0;
    if (sparse && !m_feed.charge(holes))
        return Next::Stop;
    const MemberPath mp = splitMemberPath(name, isDir);
    if (!mp.safe) {
        skipMember(display, mp.reason);
        return Next::More;
    }
    m_existing.add(mp.folder);
    if (isDir)
        return Next::More;
    const std::string memberPath = m_shown + ":" + display;
    const bool wantFolder = !m_pick || mp.folder == m_wanted;
    if (why) {
        skipMember(display, problemText(*why));
        if (wantFolder && isDbName(mp.base))
            m_folders[mp.folder].problems.push_back(
                makeProblem(memberPath, 0, ProblemKind::Unreadable, ProblemCode::MemberNotRead, {*why}));
        return Next::More;
    }
    if (mp.base == kManifestName)
        return readManifest(mp, size, sparse, memberPath);
    if (!wantFolder)
        return Next::More;
    if (!isDbName(mp.base)) {
        Folder &f = m_folders[mp.folder];
        if (f.foreignListed++ < kMaxForeignListed)
            f.problems.push_back(
                makeProblem(memberPath, 0, ProblemKind::ForeignFile, ProblemCode::NotMetricsFileIgnored));
        else
            ++f.foreignOmitted;
        return Next::More;
    }
    return readMetricsFile(e, mp, size, sparse, memberPath);
}

ArchiveLoad::Next ArchiveLoad::readManifest(const MemberPath &mp, std::uint64_t size, bool sparse,
                                            const std::string &memberPath)
{
    if (size > kMaxManifestBytes)
        return Next::More;
    MemberData data(m_a, m_feed, sparse);
    if (!data.readTo(size)) {
        brokeOff(ProblemCode::TarMemberData);
        return Next::Stop;
    }
    if (data.bytes().size() == size) {
        m_folders[mp.folder].manifest = std::move(data.bytes());
        m_folders[mp.folder].manifestMember = memberPath;
    }
    return Next::More;
}

// A .db member of a folder wanted: listed with one problem and not read
// (a foreign name, too big), or read as far as its `used` bytes and parsed.
ArchiveLoad::Next ArchiveLoad::readMetricsFile(struct archive_entry *e, const MemberPath &mp, std::uint64_t size,
                                               bool sparse, const std::string &memberPath)
{
    Folder &folder = m_folders[mp.folder];
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
        return Next::More;
    }
    if (!folder.byName.count(mp.base))
        ++folder.metricsFiles;
    const ArchiveLimits &limits = m_options.limits;
    if (size > limits.maxMemberBytes) {
        notRead(ProblemKind::Unreadable, ProblemCode::MemberTooBig, {size, limitText(limits.maxMemberBytes)});
        return Next::More;
    }
    // Only the `used` bytes matter; the zero tail is skipped unbuffered.
    MemberData data(m_a, m_feed, sparse);
    bool whole = data.readTo(std::min<std::uint64_t>(size, 8));
    std::uint64_t want = size;
    if (whole && data.bytes().size() == 8) {
        std::int32_t used;
        std::memcpy(&used, data.bytes().data(), 4);
        want = used <= 0 ? 8 : std::min<std::uint64_t>(size, static_cast<std::uint64_t>(used));
    }
    whole = whole && data.readTo(want);
    ParsedFile pf = readBytes(memberPath, data.bytes(), m_read);
    pf.name = mp.base;
    pf.fileName = fn;
    pf.size = size;
    pf.stamp.size = size;
    pf.stamp.mtimeNs = mtimeNs;
    folder.add(std::make_shared<ParsedFile>(std::move(pf)));
    if (!whole) {
        brokeOff(ProblemCode::TarMemberData);
        return Next::Stop;
    }
    return Next::More;
}

// libarchive stopped: the feed's reason first (it knows about limits,
// cancelling and decompression), else libarchive's own words.
void ArchiveLoad::brokeOff(ProblemCode what)
{
    if (m_feed.stop == TarFeed::Stop::Failed) {
        m_breakWhy = m_feed.failure;
        m_breakKind = m_feed.failureIsTruncation ? ProblemKind::Truncated : ProblemKind::Unreadable;
        return;
    }
    if (m_feed.stop != TarFeed::Stop::None)
        return;
    const char *err = archive_error_string(m_a);
    const std::string said = err ? err : "unknown error";
    // Cut inside a header or a member: libarchive says "Truncated", or
    // fails right where the data ran out.
    const bool cut = said.find("runcated") != std::string::npos
                     || (m_feed.atEnd && tarPosition() + 512 >= m_feed.bytes);
    m_breakKind = cut ? ProblemKind::Truncated : ProblemKind::Unreadable;
    m_breakWhy = Phrase(cut ? ProblemCode::ArchiveEndsInside : ProblemCode::ArchiveDamagedIn, {what, said});
}

void ArchiveLoad::skipMember(std::string name, std::string reason)
{
    ++m_r.archive.skippedCount;
    if (m_r.archive.skipped.size() < kMaxSkippedListed)
        m_r.archive.skipped.push_back({std::move(name), std::move(reason)});
}

std::uint64_t ArchiveLoad::tarPosition() const
{
    const la_int64_t p = archive_filter_bytes(m_a, 0);
    return p > 0 ? static_cast<std::uint64_t>(p) : 0;
}

// Which limit stopped the reading, in words; empty when none did.
std::string ArchiveLoad::limitReached() const
{
    const ArchiveLimits &limits = m_options.limits;
    if (m_tooManyMembers)
        return "the archive has more than " + std::to_string(limits.maxMembers)
               + " members, the limit (raise it with --max-members, or LoadOptions::limits.maxMembers)";
    if (m_feed.stop == TarFeed::Stop::Limit)
        return "the archive expands to more than " + limitText(limits.maxTotalBytes)
               + " of uncompressed data, the limit (raise it with --max-total-size, "
                 "or LoadOptions::limits.maxTotalBytes)";
    return {};
}

// Which folder is the metrics directory: the one asked for, else the only
// one holding metrics files, else (none holds any) the folder a packed
// empty directory's manifest names. Nullopt and `chooseError` when none.
std::optional<std::string> ArchiveLoad::chooseFolder(const std::string &limitError, std::string &chooseError)
{
    std::vector<std::string> candidates;
    for (const auto &[name, f] : m_folders)
        if (f.metricsFiles > 0) {
            candidates.push_back(name);
            m_r.archive.dbFolders.emplace_back(folderLabel(name), f.metricsFiles);
        }
    std::optional<std::string> chosen;
    if (m_pick) {
        if (m_existing.contains(m_wanted) || m_folders.count(m_wanted))
            chosen = m_wanted;
        else
            chooseError = "no folder '" + escapeMemberName(m_options.subdir) + "' in the archive"
                          + (candidates.empty() ? std::string(" (no folder holds metrics files)")
                                                : "; folders holding metrics files:" + listCandidates());
    } else if (candidates.size() == 1) {
        chosen = candidates.front();
    } else if (candidates.size() > 1) {
        chooseError = "several folders in the archive hold metrics files; choose one with --subdir:"
                      + listCandidates();
    } else {
        // No metrics files: a packed empty directory still names its folder.
        for (const auto &[name, f] : m_folders) {
            if (!f.manifest)
                continue;
            const auto manifest = parseManifest(*f.manifest);
            if (manifest && m_existing.contains(normaliseSubdir(manifest->folder)))
                chosen = normaliseSubdir(manifest->folder);
        }
        if (!chosen && !m_breakWhy && limitError.empty())
            chooseError = "no metrics files (*.db) in the archive (" + std::to_string(m_r.archive.members)
                          + " members)";
    }
    return chosen;
}

std::string ArchiveLoad::listCandidates() const
{
    std::string s;
    for (const auto &[label, n] : m_r.archive.dbFolders)
        s += "\n  " + label + " (" + std::to_string(n) + " metrics files)";
    return s;
}

// The chosen folder's files and problems, its sub-folders, and the
// nearest manifest.
void ArchiveLoad::takeFolder(const std::string &chosen)
{
    m_r.archive.folder = escapeMemberName(chosen);
    auto it = m_folders.find(chosen);
    if (it != m_folders.end()) {
        m_r.files = std::move(it->second.files);
        m_r.problems = std::move(it->second.problems);
        if (it->second.foreignOmitted)
            m_r.problems.push_back(makeProblem(m_shown + ":" + escapeMemberName(chosen), 0, ProblemKind::ForeignFile,
                                               ProblemCode::MoreForeignFiles, {it->second.foreignOmitted}));
    }
    sortByName(m_r.files);
    for (const auto &f : m_existing.children(chosen))
        m_r.problems.push_back(makeProblem(m_shown + ":" + escapeMemberName(f), 0, ProblemKind::ForeignFile,
                                           ProblemCode::SubfolderIgnored));
    takeManifest(chosen);
}

// The nearest manifest at or above the folder.
void ArchiveLoad::takeManifest(const std::string &chosen)
{
    const std::pair<const std::string, Folder> *nearest = nullptr;
    for (const auto &entry : m_folders)
        if (entry.second.manifest && isAtOrBelow(chosen, entry.first)
            && (!nearest || entry.first.size() > nearest->first.size()))
            nearest = &entry;
    if (!nearest)
        return;
    auto manifest = parseManifest(*nearest->second.manifest);
    if (manifest)
        m_r.manifest = std::move(*manifest);
    else
        m_r.problems.push_back(makeProblem(nearest->second.manifestMember, 0, ProblemKind::BadJson,
                                           ProblemCode::ManifestNotUsable, {manifest.error().message}));
}

// Where and why the reading stopped early, as a problem of the archive;
// the message, or empty when it read to the end.
std::string ArchiveLoad::describeBreak()
{
    if (!m_breakWhy)
        return {};
    Phrase why = *m_breakWhy;
    if (m_inMember && !m_currentMember.empty() && !m_r.archive.complete)
        why = Phrase(ProblemCode::ArchiveStoppedInMember, {std::move(why), m_currentMember, m_currentSize});
    m_r.problems.push_back(makeProblem(m_shown, tarPosition(), m_breakKind, ProblemCode::ArchiveStopped,
                                       {std::move(why), m_state->read, m_state->total, m_feed.bytes,
                                        m_r.archive.members}));
    return m_r.problems.back().message;
}

} // namespace

LoadResult loadArchive(const fs::path &archive, const LoadOptions &options)
{
    return ArchiveLoad(archive, options).run();
}

} // namespace promdir
