// compactDirectory and recoverCompaction: the steps of compact.h, each
// leaving a directory that merges as before, or that the next run brings
// back to one (docs/compaction.md, "A crash at any step").
#include "compact/folder_p.h"

#include "promdir/format/filename.h"
#include "read/directorylock_p.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace promdir {

std::string_view nameOf(CompactErrorCode code) noexcept
{
    switch (code) {
    case CompactErrorCode::CannotOpenDirectory: return "CannotOpenDirectory";
    case CompactErrorCode::Busy: return "Busy";
    case CompactErrorCode::PidsNotVisible: return "PidsNotVisible";
    case CompactErrorCode::ReadersHold: return "ReadersHold";
    case CompactErrorCode::WriteFailed: return "WriteFailed";
    case CompactErrorCode::StagingFailed: return "StagingFailed";
    case CompactErrorCode::RecoveryFailed: return "RecoveryFailed";
    }
    return "Unknown";
}

std::string_view toString(CompactFile::Action action)
{
    switch (action) {
    case CompactFile::Action::Fold: return "fold";
    case CompactFile::Action::Remove: return "remove";
    case CompactFile::Action::Keep: return "keep";
    }
    return "keep";
}

namespace detail {
namespace {

using Lock = DirectoryLock;

Error readersHold(const std::string &dir)
{
    return Error{CompactErrorCode::ReadersHold,
                 dir + ": promdir readers kept the directory locked; nothing was changed, try again"};
}

// With the commit mark written: the folded files in, the staged files
// deleted, the mark removed. `hooks` null: recovering (no step hooks).
Result<void> finishSwap(CompactionFolders &f, const CompactOptions *hooks, Lock &exclusive)
{
    const auto fresh = namesIn(f.fresh);
    for (std::size_t i = 0; i < fresh.size(); ++i) {
        if (::renameat(f.fresh, fresh[i].c_str(), f.dir, fresh[i].c_str()) != 0)
            return Error{CompactErrorCode::RecoveryFailed,
                         f.path + "/" + fresh[i] + ": cannot move the folded file in: " + std::strerror(errno)
                             + "; run `promdir compact --recover` again"};
        if (hooks && i == 0)
            reachedStep(*hooks, 6);
    }
    syncFolder(f.dir);
    if (hooks)
        reachedStep(*hooks, 7);
    exclusive.release();
    const auto staged = namesIn(f.staged);
    for (std::size_t i = 0; i < staged.size(); ++i) {
        ::unlinkat(f.staged, staged[i].c_str(), 0);
        if (hooks && i == staged.size() / 2)
            reachedStep(*hooks, 8);
    }
    syncFolder(f.staged);
    ::unlinkat(f.folder, kCommitMark, 0);
    syncFolder(f.folder);
    return {};
}

Result<void> writeCommitMark(CompactionFolders &f)
{
    if (!syncFolder(f.staged) || !syncFolder(f.fresh) || !syncFolder(f.dir))
        return Error{CompactErrorCode::WriteFailed, f.path + ": cannot sync the directory: " + std::strerror(errno)};
    auto r = writeFileAt(f.folder, kCommitMark, "promdir compaction committed\n", f.path + "/" + std::string(kCompactionFolder) + "/" + kCommitMark);
    if (r && !syncFolder(f.folder))
        return Error{CompactErrorCode::WriteFailed, f.path + ": cannot sync the commit mark"};
    return r;
}

// Staged files whose names a new process took meanwhile (a reused pid)
// cannot go back: folded into their kind's compacted file instead (their
// writer is gone; the new process has a file of its own).
Result<void> foldConflicts(CompactionFolders &f, const std::vector<std::string> &conflicts, Lock &exclusive)
{
    const std::string stagedPath = f.path + "/" + std::string(kCompactionFolder) + "/" + kStagedFolder + "/";
    std::vector<std::unique_ptr<ParsedFile>> read;
    const auto readAt = [&](const std::string &path) -> Result<const ParsedFile *> {
        auto file = std::make_unique<ParsedFile>(readFile(path));
        if (!file->ok() || !file->fileName.valid)
            return Error{CompactErrorCode::RecoveryFailed, path + ": cannot be read, so a staged file whose name a new "
                                                           "process took cannot be folded; left where it is"};
        read.push_back(std::move(file));
        return read.back().get();
    };
    std::map<std::string, FoldGroup> groups;
    for (const std::string &name : conflicts) {
        if (parseFileName(name).mode == GaugeMode::All) {
            ::unlinkat(f.staged, name.c_str(), 0); // dropped (--drop-dead-all), as asked
            continue;
        }
        const auto file = readAt(stagedPath + name);
        if (!file)
            return file.error();
        const FileName &fn = (*file)->fileName;
        const int generation = (*file)->generation ? (*file)->generation : 4;
        const std::string out = compactedName(fn.type, fn.mode, generation);
        const auto [it, added] = groups.try_emplace(out, FoldGroup{out, fn.type, fn.mode, generation == 4 ? 16 : 8, {}});
        // The kind's earlier compacted file joins the fold (and is replaced).
        struct stat st{};
        if (added && ::fstatat(f.dir, out.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
            const auto earlier = readAt(f.path + "/" + out);
            if (!earlier)
                return earlier.error();
            it->second.files.push_back(*earlier);
        }
        it->second.files.push_back(*file);
    }
    for (auto &[out, group] : groups) {
        // The earlier compacted file first, as compaction always folds.
        std::stable_sort(group.files.begin(), group.files.end(), [](auto *a, auto *b) {
            return isCompactedIdentifier(a->fileName.pid) > isCompactedIdentifier(b->fileName.pid)
                   || (isCompactedIdentifier(a->fileName.pid) == isCompactedIdentifier(b->fileName.pid) && a->name < b->name);
        });
        if (auto r = writeFileAt(f.fresh, out, foldGroup(group, {}, nullptr), f.path + "/" + out); !r)
            return r;
    }
    if (auto r = writeCommitMark(f); !r)
        return r;
    return finishSwap(f, nullptr, exclusive);
}

} // namespace

Result<std::string> recoverIn(CompactionFolders &f, const CompactOptions &options)
{
    struct stat st{};
    const bool committed = ::fstatat(f.folder, kCommitMark, &st, AT_SYMLINK_NOFOLLOW) == 0;
    const auto staged = namesIn(f.staged), fresh = namesIn(f.fresh);
    if (!committed && staged.empty() && fresh.empty())
        return std::string();
    Lock exclusive(f.path, Lock::Mode::Exclusive, options.lockWait);
    if (!exclusive.held())
        return readersHold(f.path);
    if (committed) {
        if (auto r = finishSwap(f, nullptr, exclusive); !r)
            return r.error();
        return "an interrupted compaction had committed: finished it (" + std::to_string(fresh.size())
               + " folded files moved in, " + std::to_string(staged.size()) + " staged files deleted)";
    }
    for (const std::string &name : fresh)
        ::unlinkat(f.fresh, name.c_str(), 0);
    std::vector<std::string> conflicts;
    for (const std::string &name : staged)
        if (!moveNoReplace(f.staged, name, f.dir))
            conflicts.push_back(name);
    syncFolder(f.dir);
    if (!conflicts.empty())
        if (auto r = foldConflicts(f, conflicts, exclusive); !r)
            return r.error();
    return "an interrupted compaction had not committed: undone (" + std::to_string(staged.size() - conflicts.size())
           + " files put back" + (conflicts.empty() ? "" : ", " + std::to_string(conflicts.size()) + " whose names a new process had taken folded in")
           + ")";
}

} // namespace detail

Result<std::string> recoverCompaction(const std::filesystem::path &dir, const CompactOptions &options)
{
    detail::CompactionFolders f;
    if (auto r = detail::openCompactionFolders(dir, f); !r)
        return r.error();
    return detail::recoverIn(f, options);
}

} // namespace promdir

namespace promdir::detail {
namespace {

std::int64_t mtimeNsOf(const struct stat &st)
{
    return std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// One compaction, in the steps of compact.h.
class CompactionRun
{
public:
    CompactionRun(CompactionFolders &f, const CompactOptions &options, CompactPlan plan, CompactReport &report)
        : m_f(f), m_options(options), m_plan(std::move(plan)), m_report(report)
    {
    }

    // Step 1: every folded file written, synced, in the compaction folder.
    Result<void> writeFolded()
    {
        for (const FoldGroup &g : m_plan.groups) {
            std::size_t entries = 0;
            const std::string bytes = foldGroup(g, m_left, &entries);
            if (bytes.empty() && entries > 0)
                return Error{CompactErrorCode::WriteFailed, m_f.path + "/" + g.output + ": more than 2 GiB of entries"};
            auto r = bytes.empty() ? Result<void>() : writeFileAt(m_f.fresh, g.output, bytes, m_f.path + "/" + g.output);
            if (!r) {
                discardFolded();
                return Error{r.error().code, r.error().message + "; nothing was removed"};
            }
            if (bytes.empty())
                ::unlinkat(m_f.fresh, g.output.c_str(), 0);
        }
        if (!syncFolder(m_f.fresh)) {
            discardFolded();
            return Error{CompactErrorCode::WriteFailed, m_f.path + ": cannot sync the folded files; nothing was removed"};
        }
        return {};
    }

    void discardFolded()
    {
        for (const std::string &name : namesIn(m_f.fresh))
            ::unlinkat(m_f.fresh, name.c_str(), 0);
    }

    // Steps 2-3: the chosen files moved out of every reader's sight.
    Result<void> stage()
    {
        for (std::size_t i = 0; i < m_plan.staged.size(); ++i) {
            const std::string &name = m_plan.staged[i].name;
            if (::renameat(m_f.dir, name.c_str(), m_f.staged, name.c_str()) == 0) {
                m_moved.push_back(i);
            } else if (errno == ENOENT) {
                m_left.insert(name); // gone meanwhile (the directory wiped?): nothing of it to fold
            } else {
                const int err = errno;
                putBack(m_moved);
                discardFolded();
                return Error{CompactErrorCode::StagingFailed,
                             m_f.path + "/" + name + ": cannot move it aside: " + std::strerror(err) + "; everything was put back"};
            }
            if (i == 0)
                reachedStep(m_options, 2);
        }
        reachedStep(m_options, 3);
        return {};
    }

    // Step 4: a pid running again (reused), a file a writer locks or that
    // changed since it was read: that pid's files go back. The folded files
    // are made again when anything is not folded after all (also a file
    // that vanished before it could be staged: its values must not return).
    Result<void> recheck()
    {
        std::set<std::string> back;
        std::map<std::string, Liveness> states;
        for (std::size_t i : m_moved) {
            const StagedFile &s = m_plan.staged[i];
            struct stat st{};
            const bool changed = ::fstatat(m_f.staged, s.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0
                                 || std::uint64_t(st.st_ino) != s.stamp.inode || std::uint64_t(st.st_size) != s.stamp.size
                                 || mtimeNsOf(st) != s.stamp.mtimeNs;
            if (changed || lockedByWriter(m_f.staged, s.name) || runsAgain(s.pid, states))
                back.insert(s.pid);
        }
        if (back.empty() && m_left.empty())
            return {};
        std::vector<std::size_t> again;
        for (std::size_t i : m_moved)
            if (back.contains(m_plan.staged[i].pid))
                again.push_back(i);
        putBack(again);
        for (const std::string &pid : back)
            m_report.putBack.push_back(pid);
        discardFolded();
        return writeFolded();
    }

    void putBack(const std::vector<std::size_t> &which)
    {
        for (std::size_t i : which) {
            const std::string &name = m_plan.staged[i].name;
            // A name taken meanwhile is a new process's own new file: the
            // staged one, which it never opened, stays folded.
            // One that cannot be moved back for another reason stays staged
            // and folded rather than be lost; the next run would put it back
            // if this one stopped.
            if (moveNoReplace(m_f.staged, name, m_f.dir))
                m_left.insert(name);
        }
        syncFolder(m_f.dir);
    }

    // Steps 5-8.
    Result<void> commit(Lock &exclusive)
    {
        reachedStep(m_options, 4);
        if (auto r = writeCommitMark(m_f); !r) {
            abandon();
            return Error{r.error().code, r.error().message + "; everything was put back"};
        }
        reachedStep(m_options, 5);
        return finishSwap(m_f, &m_options, exclusive);
    }

    // Everything moved goes back; nothing is folded.
    void abandon()
    {
        putBack(m_moved);
        discardFolded();
    }

    const std::set<std::string> &left() const { return m_left; }
    const CompactPlan &plan() const { return m_plan; }

private:
    bool runsAgain(const std::string &pid, std::map<std::string, Liveness> &states) const
    {
        if (m_options.assumeDeadWhenUnchanged || isCompactedIdentifier(pid))
            return false;
        const auto [it, added] = states.try_emplace(pid, Liveness::Unknown);
        if (added)
            it->second = m_options.liveness ? m_options.liveness(pid) : localLiveness(pid);
        return it->second != Liveness::Dead;
    }

    CompactionFolders &m_f;
    const CompactOptions &m_options;
    CompactPlan m_plan;
    CompactReport &m_report;
    std::vector<std::size_t> m_moved; // indexes into m_plan.staged
    std::set<std::string> m_left;     // names not folded after all
};

double nowSeconds(const CompactOptions &options)
{
    if (options.now)
        return *options.now;
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The report before anything is done: rows, folded files' sizes, totals.
CompactReport describePlan(const std::string &dir, const CompactPlan &plan, bool dryRun)
{
    CompactReport report;
    report.dryRun = dryRun;
    report.directory = dir;
    report.files = plan.rows;
    report.filesBefore = plan.filesBefore;
    report.bytesBefore = plan.bytesBefore;
    report.filesAfter = report.filesBefore;
    report.bytesAfter = report.bytesBefore;
    for (const CompactFile &row : plan.rows)
        if (row.action != CompactFile::Action::Keep) {
            --report.filesAfter;
            report.bytesAfter -= row.bytes;
        }
    for (const FoldGroup &g : plan.groups) {
        CompactOutput out{g.output, 0, 0, g.files.size()};
        out.bytes = foldGroup(g, {}, &out.entries).size();
        if (out.bytes > 0) {
            ++report.filesAfter;
            report.bytesAfter += out.bytes;
        }
        report.outputs.push_back(out);
    }
    return report;
}

Error notVisible(const std::filesystem::path &dir, const std::string &refusal)
{
    return Error{CompactErrorCode::PidsNotVisible,
                 dir.string() + ": " + refusal + "; nothing was changed"};
}

// What was done differs from the plan where files were put back.
void settleReport(CompactReport &report, const CompactionRun &run)
{
    for (CompactFile &row : report.files)
        if (row.action != CompactFile::Action::Keep && run.left().contains(row.name)) {
            row.action = CompactFile::Action::Keep;
            row.reason = "put back: its pid runs again, or the file changed or is locked by a writer";
            row.why = CompactFile::Why::PutBack;
            row.detail.clear();
            ++report.filesAfter;
            report.bytesAfter += row.bytes;
        }
    for (CompactOutput &out : report.outputs) {
        const auto g = std::find_if(run.plan().groups.begin(), run.plan().groups.end(),
                                    [&](const FoldGroup &x) { return x.output == out.name; });
        const std::uint64_t planned = out.bytes;
        out.bytes = foldGroup(*g, run.left(), &out.entries).size();
        report.bytesAfter = report.bytesAfter - planned + out.bytes;
        if ((planned > 0) != (out.bytes > 0))
            report.filesAfter = report.filesAfter + (out.bytes > 0) - (planned > 0);
    }
}

} // namespace
} // namespace promdir::detail

namespace promdir {

namespace {

// The same report, with the directory left exactly as it is: no folder made,
// no interrupted compaction recovered (only said).
Result<CompactReport> dryRun(const std::filesystem::path &dir, const CompactOptions &options)
{
    const auto plan = detail::planCompaction(dir, options, detail::nowSeconds(options));
    if (!plan)
        return plan.error();
    if (!plan->refusal.empty())
        return detail::notVisible(dir, plan->refusal);
    CompactReport report = detail::describePlan(dir.string(), *plan, true);
    const std::filesystem::path folder = dir / std::string(kCompactionFolder);
    std::error_code ec;
    for (const char *sub : {detail::kStagedFolder, detail::kNewFolder})
        if (std::filesystem::is_directory(folder / sub, ec) && !std::filesystem::is_empty(folder / sub, ec))
            report.recovered = "an interrupted compaction left files in " + folder.string()
                               + ": the next run (or --recover) finishes or undoes it first";
    return report;
}

} // namespace

Result<CompactReport> compactDirectory(const std::filesystem::path &dir, const CompactOptions &options)
{
    if (options.dryRun)
        return dryRun(dir, options);
    detail::CompactionFolders f;
    if (auto r = detail::openCompactionFolders(dir, f); !r)
        return r.error();
    auto recovered = detail::recoverIn(f, options);
    if (!recovered)
        return recovered.error();
    auto plan = detail::planCompaction(dir, options, detail::nowSeconds(options));
    if (!plan)
        return plan.error();
    if (!plan->refusal.empty())
        return detail::notVisible(dir, plan->refusal);
    CompactReport report = detail::describePlan(dir.string(), *plan, false);
    report.recovered = std::move(*recovered);
    if (plan->staged.empty())
        return report;

    detail::CompactionRun run(f, options, std::move(*plan), report);
    if (auto r = run.writeFolded(); !r)
        return r.error();
    detail::reachedStep(options, 1);
    detail::DirectoryLock exclusive(f.path, detail::DirectoryLock::Mode::Exclusive, options.lockWait);
    if (!exclusive.held()) {
        run.discardFolded();
        return detail::readersHold(f.path);
    }
    if (auto r = run.stage(); !r)
        return r.error();
    if (auto r = run.recheck(); !r) {
        run.abandon();
        return Error{r.error().code, r.error().message + "; everything was put back"};
    }
    if (auto r = run.commit(exclusive); !r)
        return r.error();
    detail::settleReport(report, run);
    return report;
}

} // namespace promdir
