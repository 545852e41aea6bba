#pragma once
// Internal: the tar data of an archive, decompressed (archive/archive.cpp):
// the archive file, counted as the decompressor consumes it; a
// Boost.Iostreams chain that decompresses it; and the feed that hands the
// tar data to libarchive, counted against the limit together with sparse
// members' holes.

#include "promdir/archive/archive.h"

#include <archive.h>

#include <boost/iostreams/filtering_streambuf.hpp>

#include <atomic>
#include <memory>

#include <unistd.h>

namespace promdir::detail {

namespace io = boost::iostreams;

// Thrown through the chain to stop it when loading is cancelled.
struct Cancelled
{
};

// The compressed file, counting what the decompressor consumed.
struct SourceState
{
    int fd = -1;
    std::uint64_t read = 0;
    std::uint64_t total = 0;
    std::uint64_t reported = 0;
    LoadProgress progress;
    const std::atomic<bool> *cancel = nullptr;
    ~SourceState()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

class CountingSource
{
public:
    typedef char char_type;
    typedef io::source_tag category;
    explicit CountingSource(std::shared_ptr<SourceState> s) : m_s(std::move(s)) {}

    std::streamsize read(char *buf, std::streamsize n);

private:
    std::shared_ptr<SourceState> m_s;
};

// Decompresses `compression` from `source`, for the chain's reader.
void pushDecompressor(io::filtering_streambuf<io::input> &chain, Compression compression,
                      std::shared_ptr<SourceState> source);

// The tar data handed to libarchive: decompressed, and counted against the
// total limit together with the holes of sparse members (they cost as much
// to expand as stored zeros). Nothing may be thrown through libarchive's C
// code, so why reading stopped is kept here; libarchive only learns that it
// did.
struct TarFeed
{
    enum class Stop { None, Limit, Cancelled, Failed };

    io::filtering_streambuf<io::input> *chain = nullptr;
    Compression compression = Compression::None;
    std::uint64_t limit = 0;
    std::uint64_t bytes = 0; // decompressed tar data pulled so far
    std::uint64_t holes = 0; // sparse holes charged so far
    bool atEnd = false;      // the decompressed data ended normally
    Stop stop = Stop::None;
    Phrase failure; // Failed: why
    bool failureIsTruncation = false;
    std::vector<char> buffer = std::vector<char>(64 * 1024);

    // False when this makes the archive too big (stop is then Limit).
    bool charge(std::uint64_t holeBytes)
    {
        // Saturating: a member may claim nearly 2^63 bytes of holes.
        holes = holeBytes > UINT64_MAX - holes ? UINT64_MAX : holes + holeBytes;
        if ((holes > UINT64_MAX - bytes || bytes + holes > limit) && stop == Stop::None)
            stop = Stop::Limit;
        return stop == Stop::None;
    }

    // Up to n decompressed bytes; 0 at the end or once stopped.
    std::size_t pull(char *buf, std::size_t n);
};

// libarchive's read callback over a TarFeed.
la_ssize_t feedTar(struct archive *a, void *data, const void **out);

struct ArchiveFree
{
    void operator()(struct archive *a) const { archive_read_free(a); }
};

} // namespace promdir::detail
