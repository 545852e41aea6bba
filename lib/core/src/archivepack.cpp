// promdir pack: the support tarball (the .db files and a manifest).
#include "promdir/archive.h"

#include "tar_p.h"

#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filter/zstd.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace promdir {

namespace fs = std::filesystem;
namespace io = boost::iostreams;

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
    try {
        io::filtering_ostream out;
        switch (options.compression) {
        case Compression::Gzip: out.push(io::gzip_compressor()); break;
        case Compression::Bzip2: out.push(io::bzip2_compressor()); break;
        case Compression::Xz: out.push(io::lzma_compressor()); break;
        case Compression::Zstd: out.push(io::zstd_compressor()); break;
        case Compression::None: break;
        }
        out.push(file);
        tar::Writer writer([&](const char *p, std::size_t n) { out.write(p, static_cast<std::streamsize>(n)); });
        const auto now = static_cast<std::int64_t>(r.manifest.time);
        writer.addDirectory(folder, now);
        for (const auto &p : files) {
            std::string bytes, error;
            std::int64_t mtime = 0;
            if (!readWhole(p, bytes, mtime, error)) {
                // A live gauge file removed by mark_process_dead meanwhile is fine.
                r.notes.push_back(p.filename().string() + ": " + error + "; not packed");
                continue;
            }
            writer.addFile(folder + "/" + p.filename().string(), bytes, mtime);
            ++r.files;
            r.bytes += bytes.size();
        }
        const std::string manifest = toJson(r.manifest);
        writer.addFile(std::string(kManifestName), manifest, now);
        writer.finish();
        out.flush();
        out.reset(); // flushes the compressor's end of stream
    } catch (const std::exception &e) {
        file.close();
        fs::remove(tmp, ec);
        r.error = output.string() + ": writing failed: " + e.what();
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
