#pragma once
// Internal: listing a metrics directory (read/listing.cpp), and handing the
// names to a reading thread while the listing goes on.

#include "promdir/format/types.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

namespace promdir::detail {

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

// Paths of *.db files as the listing finds them, for a thread that reads
// those files meanwhile: listing a big directory takes a tenth of its load,
// with the other core idle. A fixed number of places, so that nothing moves
// under the reader; later names are only in the listing's own list.
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

// What the reference's glob("*.db") would see, plus what it would not.
// Plain readdir and strings: a listing of thousands of files is on the path
// of every cold scrape. Each *.db name also goes to `arriving`, when given.
Listing listDirectory(const std::filesystem::path &dirPath, ArrivingNames *arriving = nullptr);

} // namespace promdir::detail
