// KeyInterner and the store behind it (read/keystore_p.h).
#include "read/keystore_p.h"
#include "read/reader_p.h"

#include "promdir/format/json.h"

namespace promdir {

namespace detail {

const KeyStore::Slot *KeyStore::insert(std::string_view raw, std::uint64_t hash, Problem *error)
{
    Shard &shard = shardFor(hash);
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
    // No exposition can carry an empty metric or sample name (the client
    // would write `{l="v"} 1.0`, which Prometheus rejects): the entry is a
    // problem of its file, left out of the merge (docs/compatibility.md).
    // parseKey itself takes them (the writer and the key oracle need it to).
    if (parsed->metric.empty() || parsed->sample.empty()) {
        if (error)
            *error = makeProblem({}, 0, ProblemKind::BadKeyShape,
                                 parsed->metric.empty() ? ProblemCode::KeyMetricNameEmpty : ProblemCode::KeySampleNameEmpty);
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

std::uint32_t keyIdLimit(const KeyStore &store)
{
    return static_cast<std::uint32_t>(store.size());
}

} // namespace detail

KeyInterner::KeyInterner(std::size_t shards) : m_store(std::make_shared<detail::KeyStore>(shards)) {}
KeyInterner::~KeyInterner() = default;

const Key *KeyInterner::intern(std::string_view raw, Problem *error)
{
    const detail::KeyStore::Slot *slot = m_store->intern(raw, error);
    return slot ? slot->key.load(std::memory_order_relaxed) : nullptr;
}

std::size_t KeyInterner::size() const
{
    return m_store->size();
}

} // namespace promdir
