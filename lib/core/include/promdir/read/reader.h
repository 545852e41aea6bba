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

class KeyStore;

struct Entry
{
    std::uint32_t offset = 0;      // of the entry's length field (files are < 2 GiB: `used` is 32-bit)
    std::uint32_t keyId = 0;       // key->id, here so that merging need not follow the pointer
    const Key *key = nullptr;      // parsed key, kept alive by its file's keyStore
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
    std::uint64_t contentHash = 0; // hash of the used bytes
    // Owns the entries' keys (shared by all files read with one KeyInterner).
    std::shared_ptr<const KeyStore> keyStore;

    bool ok() const { return problems.empty(); }
};

// Shares parsed keys between files: a label set seen in a thousand files is
// parsed once, and stored once. Thread-safe: lookups take no lock, and only
// a key seen for the first time locks one of the store's shards.
// Interned keys stay in the store as long as it or any file read with it
// lives; each gets a small number, Key::id, unique within the store.
class KeyInterner
{
public:
    explicit KeyInterner(std::size_t shards = 64);
    ~KeyInterner();
    // The parsed key for these exact bytes, parsing on first sight.
    // Returns null and fills `error` when the key does not parse.
    const Key *intern(std::string_view raw, Problem *error);
    std::size_t size() const;
    // What files read with this interner hold on to.
    const std::shared_ptr<KeyStore> &store() const { return m_store; }

private:
    std::shared_ptr<KeyStore> m_store;
};

// Every key interned in `store` so far has an id below this.
std::uint32_t keyIdLimit(const KeyStore &store);

// At most this many problems are listed per file; the rest are counted in
// one more problem ("N more problems in this file not listed"), so a file
// of millions of bad entries costs memory for its bytes, not its problems.
inline constexpr std::size_t kMaxProblemsPerFile = 16;

struct ReadOptions
{
    KeyInterner *interner = nullptr; // optional: without one, each file stores its own keys
    // A file likely to be much like this one (another process's file of
    // the same kind): its size guides the first read, its entry count the
    // entries' allocation. Optional.
    const ParsedFile *similar = nullptr;

    // Re-read until two reads agree, so a concurrent writer cannot tear
    // a value+timestamp pair (spec section 2).
    bool verifyStable = true;
    // No process writes the file any more (its process is gone): one read,
    // no verification and no content hash.
    bool quiescent = false;
    int maxAttempts = 16;
    // Look at what the path is before opening it, so that a device is never
    // opened (a FIFO or socket could not block or be read anyway: the open
    // is non-blocking and fstat() is checked). A directory listing that
    // already knows its entries are regular files turns it off.
    bool checkType = true;
};

// Reads a file from disk.
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
