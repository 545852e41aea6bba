#include "promdir/engine/mergeengine.h"

#include "promdir/diagnostics/liveness.h"

#include "read/directory_p.h"
#include "support/keptthreads_p.h"
#include "read/reader_p.h"
#include "merge/plan_p.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <set>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

#ifdef __linux__
#include <sys/inotify.h>
#endif

namespace promdir {

namespace {

// From how many files a cold merge sums beside the plan compiler: below,
// waking a second thread costs about what it saves.
constexpr std::size_t kSumBesideFiles = 128;

// Which processes are gone, asked once per pid and refresh (pids are
// reused, so no answer outlives the refresh): a process whose files can no
// longer change is a local pid that no longer exists; anything we cannot
// tell (a pid that is not a number) counts as running. Asked for every
// file, also from the loading threads, so answers sit in a small
// open-addressing table read without a lock; past its capacity, kill()
// is simply asked again.
class GoneProcesses
{
public:
    explicit GoneProcesses(bool trust) : m_trust(trust) {}

    bool operator()(std::string_view pidText)
    {
        const auto pid = m_trust ? numericPid(pidText) : std::nullopt;
        if (!pid)
            return false;
        const auto key = static_cast<std::int32_t>(*pid); // numericPid: at most 2^30 - 1
        std::size_t i = static_cast<std::size_t>(static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ull >> 40)
                        & (kSlots - 1);
        for (std::size_t probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kSlots - 1)) {
            Slot &slot = m_slots[i];
            std::int32_t seen = slot.pid.load(std::memory_order_acquire);
            if (seen == kEmpty && slot.pid.compare_exchange_strong(seen, key, std::memory_order_acq_rel)) {
                const bool gone = ask(key);
                slot.verdict.store(gone ? 1 : 0, std::memory_order_release);
                return gone;
            }
            if (seen == key) {
                const std::int8_t v = slot.verdict.load(std::memory_order_acquire);
                return v >= 0 ? v == 1 : ask(key); // another thread is asking right now
            }
        }
        return ask(key);
    }

private:
    static bool ask(std::int64_t pid) { return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

    // Room for the pids of the biggest directories reported (~7,000 files);
    // a pid that finds no place within a few steps is asked every time
    // (with 4,096 places and one step per place, 7,000 dead processes' files
    // took 12 ms of probing).
    static constexpr std::size_t kSlots = 16384; // a power of two
    static constexpr std::size_t kMaxProbes = 64;
    static constexpr std::int32_t kEmpty = -1;
    struct Slot
    {
        std::atomic<std::int32_t> pid{kEmpty};
        std::atomic<std::int8_t> verdict{-1};
    };
    bool m_trust;
    std::unique_ptr<Slot[]> m_slots{new Slot[kSlots]};
};

// What happened in the directory since we last looked (Linux inotify).
// Writes through mmap raise no event; that is fine, only running processes
// write that way and their files are read every time anyway.
class DirectoryEvents
{
public:
    ~DirectoryEvents() { close(); }

    bool watching() const { return m_fd >= 0; }

    // Starts watching for names that come and go. False when events cannot
    // be had: then every refresh lists and stats. The files' own events
    // (contents, metadata) are not watched yet: a watch for them makes the
    // kernel do extra work on every open, read and close of each file in the
    // folder (with two threads on one shared counter: ~2 ms of a 7,000-file
    // cold load). watchContents() adds them.
    bool watch(const std::filesystem::path &dir)
    {
#ifdef __linux__
        if (m_fd >= 0)
            return true;
        m_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (m_fd < 0)
            return false;
        m_contents = false;
        if (::inotify_add_watch(m_fd, dir.c_str(), kNames) < 0) {
            close();
            return false;
        }
        return true;
#else
        (void)dir;
        return false;
#endif
    }

    // Adds the files' own events to the watch. True when it did so now:
    // then a file may have been written since it was read without an
    // event, and only its stamp can tell.
    bool watchContents(const std::filesystem::path &dir)
    {
#ifdef __linux__
        if (m_fd < 0 || m_contents)
            return false;
        if (::inotify_add_watch(m_fd, dir.c_str(), kNames | kContents) < 0) {
            close();
            return false;
        }
        m_contents = true;
        return true;
#else
        (void)dir;
        return false;
#endif
    }

    // Drains the queue. Returns false when the listing must be read again
    // (files came, went, or events were lost); `touched` gets file names
    // whose contents or metadata changed.
    bool drain(std::unordered_set<std::string> &touched)
    {
#ifdef __linux__
        bool listingValid = true;
        alignas(struct inotify_event) char buf[16384];
        for (;;) {
            const ssize_t n = ::read(m_fd, buf, sizeof buf);
            if (n <= 0)
                break;
            for (ssize_t at = 0; at < n;) {
                const auto *ev = reinterpret_cast<const struct inotify_event *>(buf + at);
                at += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
                if (ev->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                    listingValid = false;
                    if (!(ev->mask & IN_Q_OVERFLOW))
                        close(); // the directory itself is gone: watch again next time
                    if (m_fd < 0)
                        return false;
                    continue;
                }
                if (ev->mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))
                    listingValid = false;
                if (ev->len > 0)
                    touched.insert(ev->name);
            }
        }
        return listingValid;
#else
        (void)touched;
        return false;
#endif
    }

private:
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
#ifdef __linux__
    static constexpr std::uint32_t kNames =
        IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
    static constexpr std::uint32_t kContents = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE;
#endif
    int m_fd = -1;
    bool m_contents = false;
};

// The same entries with the same values, bit for bit: a file kept without
// its content hash (read once when its process was already gone) read
// again.
bool sameContents(const ParsedFile &a, const ParsedFile &b)
{
    if (a.used != b.used || a.entries.size() != b.entries.size() || a.problems.size() != b.problems.size())
        return false;
    for (std::size_t i = 0; i < a.entries.size(); ++i) {
        const Entry &x = a.entries[i];
        const Entry &y = b.entries[i];
        if (x.offset != y.offset || x.key != y.key || std::memcmp(&x.value, &y.value, sizeof x.value) != 0
            || std::memcmp(&x.timestamp, &y.timestamp, sizeof x.timestamp) != 0)
            return false;
    }
    return true;
}

} // namespace

struct MergeEngine::Cache
{
    KeyInterner interner;
    // planFiles by path; the key is the file's own path (ParsedFile::path),
    // kept alive by the value: replace an entry by erasing it first. Made
    // again only when asked for after the names changed (a cold refresh
    // does not need it).
    std::unordered_map<std::string_view, std::shared_ptr<const ParsedFile>> files;
    bool filesStale = false;
    const std::unordered_map<std::string_view, std::shared_ptr<const ParsedFile>> &filesByPath()
    {
        if (filesStale) {
            files.clear();
            files.reserve(planFiles.size());
            for (const auto &f : planFiles)
                files.emplace(f->path, f);
            filesStale = false;
        }
        return files;
    }
    DirectoryEvents events;
    bool listingValid = false;
    // Files last read while their process ran: once it is gone each is read
    // once more, since its last writes through a mapping need not have
    // changed the stamp (nor raised an inotify event).
    std::unordered_set<std::string> readWhileRunning;
    std::vector<bool> readWhileRunningAt; // the same, by place in planFiles

    // Files kept without reading are read again in turn (see
    // MergeEngineOptions::recheckEvery): where the last refresh stopped,
    // when it ran, and the share of a file not yet read (so that tiny
    // refresh intervals still add up to every file within the bound).
    std::size_t recheckAt = 0;
    double recheckCarry = 0;
    // The content hash of kept files found unchanged by a recheck (they were
    // read once, without one): the next recheck reads and hashes them
    // instead of parsing them again. By file, whose identity it is of.
    std::unordered_map<const ParsedFile *, std::uint64_t> recheckHash;
    std::optional<std::chrono::steady_clock::time_point> lastRefresh;
    // Set when a file of a process believed gone changed (Auto).
    std::string pidsHidden;

    // The archive the last load came from, and its stamp: read again only
    // when it was replaced.
    std::optional<FileStamp> archiveStamp;

    // The compiled merge and the files it was made from; the merge of what
    // cannot change (the pre-merged base) and the files it was made from.
    std::shared_ptr<const detail::MergePlan> plan;
    FileList planFiles;
    std::optional<detail::SlotIndex> slotIndex; // of `plan`, made for the first fold
    detail::FoldedBase fold;
    FileList foldFiles;
    std::vector<bool> foldFrozen;
    bool foldMade = false;
};

MergeEngine::MergeEngine(std::filesystem::path path, MergeEngineOptions options)
    : m_path(std::move(path)), m_options(std::move(options)), m_cache(std::make_unique<Cache>())
{
}

MergeEngine::~MergeEngine() = default;

std::shared_ptr<const MergeResult> MergeEngine::refresh()
{
    std::lock_guard lock(m_mutex);
    using Clock = std::chrono::steady_clock;
    auto result = std::make_shared<MergeResult>();
    result->options = m_options.merge;
    Cache &c = *m_cache;

    const auto t0 = Clock::now();
    LoadOptions load = m_options.load;
    load.read.interner = &c.interner;
    std::error_code ec;
    const bool isDirectory = std::filesystem::is_directory(m_path, ec);
    const PidNamespace ns = m_options.pidNamespace;
    if (ns == PidNamespace::Separate)
        result->pids = {false, std::string(kPidsSetSeparate)};
    else if (ns == PidNamespace::Auto && !c.pidsHidden.empty())
        result->pids = {false, c.pidsHidden};
    const bool trustDead = result->pids.visible;
    GoneProcesses isGone(trustDead);
    const auto now = Clock::now();
    const double sinceLast = c.lastRefresh ? std::chrono::duration<double>(now - *c.lastRefresh).count() : 0.0;
    c.lastRefresh = now;
    std::vector<detail::FirstSighting> firsts; // from a full load
    if (isDirectory) {
        // Events first, then the listing: anything that happens in between
        // shows up as an event next time. A watch made now sees names only
        // (see DirectoryEvents::watch); the files' own events are added on
        // the next refresh, which compares each file's stamp once for what
        // happened before.
        std::unordered_set<std::string> touched;
        const bool wasWatching = c.events.watching();
        const bool watching = trustDead && c.events.watch(m_path);
        const bool checkStamps = watching && wasWatching && c.events.watchContents(m_path);
        const bool listingValid = c.events.watching() && c.listingValid && c.events.drain(touched);
        if (listingValid && m_last) {
            // Nothing came or went: start from the last files and read again
            // only those of running processes and those events named (or,
            // once, those whose stamp changed).
            result->load = m_last->load;
            auto &files = result->load.files;
            // Files kept unread at positions [recheckAt, recheckAt + share)
            // are read again now, a share proportional to the time since
            // the last refresh, so each is read within recheckEvery.
            const double bound = std::max(0.001, std::chrono::duration<double>(m_options.recheckEvery).count());
            const double due = static_cast<double>(files.size()) * std::min(1.0, sinceLast / bound) + c.recheckCarry;
            const std::size_t recheck = std::min(files.size(), static_cast<std::size_t>(due));
            c.recheckCarry = recheck == files.size() ? 0.0 : due - static_cast<double>(recheck);
            const std::size_t recheckFrom = files.empty() ? 0 : c.recheckAt % files.size();
            c.recheckAt = files.empty() ? 0 : (recheckFrom + recheck) % files.size();
            // Which files to read again (their process runs, an event or
            // their stamp says so) and which to recheck; then both are read
            // on the kept threads when there are many (a recheck of every
            // file, after a pause between scrapes, is thousands).
            enum class Job : std::uint8_t { Reread, Recheck };
            std::vector<std::pair<std::size_t, Job>> jobs;
            for (std::size_t i = 0; i < files.size(); ++i) {
                const auto &f = files[i];
                if (!f->fileName.valid)
                    continue;
                // (The listing is the last one: places are planFiles'.)
                bool again = !isGone(f->fileName.pid)
                             || (i < c.readWhileRunningAt.size() && c.readWhileRunningAt[i])
                             || (!touched.empty() && touched.contains(f->name));
                if (!again && checkStamps) {
                    const auto stamp = detail::stampAt(f->path.c_str());
                    again = !stamp || *stamp != f->stamp;
                }
                if (again)
                    jobs.emplace_back(i, Job::Reread);
                else if ((i + files.size() - recheckFrom) % files.size() < recheck)
                    jobs.emplace_back(i, Job::Recheck);
            }
            // Per job: the file read again, or null when a recheck found it
            // unchanged; and the hash to remember for it.
            std::vector<std::shared_ptr<const ParsedFile>> fresh(jobs.size());
            std::vector<std::uint64_t> hashes(jobs.size(), 0);
            ReadOptions once = load.read;
            once.verifyStable = false; // a changing file differs from the hash either way
            std::atomic<std::size_t> next{0};
            auto work = [&] {
                for (std::size_t j; (j = next.fetch_add(1)) < jobs.size();) {
                    const auto &f = files[jobs[j].first];
                    if (jobs[j].second == Job::Reread) {
                        fresh[j] = detail::rereadFileAt(f->path, f->fileName, f, load.read);
                        continue;
                    }
                    if (const auto known = c.recheckHash.find(f.get()); known != c.recheckHash.end()) {
                        const auto hash = detail::contentHashAt(f->path, once);
                        if (hash && *hash == known->second)
                            continue;
                    }
                    auto now = detail::rereadFileAt(f->path, f->fileName, f, load.read);
                    if (now == f)
                        continue;
                    if (sameContents(*now, *f)) {
                        hashes[j] = detail::ReaderAccess::contentHash(*now);
                        continue;
                    }
                    fresh[j] = std::move(now);
                }
            };
            if (jobs.size() < 256 || !detail::runOnKeptThreads(1, work))
                work();
            for (std::size_t j = 0; j < jobs.size(); ++j) {
                auto &f = files[jobs[j].first];
                if (jobs[j].second == Job::Reread) {
                    f = std::move(fresh[j]);
                    continue;
                }
                ++result->m_detail.filesRechecked;
                if (hashes[j] != 0)
                    c.recheckHash[f.get()] = hashes[j];
                if (!fresh[j])
                    continue;
                c.recheckHash.erase(f.get());
                // A read that failed (an I/O error, a file swapped under us)
                // is shown as such, but only new contents read cleanly say
                // that a writer elsewhere is alive.
                if (ns == PidNamespace::Auto && c.pidsHidden.empty() && fresh[j]->ok())
                    c.pidsHidden = "pids here are not visible from this pid namespace: " + f->name
                                   + " changed after process " + f->fileName.pid + " was gone";
                f = std::move(fresh[j]);
            }
        } else {
            const auto &byPath = c.filesByPath();
            result->load = loadDirectoryWith(
                m_path, load,
                [&](const std::string &path, const FileName &fn) {
                    // Liveness before reading: a file of a process already gone
                    // is complete, and is read once, plainly.
                    PreviousFile prev;
                    prev.frozen = fn.valid && isGone(fn.pid);
                    auto it = byPath.find(path);
                    if (it == byPath.end() || (prev.frozen && c.readWhileRunning.contains(path)))
                        return prev;
                    prev.file = it->second;
                    return prev;
                },
                &firsts);
        }
        // Only a listing read under a watch that still stands (drain() or
        // watchContents() may have ended it) can be trusted later.
        c.listingValid = watching && c.events.watching() && result->load.ok;
    } else if (const auto stamp = detail::stampAt(m_path.c_str());
               m_last && m_last->load.ok && m_last->load.archive.isArchive && stamp && stamp == c.archiveStamp) {
        // An archive does not change under us: loaded again only when the
        // file was replaced. A directory that became something else (or
        // went) is loaded again, and says so: never the last good load.
        result->load = m_last->load;
    } else {
        result->load = loadPath(m_path, load);
        c.archiveStamp = result->load.ok && result->load.archive.isArchive ? stamp : std::nullopt;
        c.listingValid = false;
    }
    const FileList &files = result->load.files;
    if (!c.pidsHidden.empty() && ns == PidNamespace::Auto)
        result->pids = {false, c.pidsHidden};

    const auto t1 = Clock::now();

    // Which files are as before, and which of those cannot change.
    std::vector<bool> frozen(files.size(), false);
    std::size_t reused = 0;
    auto compareFiles = [&] {
        const bool sameOrder = c.planFiles.size() == files.size();
        bool sameNames = sameOrder;
        for (std::size_t i = 0; i < files.size(); ++i) {
            const auto &f = files[i];
            bool same;
            if (sameNames && (c.planFiles[i] == f || c.planFiles[i]->path == f->path)) {
                same = c.planFiles[i] == f;
            } else {
                sameNames = false;
                const auto &byPath = c.filesByPath();
                auto it = byPath.find(f->path);
                same = it != byPath.end() && it->second == f;
            }
            reused += same;
            // Liveness was looked at before the file was read (the same answer
            // all through this refresh): a file of a process gone by then is
            // complete.
            frozen[i] = !isDirectory || (f->fileName.valid && isGone(f->fileName.pid));
            if (sameNames && !same && !c.filesStale) {
                c.files.erase(f->path);
                c.files.emplace(f->path, f);
            }
        }
        if (!sameNames)
            c.filesStale = true; // planFiles becomes `files` below
    };

    // The structure: reuse the plan while every file has the same keys.
    const bool planReused = c.plan && detail::sameStructure(c.planFiles, files);
    // A cold merge of many files sums outside gauge files by key, and
    // compares the files with the last ones, on another core while this one
    // compiles the plan (which neither needs, nor changes what they read).
    const bool sumBeside = !planReused && !firsts.empty() && files.size() >= kSumBesideFiles;
    detail::KeySums sums;
    auto compile = [&] {
        std::optional<detail::MergePlan> plan;
        if (!firsts.empty())
            plan = detail::compilePlanFromSightings(files, m_options.merge, firsts);
        if (!plan) // no sightings, or they do not fit the files: every entry is looked at
            plan = detail::compilePlan(files, m_options.merge);
        c.plan = std::make_shared<const detail::MergePlan>(std::move(*plan));
        c.slotIndex.reset();
    };
    if (sumBeside) {
        detail::runBeside(compile, [&] {
            sums = detail::sumByKey(files);
            compareFiles();
        });
    } else {
        compareFiles();
        if (!planReused)
            compile();
    }
    const bool sameFiles = reused == files.size() && c.planFiles.size() == files.size();
    c.planFiles = files;
    // Hashes of files no longer held would wrongly match a new file at the
    // same address.
    if (!c.recheckHash.empty() && !sameFiles) {
        std::unordered_set<const ParsedFile *> held;
        held.reserve(files.size());
        for (const auto &f : files)
            held.insert(f.get());
        std::erase_if(c.recheckHash, [&](const auto &kv) { return !held.contains(kv.first); });
    }
    c.readWhileRunning.clear();
    c.readWhileRunningAt.assign(files.size(), false);
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!frozen[i]) {
            c.readWhileRunning.insert(files[i]->path);
            c.readWhileRunningAt[i] = true;
        }
    }

    if (!planReused) {
        // A new structure: merge straight through; the base is built on the
        // next refresh, when it is known which files stay as they are.
        detail::MergeState state = detail::initialState(*c.plan);
        result->m_detail.summedByKey = sumBeside && detail::executeWithKeySums(*c.plan, files, sums, state);
        if (!result->m_detail.summedByKey)
            detail::execute(*c.plan, files, 0, files.size(), state);
        result->families = detail::build(*c.plan, state);
        c.foldFiles.clear();
        c.foldFrozen.clear();
        c.fold = {};
        c.foldMade = false;
    } else {
        // The base stays valid while the same files are frozen and unchanged.
        // (After a new structure there is no base yet: the last one was made
        // for other files, maybe for as many of them, or none.)
        bool foldValid = c.foldMade && c.foldFrozen == frozen;
        for (std::size_t i = 0; foldValid && i < files.size(); ++i)
            foldValid = !frozen[i] || files[i] == c.foldFiles[i];
        if (!foldValid) {
            if (!c.slotIndex)
                c.slotIndex = detail::indexSlots(*c.plan, files);
            c.fold = detail::foldFrozen(*c.plan, *c.slotIndex, files, frozen);
            c.foldFrozen = frozen;
            c.foldFiles = files;
            c.foldMade = true;
            result->m_detail.baseFolded = true;
        }
        const detail::MergeState state = detail::runLive(*c.plan, *c.slotIndex, c.fold, files);
        result->families = detail::build(*c.plan, state);
    }
    const auto t2 = Clock::now();

    std::size_t frozenCount = 0;
    for (bool f : frozen)
        frozenCount += f;
    result->stats.filesReused = reused;
    result->stats.filesRead = files.size() - reused;
    result->m_detail.filesFrozen = frozenCount;
    result->m_detail.planReused = planReused;
    result->stats.loadTime = std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0);
    result->stats.mergeTime = std::chrono::duration_cast<std::chrono::microseconds>(t2 - t1);
    m_last = result;
    return result;
}

const detail::RefreshDetail &detail::refreshDetail(const MergeResult &result)
{
    return result.m_detail;
}

std::shared_ptr<const MergeResult> MergeEngine::last() const
{
    std::lock_guard lock(m_mutex);
    return m_last;
}

} // namespace promdir
