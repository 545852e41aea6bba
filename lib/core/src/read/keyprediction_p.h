#pragma once
// Internal: the parser's guess of each key from the key before it, and the
// store's lookup when the guess is wrong.

#include "read/keystore_p.h"

namespace promdir::detail {

// Equal bytes; keys of one metric share long heads and tails (name, label
// names, help), so the middle is looked at first to tell most apart at once.
inline bool sameBytes(std::string_view a, std::string_view b)
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
inline bool findKey(std::string_view raw, const KeyPredictor::Guess *prev, KeyPredictor &predict, KeyStore &store,
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

} // namespace promdir::detail
