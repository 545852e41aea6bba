// Which files of a directory compaction folds, removes or keeps, decided
// from a listing and stat() with only the files that may be folded read,
// and the folding itself (docs/compaction.md, "What is folded").
#include "compact/compact_p.h"

#include "promdir/diagnostics/processes.h"
#include "promdir/format/filename.h"
#include "read/directory_p.h"
#include "read/directorylock_p.h"
#include "read/listing_p.h"
#include "writer/dbimage_p.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <sys/stat.h>

namespace promdir::detail {

namespace {

std::string kindPrefix(MetricType type, GaugeMode mode)
{
    if (type == MetricType::Gauge)
        return "gauge_" + std::string(toString(mode));
    return std::string(toString(type));
}

double ageSeconds(std::int64_t mtimeNs, double now)
{
    return now - static_cast<double>(mtimeNs) / 1e9;
}

// Families written in more than one kind of file (a counter and a gauge of
// one name, a gauge whose mode changed between deployments): which rule
// merges them depends on the order of the files, so their files stay.
// Only the files read are looked into (docs/compaction.md, "What is
// folded"): a running process's files are never read.
std::unordered_set<std::string> mixedFamilies(const std::vector<ListedFile> &listed)
{
    std::unordered_map<std::string, std::pair<MetricType, GaugeMode>> kindOf;
    std::unordered_set<std::string> mixed;
    for (const ListedFile &f : listed) {
        if (!f.parsed)
            continue;
        const std::pair kind{f.fileName.type, f.fileName.mode};
        for (const Entry &e : f.parsed->entries) {
            const auto [it, added] = kindOf.try_emplace(e.key->metric, kind);
            if (!added && it->second != kind)
                mixed.insert(e.key->metric);
        }
    }
    return mixed;
}

struct PidFiles
{
    std::vector<ListedFile *> files;
    std::int64_t newestNs = 0;
};

// A reason: its code, its argument, its English words.
struct Reason
{
    CompactFile::Why why = CompactFile::Why::Folded;
    std::string detail;
    std::string text;
};

// Why a file of a dead process (past the grace period) is not folded, or
// an empty text when it is. `remove`: removed without folding.
Reason whyKept(const ParsedFile &f, const CompactOptions &options, const std::unordered_set<std::string> &mixed,
               bool &remove)
{
    using Why = CompactFile::Why;
    remove = false;
    if (!f.ok())
        return {Why::Unreadable, f.problems.front().message,
                "could not be read cleanly (" + f.problems.front().message + "): left as it is"};
    if (f.entries.empty() && f.generation == 0) {
        remove = true;
        return {};
    }
    if (f.fileName.type == MetricType::Gauge && isLiveMode(f.fileName.mode))
        return {Why::LiveGauge, {},
                "live gauge of a dead process: not compacted; `promdir mark-dead " + f.fileName.pid + "` removes it"};
    if (f.fileName.mode == GaugeMode::All) {
        remove = options.dropDeadAll;
        if (remove)
            return {};
        return {Why::AllGauge, {}, "gauge_all: its pid label is in the output (--drop-dead-all drops it)"};
    }
    for (const Entry &e : f.entries)
        if (mixed.contains(e.key->metric))
            return {Why::MixedKinds, e.key->metric,
                    "family " + e.key->metric
                        + " is written in more than one kind of file: folding would change which rule merges it"};
    return {};
}

std::string_view baseName(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
}

// The *.db files of `dir`: the core's listing, then one stat() each
// (following a link, as the reader would when it opens the file).
Result<std::vector<ListedFile>> listWithStat(const std::filesystem::path &dir)
{
    Listing listing = listDirectory(dir);
    if (!listing.error.empty())
        return Error{CompactErrorCode::CannotOpenDirectory, listing.error};
    std::vector<ListedFile> listed;
    listed.reserve(listing.dbFiles.size());
    for (std::string &path : listing.dbFiles) {
        struct stat st{};
        const bool found = ::stat(path.c_str(), &st) == 0 || ::lstat(path.c_str(), &st) == 0; // a dangling link counts
        if (!found && errno == ENOENT)
            continue; // gone since it was listed
        ListedFile f;
        f.listedRegular = !listing.unsure.contains(path);
        f.path = std::move(path);
        f.name = baseName(f.path);
        f.fileName = parseFileName(f.name);
        if (found && S_ISREG(st.st_mode)) {
            f.bytes = std::uint64_t(st.st_size);
            f.mtimeNs = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
        }
        listed.push_back(std::move(f));
    }
    return listed;
}

// Reads `which` (in name order) as a directory load does; a file read takes
// its size and time from the read, which is what the plan's later checks
// compare against.
void readListed(const std::vector<ListedFile *> &which)
{
    Listing toRead;
    for (const ListedFile *f : which) {
        toRead.dbFiles.push_back(f->path);
        if (!f->listedRegular)
            toRead.unsure.insert(f->path);
    }
    const FileList read = loadListedFiles(std::move(toRead));
    auto it = read.begin();
    for (ListedFile *f : which) {
        if (it == read.end() || (*it)->path != f->path) {
            f->vanished = true;
            continue;
        }
        f->parsed = *it++;
        f->bytes = f->parsed->size;
        f->mtimeNs = f->parsed->stamp.mtimeNs;
    }
}

class Planner
{
public:
    Planner(std::vector<ListedFile> listed, const CompactOptions &options, double now)
        : m_options(options), m_now(now)
    {
        m_plan.listed = std::move(listed);
    }

    CompactPlan run()
    {
        auto byPid = filesByPid();
        std::map<std::string, Liveness> states;
        bool anyAlive = false, recentDead = false;
        for (const auto &[pid, files] : byPid) {
            if (isCompactedIdentifier(pid) || m_options.assumeDeadWhenUnchanged)
                continue;
            const Liveness state = m_options.liveness ? m_options.liveness(pid) : localLiveness(pid);
            states[pid] = state;
            anyAlive = anyAlive || state == Liveness::Alive;
            recentDead = recentDead || (state == Liveness::Dead && withinGrace(files.newestNs));
        }
        if (!m_options.assumeDeadWhenUnchanged) {
            if (m_options.pidNamespace == PidNamespace::Separate)
                m_plan.refusal = "the pid namespace is set to separate: pids cannot be checked from here";
            else if (m_options.pidNamespace == PidNamespace::Auto && !anyAlive && recentDead)
                m_plan.refusal = "no process of this directory runs in this pid namespace, yet files changed within the "
                                 "grace period: its writers probably run in another pid namespace (a container)";
            if (!m_plan.refusal.empty())
                return std::move(m_plan);
        }
        readWhatMayFold(byPid, states);
        m_mixed = mixedFamilies(m_plan.listed);
        for (const auto &[pid, files] : byPid)
            if (!isCompactedIdentifier(pid))
                considerPid(pid, files, states[pid]);
        addEarlierCompacted(byPid);
        for (const ListedFile &f : m_plan.listed)
            if (!f.vanished) {
                ++m_plan.filesBefore;
                m_plan.bytesBefore += f.bytes;
            }
        return std::move(m_plan);
    }

private:
    bool withinGrace(std::int64_t mtimeNs) const
    {
        return ageSeconds(mtimeNs, m_now) < static_cast<double>(m_options.grace.count());
    }

    bool mayFold(const std::string &pid, const PidFiles &files, const std::map<std::string, Liveness> &states) const
    {
        if (isCompactedIdentifier(pid) || withinGrace(files.newestNs))
            return false;
        return m_options.assumeDeadWhenUnchanged || states.at(pid) == Liveness::Dead;
    }

    // Pids of the directory, each with its files, in name order.
    std::map<std::string, PidFiles> filesByPid()
    {
        std::map<std::string, PidFiles> byPid;
        for (ListedFile &f : m_plan.listed) {
            if (!f.fileName.valid)
                continue;
            PidFiles &p = byPid[f.fileName.pid];
            p.files.push_back(&f);
            p.newestNs = std::max(p.newestNs, f.mtimeNs);
        }
        return byPid;
    }

    // The files of the processes that may be folded and, when there are
    // any, the earlier compacted files (folded in again, and their families
    // count for mixedFamilies); nothing else is opened. A file written
    // since the listing moves its process back within the grace period.
    void readWhatMayFold(std::map<std::string, PidFiles> &byPid, const std::map<std::string, Liveness> &states)
    {
        std::vector<ListedFile *> which;
        for (const auto &[pid, files] : byPid)
            if (mayFold(pid, files, states))
                which.insert(which.end(), files.files.begin(), files.files.end());
        if (which.empty())
            return;
        for (const auto &[pid, files] : byPid)
            if (isCompactedIdentifier(pid))
                which.insert(which.end(), files.files.begin(), files.files.end());
        std::sort(which.begin(), which.end(), [](const ListedFile *a, const ListedFile *b) { return a->path < b->path; });
        readListed(which);
        for (auto &[pid, files] : byPid)
            for (const ListedFile *f : files.files)
                files.newestNs = std::max(files.newestNs, f->mtimeNs);
    }

    void keep(const ListedFile &f, Reason reason)
    {
        m_plan.rows.push_back({f.name, f.fileName.pid, f.bytes, CompactFile::Action::Keep, std::move(reason.text),
                               reason.why, std::move(reason.detail)});
    }

    void stage(const ListedFile &f, CompactFile::Action action, Reason reason)
    {
        m_plan.rows.push_back({f.name, f.fileName.pid, f.bytes, action, std::move(reason.text), reason.why,
                               std::move(reason.detail)});
        m_plan.staged.push_back({f.name, f.fileName.pid, f.parsed->stamp});
    }

    void considerPid(const std::string &pid, const PidFiles &files, Liveness state)
    {
        if (!m_options.assumeDeadWhenUnchanged && state != Liveness::Dead) {
            if (state == Liveness::Unknown)
                for (const ListedFile *f : files.files)
                    keep(*f, {CompactFile::Why::LivenessUnknown, {}, "liveness of pid " + pid + " cannot be known here"});
            return; // running: its files are the living's, not listed
        }
        if (withinGrace(files.newestNs)) {
            const std::string age = formatDuration(ageSeconds(files.newestNs, m_now));
            for (const ListedFile *f : files.files)
                if (!f->vanished)
                    keep(*f, {CompactFile::Why::WithinGrace, age, "written " + age + " ago, within the grace period"});
            return;
        }
        for (const ListedFile *f : files.files) {
            if (f->vanished)
                continue;
            bool remove = false;
            Reason why = whyKept(*f->parsed, m_options, m_mixed, remove);
            if (!why.text.empty())
                keep(*f, std::move(why));
            else if (remove)
                stage(*f, CompactFile::Action::Remove,
                      f->parsed->entries.empty() ? Reason{CompactFile::Why::Empty, {}, "empty: contributes nothing"}
                                                 : Reason{CompactFile::Why::Dropped, {}, "dropped (--drop-dead-all)"});
            else
                foldInto(*f);
        }
    }

    void foldInto(const ListedFile &f)
    {
        const int generation = f.parsed->generation;
        const std::string output = compactedName(f.fileName.type, f.fileName.mode, generation);
        auto it = std::find_if(m_plan.groups.begin(), m_plan.groups.end(),
                               [&](const FoldGroup &g) { return g.output == output; });
        if (it == m_plan.groups.end()) {
            it = m_plan.groups.insert(m_plan.groups.end(), FoldGroup{output, f.fileName.type, f.fileName.mode,
                                                                     generation == 4 ? 16 : 8, {}});
        }
        it->files.push_back(f.parsed.get());
        stage(f, CompactFile::Action::Fold, {CompactFile::Why::Folded, output, "folded into " + output});
    }

    // An earlier folded file is folded in again when its kind has new
    // files; it cannot be when it was not read cleanly (its name would be
    // taken), so then that kind is left alone.
    void addEarlierCompacted(const std::map<std::string, PidFiles> &byPid)
    {
        for (const auto &[pid, files] : byPid) {
            if (!isCompactedIdentifier(pid))
                continue;
            for (const ListedFile *f : files.files) {
                auto it = std::find_if(m_plan.groups.begin(), m_plan.groups.end(),
                                       [&](const FoldGroup &g) { return g.output == f->name; });
                if (it == m_plan.groups.end()) {
                    keep(*f, {CompactFile::Why::NothingNew, {},
                              "compacted contributions; nothing new of this kind to fold in"});
                } else if (!f->parsed || !f->parsed->ok()) {
                    keep(*f, {CompactFile::Why::EarlierUnreadable, {},
                              "earlier compacted file could not be read cleanly: its kind is not compacted"});
                    dropGroup(it);
                } else {
                    // First: its series keep their place from one compaction to the next.
                    it->files.insert(it->files.begin(), f->parsed.get());
                    // Not staged: the new file replaces it by one rename, so
                    // there is no moment without it.
                    m_plan.rows.push_back({f->name, f->fileName.pid, f->bytes, CompactFile::Action::Fold,
                                           "earlier compacted contributions, folded in again",
                                           CompactFile::Why::FoldedAgain, {}});
                }
            }
        }
    }

    void dropGroup(std::vector<FoldGroup>::iterator group)
    {
        for (const ParsedFile *f : group->files) {
            std::erase_if(m_plan.staged, [&](const StagedFile &s) { return s.name == f->name; });
            for (CompactFile &row : m_plan.rows)
                if (row.name == f->name) {
                    row.action = CompactFile::Action::Keep;
                    row.reason = "its kind's earlier compacted file " + group->output + " could not be read";
                    row.why = CompactFile::Why::KindUnreadable;
                    row.detail = group->output;
                }
        }
        m_plan.groups.erase(group);
    }

    const CompactOptions &m_options;
    double m_now;
    std::unordered_set<std::string> m_mixed;
    CompactPlan m_plan;
};

// One folded series: the reference's rule for the kind, applied to the
// dead processes' values in name order.
struct Folded
{
    std::string_view key;
    double value = 0.0;
    double timestamp = 0.0;
    bool seen = false;
    std::size_t firstWin = SIZE_MAX; // mostrecent: the first entry with a timestamp, by position
};

void foldValue(Folded &into, GaugeMode mode, const Entry &e, std::size_t position)
{
    const bool first = !into.seen;
    into.seen = true;
    switch (mode) {
    case GaugeMode::Min:
    case GaugeMode::Max: {
        // NaN only when every value is NaN (see docs/compaction.md: the
        // reference's own answer then depends on the order of the files).
        const bool better = mode == GaugeMode::Min ? e.value < into.value : e.value > into.value;
        if (first || (std::isnan(into.value) && !std::isnan(e.value)) || better)
            into.value = e.value;
        return;
    }
    case GaugeMode::MostRecent:
        if (first)
            into.value = e.value; // kept (not exported) when no timestamp is ever set
        if (e.timestamp > into.timestamp) {
            into.firstWin = std::min(into.firstWin, position);
            into.value = e.value;
            into.timestamp = e.timestamp;
        }
        return;
    default: // counters, histograms, summaries, gauge sum: added
        into.value += e.value;
        return;
    }
}

} // namespace

std::string compactedName(MetricType type, GaugeMode mode, int generation)
{
    std::string pid(kCompactedIdentifier);
    if (generation != 4)
        pid += "-g" + std::to_string(generation);
    return kindPrefix(type, mode) + "_" + pid + ".db";
}

Result<CompactPlan> planCompaction(const std::filesystem::path &dir, const CompactOptions &options, double now)
{
    // Never between another compaction's first and last rename (bounded wait).
    const DirectoryLock lock(dir.string(), DirectoryLock::Mode::Shared, kReaderLockWait);
    auto listed = listWithStat(dir);
    if (!listed)
        return listed.error();
    return Planner(std::move(*listed), options, now).run();
}

std::string foldGroup(const FoldGroup &group, const std::set<std::string> &left, std::size_t *entries)
{
    std::vector<Folded> folded;
    std::unordered_map<std::string_view, std::size_t> slotOf;
    std::size_t position = 0;
    for (const ParsedFile *f : group.files) {
        if (left.contains(f->name))
            continue;
        for (const Entry &e : f->entries) {
            const std::string_view key = e.rawKey();
            const auto [it, added] = slotOf.try_emplace(key, folded.size());
            if (added)
                folded.push_back({key});
            foldValue(folded[it->second], group.mode, e, position++);
        }
    }
    // The reference places a mostrecent series where a timestamp first
    // wins, not where its key is first seen.
    if (group.mode == GaugeMode::MostRecent)
        std::stable_sort(folded.begin(), folded.end(), [](const Folded &a, const Folded &b) { return a.firstWin < b.firstWin; });
    if (entries)
        *entries = folded.size();
    if (folded.empty())
        return {};
    std::vector<ImageEntry> image;
    image.reserve(folded.size());
    for (const Folded &s : folded)
        image.push_back({s.key, s.value, s.timestamp});
    return encodeDbImage(image, group.stride);
}

} // namespace promdir::detail
