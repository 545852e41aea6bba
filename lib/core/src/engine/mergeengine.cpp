// The merge engine: each refresh loads the source (re-reading only what can
// have changed), then merges (compiling the plan only when the files' keys
// changed, running only what changing files feed once the base is folded).
#include "promdir/engine/mergeengine.h"

#include "engine/directoryevents_p.h"
#include "engine/goneprocesses_p.h"
#include "merge/plan_p.h"
#include "read/directory_p.h"
#include "read/directorylock_p.h"
#include "read/reader_p.h"
#include "support/keptthreads_p.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace promdir {

namespace {

using Clock = std::chrono::steady_clock;

// From how many files a cold merge sums beside the plan compiler: below,
// waking a second thread costs about what it saves.
constexpr std::size_t kSumBesideFiles = 128;
// From how many files read again a refresh reads them on two threads.
constexpr std::size_t kJobsBeside = 256;

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

// What one refresh works with, beside what the engine keeps.
struct Run
{
    Run(const std::filesystem::path &path, const MergeEngineOptions &options, KeyInterner &interner,
        PidVisibility visibility)
        : path(path), options(options), result(std::make_shared<MergeResult>()), load(options.load),
          trustDead(visibility.visible), isGone(trustDead)
    {
        result->options = options.merge;
        result->pids = std::move(visibility);
        load.read.interner = &interner;
        std::error_code ec;
        isDirectory = std::filesystem::is_directory(path, ec);
    }

    const std::filesystem::path &path;
    const MergeEngineOptions &options;
    std::shared_ptr<MergeResult> result;
    LoadOptions load;       // with the engine's interner
    bool isDirectory = false;
    const bool trustDead;   // liveness says which files cannot change
    detail::GoneProcesses isGone; // the same answer all through the refresh
    double sinceLast = 0.0; // seconds since the last refresh began
    std::vector<detail::FirstSighting> firsts; // from a full load of the directory

    // What compareFiles() found, per file in result->load.files:
    std::vector<bool> frozen; // of a process gone by the time it was read (or an archive's)
    std::size_t reused = 0;   // files that are the last refresh's, unchanged

    // The files' share, in place order, that is read again in turn:
    // places [recheckFrom, recheckFrom + recheckCount) of the list.
    std::size_t recheckFrom = 0;
    std::size_t recheckCount = 0;
    bool dueForRecheck(std::size_t place, std::size_t fileCount) const
    {
        return (place + fileCount - recheckFrom) % fileCount < recheckCount;
    }
};

// A file read again on a refresh that trusts the last listing: because its
// process runs, an event or its stamp says so (Reread), or in turn
// (Recheck, see MergeEngineOptions::recheckEvery).
struct Job
{
    enum Kind : std::uint8_t { Reread, Recheck };
    std::size_t place;
    Kind kind;
    // What the read found: the file read again, or null when a recheck
    // found it unchanged; and a content hash to remember for it.
    std::shared_ptr<const ParsedFile> fresh;
    std::uint64_t hash = 0;
};

} // namespace

struct MergeEngine::Cache
{
    KeyInterner interner;
    detail::DirectoryEvents events;
    bool listingValid = false;

    // The compiled merge and the files it was made from (the last
    // refresh's, in name order); the merge of what cannot change (the
    // pre-merged base) and the files it was made from.
    std::shared_ptr<const detail::MergePlan> plan;
    FileList planFiles;
    std::optional<detail::SlotIndex> slotIndex; // of `plan`, made for the first fold
    detail::FoldedBase fold;
    FileList foldFiles;
    std::vector<bool> foldFrozen;
    bool foldMade = false;

    // Places in planFiles by path; a key is the path of the file at that
    // place (ParsedFile::path), replaced when the file is: erase it first.
    // Made again only when asked for after the names changed (a cold
    // refresh does not need it).
    std::unordered_map<std::string_view, std::size_t> places;
    bool placesStale = false;
    // Files last read while their process ran, by place in planFiles: once
    // it is gone each is read once more, since its last writes through a
    // mapping need not have changed the stamp (nor raised an inotify event).
    std::vector<bool> readWhileRunning;

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
    std::optional<Clock::time_point> lastRefresh;
    // Set when a file of a process believed gone changed (Auto).
    std::string pidsHidden;

    // The archive the last load came from, and its stamp: read again only
    // when it was replaced.
    std::optional<FileStamp> archiveStamp;

    const std::unordered_map<std::string_view, std::size_t> &placesByPath()
    {
        if (placesStale) {
            places.clear();
            places.reserve(planFiles.size());
            for (std::size_t i = 0; i < planFiles.size(); ++i)
                places.emplace(planFiles[i]->path, i);
            placesStale = false;
        }
        return places;
    }

    // Whether the engine trusts liveness for this refresh, and why not.
    PidVisibility visibility(PidNamespace ns) const
    {
        if (ns == PidNamespace::Separate)
            return {false, std::string(kPidsSetSeparate)};
        if (ns == PidNamespace::Auto && !pidsHidden.empty())
            return {false, pidsHidden};
        return {};
    }

    void load(Run &run, const std::shared_ptr<const MergeResult> &last);
    void loadDirectory(Run &run, const std::shared_ptr<const MergeResult> &last);
    void loadListing(Run &run);
    void rereadKnown(Run &run, const std::shared_ptr<const MergeResult> &last,
                     const std::unordered_set<std::string> &touched, bool checkStamps);
    void chooseRechecks(Run &run, std::size_t fileCount);
    std::vector<Job> jobsFor(Run &run, const FileList &files, const std::unordered_set<std::string> &touched,
                             bool checkStamps);
    void readJobs(const Run &run, const FileList &files, std::vector<Job> &jobs);
    void takeJobs(Run &run, FileList &files, std::vector<Job> &jobs);
    void loadOther(Run &run, const std::shared_ptr<const MergeResult> &last);

    void mergeFiles(Run &run);
    void compareFiles(Run &run);
    void compile(const Run &run);
    void rememberFiles(const Run &run);
    void mergeNewStructure(Run &run, const detail::KeySums *sums);
    void mergeKnownStructure(Run &run);
};

// ---------------------------------------------------------------- loading

void MergeEngine::Cache::load(Run &run, const std::shared_ptr<const MergeResult> &last)
{
    const auto now = Clock::now();
    run.sinceLast = lastRefresh ? std::chrono::duration<double>(now - *lastRefresh).count() : 0.0;
    lastRefresh = now;
    if (run.isDirectory)
        loadDirectory(run, last);
    else
        loadOther(run, last);
    if (!pidsHidden.empty() && run.options.pidNamespace == PidNamespace::Auto)
        run.result->pids = {false, pidsHidden};
}

// Events first, then the listing: anything that happens in between shows up
// as an event next time. A watch made now sees names only (see
// DirectoryEvents::watch); the files' own events are added on the next
// refresh, which compares each file's stamp once for what happened before.
void MergeEngine::Cache::loadDirectory(Run &run, const std::shared_ptr<const MergeResult> &last)
{
    // Events, listing and reading all on one side of a compaction's swap.
    const detail::DirectoryLock lock(run.path.string(), detail::DirectoryLock::Mode::Shared, detail::kReaderLockWait);
    std::unordered_set<std::string> touched;
    const bool wasWatching = events.watching();
    const bool watching = run.trustDead && events.watch(run.path);
    const bool checkStamps = watching && wasWatching && events.watchContents(run.path);
    const bool listingStands = events.watching() && listingValid && events.drain(touched);
    if (listingStands && last)
        rereadKnown(run, last, touched, checkStamps);
    else
        loadListing(run);
    // Only a listing read under a watch that still stands (drain() or
    // watchContents() may have ended it) can be trusted later.
    listingValid = watching && events.watching() && run.result->load.ok;
}

// A full load; the last refresh's files are offered by path.
void MergeEngine::Cache::loadListing(Run &run)
{
    const auto &byPath = placesByPath();
    run.result->load = loadDirectoryWith(
        run.path, run.load,
        [&](const std::string &path, const FileName &fn) {
            // Liveness before reading: a file of a process already gone
            // is complete, and is read once, plainly.
            PreviousFile prev;
            prev.frozen = fn.valid && run.isGone(fn.pid);
            const auto it = byPath.find(path);
            if (it == byPath.end() || (prev.frozen && readWhileRunning[it->second]))
                return prev;
            prev.file = planFiles[it->second];
            return prev;
        },
        &run.firsts);
}

// Nothing came or went: start from the last files and read again only those
// of running processes and those events named (or, once, those whose stamp
// changed), and a share of the others in turn.
void MergeEngine::Cache::rereadKnown(Run &run, const std::shared_ptr<const MergeResult> &last,
                                     const std::unordered_set<std::string> &touched, bool checkStamps)
{
    run.result->load = last->load;
    FileList &files = run.result->load.files;
    chooseRechecks(run, files.size());
    std::vector<Job> jobs = jobsFor(run, files, touched, checkStamps);
    readJobs(run, files, jobs);
    takeJobs(run, files, jobs);
}

// Files kept unread are read again a share at a time, proportional to the
// time since the last refresh, so each is read within recheckEvery.
void MergeEngine::Cache::chooseRechecks(Run &run, std::size_t fileCount)
{
    const double bound = std::max(0.001, std::chrono::duration<double>(run.options.recheckEvery).count());
    const double due = static_cast<double>(fileCount) * std::min(1.0, run.sinceLast / bound) + recheckCarry;
    run.recheckCount = std::min(fileCount, static_cast<std::size_t>(due));
    recheckCarry = run.recheckCount == fileCount ? 0.0 : due - static_cast<double>(run.recheckCount);
    run.recheckFrom = fileCount == 0 ? 0 : recheckAt % fileCount;
    recheckAt = fileCount == 0 ? 0 : (run.recheckFrom + run.recheckCount) % fileCount;
}

std::vector<Job> MergeEngine::Cache::jobsFor(Run &run, const FileList &files,
                                             const std::unordered_set<std::string> &touched, bool checkStamps)
{
    std::vector<Job> jobs;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto &f = files[i];
        if (!f->fileName.valid)
            continue;
        // (The listing is the last one: places are planFiles'.)
        bool again = !run.isGone(f->fileName.pid) || (i < readWhileRunning.size() && readWhileRunning[i])
                     || (!touched.empty() && touched.contains(f->name));
        if (!again && checkStamps) {
            const auto stamp = detail::stampAt(f->path.c_str());
            again = !stamp || *stamp != f->stamp;
        }
        if (again)
            jobs.push_back({i, Job::Reread, nullptr, 0});
        else if (run.dueForRecheck(i, files.size()))
            jobs.push_back({i, Job::Recheck, nullptr, 0});
    }
    return jobs;
}

// Reads the jobs' files, on the kept threads when there are many (a recheck
// of every file, after a pause between scrapes, is thousands). A recheck
// of a file found unchanged before compares its bytes' hash only.
void MergeEngine::Cache::readJobs(const Run &run, const FileList &files, std::vector<Job> &jobs)
{
    ReadOptions once = run.load.read;
    once.verifyStable = false; // a changing file differs from the hash either way
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t j; (j = next.fetch_add(1)) < jobs.size();) {
            Job &job = jobs[j];
            const auto &f = files[job.place];
            if (job.kind == Job::Reread) {
                job.fresh = detail::rereadFileAt(f->path, f->fileName, f, run.load.read);
                continue;
            }
            if (const auto known = recheckHash.find(f.get()); known != recheckHash.end()) {
                const auto hash = detail::contentHashAt(f->path, once);
                if (hash && *hash == known->second)
                    continue;
            }
            auto now = detail::rereadFileAt(f->path, f->fileName, f, run.load.read);
            if (now == f)
                continue;
            if (sameContents(*now, *f)) {
                job.hash = detail::ReaderAccess::contentHash(*now);
                continue;
            }
            job.fresh = std::move(now);
        }
    };
    if (jobs.size() < kJobsBeside || !detail::runOnKeptThreads(1, work))
        work();
}

void MergeEngine::Cache::takeJobs(Run &run, FileList &files, std::vector<Job> &jobs)
{
    for (Job &job : jobs) {
        auto &f = files[job.place];
        if (job.kind == Job::Reread) {
            f = std::move(job.fresh);
            continue;
        }
        ++run.result->m_detail.filesRechecked;
        if (job.hash != 0)
            recheckHash[f.get()] = job.hash;
        if (!job.fresh)
            continue;
        recheckHash.erase(f.get());
        // A read that failed (an I/O error, a file swapped under us) is
        // shown as such, but only new contents read cleanly say that a
        // writer elsewhere is alive.
        if (run.options.pidNamespace == PidNamespace::Auto && pidsHidden.empty() && job.fresh->ok())
            pidsHidden = "pids here are not visible from this pid namespace: " + f->name + " changed after process "
                         + f->fileName.pid + " was gone";
        f = std::move(job.fresh);
    }
}

// An archive does not change under us: loaded again only when the file was
// replaced. A directory that became something else (or went) is loaded
// again, and says so: never the last good load.
void MergeEngine::Cache::loadOther(Run &run, const std::shared_ptr<const MergeResult> &last)
{
    const auto stamp = detail::stampAt(run.path.c_str());
    if (last && last->load.ok && last->load.archive.isArchive && stamp && stamp == archiveStamp) {
        run.result->load = last->load;
        return;
    }
    run.result->load = loadPath(run.path, run.load);
    archiveStamp = run.result->load.ok && run.result->load.archive.isArchive ? stamp : std::nullopt;
    listingValid = false;
}

// ---------------------------------------------------------------- merging

// The structure: the plan is reused while every file has the same keys. A
// cold merge of many files sums outside gauge files by key, and compares
// the files with the last ones, on another core while this one compiles the
// plan (which neither needs, nor changes what they read).
void MergeEngine::Cache::mergeFiles(Run &run)
{
    const FileList &files = run.result->load.files;
    const bool planReused = plan && detail::sameStructure(planFiles, files);
    run.result->m_detail.planReused = planReused;
    const bool sumBeside = !planReused && !run.firsts.empty() && files.size() >= kSumBesideFiles;
    detail::KeySums sums;
    if (sumBeside) {
        detail::runBeside([&] { compile(run); },
                          [&] {
                              sums = detail::sumByKey(files);
                              compareFiles(run);
                          });
    } else {
        compareFiles(run);
        if (!planReused)
            compile(run);
    }
    rememberFiles(run);
    if (planReused)
        mergeKnownStructure(run);
    else
        mergeNewStructure(run, sumBeside ? &sums : nullptr);
}

// Which files are as before, and which of those cannot change.
void MergeEngine::Cache::compareFiles(Run &run)
{
    const FileList &files = run.result->load.files;
    run.frozen.assign(files.size(), false);
    bool sameNames = planFiles.size() == files.size();
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto &f = files[i];
        bool same;
        if (sameNames && (planFiles[i] == f || planFiles[i]->path == f->path)) {
            same = planFiles[i] == f;
        } else {
            sameNames = false;
            const auto &byPath = placesByPath();
            const auto it = byPath.find(f->path);
            same = it != byPath.end() && planFiles[it->second] == f;
        }
        run.reused += same;
        // Liveness was looked at before the file was read (the same answer
        // all through this refresh): a file of a process gone by then is
        // complete.
        run.frozen[i] = !run.isDirectory || (f->fileName.valid && run.isGone(f->fileName.pid));
        if (sameNames && !same && !placesStale) {
            places.erase(f->path);
            places.emplace(f->path, i);
        }
    }
    if (!sameNames)
        placesStale = true; // planFiles becomes `files` in rememberFiles()
}

void MergeEngine::Cache::compile(const Run &run)
{
    const FileList &files = run.result->load.files;
    std::optional<detail::MergePlan> compiled;
    if (!run.firsts.empty())
        compiled = detail::compilePlanFromSightings(files, run.options.merge, run.firsts);
    if (!compiled) // no sightings, or they do not fit the files: every entry is looked at
        compiled = detail::compilePlan(files, run.options.merge);
    plan = std::make_shared<const detail::MergePlan>(std::move(*compiled));
    slotIndex.reset();
}

// The files become the last refresh's: what is kept by file or by place
// follows them.
void MergeEngine::Cache::rememberFiles(const Run &run)
{
    const FileList &files = run.result->load.files;
    const bool sameFiles = run.reused == files.size() && planFiles.size() == files.size();
    planFiles = files;
    // Hashes of files no longer held would wrongly match a new file at the
    // same address.
    if (!recheckHash.empty() && !sameFiles) {
        std::unordered_set<const ParsedFile *> held;
        held.reserve(files.size());
        for (const auto &f : files)
            held.insert(f.get());
        std::erase_if(recheckHash, [&](const auto &kv) { return !held.contains(kv.first); });
    }
    readWhileRunning.assign(files.size(), false);
    for (std::size_t i = 0; i < files.size(); ++i)
        readWhileRunning[i] = !run.frozen[i];
}

// A new structure: merged straight through; the base is built on the next
// refresh, when it is known which files stay as they are.
void MergeEngine::Cache::mergeNewStructure(Run &run, const detail::KeySums *sums)
{
    const FileList &files = run.result->load.files;
    detail::MergeState state = detail::initialState(*plan);
    bool &summed = run.result->m_detail.summedByKey;
    summed = sums && detail::executeWithKeySums(*plan, files, *sums, state);
    if (!summed)
        detail::execute(*plan, files, 0, files.size(), state);
    run.result->families = detail::build(*plan, state);
    foldFiles.clear();
    foldFrozen.clear();
    fold = {};
    foldMade = false;
}

// The base stays valid while the same files are frozen and unchanged.
// (After a new structure there is no base yet: the last one was made for
// other files, maybe for as many of them, or none.)
void MergeEngine::Cache::mergeKnownStructure(Run &run)
{
    const FileList &files = run.result->load.files;
    bool foldValid = foldMade && foldFrozen == run.frozen;
    for (std::size_t i = 0; foldValid && i < files.size(); ++i)
        foldValid = !run.frozen[i] || files[i] == foldFiles[i];
    if (!foldValid) {
        if (!slotIndex)
            slotIndex = detail::indexSlots(*plan, files);
        fold = detail::foldFrozen(*plan, *slotIndex, files, run.frozen);
        foldFrozen = run.frozen;
        foldFiles = files;
        foldMade = true;
        run.result->m_detail.baseFolded = true;
    }
    const detail::MergeState state = detail::runLive(*plan, *slotIndex, fold, files);
    run.result->families = detail::build(*plan, state);
}

// ---------------------------------------------------------------- the engine

MergeEngine::MergeEngine(std::filesystem::path path, MergeEngineOptions options)
    : m_path(std::move(path)), m_options(std::move(options)), m_cache(std::make_unique<Cache>())
{
}

MergeEngine::~MergeEngine() = default;

std::shared_ptr<const MergeResult> MergeEngine::refresh()
{
    std::lock_guard lock(m_mutex);
    Cache &c = *m_cache;
    const auto t0 = Clock::now();
    Run run(m_path, m_options, c.interner, c.visibility(m_options.pidNamespace));
    c.load(run, m_last);
    const auto t1 = Clock::now();
    c.mergeFiles(run);
    const auto t2 = Clock::now();

    MergeResult &result = *run.result;
    const std::size_t files = result.load.files.size();
    result.stats.filesReused = run.reused;
    result.stats.filesRead = files - run.reused;
    result.stats.loadTime = std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0);
    result.stats.mergeTime = std::chrono::duration_cast<std::chrono::microseconds>(t2 - t1);
    result.m_detail.filesFrozen = static_cast<std::size_t>(std::count(run.frozen.begin(), run.frozen.end(), true));
    m_last = std::move(run.result);
    return m_last;
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
