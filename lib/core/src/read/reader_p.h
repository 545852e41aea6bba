#pragma once
// Internal: what the library's own loading and merging know about the
// reader's types beyond the public API, and the reader's entry points for
// paths already held as strings (a std::filesystem::path splits itself into
// components when made, which a directory of thousands of files would pay
// for on every load).

#include "promdir/read/reader.h"

namespace promdir::detail {

// Reading as the directory loader and the engine do it.
struct ReadHints
{
    // A file likely to be much like this one (another process's file of
    // the same kind): its `used` sizes the first read, its entry count the
    // entries' allocation.
    const ParsedFile *similar = nullptr;
    // No process writes the file any more (its process is gone): one read,
    // no verification and no content hash.
    bool quiescent = false;
    // Look at what the path is before opening it, so that a device is never
    // opened (a FIFO or socket could not block or be read anyway: the open
    // is non-blocking and fstat() is checked). A listing that already knows
    // its entries are regular files turns it off.
    bool checkType = true;
};

// The members the public types keep private.
struct ReaderAccess
{
    // Key::id of the entry's key, without following the pointer.
    static std::uint32_t keyId(const Entry &e) { return e.m_keyId; }
    static void setKeyId(Entry &e, std::uint32_t id) { e.m_keyId = id; }
    // The store that owns the file's keys (null for a file without entries).
    static const KeyStore *keyStore(const ParsedFile &f) { return f.m_keyStore.get(); }
    static const void *keyStoreAddress(const ParsedFile &f) { return &f.m_keyStore; } // to prefetch
    static void setKeyStore(ParsedFile &f, std::shared_ptr<const KeyStore> store) { f.m_keyStore = std::move(store); }
    // The hash of the file's used bytes; 0 when read quiescent.
    static std::uint64_t contentHash(const ParsedFile &f) { return f.m_contentHash; }
    static void setContentHash(ParsedFile &f, std::uint64_t hash) { f.m_contentHash = hash; }
    static KeyStore &store(KeyInterner &interner) { return *interner.m_store; }
    static const std::shared_ptr<KeyStore> &sharedStore(KeyInterner &interner) { return interner.m_store; }
};

inline std::uint32_t keyIdOf(const Entry &e)
{
    return ReaderAccess::keyId(e);
}

// Every key interned in `store` so far has an id below this.
std::uint32_t keyIdLimit(const KeyStore &store);

// `name`: what the path's base name says (parseFileName), which the caller
// has already worked out.
ParsedFile readFileAt(std::string path, FileName name, const ReadOptions &options, const ReadHints &hints = {});
std::shared_ptr<const ParsedFile> rereadFileAt(std::string path, FileName name,
                                               const std::shared_ptr<const ParsedFile> &previous,
                                               const ReadOptions &options, const ReadHints &hints = {});
std::optional<FileStamp> stampAt(const char *path);
// The identity of the used bytes as ReaderAccess::contentHash has it, read
// (until two reads agree) but not parsed; nullopt when the file cannot be
// read or has no used bytes worth hashing.
std::optional<std::uint64_t> contentHashAt(std::string path, const ReadOptions &options);

} // namespace promdir::detail
