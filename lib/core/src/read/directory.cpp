// A whole directory loaded: listed (read/listing.cpp) while a second core
// already reads, the rest read on the kept threads, first sightings noted
// (read/sightings_p.h), the files in name order.
#include "promdir/read/directory.h"
#include "read/directory_p.h"
#include "read/directorylock_p.h"
#include "read/listing_p.h"
#include "read/reader_p.h"
#include "read/sightings_p.h"
#include "support/keptthreads_p.h"

#include "promdir/archive/archive.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>

namespace promdir {

namespace fs = std::filesystem;
using detail::ArrivingNames;
using detail::Listing;
using detail::SightingTable;

std::vector<Problem> LoadResult::allProblems() const
{
    std::vector<Problem> all = problems;
    for (const auto &f : files)
        all.insert(all.end(), f->problems.begin(), f->problems.end());
    return all;
}

namespace {

std::string_view baseName(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
}

// A *.db file whose name the reference would not understand is reported
// and not merged; it is not parsed (it is often an SQLite file).
std::shared_ptr<const ParsedFile> loadOne(std::string path, const FileName &fn, const PreviousFile &previous,
                                          const ReadOptions &read, const detail::ReadHints &hints)
{
    if (!fn.valid) {
        auto f = std::make_shared<ParsedFile>();
        f->path = path;
        f->name = baseName(path);
        f->fileName = fn;
        std::error_code ec;
        f->size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
        const bool dir = fs::is_directory(path, ec);
        f->problems.push_back(dir ? makeProblem(f->path, 0, ProblemKind::ForeignFile, ProblemCode::FolderNotMetricsFile)
                                  : makeProblem(f->path, 0, ProblemKind::ForeignFile, ProblemCode::BadFileName,
                                                {fn.reason}));
        return f;
    }
    if (previous.file && previous.frozen && previous.file->stamp.inode != 0) {
        const auto stamp = detail::stampAt(path.c_str());
        if (stamp && *stamp == previous.file->stamp)
            return previous.file;
    }
    if (previous.frozen) {
        detail::ReadHints quiet = hints;
        quiet.quiescent = true;
        return std::make_shared<const ParsedFile>(detail::readFileAt(std::move(path), fn, read, quiet));
    }
    return detail::rereadFileAt(std::move(path), fn, previous.file, read, hints);
}

// One load of a directory, in steps: list it while a second core reads the
// files as they are listed; put those in name order; read the rest on the
// kept threads, in chunks of neighbouring names, noting first sightings;
// then the files in name order.
class DirectoryLoad
{
public:
    DirectoryLoad(const fs::path &dir, const LoadOptions &options, const PreviousLookup &previous,
                  std::vector<detail::FirstSighting> *firsts)
        : m_dir(dir), m_options(options), m_previous(previous), m_firsts(firsts),
          m_cores(std::clamp(std::thread::hardware_concurrency(), 1u, 8u))
    {
        if (!options.read.interner)
            m_interner.emplace();
        if (firsts)
            m_sightings.emplace(&detail::ReaderAccess::store(m_interner ? *m_interner : *options.read.interner));
    }

    LoadResult run()
    {
        LoadResult r;
        std::error_code ec;
        if (!fs::exists(m_dir, ec)) {
            r.error = m_dir.string() + ": no such directory";
            return r;
        }
        if (!fs::is_directory(m_dir, ec)) {
            r.error = m_dir.string() + ": not a directory";
            return r;
        }
        listWhileReading();
        if (!m_listing.error.empty()) {
            r.error = m_listing.error;
            return r;
        }
        r.problems = std::move(m_listing.problems);
        placeEarly();
        readTheRest();
        if (cancelled()) { // nothing read is used: the caller is going away
            r.error = m_dir.string() + ": loading was cancelled";
            r.problems.clear();
            return r;
        }
        if (m_sightings)
            *m_firsts = m_sightings->sorted(m_loaded);
        r.files = inNameOrder();
        r.ok = true;
        return r;
    }

    // The files of a listing made elsewhere, without listing again.
    FileList readListed(Listing listing)
    {
        m_listing = std::move(listing);
        placeEarly();
        readTheRest();
        return inNameOrder();
    }

private:
    static constexpr std::size_t kChunk = 64;

    // Looked at before each file: a load of 70,000 files takes seconds.
    bool cancelled() const { return m_options.cancel && m_options.cancel->load(std::memory_order_relaxed); }

    // One reading thread's state: its last file of each kind sizes the
    // next one's first read and entries.
    struct Reader
    {
        std::unordered_map<std::string, std::shared_ptr<const ParsedFile>> lastOfKind;
        ReadOptions read;
    };

    Reader newReader()
    {
        Reader rd;
        rd.read = m_options.read;
        if (m_interner)
            rd.read.interner = &*m_interner;
        return rd;
    }

    // `regular`: the listing saw a regular file, so the reader need not
    // look before it opens it (one stat() per file less).
    std::shared_ptr<const ParsedFile> load(Reader &rd, std::string path, bool regular) const
    {
        const std::size_t slash = path.find_last_of('/') + 1; // 0 when none
        auto &last = rd.lastOfKind[path.substr(slash, path.find_last_of('_') - slash)];
        const FileName fn = parseFileName(baseName(path));
        const PreviousFile prev = m_previous ? m_previous(path, fn) : PreviousFile{};
        detail::ReadHints hints;
        hints.similar = last ? last.get() : prev.file.get();
        hints.checkType = !regular;
        auto f = loadOne(std::move(path), fn, prev, rd.read, hints);
        if (f->ok())
            last = f;
        return f;
    }

    // Lists the directory; on another core, reads files in the order they
    // are listed until the listing is done.
    void listWhileReading()
    {
        auto list = [&] {
            struct Finish
            {
                ArrivingNames &a;
                ~Finish() { a.finish(); }
            } finish{m_arriving};
            m_listing = detail::listDirectory(m_dir, m_cores > 1 ? &m_arriving : nullptr);
        };
        if (m_cores == 1) {
            list();
            return;
        }
        detail::runBeside(list, [&] {
            Reader rd = newReader();
            while (!m_arriving.done() && !cancelled()) {
                if (m_early.size() == m_arriving.published()) {
                    std::this_thread::yield();
                    continue;
                }
                m_early.push_back(load(rd, m_arriving[m_early.size()], true)); // only regular ones arrive
            }
        });
    }

    // Files read while listing go to their place in name order (the same
    // directory for all: full paths sort as names do).
    void placeEarly()
    {
        const auto &paths = m_listing.dbFiles;
        m_loaded.resize(paths.size());
        for (auto &f : m_early) {
            const auto at = std::lower_bound(paths.begin(), paths.end(), f->path);
            if (at != paths.end() && *at == f->path)
                m_loaded[static_cast<std::size_t>(at - paths.begin())] = std::move(f);
        }
    }

    // Reads and parses the rest on a few threads, in chunks of neighbouring
    // names (in name order, files of one kind stand together).
    void readTheRest()
    {
        const std::size_t n = m_listing.dbFiles.size();
        std::atomic<std::size_t> nextChunk{0};
        auto work = [&] {
            Reader rd = newReader();
            std::vector<std::uint8_t> noted; // for m_sightings
            for (;;) {
                const std::size_t begin = nextChunk.fetch_add(kChunk);
                if (begin >= n)
                    break;
                for (std::size_t i = begin; i < std::min(n, begin + kChunk); ++i) {
                    if (cancelled())
                        return;
                    if (!m_loaded[i]) { // the path moves into the file: nothing later reads it here
                        const auto &unsure = m_listing.unsure;
                        const bool regular = unsure.empty() || !unsure.contains(m_listing.dbFiles[i]);
                        m_loaded[i] = load(rd, std::move(m_listing.dbFiles[i]), regular);
                    }
                    if (m_sightings) // in increasing places: see note()
                        m_sightings->note(static_cast<std::uint32_t>(i), *m_loaded[i], noted);
                }
            }
        };
        const unsigned threads = n < 2 * kChunk ? 1 : m_cores;
        if (threads == 1) {
            work();
        } else if (!detail::runOnKeptThreads(threads - 1, work)) {
            std::vector<std::thread> pool;
            for (unsigned t = 1; t < threads; ++t)
                pool.emplace_back(work);
            work();
            for (auto &t : pool)
                t.join();
        }
    }

    FileList inNameOrder()
    {
        FileList files;
        files.reserve(m_loaded.size());
        for (auto &f : m_loaded) {
            // A live gauge file removed by mark_process_dead between listing
            // and reading is skipped silently, as the reference does.
            if (!f->problems.empty() && f->problems.front().kind == ProblemKind::Vanished && f->fileName.valid
                && f->fileName.type == MetricType::Gauge && isLiveMode(f->fileName.mode))
                continue;
            files.push_back(std::move(f));
        }
        return files;
    }

    const fs::path &m_dir;
    const LoadOptions &m_options;
    const PreviousLookup &m_previous;
    std::vector<detail::FirstSighting> *m_firsts;
    const unsigned m_cores;
    std::optional<KeyInterner> m_interner; // when the caller has none: keys shared by this load's files
    std::optional<SightingTable> m_sightings;
    Listing m_listing;
    ArrivingNames m_arriving;
    std::vector<std::shared_ptr<const ParsedFile>> m_early;  // by place in m_arriving
    std::vector<std::shared_ptr<const ParsedFile>> m_loaded; // by place in the listing
};

} // namespace

LoadResult loadDirectoryWith(const fs::path &dir, const LoadOptions &options, const PreviousLookup &previous,
                             std::vector<detail::FirstSighting> *firsts)
{
    return DirectoryLoad(dir, options, previous, firsts).run();
}

FileList loadListedFiles(detail::Listing listing, const LoadOptions &options)
{
    static const fs::path none;
    static const PreviousLookup noPrevious;
    return DirectoryLoad(none, options, noPrevious, nullptr).readListed(std::move(listing));
}

LoadResult loadDirectory(const fs::path &dir, const LoadOptions &options)
{
    // Never between a compaction's first and last rename (bounded wait).
    const detail::DirectoryLock lock(dir.string(), detail::DirectoryLock::Mode::Shared, detail::kReaderLockWait);
    return loadDirectoryWith(dir, options, {}, nullptr);
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