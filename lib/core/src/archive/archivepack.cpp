// promdir pack: the support tarball (the .db files and a manifest).
#include "promdir/archive/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace promdir {

namespace fs = std::filesystem;

std::optional<Compression> compressionForName(std::string_view name)
{
    auto ends = [&](std::string_view s) { return name.size() > s.size() && name.ends_with(s); };
    if (ends(".tar.gz") || ends(".tgz"))
        return Compression::Gzip;
    if (ends(".tar.bz2") || ends(".tbz2") || ends(".tbz"))
        return Compression::Bzip2;
    if (ends(".tar.xz") || ends(".txz"))
        return Compression::Xz;
    if (ends(".tar.zst") || ends(".tzst") || ends(".tar.zstd"))
        return Compression::Zstd;
    if (ends(".tar"))
        return Compression::None;
    return std::nullopt;
}

namespace {

// What a directory entry is, for a note saying why it was not packed.
std::string kindOf(mode_t mode)
{
    if (S_ISLNK(mode))
        return "symbolic link";
    if (S_ISFIFO(mode))
        return "FIFO";
    if (S_ISCHR(mode))
        return "character device";
    if (S_ISBLK(mode))
        return "block device";
    if (S_ISSOCK(mode))
        return "socket";
    if (S_ISDIR(mode))
        return "folder";
    return "special file";
}

class Fd
{
public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd() { reset(); }
    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }
    // Closes now; false with errno when closing reported an error.
    bool reset()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd < 0 || ::close(fd) == 0;
    }

private:
    int m_fd;
};

// A .db file as listed: its name in the directory and the file lstat saw.
struct Member
{
    std::string name;
    dev_t dev = 0;
    ino_t ino = 0;
};

// The whole file, read until its size holds still (a live writer may grow
// it). Opened without following a link or blocking on a FIFO, and only if
// it is still the regular file that was listed.
bool readWhole(int dirFd, const Member &m, std::string &out, std::int64_t &mtime, std::string &error)
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        const Fd fd(::openat(dirFd, m.name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
        if (!fd) {
            error = errno == ELOOP ? "became a symbolic link" : std::strerror(errno);
            return false;
        }
        struct stat before{}, after{};
        if (::fstat(fd.get(), &before) != 0) {
            error = std::strerror(errno);
            return false;
        }
        if (!S_ISREG(before.st_mode)) {
            error = "became a " + kindOf(before.st_mode);
            return false;
        }
        if (before.st_dev != m.dev || before.st_ino != m.ino) {
            error = "was replaced by another file while packing";
            return false;
        }
        out.resize(static_cast<std::size_t>(before.st_size));
        std::size_t got = 0;
        while (got < out.size()) {
            const ssize_t n = ::pread(fd.get(), out.data() + got, out.size() - got, static_cast<off_t>(got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += static_cast<std::size_t>(n);
        }
        ::fstat(fd.get(), &after);
        out.resize(got);
        mtime = after.st_mtim.tv_sec;
        if (after.st_size == before.st_size && got == static_cast<std::size_t>(after.st_size))
            return true;
    }
    error = "kept changing size while it was read";
    return false;
}

// The process's umask, read without changing it (umask() would, for a
// moment, for every thread).
mode_t currentUmask()
{
    if (std::FILE *f = std::fopen("/proc/self/status", "re")) {
        char line[256];
        unsigned mask = 0;
        bool found = false;
        while (!found && std::fgets(line, sizeof line, f))
            found = std::sscanf(line, "Umask: %o", &mask) == 1;
        std::fclose(f);
        if (found)
            return static_cast<mode_t>(mask);
    }
    return 022;
}

// Moves the finished archive to its name. Without `replace`, an existing
// name (a dangling link included) is an error, also one made meanwhile.
constexpr char kExists[] = "exists (use --force to replace it)";

bool moveIntoPlace(const fs::path &from, const fs::path &to, bool replace, std::string &error)
{
    if (replace) {
        // rename() replaces a link at `to` itself, never its target.
        if (::rename(from.c_str(), to.c_str()) == 0)
            return true;
        error = std::strerror(errno);
        return false;
    }
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return true;
    if (errno != EINVAL && errno != ENOSYS) {
        error = errno == EEXIST ? kExists : std::strerror(errno);
        return false;
    }
    // A file system without RENAME_NOREPLACE: link() refuses an existing name too.
    if (::link(from.c_str(), to.c_str()) != 0) {
        error = errno == EEXIST ? kExists : std::strerror(errno);
        return false;
    }
    ::unlink(from.c_str());
    return true;
}

struct WriterFree
{
    void operator()(struct archive *a) const { archive_write_free(a); }
};
using Writer = std::unique_ptr<struct archive, WriterFree>;

std::string writerError(struct archive *a)
{
    const char *e = archive_error_string(a);
    return e ? e : "unknown error";
}

// A tar writer compressing as asked, in-process (a libarchive without the
// library for a compression would run an external program instead: refused).
Writer newWriter(Compression compression, std::string &error)
{
    Writer w(archive_write_new());
    if (!w) {
        error = "out of memory";
        return w;
    }
    // ustar headers, and pax records only for what ustar cannot hold.
    int rc = archive_write_set_format_pax_restricted(w.get());
    switch (compression) {
    case Compression::Gzip: rc = std::min(rc, archive_write_add_filter_gzip(w.get())); break;
    case Compression::Bzip2: rc = std::min(rc, archive_write_add_filter_bzip2(w.get())); break;
    case Compression::Xz: rc = std::min(rc, archive_write_add_filter_xz(w.get())); break;
    case Compression::Zstd: rc = std::min(rc, archive_write_add_filter_zstd(w.get())); break;
    case Compression::None: break;
    }
    // A compressed stream is not padded to whole tar blocks: readers of a
    // gzip file would take the padding for a damaged next member.
    if (rc == ARCHIVE_OK && compression != Compression::None)
        rc = archive_write_set_bytes_in_last_block(w.get(), 1);
    if (rc != ARCHIVE_OK) {
        error = "cannot write " + std::string(toString(compression)) + " here: " + writerError(w.get());
        w.reset();
    }
    return w;
}

// One member; a folder when `data` is null.
bool addMember(struct archive *a, const std::string &name, const std::string *data, std::int64_t mtime,
               std::string &error)
{
    std::unique_ptr<struct archive_entry, void (*)(struct archive_entry *)> e(archive_entry_new(),
                                                                              archive_entry_free);
    if (!e) {
        error = "out of memory";
        return false;
    }
    archive_entry_copy_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), data ? AE_IFREG : AE_IFDIR);
    archive_entry_set_perm(e.get(), data ? 0644 : 0755);
    archive_entry_set_size(e.get(), data ? static_cast<la_int64_t>(data->size()) : 0);
    archive_entry_set_mtime(e.get(), mtime > 0 ? mtime : 0, 0);
    // A warning is a name stored as raw bytes (not valid in the locale): kept as it is.
    if (archive_write_header(a, e.get()) < ARCHIVE_WARN) {
        error = writerError(a);
        return false;
    }
    if (data && !data->empty()
        && archive_write_data(a, data->data(), data->size()) != static_cast<la_ssize_t>(data->size())) {
        error = writerError(a);
        return false;
    }
    return true;
}

bool inside(const fs::path &child, const fs::path &parent)
{
    auto c = child.begin();
    for (auto p = parent.begin(); p != parent.end(); ++p, ++c)
        if (c == child.end() || *c != *p)
            return false;
    return true;
}

// The directory to pack, canonical. The archive must go elsewhere (promdir
// adds nothing to a metrics directory), and not over a file unless asked.
Result<fs::path> checkPaths(const fs::path &dir, const fs::path &output, bool overwrite)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return Error{PackErrorCode::NotADirectory, dir.string() + ": not a directory"};
    fs::path canonDir = fs::canonical(dir, ec);
    const fs::path canonOut = fs::weakly_canonical(fs::absolute(output, ec), ec);
    if (inside(canonOut, canonDir))
        return Error{PackErrorCode::OutputInsideDirectory,
                     output.string() + ": inside the metrics directory; write the archive somewhere else "
                                       "(promdir does not add files to a metrics directory)"};
    struct stat outSt{};
    if (::lstat(output.c_str(), &outSt) == 0 && !overwrite)
        return Error{PackErrorCode::OutputExists, output.string() + ": " + kExists};
    return canonDir;
}

// The *.db files, as the reference's glob would see them, sorted by name,
// listed through the directory opened once; why anything else is left
// out goes to `notes`.
Result<std::vector<Member>> listMetricsFiles(const fs::path &dir, int dirFd, std::vector<std::string> &notes)
{
    DIR *listing = dirFd >= 0 ? ::fdopendir(::dup(dirFd)) : nullptr;
    if (!listing)
        return Error{PackErrorCode::CannotListDirectory, dir.string() + ": " + std::strerror(errno)};
    std::vector<Member> files;
    errno = 0;
    while (const dirent *d = ::readdir(listing)) {
        const std::string name = d->d_name;
        if (name == "." || name == "..")
            continue;
        if (!name.ends_with(".db") || name.starts_with(".")) {
            notes.push_back(name + ": not a metrics file (*.db); not packed");
            continue;
        }
        struct stat st{};
        if (::fstatat(dirFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            notes.push_back(name + ": " + std::strerror(errno) + "; not packed");
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            notes.push_back(name + ": " + kindOf(st.st_mode) + "; not packed"
                            + (S_ISLNK(st.st_mode) ? " (links are not followed)" : ""));
            continue;
        }
        files.push_back({name, st.st_dev, st.st_ino});
        errno = 0;
    }
    const int listError = errno;
    ::closedir(listing);
    if (listError)
        return Error{PackErrorCode::CannotListDirectory, dir.string() + ": " + std::strerror(listError)};
    std::sort(files.begin(), files.end(), [](const Member &a, const Member &b) { return a.name < b.name; });
    return files;
}

// The manifest of what is packed: the pids of the files' names, and the
// folder in the archive (asked for, or the directory's own name).
Manifest packManifest(const fs::path &dir, const fs::path &canonDir, const std::vector<Member> &files,
                      const PackOptions &options)
{
    std::vector<std::string> pids;
    for (const auto &m : files)
        if (const FileName fn = parseFileName(m.name); fn.valid)
            pids.push_back(fn.pid);
    Manifest manifest = makeManifest(dir, pids);
    manifest.folder = options.folder.empty() ? canonDir.filename().string() : options.folder;
    if (manifest.folder.empty() || manifest.folder == "." || manifest.folder == "..")
        manifest.folder = "metrics";
    return manifest;
}

// The archive into `fd`: the folder, the files in it and the manifest last;
// closing writes the end-of-archive marker and the compressor's end. A
// file gone or changed meanwhile is a note (a live gauge file removed by
// mark_process_dead is fine).
bool writeArchive(int fd, int dirFd, const std::vector<Member> &files, Compression compression, PackSummary &r,
                  std::string &error)
{
    Writer writer = newWriter(compression, error);
    bool written = writer && archive_write_open_fd(writer.get(), fd) == ARCHIVE_OK;
    if (writer && !written)
        error = writerError(writer.get());
    const auto now = static_cast<std::int64_t>(r.manifest.time);
    const std::string &folder = r.manifest.folder;
    written = written && addMember(writer.get(), folder, nullptr, now, error);
    for (const auto &m : files) {
        if (!written)
            break;
        std::string bytes, why;
        std::int64_t mtime = 0;
        if (!readWhole(dirFd, m, bytes, mtime, why)) {
            r.notes.push_back(m.name + ": " + why + "; not packed");
            continue;
        }
        written = addMember(writer.get(), folder + "/" + m.name, &bytes, mtime, error);
        ++r.files;
        r.bytes += bytes.size();
    }
    const std::string manifest = toJson(r.manifest);
    written = written && addMember(writer.get(), std::string(kManifestName), &manifest, now, error);
    if (written && archive_write_close(writer.get()) != ARCHIVE_OK) {
        written = false;
        error = writerError(writer.get());
    }
    return written;
}

} // namespace

std::string_view nameOf(PackErrorCode code) noexcept
{
    switch (code) {
    case PackErrorCode::NotADirectory: return "NotADirectory";
    case PackErrorCode::OutputInsideDirectory: return "OutputInsideDirectory";
    case PackErrorCode::OutputExists: return "OutputExists";
    case PackErrorCode::CannotListDirectory: return "CannotListDirectory";
    case PackErrorCode::CannotCreateOutput: return "CannotCreateOutput";
    case PackErrorCode::WriteFailed: return "WriteFailed";
    case PackErrorCode::CannotPlaceOutput: return "CannotPlaceOutput";
    }
    return "Unknown";
}

Result<PackSummary> packDirectory(const fs::path &dir, const fs::path &output, const PackOptions &options)
{
    const Result<fs::path> canonDir = checkPaths(dir, output, options.overwrite);
    if (!canonDir)
        return canonDir.error();
    PackSummary r;
    const Fd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    const Result<std::vector<Member>> files = listMetricsFiles(dir, dirFd.get(), r.notes);
    if (!files)
        return files.error();
    r.manifest = packManifest(dir, *canonDir, *files, options);

    // A new file of our own beside `output` (O_EXCL, mode 0600): nothing
    // already there, a link least of all, is ever opened or followed.
    const fs::path parent = output.has_parent_path() ? output.parent_path() : fs::path(".");
    std::string tmpName = (parent / ("." + output.filename().string() + ".promdir-XXXXXX")).string();
    Fd file(::mkostemp(tmpName.data(), O_CLOEXEC));
    if (!file)
        return Error{PackErrorCode::CannotCreateOutput, parent.string() + ": cannot create a file there: " + std::strerror(errno)};
    const fs::path tmp = tmpName;
    std::string error;
    bool written = writeArchive(file.get(), dirFd.get(), *files, options.compression, r, error);
    // Readable as a file made by `>` would be; on disk before it has its name.
    if (written && (::fchmod(file.get(), 0644 & ~currentUmask()) != 0 || ::fsync(file.get()) != 0 || !file.reset())) {
        written = false;
        error = std::strerror(errno);
    }
    if (!written) {
        file.reset();
        ::unlink(tmp.c_str());
        return Error{PackErrorCode::WriteFailed, output.string() + ": writing failed: " + error};
    }
    if (!moveIntoPlace(tmp, output, options.overwrite, error)) {
        ::unlink(tmp.c_str());
        return Error{error == kExists ? PackErrorCode::OutputExists : PackErrorCode::CannotPlaceOutput,
                     output.string() + ": " + error};
    }
    std::sort(r.notes.begin(), r.notes.end());
    return r;
}

} // namespace promdir
