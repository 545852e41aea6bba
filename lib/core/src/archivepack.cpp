// promdir pack: the support tarball (the .db files and a manifest).
#include "promdir/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

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

// The whole file, read until its size holds still (a live writer may grow it).
bool readWhole(const fs::path &p, std::string &out, std::int64_t &mtime, std::string &error)
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            error = std::strerror(errno);
            return false;
        }
        struct stat before{}, after{};
        ::fstat(fd, &before);
        out.resize(static_cast<std::size_t>(before.st_size));
        std::size_t got = 0;
        while (got < out.size()) {
            const ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += static_cast<std::size_t>(n);
        }
        ::fstat(fd, &after);
        ::close(fd);
        out.resize(got);
        mtime = after.st_mtim.tv_sec;
        if (after.st_size == before.st_size && got == static_cast<std::size_t>(after.st_size))
            return true;
    }
    error = "kept changing size while it was read";
    return false;
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

la_ssize_t writeToStream(struct archive *, void *data, const void *buf, std::size_t n)
{
    auto *out = static_cast<std::ofstream *>(data);
    out->write(static_cast<const char *>(buf), static_cast<std::streamsize>(n));
    return *out ? static_cast<la_ssize_t>(n) : -1;
}

bool inside(const fs::path &child, const fs::path &parent)
{
    auto c = child.begin();
    for (auto p = parent.begin(); p != parent.end(); ++p, ++c)
        if (c == child.end() || *c != *p)
            return false;
    return true;
}

} // namespace

PackResult packDirectory(const fs::path &dir, const fs::path &output, const PackOptions &options)
{
    PackResult r;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        r.error = dir.string() + ": not a directory";
        return r;
    }
    const fs::path canonDir = fs::canonical(dir, ec);
    const fs::path canonOut = fs::weakly_canonical(fs::absolute(output, ec), ec);
    if (inside(canonOut, canonDir)) {
        r.error = output.string() + ": inside the metrics directory; write the archive somewhere else "
                                    "(promdir does not add files to a metrics directory)";
        return r;
    }
    if (fs::exists(output, ec) && !options.overwrite) {
        r.error = output.string() + ": exists (use --force to replace it)";
        return r;
    }

    // The *.db files, as the reference's glob would see them.
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::error_code sec;
        if (!name.ends_with(".db") || name.starts_with(".")) {
            r.notes.push_back(name + ": not a metrics file (*.db); not packed");
            continue;
        }
        if (!it->is_regular_file(sec)) {
            r.notes.push_back(name + ": not a regular file; not packed");
            continue;
        }
        files.push_back(it->path());
    }
    if (ec) {
        r.error = dir.string() + ": " + ec.message();
        return r;
    }
    std::sort(files.begin(), files.end(),
              [](const fs::path &a, const fs::path &b) { return a.filename().string() < b.filename().string(); });

    std::vector<std::string> pids;
    for (const auto &p : files)
        if (const FileName fn = parseFileName(p.filename().string()); fn.valid)
            pids.push_back(fn.pid);

    std::string folder = options.folder;
    if (folder.empty())
        folder = canonDir.filename().string();
    if (folder.empty() || folder == "." || folder == "..")
        folder = "metrics";
    r.manifest = makeManifest(dir, pids);
    r.manifest.folder = folder;

    const fs::path tmp = output.string() + ".promdir-tmp-" + std::to_string(::getpid());
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    if (!file) {
        r.error = tmp.string() + ": " + std::strerror(errno);
        return r;
    }
    std::string error;
    Writer writer = newWriter(options.compression, error);
    bool written = writer && archive_write_open(writer.get(), &file, nullptr, writeToStream, nullptr) == ARCHIVE_OK;
    if (writer && !written)
        error = writerError(writer.get());
    const auto now = static_cast<std::int64_t>(r.manifest.time);
    written = written && addMember(writer.get(), folder, nullptr, now, error);
    for (const auto &p : files) {
        if (!written)
            break;
        std::string bytes, why;
        std::int64_t mtime = 0;
        if (!readWhole(p, bytes, mtime, why)) {
            // A live gauge file removed by mark_process_dead meanwhile is fine.
            r.notes.push_back(p.filename().string() + ": " + why + "; not packed");
            continue;
        }
        written = addMember(writer.get(), folder + "/" + p.filename().string(), &bytes, mtime, error);
        ++r.files;
        r.bytes += bytes.size();
    }
    const std::string manifest = toJson(r.manifest);
    written = written && addMember(writer.get(), std::string(kManifestName), &manifest, now, error);
    // Closing writes the end-of-archive marker and the compressor's end.
    if (written && archive_write_close(writer.get()) != ARCHIVE_OK) {
        written = false;
        error = writerError(writer.get());
    }
    if (!written) {
        file.close();
        fs::remove(tmp, ec);
        r.error = output.string() + ": writing failed: " + error;
        return r;
    }
    file.close();
    if (!file) {
        fs::remove(tmp, ec);
        r.error = output.string() + ": writing failed";
        return r;
    }
    fs::rename(tmp, output, ec);
    if (ec) {
        fs::remove(tmp, ec);
        r.error = output.string() + ": " + ec.message();
        return r;
    }
    r.ok = true;
    return r;
}

} // namespace promdir
