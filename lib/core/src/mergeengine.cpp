#include "promdir/mergeengine.h"

#include "directory_p.h"

#include <unordered_map>

namespace promdir {

struct MergeEngine::Cache
{
    KeyInterner interner;
    std::unordered_map<std::string, std::shared_ptr<const ParsedFile>> files; // by path
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

    const auto t0 = Clock::now();
    LoadOptions load = m_options.load;
    load.read.interner = &m_cache->interner;
    std::size_t reused = 0;
    std::error_code ec;
    if (std::filesystem::is_directory(m_path, ec)) {
        result->load = loadDirectoryWith(m_path, load, [&](const std::filesystem::path &p) {
            auto it = m_cache->files.find(p.string());
            return it == m_cache->files.end() ? nullptr : it->second;
        });
        std::unordered_map<std::string, std::shared_ptr<const ParsedFile>> next;
        for (const auto &f : result->load.files) {
            auto it = m_cache->files.find(f->path);
            if (it != m_cache->files.end() && it->second == f)
                ++reused;
            next.emplace(f->path, f);
        }
        m_cache->files = std::move(next);
    } else {
        // Archives and other sources do not change under us: load once.
        if (!m_last || !m_last->load.ok)
            result->load = loadPath(m_path, load);
        else
            result->load = m_last->load;
    }
    const auto t1 = Clock::now();
    result->families = merge(result->load.files, m_options.merge);
    const auto t2 = Clock::now();

    result->stats.filesListed = result->load.files.size();
    result->stats.filesReused = reused;
    result->stats.filesRead = result->load.files.size() - reused;
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
