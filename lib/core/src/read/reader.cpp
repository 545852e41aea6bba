#include "promdir/read/reader.h"
#include "read/reader_p.h"

#include "promdir/format/json.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <deque>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <tuple>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace promdir {

// ---------------------------------------------------------------- interner

namespace {

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
std::uint64_t hashBytes(std::string_view s)
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

} // namespace

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

KeyInterner::KeyInterner(std::size_t shards) : m_store(std::make_shared<KeyStore>(shards)) {}
KeyInterner::~KeyInterner() = default;

// The slot of these exact bytes, parsing on first sight; null when the key
// does not parse (then `error` says why).
const KeyStore::Slot *KeyStore::intern(std::string_view raw, Problem *error)
{
    const std::uint64_t hash = hashBytes(raw);
    Shard &shard = shardFor(hash);
    if (const Slot *found = shard.find(raw, hash))
        return found;
    if (const std::size_t bad = json::findInvalidUtf8(raw); bad != std::string_view::npos) {
        if (error)
            *error = makeProblem({}, bad, ProblemKind::BadUtf8, ProblemCode::KeyNotUtf8);
        return nullptr;
    }
    auto parsed = parseKey(raw);
    if (!parsed) {
        if (error)
            *error = parsed.error();
        return nullptr;
    }
    std::lock_guard lock(shard.mutex);
    if (const Slot *found = shard.find(raw, hash))
        return found; // another reader was quicker
    Key &key = shard.keys.emplace_back(std::move(*parsed));
    key.id = nextId.fetch_add(1, std::memory_order_relaxed);
    return shard.insert(&key, hash, keep(key.raw));
}

const char *KeyStore::keep(const std::string &raw)
{
    std::lock_guard lock(m_bytesMutex);
    if (m_blockUsed + raw.size() > m_blockSize) {
        m_blockSize = std::max<std::size_t>(65536, raw.size());
        m_blocks.emplace_back(new char[m_blockSize]);
        m_blockUsed = 0;
    }
    char *at = m_blocks.back().get() + m_blockUsed;
    std::memcpy(at, raw.data(), raw.size());
    m_blockUsed += raw.size();
    return at;
}

const Key *KeyInterner::intern(std::string_view raw, Problem *error)
{
    const KeyStore::Slot *slot = m_store->intern(raw, error);
    return slot ? slot->key.load(std::memory_order_relaxed) : nullptr;
}

std::size_t KeyInterner::size() const
{
    return m_store->size();
}

std::uint32_t keyIdLimit(const KeyStore &store)
{
    return static_cast<std::uint32_t>(store.size());
}

// ---------------------------------------------------------------- parsing

namespace {

constexpr std::size_t kHeader = 8;

std::int32_t readInt32(std::string_view b, std::size_t pos)
{
    std::int32_t v;
    std::memcpy(&v, b.data() + pos, 4);
    return v;
}

double readDouble(std::string_view b, std::size_t pos)
{
    double v;
    std::memcpy(&v, b.data() + pos, 8);
    return v;
}

// Where the value of the entry at `pos` with a key of `keyLen` bytes
// starts: after the length field and the key, padded to 8 bytes.
std::size_t valueOffsetOf(std::size_t pos, std::size_t keyLen)
{
    return pos + 4 + keyLen + (8 - (keyLen + 4) % 8);
}

// An entry's place (8 bytes: a file of zeros frames millions of them;
// `used` is an int32, so both fit).
struct Frame
{
    std::uint32_t offset; // entry start
    std::uint32_t keyLen;
    std::size_t valueOffset() const { return valueOffsetOf(offset, keyLen); }
};

struct Walk
{
    std::vector<Frame> frames;
    bool complete = false; // ended exactly at the limit
    std::size_t errorOffset = 0;
    ProblemKind errorKind = ProblemKind::Truncated;
    Phrase error;
};

// Frames entries with a value stride of 8 (generations 1-3) or 16 (4).
Walk walk(std::string_view b, std::size_t limit, std::size_t stride, std::int64_t used)
{
    Walk w;
    w.frames.reserve(limit / 128 + 1); // entries are rarely shorter
    std::size_t pos = kHeader;
    // Only errors name it.
    auto limitWord = [&] {
        return limit < static_cast<std::uint64_t>(used) ? Phrase(ProblemCode::LimitEndOfData)
                                                         : Phrase(ProblemCode::LimitUsed, {used});
    };
    while (pos < limit) {
        if (pos + 4 > limit) {
            w.errorOffset = pos;
            w.errorKind = ProblemKind::Truncated;
            w.error = Phrase(ProblemCode::EntryHeaderRunsPast, {limitWord()});
            return w;
        }
        const std::int32_t len = readInt32(b, pos);
        if (len < 0) {
            w.errorOffset = pos;
            w.errorKind = ProblemKind::BadKeyLength;
            w.error = Phrase(ProblemCode::NegativeKeyLength, {len});
            return w;
        }
        const std::size_t keyLen = static_cast<std::size_t>(len);
        if (pos + 4 + keyLen > limit) {
            w.errorOffset = pos;
            w.errorKind = ProblemKind::BadKeyLength;
            w.error = Phrase(ProblemCode::KeyLengthRunsPast, {len, limitWord()});
            return w;
        }
        const std::size_t valueOffset = valueOffsetOf(pos, keyLen);
        if (valueOffset + stride > limit) {
            w.errorOffset = pos;
            w.errorKind = ProblemKind::Truncated;
            w.error = Phrase(ProblemCode::ValueRunsPast, {limitWord()});
            return w;
        }
        w.frames.push_back({static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(keyLen)});
        pos = valueOffset + stride;
    }
    w.complete = true;
    return w;
}

// A key checked: the interned key, or why not (then `key` is null).
// Each frame's interned key (null: it did not parse); the problems of the
// first kMaxProblemsPerFile that did not, and how many did not in all.
struct KeyChecks
{
    std::vector<const Key *> keys;
    std::vector<Problem> problems;
    std::size_t bad = 0;
    std::uint64_t firstUnlisted = 0; // offset of the first bad key not in `problems`
};

// Equal bytes; keys of one metric share long heads and tails (name, label
// names, help), so the middle is looked at first to tell most apart at once.
bool sameBytes(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    if (a.size() >= 16) {
        const std::size_t mid = a.size() / 2 - 8;
        if (std::memcmp(a.data() + mid, b.data() + mid, 16) != 0)
            return false;
    }
    return a == b;
}

// Which key came after which in the files this thread read last, by
// Key::id (slot 0: a file's first entry). Files of one kind from different
// processes hold the same series in runs (a histogram's buckets, a summary's
// samples), in whatever order requests came: the key after the previous one
// is nearly always right again, and one comparison confirms it where a hash
// lookup would cost three times as much.
class KeyPredictor
{
public:
    // What is known of a key without touching it: its bytes (the store's
    // copy), number and shape.
    struct Guess
    {
        const Key *key = nullptr;
        const char *raw = nullptr;
        std::uint32_t size = 0;
        std::uint32_t id = 0;
        int shape = 0;
    };

    // This thread's predictor for `store`: tables of another store are
    // dropped (the serial, unlike an address, is never reused).
    static KeyPredictor &forStore(const KeyStore &store)
    {
        thread_local KeyPredictor p;
        if (p.m_serial != store.serial) {
            p.m_serial = store.serial;
            p.m_next.clear();
        }
        return p;
    }
    // The key after `prev` (null: a file's first), or one with no key.
    const Guess &after(const Guess *prev) const
    {
        static const Guess none;
        const std::size_t i = prev ? prev->id + 1 : 0;
        return i < m_next.size() ? m_next[i] : none;
    }
    void learn(const Guess *prev, const Guess &next)
    {
        const std::size_t i = prev ? prev->id + 1 : 0;
        if (i >= m_next.size())
            m_next.resize(std::max<std::size_t>(i + 1, 2 * m_next.size()));
        m_next[i] = next;
    }

private:
    std::uint64_t m_serial = 0;
    std::vector<Guess> m_next;
};

// The key stored as `raw`, where `prev` was the one before it (null for a
// file's first): the predicted one when the bytes match, else interned.
// Fills `out`; false (and `error`) when the key does not parse.
bool findKey(std::string_view raw, const KeyPredictor::Guess *prev, KeyPredictor &predict, KeyStore &store,
             KeyPredictor::Guess &out, Problem *error)
{
    const KeyPredictor::Guess &guess = predict.after(prev);
    if (guess.key && sameBytes(std::string_view(guess.raw, guess.size), raw)) {
        out = guess;
        return true;
    }
    const KeyStore::Slot *slot = store.intern(raw, error);
    if (!slot)
        return false;
    const Key *key = slot->key.load(std::memory_order_relaxed);
    out = {key, slot->raw, static_cast<std::uint32_t>(slot->size), key->id, key->shape};
    predict.learn(prev, out);
    return true;
}

// Interns the key of every frame.
KeyChecks checkKeys(const std::string &path, std::string_view b, const std::vector<Frame> &frames,
                    KeyInterner &interner)
{
    KeyChecks out;
    out.keys.resize(frames.size());
    KeyStore &store = *interner.store();
    KeyPredictor &predict = KeyPredictor::forStore(store);
    KeyPredictor::Guess guesses[2];
    const KeyPredictor::Guess *prev = nullptr;
    // The last key that did not parse: a damaged file repeats the same bad
    // bytes (a run of zeros frames millions of empty keys), which are not
    // parsed again once problems are only counted.
    std::string_view lastBad;
    bool haveBad = false;
    for (std::size_t k = 0; k < frames.size(); ++k) {
        const Frame &f = frames[k];
        const std::string_view raw = b.substr(f.offset + 4, f.keyLen);
        KeyPredictor::Guess &g = guesses[k % 2];
        if (haveBad && out.bad >= kMaxProblemsPerFile && raw == lastBad) {
            // Only counted from here on: nothing of its problem is needed.
            prev = nullptr;
            if (++out.bad == kMaxProblemsPerFile + 1)
                out.firstUnlisted = f.offset;
            continue;
        }
        Problem err;
        if (findKey(raw, prev, predict, store, g, &err)) {
            out.keys[k] = g.key;
            prev = &g;
        } else {
            lastBad = raw;
            haveBad = true;
            prev = nullptr;
            if (out.bad++ < kMaxProblemsPerFile)
                out.problems.push_back(makeProblem(path, f.offset + 4 + err.offset, err.kind, ProblemCode::BadKeyInEntry,
                                                   {Phrase(err.code, std::move(err.args)), f.offset}));
            else if (out.bad == kMaxProblemsPerFile + 1)
                out.firstUnlisted = f.offset;
        }
    }
    return out;
}

// The usual file in one pass: generation 4 (value and timestamp per entry)
// framing the used bytes exactly, every key of the current shape and valid.
// Anything else returns false with no entries, and the general path below
// works out the stride and names the problems.
bool parseCurrent(ParsedFile &f, std::string_view b, std::size_t limit, KeyInterner &interner,
                  std::size_t expectedEntries)
{
    KeyStore &store = *interner.store();
    KeyPredictor &predict = KeyPredictor::forStore(store);
    f.entries.reserve(expectedEntries ? expectedEntries + 8 : limit / 128 + 1);
    KeyPredictor::Guess guesses[2];
    const KeyPredictor::Guess *prev = nullptr;
    for (std::size_t pos = kHeader; pos < limit;) {
        const std::int32_t len = pos + 4 <= limit ? readInt32(b, pos) : -1;
        const std::size_t keyLen = static_cast<std::size_t>(std::max(len, 0));
        const std::size_t valueOffset = valueOffsetOf(pos, keyLen);
        if (len < 0 || valueOffset + 16 > limit)
            break;
        KeyPredictor::Guess &g = guesses[f.entries.size() % 2];
        __builtin_prefetch(b.data() + pos + 384); // a few entries ahead: a file's bytes come in cold
        if (!findKey(b.substr(pos + 4, keyLen), prev, predict, store, g, nullptr) || g.shape != 3)
            break;
        f.entries.push_back({static_cast<std::uint32_t>(pos), g.id, g.key, readDouble(b, valueOffset),
                             readDouble(b, valueOffset + 8)});
        prev = &g;
        pos = valueOffset + 16;
        if (pos == limit)
            return true;
    }
    f.entries.clear();
    return false;
}

// Identity of the used bytes, to tell a re-read file that did not change.
std::uint64_t contentHash(std::string_view b)
{
    return std::hash<std::string_view>{}(b);
}

// Keeps the first kMaxProblemsPerFile problems and counts the rest (and
// `unlisted` more, the first of them at `firstUnlisted`) in one more.
void capProblems(ParsedFile &f, std::size_t unlisted, std::uint64_t firstUnlisted)
{
    if (f.problems.size() + unlisted <= kMaxProblemsPerFile)
        return;
    if (f.problems.size() > kMaxProblemsPerFile) {
        const std::uint64_t dropped = f.problems[kMaxProblemsPerFile].offset;
        firstUnlisted = unlisted > 0 ? std::min(firstUnlisted, dropped) : dropped;
        unlisted += f.problems.size() - kMaxProblemsPerFile;
        f.problems.resize(kMaxProblemsPerFile);
    }
    const ProblemKind kind = f.problems.back().kind;
    f.problems.push_back(makeProblem(f.path, firstUnlisted, kind, ProblemCode::MoreProblems, {unlisted}));
}

// Parses the bytes of one file into `f` (path, name, size already set).
void parseInto(ParsedFile &f, std::string_view b, const ReadOptions &options)
{
    if (b.empty()) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::Empty, ProblemCode::FileEmpty));
        return;
    }
    if (b.size() < kHeader) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::BadHeader, ProblemCode::FileShorterThanHeader, {b.size()}));
        return;
    }
    const std::int32_t used = readInt32(b, 0);
    f.used = used;
    if (used == 0)
        return; // created, header not written yet: the reference reads nothing
    if (used < static_cast<std::int32_t>(kHeader)) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::BadHeader, ProblemCode::UsedBelowHeader, {used}));
        return;
    }
    if (used % 8 != 0)
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::BadHeader, ProblemCode::UsedNotMultipleOf8, {used}));
    std::size_t limit = static_cast<std::size_t>(used);
    if (limit > b.size()) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::Truncated, ProblemCode::UsedBeyondFile, {used, b.size()}));
        limit = b.size();
    }
    if (!options.quiescent)
        f.contentHash = contentHash(b.substr(0, limit));
    if (limit == kHeader)
        return;

    // Without an interner the file stores its own keys.
    std::optional<KeyInterner> own;
    KeyInterner *interner = options.interner;
    if (!interner)
        interner = &own.emplace(1);
    f.keyStore = interner->store();
    const std::size_t expected = options.similar && options.similar->keyStore == interner->store()
                                     ? options.similar->entries.size() : 0;
    if (parseCurrent(f, b, limit, *interner, expected)) {
        f.generation = 4;
        return;
    }

    // Which stride frames the file exactly, with keys that parse? Only one
    // walk and its keys are kept at a time: a file of zeros frames millions
    // of entries each way.
    auto checkAll = [&](const Walk &w) { return checkKeys(f.path, b, w.frames, *interner); };
    auto allShape3 = [](const KeyChecks &ks) {
        for (const Key *k : ks.keys)
            if (!k || k->shape != 3)
                return false;
        return true;
    };
    // Complete framing first, then keys that parse, then fewer bad ones.
    auto score = [](const Walk &w, const KeyChecks &ks) {
        return std::tuple(w.complete && ks.bad == 0, w.complete, ks.keys.size() - ks.bad);
    };

    // Stride 16 (generation 4) when it frames the file exactly with
    // current-shape keys; else whichever stride explains more of the file.
    std::size_t stride = 16;
    Walk chosen = walk(b, limit, 16, used);
    KeyChecks keys = checkAll(chosen);
    if (!chosen.complete || !allShape3(keys)) {
        const auto score16 = score(chosen, keys);
        chosen = {};
        keys = {};
        Walk w8 = walk(b, limit, 8, used);
        KeyChecks keys8 = checkAll(w8);
        if (score(w8, keys8) > score16) {
            chosen = std::move(w8);
            keys = std::move(keys8);
            stride = 8;
        } else {
            w8 = {};
            keys8 = {};
            chosen = walk(b, limit, 16, used);
            keys = checkAll(chosen);
        }
    }

    int shapes[4] = {0, 0, 0, 0};
    f.entries.reserve(chosen.frames.size() - keys.bad);
    for (auto &p : keys.problems)
        f.problems.push_back(std::move(p));
    for (std::size_t i = 0; i < chosen.frames.size(); ++i) {
        const Frame &fr = chosen.frames[i];
        const Key *key = keys.keys[i];
        if (!key)
            continue;
        ++shapes[key->shape];
        Entry &e = f.entries.emplace_back();
        e.offset = fr.offset;
        e.keyId = key->id;
        e.key = key;
        e.value = readDouble(b, fr.valueOffset());
        e.timestamp = stride == 16 ? readDouble(b, fr.valueOffset() + 8) : 0.0;
    }
    if (!chosen.complete)
        f.problems.push_back(makeProblem(f.path, chosen.errorOffset, chosen.errorKind, chosen.error.code,
                                         std::move(chosen.error.args)));
    capProblems(f, keys.bad - keys.problems.size(), keys.firstUnlisted);

    if (stride == 16) {
        f.generation = 4;
    } else {
        const int kinds = (shapes[1] > 0) + (shapes[2] > 0) + (shapes[3] > 0);
        f.generation = shapes[3] ? 3 : shapes[2] ? 2 : shapes[1] ? 1 : 0;
        if (kinds > 1)
            f.problems.push_back(makeProblem(f.path, kHeader, ProblemKind::MixedGeneration, ProblemCode::MixedGenerations));
    }
}

std::string baseName(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

FileStamp stampFrom(const struct stat &st)
{
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
            static_cast<std::uint64_t>(st.st_size),
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
            static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec};
}

// Reads up to `want` bytes at `offset`; returns what was read.
bool preadAll(int fd, std::string &buf, std::size_t want, std::string &error)
{
    buf.resize(want);
    std::size_t got = 0;
    while (got < want) {
        const ssize_t n = ::pread(fd, buf.data() + got, want - got, static_cast<off_t>(got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = std::strerror(errno);
            buf.resize(got);
            return false;
        }
        if (n == 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    buf.resize(got);
    return true;
}

// How many bytes of the file matter: `used` (when sane), else all of it.
std::size_t bytesWanted(const std::string &head, std::size_t fileSize)
{
    if (head.size() < kHeader)
        return fileSize;
    std::int32_t used;
    std::memcpy(&used, head.data(), 4);
    if (used <= 0)
        return std::min<std::size_t>(fileSize, kHeader);
    return std::min<std::size_t>(fileSize, static_cast<std::size_t>(used));
}

} // namespace

ParsedFile readBytes(std::string path, std::string_view bytes, const ReadOptions &options)
{
    ParsedFile f;
    f.name = baseName(path);
    f.path = std::move(path);
    f.fileName = parseFileName(f.name);
    f.size = bytes.size();
    parseInto(f, bytes, options);
    return f;
}

namespace {

// The bytes of one file, read until two reads agree.
struct RawRead
{
    ParsedFile f;          // path, name, stamp, size, and problems so far
    std::string data;      // up to `used`
    bool failed = false;   // nothing to parse
    bool stable = true;
};

// Whether the file's first data.size() bytes are still `data`.
bool sameAsFile(int fd, const std::string &data)
{
    constexpr std::size_t kPiece = 64 * 1024;
    thread_local std::string piece;
    piece.resize(std::min(kPiece, data.size()));
    for (std::size_t at = 0; at < data.size();) {
        const std::size_t want = std::min(kPiece, data.size() - at);
        const ssize_t n = ::pread(fd, piece.data(), want, static_cast<off_t>(at));
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        if (std::memcmp(piece.data(), data.data() + at, static_cast<std::size_t>(n)) != 0)
            return false;
        at += static_cast<std::size_t>(n);
    }
    return true;
}

void notRegular(ParsedFile &f, const struct stat &st)
{
    if (S_ISDIR(st.st_mode)) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::ForeignFile, ProblemCode::FolderNotFile));
        return;
    }
    const ProblemCode what = S_ISFIFO(st.st_mode)  ? ProblemCode::TypeFifo
                             : S_ISSOCK(st.st_mode) ? ProblemCode::TypeSocket
                             : S_ISCHR(st.st_mode)  ? ProblemCode::TypeCharDevice
                             : S_ISBLK(st.st_mode)  ? ProblemCode::TypeBlockDevice
                                                    : ProblemCode::TypeUnknown;
    f.problems.push_back(makeProblem(f.path, 0, ProblemKind::Unreadable, ProblemCode::NotRegularFile, {what}));
}

// Reads into `r` (whose `data` may come with capacity to reuse).
void readRaw(std::string path, FileName fileName, const ReadOptions &options, RawRead &r)
{
    ParsedFile &f = r.f;
    f.path = std::move(path);
    f.name = baseName(f.path);
    f.fileName = std::move(fileName);

    // Only regular files are opened: a FIFO would block until a writer
    // comes, and opening a device can do anything. stat() first (through a
    // link, as the reference does), then a non-blocking open and fstat() for
    // what was swapped in between.
    struct stat st{};
    if (options.checkType && ::stat(f.path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        notRegular(f, st);
        r.failed = true;
        return;
    }
    const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        const int err = errno;
        f.problems.push_back(err == ENOENT
                                 ? makeProblem(f.path, 0, ProblemKind::Vanished, ProblemCode::Vanished)
                                 : makeProblem(f.path, 0, ProblemKind::Unreadable, ProblemCode::CannotOpen,
                                               {std::strerror(err)}));
        r.failed = true;
        return;
    }
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        notRegular(f, st);
        r.failed = true;
        return;
    }
    f.stamp = stampFrom(st);

    std::string error;
    std::string again;
    const bool verify = options.verifyStable && !options.quiescent;
    r.stable = !verify;
    const int attempts = std::max(1, options.maxAttempts);
    bool haveData = false;
    std::size_t firstRead = 16384;
    if (options.similar && options.similar->used > 0)
        firstRead = std::min<std::size_t>((static_cast<std::size_t>(options.similar->used) + 512 + 63) & ~std::size_t(63),
                                          std::size_t(1) << 20);
    for (int attempt = 0; attempt < attempts && error.empty(); ++attempt) {
        // A first read sized like a similar file (its `used` and a little
        // more: files are 64 KiB and more, but often little of that is used,
        // and copying unused zeros is most of the cost; whole pages copied
        // 12 MB of zeros more for 7,000 files), 16 KiB without one; then the
        // rest that the header's `used` asks for. A writer
        // appends beyond `used` before raising it, so what we read is
        // consistent.
        if (!haveData) {
            auto fileSize = static_cast<std::size_t>(st.st_size);
            if (attempt > 0) { // starting over: it shrank
                struct stat now{};
                if (::fstat(fd, &now) == 0)
                    fileSize = static_cast<std::size_t>(now.st_size);
            }
            if (!preadAll(fd, r.data, std::min<std::size_t>(fileSize, firstRead), error))
                break;
            const std::size_t want = bytesWanted(r.data, fileSize);
            if (want > r.data.size()) {
                const std::size_t have = r.data.size();
                r.data.resize(want);
                const ssize_t n = ::pread(fd, r.data.data() + have, want - have, static_cast<off_t>(have));
                r.data.resize(have + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
            } else {
                r.data.resize(want);
            }
            f.size = fileSize;
            haveData = true;
            if (!verify)
                break;
        }
        // Usually nothing changed: compare piecewise, without a second copy
        // of a big file.
        if (sameAsFile(fd, r.data)) {
            r.stable = true;
            break;
        }
        if (!preadAll(fd, again, r.data.size(), error))
            break;
        if (again == r.data) {
            r.stable = true;
            break;
        }
        if (again.size() != r.data.size()) {
            haveData = false; // it shrank: start over
            continue;
        }
        // Keep the first read's header: entries appended since lie beyond
        // the `used` it gave, and what it covers is compared below.
        again.replace(0, kHeader, r.data, 0, kHeader);
        // Only values changed (a live writer). Settle each changed 8-byte
        // word with its neighbours (a value+timestamp pair may start 8
        // bytes before it) by reading that window until two reads agree.
        bool settled = true;
        std::string w1, w2;
        for (std::size_t word = kHeader; word + 8 <= again.size() && settled; word += 8) {
            if (std::memcmp(again.data() + word, r.data.data() + word, 8) == 0)
                continue;
            const std::size_t from = word - 8 >= kHeader ? word - 8 : word;
            const std::size_t to = std::min(again.size(), word + 16);
            bool ok = false;
            for (int k = 0; k < 256 && !ok; ++k) {
                w1.resize(to - from);
                w2.resize(to - from);
                if (::pread(fd, w1.data(), w1.size(), static_cast<off_t>(from)) != static_cast<ssize_t>(w1.size())
                    || ::pread(fd, w2.data(), w2.size(), static_cast<off_t>(from)) != static_cast<ssize_t>(w2.size()))
                    break;
                ok = w1 == w2;
            }
            if (!ok) {
                settled = false;
                break;
            }
            again.replace(from, w1.size(), w1);
            word = to - 8; // continue after the window
        }
        r.data.swap(again);
        if (settled) {
            r.stable = true;
            break;
        }
    }
    ::close(fd);
    if (!error.empty()) {
        f.problems.push_back(makeProblem(f.path, r.data.size(), ProblemKind::Unreadable, ProblemCode::ReadFailed, {error}));
        r.failed = true;
    }
}

void finish(RawRead &r, const ReadOptions &options)
{
    if (r.failed)
        return;
    parseInto(r.f, std::string_view(r.data), options);
    if (!r.stable)
        r.f.problems.push_back(makeProblem(r.f.path, 0, ProblemKind::Unstable, ProblemCode::Unstable));
}

} // namespace

std::optional<FileStamp> stampOf(const std::filesystem::path &path)
{
    return stampAt(path.c_str());
}

std::optional<FileStamp> stampAt(const char *path)
{
    struct stat st{};
    if (::stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return stampFrom(st);
}

namespace {

// A read buffer per thread, kept between files: a big directory is read file
// after file, and fresh buffers would cost an allocation and page faults each.
struct BufferLease
{
    explicit BufferLease(RawRead &r) : m_r(r) { m_r.data.swap(spare()); }
    ~BufferLease()
    {
        if (m_r.data.capacity() <= kKeep)
            spare().swap(m_r.data);
    }
    BufferLease(const BufferLease &) = delete;
    BufferLease &operator=(const BufferLease &) = delete;

private:
    static constexpr std::size_t kKeep = 1 << 20;
    static std::string &spare()
    {
        thread_local std::string buffer;
        return buffer;
    }
    RawRead &m_r;
};

} // namespace

ParsedFile readFile(const std::filesystem::path &path, const ReadOptions &options)
{
    std::string p = path.string();
    FileName name = parseFileName(baseName(p));
    return readFileAt(std::move(p), std::move(name), options);
}

std::shared_ptr<const ParsedFile> rereadFile(const std::filesystem::path &path,
                                             const std::shared_ptr<const ParsedFile> &previous,
                                             const ReadOptions &options)
{
    std::string p = path.string();
    FileName name = parseFileName(baseName(p));
    return rereadFileAt(std::move(p), std::move(name), previous, options);
}

ParsedFile readFileAt(std::string path, FileName name, const ReadOptions &options)
{
    RawRead r;
    BufferLease lease(r);
    readRaw(std::move(path), std::move(name), options, r);
    finish(r, options);
    return std::move(r.f);
}

std::optional<std::uint64_t> contentHashAt(std::string path, const ReadOptions &options)
{
    RawRead r;
    BufferLease lease(r);
    readRaw(std::move(path), FileName{}, options, r);
    if (r.failed || !r.stable || r.data.size() < kHeader)
        return std::nullopt;
    // As parseInto() hashes: the used bytes, or as many as there are.
    const std::int32_t used = readInt32(r.data, 0);
    if (used < static_cast<std::int32_t>(kHeader))
        return std::nullopt;
    const std::size_t limit = std::min(static_cast<std::size_t>(used), r.data.size());
    return contentHash(std::string_view(r.data).substr(0, limit));
}

std::shared_ptr<const ParsedFile> rereadFileAt(std::string path, FileName name,
                                               const std::shared_ptr<const ParsedFile> &previous,
                                               const ReadOptions &options)
{
    RawRead r;
    BufferLease lease(r);
    readRaw(std::move(path), std::move(name), options, r);
    if (previous && !r.failed && r.stable && previous->size == r.f.size && previous->stamp.inode == r.f.stamp.inode
        && previous->used > 0 && r.data.size() >= kHeader && readInt32(r.data, 0) == previous->used
        && previous->contentHash == contentHash(std::string_view(r.data).substr(0, std::min<std::size_t>(r.data.size(), static_cast<std::size_t>(previous->used))))
        && previous->problems.empty()) {
        if (previous->stamp == r.f.stamp)
            return previous;
        auto copy = std::make_shared<ParsedFile>(*previous);
        copy->stamp = r.f.stamp;
        return copy;
    }
    finish(r, options);
    return std::make_shared<const ParsedFile>(std::move(r.f));
}

} // namespace promdir
