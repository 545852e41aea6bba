#pragma once
// Internal: a tar reader of our own (ustar, GNU long names and old sparse
// files, pax extended headers with GNU sparse 0.0/0.1/1.0) over any byte
// source, and a small ustar/pax writer for `promdir pack`.
//
// The reader never trusts the archive: sizes are checked against limits by
// the caller before data is buffered, metadata records (long names, pax
// headers) are capped, and every failure is a value (Status::Error and a
// message), never an exception. Exceptions thrown by the source (a
// decompressor reporting corrupt data) pass through to the caller.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace promdir::tar {

enum class Kind { Regular, Directory, HardLink, SymLink, CharDevice, BlockDevice, Fifo, Other };

std::string_view toString(Kind kind);

struct Member
{
    std::string name;       // raw bytes as stored (after long-name/pax records)
    std::string linkName;
    Kind kind = Kind::Regular;
    char typeflag = '0';
    std::uint64_t size = 0;  // logical size (for sparse files: the real size)
    std::int64_t mtimeNs = 0;
    bool sparse = false;
};

// Reads up to n bytes; fewer only at the end of the input. May throw.
using ReadFn = std::function<std::size_t(char *, std::size_t)>;

class Reader
{
public:
    enum class Status { Member, End, Error };

    explicit Reader(ReadFn read, std::uint64_t maxMetadataBytes = 1 << 20);

    // The next member. End: the end-of-archive marker (or nothing at all).
    // Error: see error(); the archive cannot be read further.
    Status next(Member &member);
    // Data of the current member, in order; returns 0 at its end. For
    // sparse members the holes are returned as zeros. A short read before
    // the member's end sets error() and returns what there was.
    std::size_t read(char *buf, std::size_t n);
    // Skips the rest of the current member's data. False on a short input.
    bool skip();

    // Bytes of the tar stream consumed so far.
    std::uint64_t position() const { return m_pos; }
    // How far into the current member's logical data.
    std::uint64_t memberOffset() const { return m_logicalPos; }
    const std::string &error() const { return m_error; }
    // The input ended without an end-of-archive marker at a block boundary.
    bool endedWithoutMarker() const { return m_noMarker; }

private:
    bool readExact(char *buf, std::size_t n);
    bool readBlock(char *block);
    bool readPayload(std::uint64_t size, std::string &out); // padded record data
    bool skipStored(std::uint64_t n);
    bool finishMember();
    std::size_t readStored(char *buf, std::size_t n);

    ReadFn m_read;
    std::uint64_t m_maxMeta;
    std::uint64_t m_pos = 0;
    std::string m_error;
    bool m_noMarker = false;

    // Current member's data.
    std::uint64_t m_storedLeft = 0;   // stored bytes not yet consumed
    std::uint64_t m_padding = 0;      // after the stored data
    std::uint64_t m_logicalPos = 0;
    std::uint64_t m_logicalSize = 0;
    bool m_sparse = false;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> m_map; // offset, length
    std::size_t m_chunk = 0;

    // pax 'g' records apply to every later member.
    std::vector<std::pair<std::string, std::string>> m_global;
};

// Writes a tar stream (ustar; pax 'x' records for long names).
class Writer
{
public:
    using WriteFn = std::function<void(const char *, std::size_t)>;
    explicit Writer(WriteFn write) : m_write(std::move(write)) {}

    void addDirectory(const std::string &name, std::int64_t mtime, unsigned mode = 0755);
    void addFile(const std::string &name, std::string_view data, std::int64_t mtime, unsigned mode = 0644);
    // Two zero blocks.
    void finish();

private:
    void header(const std::string &name, char type, std::uint64_t size, std::int64_t mtime, unsigned mode);
    void pad(std::uint64_t size);
    WriteFn m_write;
};

// One header block made by hand, for tests and the writer: fills name,
// mode, size, mtime, type, link name, ustar magic and the checksum.
std::string makeHeader(std::string_view name, char type, std::uint64_t size, std::int64_t mtime = 0,
                       std::string_view linkName = {}, unsigned mode = 0644);

} // namespace promdir::tar
