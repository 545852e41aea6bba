// The decompressing chain over an archive file and the feed of its tar data
// to libarchive. Boost decompresses rather than libarchive because it checks
// every stream's checksum at its end (libarchive's gzip reader does not),
// and a damaged block can decode into plausible member contents.
#include "archive/tarfeed_p.h"

#include <boost/iostreams/categories.hpp>
#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filter/zstd.hpp>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <unistd.h>

namespace promdir::detail {

std::streamsize CountingSource::read(char *buf, std::streamsize n)
{
    if (m_s->cancel && m_s->cancel->load(std::memory_order_relaxed))
        throw Cancelled{};
    ssize_t r;
    do {
        r = ::read(m_s->fd, buf, static_cast<std::size_t>(n));
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        throw std::runtime_error(std::string("read error: ") + std::strerror(errno));
    if (r == 0)
        return -1;
    m_s->read += static_cast<std::uint64_t>(r);
    if (m_s->progress && m_s->read - m_s->reported >= (256 << 10)) {
        m_s->reported = m_s->read;
        m_s->progress(m_s->read, m_s->total);
    }
    return r;
}

void pushDecompressor(io::filtering_streambuf<io::input> &chain, Compression compression,
                      std::shared_ptr<SourceState> source)
{
    switch (compression) {
    case Compression::Gzip: chain.push(io::gzip_decompressor()); break;
    case Compression::Bzip2: chain.push(io::bzip2_decompressor()); break;
    case Compression::Xz: chain.push(io::lzma_decompressor()); break;
    case Compression::Zstd: chain.push(io::zstd_decompressor()); break;
    case Compression::None: break;
    }
    chain.push(CountingSource(std::move(source)), 64 * 1024);
}

namespace {

// Boost's exceptions in words, and whether the data just ended early.
Phrase describeFailure(Compression c, const std::exception &e, bool &truncated)
{
    truncated = false;
    const std::string what(toString(c));
    if (const auto *g = dynamic_cast<const io::gzip_error *>(&e)) {
        if ((g->error() == io::gzip::zlib_error && g->zlib_error_code() == io::zlib::buf_error)
            || g->error() == io::gzip::bad_footer) {
            truncated = true;
            return Phrase(ProblemCode::DataEndsEarly, {what});
        }
        if (g->error() == io::gzip::bad_crc || g->error() == io::gzip::bad_length)
            return Phrase(ProblemCode::DataChecksumMismatch, {what});
        if (g->error() == io::gzip::bad_header)
            return Phrase(ProblemCode::DataBadHeader, {what});
        return Phrase(ProblemCode::DataCorrupt, {what, "zlib", g->zlib_error_code()});
    }
    if (const auto *b = dynamic_cast<const io::bzip2_error *>(&e)) {
        if (b->error() == io::bzip2::unexpected_eof) {
            truncated = true;
            return Phrase(ProblemCode::DataEndsEarly, {what});
        }
        return Phrase(ProblemCode::DataCorrupt, {what, "bzip2", b->error()});
    }
    if (const auto *x = dynamic_cast<const io::lzma_error *>(&e)) {
        if (x->error() == io::lzma::buf_error) {
            truncated = true;
            return Phrase(ProblemCode::DataEndsEarly, {what});
        }
        return Phrase(ProblemCode::DataCorrupt, {what, "lzma", x->error()});
    }
    if (const auto *z = dynamic_cast<const io::zstd_error *>(&e))
        return Phrase(ProblemCode::DataCorrupt, {what, "zstd", z->error()});
    return Phrase(ProblemCode::DataUnreadable, {what, e.what()});
}

} // namespace

std::size_t TarFeed::pull(char *buf, std::size_t n)
{
    if (stop != Stop::None || atEnd)
        return 0;
    std::size_t got = 0;
    try {
        // In small steps, so that what decoded before a failure is
        // still read (the failure stops the next pull).
        while (got < n) {
            const auto want = static_cast<std::streamsize>(std::min<std::size_t>(n - got, 4096));
            const std::streamsize k = chain->sgetn(buf + got, want);
            if (k <= 0) {
                atEnd = true;
                break;
            }
            got += static_cast<std::size_t>(k);
        }
    } catch (const Cancelled &) {
        stop = Stop::Cancelled;
    } catch (const std::exception &e) {
        stop = Stop::Failed;
        failure = describeFailure(compression, e, failureIsTruncation);
    } catch (...) {
        stop = Stop::Failed;
        failure = ProblemCode::ArchiveNotDecompressed;
    }
    bytes += got;
    if (!charge(0))
        return 0;
    return got;
}

la_ssize_t feedTar(struct archive *a, void *data, const void **out)
{
    auto *feed = static_cast<TarFeed *>(data);
    const std::size_t n = feed->pull(feed->buffer.data(), feed->buffer.size());
    if (n == 0 && feed->stop != TarFeed::Stop::None) {
        archive_set_error(a, EIO, "reading the archive stopped");
        return ARCHIVE_FATAL;
    }
    *out = feed->buffer.data();
    return static_cast<la_ssize_t>(n);
}

} // namespace promdir::detail
