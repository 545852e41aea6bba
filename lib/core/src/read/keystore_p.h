#pragma once
// Internal: the store behind KeyInterner. Keys are interned by their exact
// bytes; each gets a number (Key::id) below the store's size, so that the
// reader's key prediction and the merge can use plain arrays by key.

#include "promdir/read/reader.h"

#include <atomic>
#include <bit>
#include <cstring>
#include <deque>
#include <mutex>

namespace promdir::detail {

inline std::uint64_t rotl(std::uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

inline std::uint64_t load64(const char *p)
{
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}

// A multiply-rotate hash over four independent lanes of 8-byte words: keys
// are ~150 bytes, many, and hashed 600,000 times on a cold read of a big
// directory, so the lanes' multiplications overlap instead of queueing.
inline std::uint64_t hashBytes(std::string_view s)
{
    constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
    const char *p = s.data();
    std::size_t n = s.size();
    std::uint64_t a = n * k, b = ~n, c = n ^ 0x517CC1B727220A95ull, d = rotl(n * k, 32);
    auto mix = [](std::uint64_t h, std::uint64_t w) { return (rotl(h, 5) ^ w) * 0x517CC1B727220A95ull; };
    for (; n >= 32; p += 32, n -= 32) {
        a = mix(a, load64(p));
        b = mix(b, load64(p + 8));
        c = mix(c, load64(p + 16));
        d = mix(d, load64(p + 24));
    }
    for (; n >= 8; p += 8, n -= 8)
        a = mix(a, load64(p));
    std::uint64_t tail = 0;
    if (n > 0)
        std::memcpy(&tail, p, n);
    b = mix(b, tail);
    std::uint64_t h = (a ^ rotl(b, 17) ^ rotl(c, 31) ^ rotl(d, 47)) * k;
    return h ^ (h >> 29);
}

// Interned keys, split into shards by hash. A shard is an open-addressing
// table of power-of-two size, half full at most, over a deque that keeps
// every key at a fixed address. Lookups take no lock: a slot is published by
// storing its key pointer last (release), and a table that grows is replaced
// by a bigger copy while the old one stays readable until the store goes.
// Only a miss takes the shard's lock, to look again and insert.
class KeyStore
{
public:
    struct Slot
    {
        std::atomic<const Key *> key{nullptr}; // null: free; set last
        std::uint64_t hash = 0;
        const char *raw = nullptr; // a copy of key->raw's bytes (KeyStore::keep)
        std::size_t size = 0;
    };
    struct Table
    {
        explicit Table(std::size_t n) : mask(n - 1), slots(new Slot[n]) {}
        std::size_t mask;
        std::unique_ptr<Slot[]> slots;
    };
    struct Shard
    {
        std::atomic<const Table *> table{nullptr};
        std::mutex mutex; // for writers
        std::vector<std::unique_ptr<Table>> tables; // the current one last
        std::size_t filled = 0;
        std::deque<Key> keys;

        const Slot *find(std::string_view raw, std::uint64_t hash) const
        {
            const Table *t = table.load(std::memory_order_acquire);
            if (!t)
                return nullptr;
            for (std::size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
                const Slot &slot = t->slots[i];
                const Key *key = slot.key.load(std::memory_order_acquire);
                if (!key)
                    return nullptr;
                if (slot.hash == hash && slot.size == raw.size() && std::memcmp(slot.raw, raw.data(), raw.size()) == 0)
                    return &slot;
            }
        }
        // Under `mutex`; `raw`: the key's bytes as the store keeps them.
        const Slot *insert(const Key *key, std::uint64_t hash, const char *raw)
        {
            const Table *current = tables.empty() ? nullptr : tables.back().get();
            if (!current || (filled + 1) * 2 > current->mask + 1) {
                auto bigger = std::make_unique<Table>(current ? (current->mask + 1) * 2 : 16);
                if (current)
                    for (std::size_t i = 0; i <= current->mask; ++i)
                        if (const Key *k = current->slots[i].key.load(std::memory_order_relaxed))
                            place(*bigger, k, current->slots[i].hash, current->slots[i].raw);
                tables.push_back(std::move(bigger));
                current = tables.back().get();
                table.store(current, std::memory_order_release);
            }
            ++filled;
            return place(*tables.back(), key, hash, raw);
        }

    private:
        static const Slot *place(Table &t, const Key *key, std::uint64_t hash, const char *raw)
        {
            std::size_t i = hash & t.mask;
            while (t.slots[i].key.load(std::memory_order_relaxed))
                i = (i + 1) & t.mask;
            Slot &slot = t.slots[i];
            slot.hash = hash;
            slot.raw = raw;
            slot.size = key->raw.size();
            slot.key.store(key, std::memory_order_release);
            return &slot;
        }
    };

    explicit KeyStore(std::size_t shards)
        : serial(nextSerial().fetch_add(1, std::memory_order_relaxed) + 1),
          m_count(std::bit_ceil(std::max<std::size_t>(1, shards))), m_shards(new Shard[m_count])
    {
    }

    Shard &shardFor(std::uint64_t hash) { return m_shards[(hash >> 40) & (m_count - 1)]; }
    const Slot *intern(std::string_view raw, Problem *error);
    std::size_t size() const { return nextId.load(std::memory_order_relaxed); }

    std::atomic<std::uint32_t> nextId{0};
    // Unique for the life of the program (never 0), unlike the address:
    // tells per-thread tables kept between files which store they are about.
    const std::uint64_t serial;

private:
    // A key not found: checked, parsed and inserted (unless another thread
    // was quicker).
    const Slot *insert(std::string_view raw, std::uint64_t hash, Problem *error);
    // A copy of a new key's bytes, next to the others': a cold read compares
    // ~600,000 keys, and bytes spread over the heap among each Key's other
    // strings cost a cache miss per comparison.
    const char *keep(const std::string &raw);
    std::mutex m_bytesMutex;
    std::vector<std::unique_ptr<char[]>> m_blocks;
    std::size_t m_blockUsed = 0, m_blockSize = 0;

    static std::atomic<std::uint64_t> &nextSerial()
    {
        static std::atomic<std::uint64_t> n{0};
        return n;
    }
    std::size_t m_count; // a power of two
    std::unique_ptr<Shard[]> m_shards;
};

// The slot of these exact bytes, parsing on first sight; null when the key
// does not parse (then `error` says why). The lookup is here, so that the
// reader's loops inline it; a key seen for the first time goes on in
// insert().
inline const KeyStore::Slot *KeyStore::intern(std::string_view raw, Problem *error)
{
    const std::uint64_t hash = hashBytes(raw);
    if (const Slot *found = shardFor(hash).find(raw, hash))
        return found;
    return insert(raw, hash, error);
}

} // namespace promdir::detail
