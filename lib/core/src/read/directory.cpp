#include "promdir/read/directory.h"
#include "read/directory_p.h"
#include "support/keptthreads_p.h"
#include "read/reader_p.h"

#include "promdir/archive/archive.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include <dirent.h>
#include <sys/stat.h>
#include <unordered_map>
#include <unordered_set>

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
    std::vector<std::string> dbFiles; // paths, sorted by name
    // Paths the listing did not see as regular files (a FIFO, a device, a
    // link, or a file system that does not say): the reader looks before
    // opening them. Usually empty.
    std::unordered_set<std::string> unsure;
    std::vector<Problem> problems;
    std::string error;
};

// `dir`/`name`, spelled like std::filesystem's operator/ would.
std::string joinPath(const std::string &dir, std::string_view name)
{
    std::string p;
    p.reserve(dir.size() + 1 + name.size());
    p += dir;
    if (!p.empty() && p.back() != '/')
        p += '/';
    p += name;
    return p;
}

// Paths of *.db files as the listing finds them, for a thread that reads
// those files meanwhile: listing 7,000 files takes ~5 ms, a tenth of their
// load, with the other core idle. A fixed number of places, so that nothing
// moves under the reader; later names are only in the listing's own list.
class ArrivingNames
{
public:
    static constexpr std::size_t kPlaces = 4096;

    ArrivingNames() : m_names(kPlaces) {}

    // The lister's side.
    void add(std::string_view path)
    {
        if (m_count == m_names.size())
            return;
        m_names[m_count].assign(path);
        m_published.store(++m_count, std::memory_order_release);
    }
    void finish() { m_done.store(true, std::memory_order_release); }

    // The reader's side: paths [0, published()) are there to read.
    std::size_t published() const { return m_published.load(std::memory_order_acquire); }
    bool done() const { return m_done.load(std::memory_order_acquire); }
    const std::string &operator[](std::size_t i) const { return m_names[i]; }

private:
    std::vector<std::string> m_names;
    std::size_t m_count = 0;
    std::atomic<std::size_t> m_published{0};
    std::atomic<bool> m_done{false};
};

// Sorts `paths` byte-wise; all share their first `skip` bytes (the folder).
// As std::sort would, but comparing the next 24 bytes as three numbers
// first: names of one kind share a long head, and comparing thousands of
// strings took 1.4 ms of a 7,000-file listing.
void sortByBytes(std::vector<std::string> &paths, std::size_t skip)
{
    struct Item
    {
        std::uint64_t head[3]; // big-endian, zero after the end: a prefix sorts first
        std::uint32_t index;
    };
    std::vector<Item> items(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
        char bytes[24] = {};
        const std::string_view rest = std::string_view(paths[i]).substr(std::min(skip, paths[i].size()));
        std::memcpy(bytes, rest.data(), std::min<std::size_t>(rest.size(), sizeof bytes));
        for (int w = 0; w < 3; ++w) {
            std::uint64_t v;
            std::memcpy(&v, bytes + 8 * w, 8);
            items[i].head[w] = __builtin_bswap64(v);
        }
        items[i].index = static_cast<std::uint32_t>(i);
    }
    std::sort(items.begin(), items.end(), [&](const Item &a, const Item &b) {
        for (int w = 0; w < 3; ++w)
            if (a.head[w] != b.head[w])
                return a.head[w] < b.head[w];
        return paths[a.index] < paths[b.index]; // the same first 24 bytes
    });
    std::vector<std::string> sorted;
    sorted.reserve(paths.size());
    for (const Item &it : items)
        sorted.push_back(std::move(paths[it.index]));
    paths = std::move(sorted);
}

// What the reference's glob("*.db") would see, plus what it would not.
// Plain readdir and strings: a listing of thousands of files is on the path
// of every cold scrape. Each *.db name also goes to `arriving`, when given.
Listing listDirectory(const fs::path &dirPath, ArrivingNames *arriving = nullptr)
{
    Listing l;
    const std::string dir = dirPath.string();
    DIR *d = ::opendir(dir.c_str());
    if (!d) {
        l.error = dir + ": " + std::strerror(errno);
        return l;
    }
    for (;;) {
        errno = 0;
        const struct dirent *e = ::readdir(d);
        if (!e) {
            if (errno != 0)
                l.problems.push_back({dir, 0, ProblemKind::Unreadable, std::string("listing failed: ") + std::strerror(errno)});
            break;
        }
        const std::string_view name = e->d_name;
        if (name == "." || name == "..")
            continue;
        if (!name.ends_with(".db") || name.starts_with(".")) {
            bool isDir = e->d_type == DT_DIR;
            struct stat st{};
            if ((e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) && ::fstatat(::dirfd(d), e->d_name, &st, 0) == 0)
                isDir = S_ISDIR(st.st_mode); // a link to a folder counts as one
            l.problems.push_back({joinPath(dir, name), 0, ProblemKind::ForeignFile,
                                  isDir ? "sub-folder ignored (the directory is not read recursively)"
                                        : "not a metrics file (*.db); ignored"});
            continue;
        }
        l.dbFiles.push_back(joinPath(dir, name));
        if (e->d_type != DT_REG)
            l.unsure.insert(l.dbFiles.back());
        else if (arriving)
            arriving->add(l.dbFiles.back());
    }
    ::closedir(d);
    sortByBytes(l.dbFiles, joinPath(dir, "").size());
    return l;
}

std::string_view baseName(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
}

// Where each key was first seen outside gauge files, noted by the loading
// threads as files come in: per key id, the smallest (place in the listing,
// entry) so far, lowered with compare-and-swap. Files mostly come in
// listing order, so after the first few a note is one read that changes
// nothing. Cells are made in chunks as ids grow.
class SightingTable
{
public:
    explicit SightingTable(const detail::KeyStore *store) : m_store(store), m_chunks(new std::atomic<Cell *>[kChunks]()) {}
    ~SightingTable()
    {
        for (std::size_t c = 0; c < kChunks; ++c)
            delete[] m_chunks[c].load(std::memory_order_relaxed);
    }
    SightingTable(const SightingTable &) = delete;
    SightingTable &operator=(const SightingTable &) = delete;

    // `noted`: the calling thread's own, by key id: the keys it noted
    // already. A thread notes places in increasing order (chunks are taken
    // in order), so its later sightings of those keys cannot be first.
    void note(std::uint32_t place, const ParsedFile &f, std::vector<std::uint8_t> &noted)
    {
        if (!f.fileName.valid || f.fileName.type == MetricType::Gauge || f.entries.empty())
            return;
        if (detail::ReaderAccess::keyStore(f) != m_store) {
            m_failed.store(true, std::memory_order_relaxed);
            return;
        }
        for (std::size_t j = 0; j < f.entries.size(); ++j) {
            const std::uint32_t id = detail::keyIdOf(f.entries[j]);
            if (id >= noted.size())
                noted.resize(std::max<std::size_t>(id + 1, 2 * noted.size()), 0);
            if (noted[id])
                continue;
            noted[id] = 1;
            Cell *cell = cellFor(id);
            if (!cell) {
                m_failed.store(true, std::memory_order_relaxed);
                return;
            }
            const std::uint64_t at = (std::uint64_t(place) << 32) | j;
            std::uint64_t seen = cell->load(std::memory_order_relaxed);
            while (at < seen && !cell->compare_exchange_weak(seen, at, std::memory_order_relaxed)) {
            }
        }
    }

    // In merge order; empty when something could not be noted. After the
    // loading threads are joined; `loaded` by place in the listing.
    std::vector<detail::FirstSighting> sorted(const std::vector<std::shared_ptr<const ParsedFile>> &loaded) const
    {
        if (m_failed.load())
            return {};
        std::vector<std::uint64_t> ats;
        for (std::size_t c = 0; c < kChunks; ++c)
            if (const Cell *cells = m_chunks[c].load())
                for (std::size_t i = 0; i < kChunkSize; ++i)
                    if (const std::uint64_t at = cells[i].load(); at != kNever)
                        ats.push_back(at);
        std::sort(ats.begin(), ats.end());
        std::vector<detail::FirstSighting> out;
        out.reserve(ats.size());
        for (const std::uint64_t at : ats)
            out.push_back({loaded[at >> 32].get(), static_cast<std::uint32_t>(at)});
        return out;
    }

private:
    using Cell = std::atomic<std::uint64_t>;
    static constexpr std::size_t kChunkSize = 4096;
    static constexpr std::size_t kChunks = 1024; // up to 4M keys; beyond, no sightings
    static constexpr std::uint64_t kNever = ~std::uint64_t(0);

    Cell *cellFor(std::uint32_t id)
    {
        const std::size_t c = id / kChunkSize;
        if (c >= kChunks)
            return nullptr;
        Cell *cells = m_chunks[c].load(std::memory_order_acquire);
        if (!cells) {
            auto *fresh = new Cell[kChunkSize];
            for (std::size_t i = 0; i < kChunkSize; ++i)
                fresh[i].store(kNever, std::memory_order_relaxed);
            if (m_chunks[c].compare_exchange_strong(cells, fresh, std::memory_order_acq_rel))
                cells = fresh;
            else
                delete[] fresh; // another thread was first; `cells` is its chunk
        }
        return cells + id % kChunkSize;
    }

    const detail::KeyStore *m_store;
    std::unique_ptr<std::atomic<Cell *>[]> m_chunks;
    std::atomic<bool> m_failed{false};
};

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
        f->problems.push_back({f->path, 0, ProblemKind::ForeignFile,
                               dir ? "is a folder, not a metrics file"
                                   : "not a metrics file name (" + fn.reason + "); not merged"});
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
        if (m_sightings)
            *m_firsts = m_sightings->sorted(m_loaded);
        r.files = inNameOrder();
        r.ok = true;
        return r;
    }

private:
    static constexpr std::size_t kChunk = 64;

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
            m_listing = listDirectory(m_dir, m_cores > 1 ? &m_arriving : nullptr);
        };
        if (m_cores == 1) {
            list();
            return;
        }
        detail::runBeside(list, [&] {
            Reader rd = newReader();
            while (!m_arriving.done()) {
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

LoadResult loadDirectory(const fs::path &dir, const LoadOptions &options)
{
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
