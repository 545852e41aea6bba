#pragma once
// Reads one .db file of any format generation (spec sections 2-3).
// Never throws on bad input: every problem becomes a Problem with the file
// and byte offset, and everything readable is still returned.

#include "promdir/format/filename.h"
#include "promdir/format/key.h"

#include <filesystem>
#include <memory>
#include <optional>

namespace promdir {

namespace detail {
class KeyStore;      // read/keystore_p.h
struct ReaderAccess; // read/reader_p.h: what the library's own merging reads of these types
} // namespace detail

// One entry of a file: a key and its value.
struct Entry
{
    std::uint32_t offset = 0;      // of the entry's length field (files are < 2 GiB: `used` is 32-bit)

private:
    friend struct detail::ReaderAccess;
    std::uint32_t m_keyId = 0;     // key->id, here so that merging need not follow the pointer

public:
    const Key *key = nullptr;      // parsed key, kept alive by its file (see ParsedFile::keepKey)
    double value = 0.0;
    double timestamp = 0.0;        // 0.0 for generations 1-3

    // Exact key bytes as stored.
    const std::string &rawKey() const { return key->raw; }
};

// What identifies a file's state on disk, to tell whether it changed.
struct FileStamp
{
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtimeNs = 0;
    std::int64_t ctimeNs = 0;
    bool operator==(const FileStamp &) const = default;
};

struct ParsedFile
{
    std::string path;        // as given (or archive member path)
    std::string name;        // base name, used for ordering and type
    FileName fileName;       // what the name says
    int generation = 0;      // 1..4; 0 when unknown or empty
    std::uint64_t size = 0;  // bytes of the file (or member)
    std::int64_t used = 0;   // header's `used` as stored
    std::vector<Entry> entries;
    std::vector<Problem> problems;
    FileStamp stamp;         // zero for in-memory data

    bool ok() const { return problems.empty(); }

    // The key of one of this file's entries, kept alive for as long as the
    // pointer is held, also after the file is gone. Keys are shared by the
    // files read with one KeyInterner: the same bytes, the same Key.
    std::shared_ptr<const Key> keepKey(const Entry &entry) const;

private:
    friend struct detail::ReaderAccess;
    std::uint64_t m_contentHash = 0; // of the used bytes: rereadFile() keeps the parse when it matches
    std::shared_ptr<const detail::KeyStore> m_keyStore; // owns the entries' keys
};

// Shares parsed keys between files: a label set seen in a thousand files is
// parsed once, and stored once. Thread-safe: lookups take no lock, and only
// a key seen for the first time locks one of the store's shards.
// Interned keys stay in the store as long as it or any file read with it
// lives; each gets a small number, Key::id, unique within the interner and
// below size().
class KeyInterner
{
public:
    explicit KeyInterner(std::size_t shards = 64);
    ~KeyInterner();
    // The parsed key for these exact bytes, parsing on first sight.
    // Returns null and fills `error` when the key does not parse.
    const Key *intern(std::string_view raw, Problem *error);
    // Keys interned so far.
    std::size_t size() const;

private:
    friend struct detail::ReaderAccess;
    std::shared_ptr<detail::KeyStore> m_store;
};

// At most this many problems are listed per file; the rest are counted in
// one more problem ("N more problems in this file not listed"), so a file
// of millions of bad entries costs memory for its bytes, not its problems.
inline constexpr std::size_t kMaxProblemsPerFile = 16;

struct ReadOptions
{
    KeyInterner *interner = nullptr; // optional: without one, each file stores its own keys

    // Re-read until two reads agree, so a concurrent writer cannot tear
    // a value+timestamp pair (spec section 2).
    bool verifyStable = true;
    int maxAttempts = 16;
};

// Reads a file from disk. Only a regular file is opened (a FIFO or a
// device is reported, never opened).
[[nodiscard]] ParsedFile readFile(const std::filesystem::path &path, const ReadOptions &options = {});
// The file's identity and state now, or nullopt when it cannot be stat'ed.
std::optional<FileStamp> stampOf(const std::filesystem::path &path);

// Reads a file again: when its bytes equal those `previous` was parsed
// from, returns `previous` itself (the parse is kept), else a new result.
std::shared_ptr<const ParsedFile> rereadFile(const std::filesystem::path &path,
                                             const std::shared_ptr<const ParsedFile> &previous,
                                             const ReadOptions &options = {});

// Parses bytes already in memory (archive members, tests). `path` names them.
[[nodiscard]] ParsedFile readBytes(std::string path, std::string_view bytes, const ReadOptions &options = {});

} // namespace promdir
