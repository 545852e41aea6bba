#pragma once
// Internal: where each key is first seen outside gauge files, noted while
// a directory loads, so that compiling the merge need not look at every
// entry of every file (merge/plan_p.h, compilePlanFromSightings).

#include "promdir/merge/merge.h"
#include "read/reader_p.h"

#include <algorithm>
#include <atomic>
#include <memory>

namespace promdir::detail {

// Where a key was first seen outside gauge files (there, every entry of a
// key gets the same instruction).
struct FirstSighting
{
    const ParsedFile *file;
    std::uint32_t entry;
};

// Where each key was first seen outside gauge files, noted by the loading
// threads as files come in: per key id, the smallest (place in the listing,
// entry) so far, lowered with compare-and-swap. Files mostly come in
// listing order, so after the first few a note is one read that changes
// nothing. Cells are made in chunks as ids grow.
class SightingTable
{
public:
    explicit SightingTable(const KeyStore *store) : m_store(store), m_chunks(new std::atomic<Cell *>[kChunks]()) {}
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
        if (ReaderAccess::keyStore(f) != m_store) {
            m_failed.store(true, std::memory_order_relaxed);
            return;
        }
        for (std::size_t j = 0; j < f.entries.size(); ++j) {
            const std::uint32_t id = keyIdOf(f.entries[j]);
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
    std::vector<FirstSighting> sorted(const FileList &loaded) const
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
        std::vector<FirstSighting> out;
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

    const KeyStore *m_store;
    std::unique_ptr<std::atomic<Cell *>[]> m_chunks;
    std::atomic<bool> m_failed{false};
};

} // namespace promdir::detail
