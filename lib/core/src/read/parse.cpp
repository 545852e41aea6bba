// One file's bytes to entries: the header, the framing of the entries in
// either value stride, the keys (guessed from the key before, else looked
// up in the store), the generation, and every problem on the way.
#include "read/parse_p.h"
#include "read/keyprediction_p.h"

#include <algorithm>
#include <optional>
#include <tuple>

namespace promdir {

namespace detail {

namespace {

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


// Interns the key of every frame.
KeyChecks checkKeys(const std::string &path, std::string_view b, const std::vector<Frame> &frames, KeyStore &store)
{
    KeyChecks out;
    out.keys.resize(frames.size());
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
bool parseCurrent(ParsedFile &f, std::string_view b, std::size_t limit, KeyStore &store, std::size_t expectedEntries)
{
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
        Entry &e = f.entries.emplace_back();
        e.offset = static_cast<std::uint32_t>(pos);
        ReaderAccess::setKeyId(e, g.id);
        e.key = g.key;
        e.value = readDouble(b, valueOffset);
        e.timestamp = readDouble(b, valueOffset + 8);
        prev = &g;
        pos = valueOffset + 16;
        if (pos == limit)
            return true;
    }
    f.entries.clear();
    return false;
}

} // namespace

std::uint64_t contentHash(std::string_view b)
{
    return std::hash<std::string_view>{}(b);
}

namespace {

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

// How many bytes hold entries: the header's `used`, or as many as there
// are; nullopt when nothing is to be parsed (the problems say why, unless
// the header is simply not written yet).
std::optional<std::size_t> usedLimit(ParsedFile &f, std::string_view b)
{
    if (b.empty()) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::Empty, ProblemCode::FileEmpty));
        return std::nullopt;
    }
    if (b.size() < kHeader) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::BadHeader, ProblemCode::FileShorterThanHeader, {b.size()}));
        return std::nullopt;
    }
    const std::int32_t used = readInt32(b, 0);
    f.used = used;
    if (used == 0)
        return std::nullopt; // created, header not written yet: the reference reads nothing
    if (used < static_cast<std::int32_t>(kHeader)) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::BadHeader, ProblemCode::UsedBelowHeader, {used}));
        return std::nullopt;
    }
    if (used % 8 != 0)
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::BadHeader, ProblemCode::UsedNotMultipleOf8, {used}));
    std::size_t limit = static_cast<std::size_t>(used);
    if (limit > b.size()) {
        f.problems.push_back(makeProblem(f.path, 0, ProblemKind::Truncated, ProblemCode::UsedBeyondFile, {used, b.size()}));
        limit = b.size();
    }
    return limit;
}

// A framing of the file with its keys checked.
struct Framing
{
    Walk walk;
    KeyChecks keys;
    std::size_t stride = 16;
};

// Which stride frames the file exactly, with keys that parse? Stride 16
// (generation 4) when it frames the file exactly with current-shape keys;
// else whichever stride explains more of the file. Only one walk and its
// keys are kept at a time: a file of zeros frames millions of entries each
// way.
Framing chooseFraming(const ParsedFile &f, std::string_view b, std::size_t limit, KeyStore &store)
{
    const std::int64_t used = f.used;
    auto checkAll = [&](const Walk &w) { return checkKeys(f.path, b, w.frames, store); };
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

    Framing chosen;
    chosen.walk = walk(b, limit, 16, used);
    chosen.keys = checkAll(chosen.walk);
    if (!chosen.walk.complete || !allShape3(chosen.keys)) {
        const auto score16 = score(chosen.walk, chosen.keys);
        chosen = {};
        Walk w8 = walk(b, limit, 8, used);
        KeyChecks keys8 = checkAll(w8);
        if (score(w8, keys8) > score16) {
            chosen.walk = std::move(w8);
            chosen.keys = std::move(keys8);
            chosen.stride = 8;
        } else {
            w8 = {};
            keys8 = {};
            chosen.walk = walk(b, limit, 16, used);
            chosen.keys = checkAll(chosen.walk);
        }
    }
    return chosen;
}

// The entries of the chosen framing whose keys parsed, its problems, and
// the generation its keys say.
void takeEntries(ParsedFile &f, std::string_view b, Framing &chosen)
{
    const std::size_t stride = chosen.stride;
    KeyChecks &keys = chosen.keys;
    int shapes[4] = {0, 0, 0, 0};
    f.entries.reserve(chosen.walk.frames.size() - keys.bad);
    for (auto &p : keys.problems)
        f.problems.push_back(std::move(p));
    for (std::size_t i = 0; i < chosen.walk.frames.size(); ++i) {
        const Frame &fr = chosen.walk.frames[i];
        const Key *key = keys.keys[i];
        if (!key)
            continue;
        ++shapes[key->shape];
        Entry &e = f.entries.emplace_back();
        e.offset = fr.offset;
        ReaderAccess::setKeyId(e, key->id);
        e.key = key;
        e.value = readDouble(b, fr.valueOffset());
        e.timestamp = stride == 16 ? readDouble(b, fr.valueOffset() + 8) : 0.0;
    }
    if (!chosen.walk.complete)
        f.problems.push_back(makeProblem(f.path, chosen.walk.errorOffset, chosen.walk.errorKind, chosen.walk.error.code,
                                         std::move(chosen.walk.error.args)));
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

} // namespace

void parseInto(ParsedFile &f, std::string_view b, const ReadOptions &options, const ReadHints &hints)
{
    const std::optional<std::size_t> limit = usedLimit(f, b);
    if (!limit)
        return;
    if (!hints.quiescent)
        ReaderAccess::setContentHash(f, contentHash(b.substr(0, *limit)));
    if (*limit == kHeader)
        return;

    // Without an interner the file stores its own keys.
    std::optional<KeyInterner> own;
    KeyInterner *interner = options.interner;
    if (!interner)
        interner = &own.emplace(1);
    KeyStore &store = ReaderAccess::store(*interner);
    ReaderAccess::setKeyStore(f, ReaderAccess::sharedStore(*interner));
    const std::size_t expected = hints.similar && ReaderAccess::keyStore(*hints.similar) == &store
                                     ? hints.similar->entries.size() : 0;
    if (parseCurrent(f, b, *limit, store, expected)) {
        f.generation = 4;
        return;
    }
    Framing chosen = chooseFraming(f, b, *limit, store);
    takeEntries(f, b, chosen);
}

std::string baseName(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace detail

ParsedFile readBytes(std::string path, std::string_view bytes, const ReadOptions &options)
{
    ParsedFile f;
    f.name = detail::baseName(path);
    f.path = std::move(path);
    f.fileName = parseFileName(f.name);
    f.size = bytes.size();
    detail::parseInto(f, bytes, options, {});
    return f;
}

std::shared_ptr<const Key> ParsedFile::keepKey(const Entry &entry) const
{
    return std::shared_ptr<const Key>(m_keyStore, entry.key);
}

} // namespace promdir
