#include "promdir/mergeengine.h"

#include "directory_p.h"
#include "merge_p.h"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <unordered_map>

namespace promdir {

namespace {

// A process whose files can no longer change: a local pid that no longer
// exists. Anything we cannot tell counts as running.
bool processGone(const std::string &pid)
{
    long n = 0;
    const auto [p, ec] = std::from_chars(pid.data(), pid.data() + pid.size(), n);
    if (ec != std::errc() || p != pid.data() + pid.size() || n <= 0 || n > 0x3fffffff)
        return false;
    return ::kill(static_cast<pid_t>(n), 0) != 0 && errno == ESRCH;
}

} // namespace

struct MergeEngine::Cache
{
    KeyInterner interner;
    std::unordered_map<std::string, std::shared_ptr<const ParsedFile>> files; // by path

    // The compiled merge, the files it was made from, and the state after
    // running the leading files that are frozen (the pre-merged base).
    std::shared_ptr<const detail::MergePlan> plan;
    FileList planFiles;
    detail::MergeState base;
    std::size_t baseEnd = 0;
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
    std::unordered_map<std::string, bool> gone; // pid -> process gone
    if (isDirectory) {
        result->load = loadDirectoryWith(m_path, load, [&](const std::filesystem::path &p) {
            PreviousFile prev;
            auto it = c.files.find(p.string());
            if (it == c.files.end())
                return prev;
            prev.file = it->second;
            if (m_options.trustDeadProcesses && prev.file->fileName.valid) {
                auto [g, inserted] = gone.try_emplace(prev.file->fileName.pid, false);
                if (inserted)
                    g->second = processGone(prev.file->fileName.pid);
                prev.frozen = g->second;
            }
            return prev;
        });
    } else if (m_last && m_last->load.ok) {
        // Archives do not change under us: load once.
        result->load = m_last->load;
    } else {
        result->load = loadPath(m_path, load);
    }
    const FileList &files = result->load.files;

    // Which files are as before, and which of those cannot change.
    std::vector<bool> frozen(files.size(), false);
    std::size_t reused = 0;
    std::unordered_map<std::string, std::shared_ptr<const ParsedFile>> next;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto &f = files[i];
        auto it = c.files.find(f->path);
        const bool same = it != c.files.end() && it->second == f;
        reused += same;
        if (!isDirectory)
            frozen[i] = true;
        else if (same && f->fileName.valid) {
            auto g = gone.find(f->fileName.pid);
            frozen[i] = g != gone.end() && g->second;
        }
        next.emplace(f->path, f);
    }
    c.files = std::move(next);
    const auto t1 = Clock::now();

    // The structure: reuse the plan when every file has the same keys.
    const bool planReused = c.plan && detail::sameStructure(c.planFiles, files);
    std::size_t firstChanged = 0;
    if (planReused) {
        while (firstChanged < files.size() && files[firstChanged] == c.planFiles[firstChanged])
            ++firstChanged;
    } else {
        c.plan = std::make_shared<const detail::MergePlan>(detail::compilePlan(files, m_options.merge));
        c.baseEnd = 0;
        c.base = detail::initialState(*c.plan);
    }
    // The base: leading files that cannot change, merged once. It stays valid
    // while none of them changed.
    if (!planReused || firstChanged < c.baseEnd) {
        std::size_t end = 0;
        while (end < files.size() && frozen[end])
            ++end;
        c.base = detail::initialState(*c.plan);
        detail::execute(*c.plan, files, 0, end, c.base);
        c.baseEnd = end;
    } else {
        // Files after the base may have become frozen: grow the base.
        std::size_t end = c.baseEnd;
        while (end < files.size() && frozen[end] && files[end] == c.planFiles[end])
            ++end;
        if (end > c.baseEnd) {
            detail::execute(*c.plan, files, c.baseEnd, end, c.base);
            c.baseEnd = end;
        }
    }
    c.planFiles = files;
    detail::MergeState state = c.base;
    detail::execute(*c.plan, files, c.baseEnd, files.size(), state);
    result->families = detail::build(*c.plan, state);
    const auto t2 = Clock::now();

    std::size_t frozenCount = 0;
    for (bool f : frozen)
        frozenCount += f;
    result->stats.filesListed = files.size();
    result->stats.filesReused = reused;
    result->stats.filesRead = files.size() - reused;
    result->stats.filesFrozen = frozenCount;
    result->stats.filesFolded = c.baseEnd;
    result->stats.planReused = planReused;
    result->stats.loadTime = std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0);
    result->stats.mergeTime = std::chrono::duration_cast<std::chrono::microseconds>(t2 - t1);
    m_last = result;
    return result;
}

std::shared_ptr<const MergeResult> MergeEngine::last() const
{
    std::lock_guard lock(m_mutex);
    return m_last;
}

} // namespace promdir
