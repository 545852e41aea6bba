#include "promdir/directory.h"
#include "directory_p.h"

#include "promdir/archive.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <unordered_map>

#include <system_error>

namespace promdir {

namespace fs = std::filesystem;

std::vector<Problem> LoadResult::allProblems() const
{
    std::vector<Problem> all = problems;
    for (const auto &f : files)
        all.insert(all.end(), f->problems.begin(), f->problems.end());
    return all;
}

namespace {

struct Listing
{
    std::vector<fs::path> dbFiles; // sorted by name
    std::vector<Problem> problems;
    std::string error;
};

// What the reference's glob("*.db") would see, plus what it would not.
Listing listDirectory(const fs::path &dir)
{
    Listing l;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        l.error = dir.string() + ": " + ec.message();
        return l;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
            l.problems.push_back({dir.string(), 0, ProblemKind::Unreadable, "listing failed: " + ec.message()});
            break;
        }
        const fs::path &p = it->path();
        const std::string name = p.filename().string();
        std::error_code sec;
        const bool isDir = it->is_directory(sec);
        if (!name.ends_with(".db") || name.starts_with(".")) {
            l.problems.push_back({p.string(), 0, ProblemKind::ForeignFile,
                                  isDir ? "sub-folder ignored (the directory is not read recursively)"
                                        : "not a metrics file (*.db); ignored"});
            continue;
        }
        l.dbFiles.push_back(p);
    }
    // Byte-wise by name, each name built once.
    std::vector<std::pair<std::string, fs::path>> named;
    named.reserve(l.dbFiles.size());
    for (auto &p : l.dbFiles)
        named.emplace_back(p.filename().string(), std::move(p));
    std::sort(named.begin(), named.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (std::size_t i = 0; i < named.size(); ++i)
        l.dbFiles[i] = std::move(named[i].second);
    return l;
}

} // namespace

// A *.db file whose name the reference would not understand is reported
// and not merged; it is not parsed (it is often an SQLite file).
namespace {
std::shared_ptr<const ParsedFile> loadOne(const fs::path &p, const PreviousFile &previous, const ReadOptions &read)
{
    const FileName fn = parseFileName(p.filename().string());
    if (!fn.valid) {
        auto f = std::make_shared<ParsedFile>();
        f->path = p.string();
        f->name = p.filename().string();
        f->fileName = fn;
        std::error_code ec;
        f->size = fs::is_regular_file(p, ec) ? fs::file_size(p, ec) : 0;
        const bool dir = fs::is_directory(p, ec);
        f->problems.push_back({f->path, 0, ProblemKind::ForeignFile,
                               dir ? "is a folder, not a metrics file"
                                   : "not a metrics file name (" + fn.reason + "); not merged"});
        return f;
    }
    if (previous.file && previous.frozen && previous.untouched)
        return previous.file;
    if (previous.file && previous.frozen && previous.file->stamp.inode != 0) {
        const auto stamp = stampOf(p);
        if (stamp && *stamp == previous.file->stamp)
            return previous.file;
    }
    if (previous.frozen) {
        ReadOptions quiet = read;
        quiet.quiescent = true;
        return std::make_shared<const ParsedFile>(readFile(p, quiet));
    }
    return rereadFile(p, previous.file, read);
}

} // namespace

LoadResult loadDirectoryWith(const fs::path &dir, const LoadOptions &options,
                             const std::function<PreviousFile(const fs::path &)> &previous, const KnownListing *known)
{
    LoadResult r;
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        r.error = dir.string() + ": no such directory";
        return r;
    }
    if (!fs::is_directory(dir, ec)) {
        r.error = dir.string() + ": not a directory";
        return r;
    }
    Listing l;
    if (known) {
        l.dbFiles = known->dbFiles;
        l.problems = known->problems;
    } else {
        l = listDirectory(dir);
    }
    if (!l.error.empty()) {
        r.error = l.error;
        return r;
    }
    r.problems = std::move(l.problems);
    const std::size_t n = l.dbFiles.size();
    std::vector<PreviousFile> prevs(n);
    if (previous)
        for (std::size_t i = 0; i < n; ++i)
            prevs[i] = previous(l.dbFiles[i]);

    // Read and parse on a few threads, in chunks of neighbouring names (in
    // name order, files of one kind stand together, and each file's keys
    // are checked against its neighbour's first).
    std::vector<std::shared_ptr<const ParsedFile>> loaded(n);
    std::optional<KeyInterner> interner; // when the caller has none: keys shared by this load's files
    if (!options.read.interner)
        interner.emplace();
    std::atomic<std::size_t> nextChunk{0};
    constexpr std::size_t kChunk = 64;
    auto work = [&] {
        std::unordered_map<std::string, std::shared_ptr<const ParsedFile>> lastOfKind;
        ReadOptions read = options.read;
        if (interner)
            read.interner = &*interner;
        for (;;) {
            const std::size_t begin = nextChunk.fetch_add(kChunk);
            if (begin >= n)
                break;
            for (std::size_t i = begin; i < std::min(n, begin + kChunk); ++i) {
                const std::string &path = l.dbFiles[i].native();
                const std::size_t slash = path.find_last_of('/') + 1; // 0 when none
                const std::string kind = path.substr(slash, path.find_last_of('_') - slash);
                auto &last = lastOfKind[kind];
                read.similar = last ? last.get() : prevs[i].file.get();
                loaded[i] = loadOne(l.dbFiles[i], prevs[i], read);
                if (loaded[i]->ok())
                    last = loaded[i];
            }
        }
    };
    const unsigned threads = n < 2 * kChunk ? 1 : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto &t : pool)
        t.join();

    r.files.reserve(n);
    for (auto &f : loaded) {
        // A live gauge file removed by mark_process_dead between listing
        // and reading is skipped silently, as the reference does.
        if (!f->problems.empty() && f->problems.front().kind == ProblemKind::Vanished && f->fileName.valid
            && f->fileName.type == MetricType::Gauge && isLiveMode(f->fileName.mode))
            continue;
        r.files.push_back(std::move(f));
    }
    r.ok = true;
    return r;
}

LoadResult loadDirectory(const fs::path &dir, const LoadOptions &options)
{
    return loadDirectoryWith(dir, options, {});
}

LoadResult loadPath(const fs::path &path, const LoadOptions &options)
{
    // Anything that is not a directory may be an archive (archive.cpp).
    std::error_code ec;
    if (fs::exists(path, ec) && !fs::is_directory(path, ec))
        return loadArchive(path, options);
    return loadDirectory(path, options);
}

} // namespace promdir
