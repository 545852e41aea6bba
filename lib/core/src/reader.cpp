#include "promdir/reader.h"

#include "promdir/json.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <tuple>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace promdir {

// ---------------------------------------------------------------- interner

struct KeyInterner::Impl
{
    // Looked up by string_view without building a string.
    // A word-at-a-time multiply-rotate hash: keys are short, many and
    // looked up a million times on a cold read of a big directory.
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const
        {
            std::uint64_t h = s.size() * 0x9E3779B97F4A7C15ull;
            std::size_t i = 0;
            for (; i + 8 <= s.size(); i += 8) {
                std::uint64_t w;
                std::memcpy(&w, s.data() + i, 8);
                h = (((h << 5) | (h >> 59)) ^ w) * 0x517CC1B727220A95ull;
            }
            std::uint64_t tail = 0;
            std::memcpy(&tail, s.data() + i, s.size() - i);
            h = (((h << 5) | (h >> 59)) ^ tail) * 0x517CC1B727220A95ull;
            return static_cast<std::size_t>(h ^ (h >> 32));
        }
    };
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<const Key>, Hash, std::equal_to<>> keys;
};

KeyInterner::KeyInterner() : m_d(std::make_unique<Impl>()) {}
KeyInterner::~KeyInterner() = default;

std::shared_ptr<const Key> KeyInterner::intern(std::string_view raw, KeyParseResult *error)
{
    {
        std::lock_guard lock(m_d->mutex);
        auto it = m_d->keys.find(raw);
        if (it != m_d->keys.end())
            return it->second;
    }
    if (const std::size_t bad = json::findInvalidUtf8(raw); bad != std::string_view::npos) {
        if (error) {
            error->kind = ProblemKind::BadUtf8;
            error->errorOffset = bad;
            error->error = "key is not valid UTF-8";
        }
        return nullptr;
    }
    auto parsed = parseKey(raw);
    if (!parsed.ok) {
        if (error)
            *error = std::move(parsed);
        return nullptr;
    }
    auto key = std::make_shared<const Key>(std::move(parsed.key));
    std::lock_guard lock(m_d->mutex);
    return m_d->keys.emplace(std::string(raw), std::move(key)).first->second;
}

std::size_t KeyInterner::size() const
{
    std::lock_guard lock(m_d->mutex);
    return m_d->keys.size();
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

struct Frame
{
    std::size_t offset;   // entry start
    std::size_t keyLen;
    std::size_t valueOffset;
};

struct Walk
{
    std::vector<Frame> frames;
    bool complete = false; // ended exactly at the limit
    std::size_t errorOffset = 0;
    ProblemKind errorKind = ProblemKind::Truncated;
    std::string error;
};

// Frames entries with a value stride of 8 (generations 1-3) or 16 (4).
Walk walk(std::string_view b, std::size_t limit, std::size_t stride, std::int64_t used)
{
    Walk w;
    std::size_t pos = kHeader;
    const std::string limitWord = limit < static_cast<std::uint64_t>(used) ? "the end of the data" : "used (" + std::to_string(used) + ")";
    while (pos < limit) {
        if (pos + 4 > limit) {
            w.errorOffset = pos;
            w.errorKind = ProblemKind::Truncated;
            w.error = "entry header runs past " + limitWord;
            return w;
        }
        const std::int32_t len = readInt32(b, pos);
        if (len < 0) {
            w.errorOffset = pos;
            w.errorKind = ProblemKind::BadKeyLength;
            w.error = "negative key length " + std::to_string(len);
            return w;
        }
        const std::size_t keyLen = static_cast<std::size_t>(len);
        if (pos + 4 + keyLen > limit) {
            w.errorOffset = pos;
            w.errorKind = ProblemKind::BadKeyLength;
            w.error = "key length " + std::to_string(len) + " runs past " + limitWord
                      + " (read beyond file size; the file is corrupted or truncated)";
            return w;
        }
        const std::size_t padded = keyLen + (8 - (keyLen + 4) % 8);
        const std::size_t valueOffset = pos + 4 + padded;
        if (valueOffset + stride > limit) {
            w.errorOffset = pos;
            w.errorKind = ProblemKind::Truncated;
            w.error = "value of the entry runs past " + limitWord;
            return w;
        }
        w.frames.push_back({pos, keyLen, valueOffset});
        pos = valueOffset + stride;
    }
    w.complete = true;
    return w;
}

struct KeyCheck
{
    std::shared_ptr<const Key> key;
    Problem problem; // when !key
};

KeyCheck checkKey(const std::string &path, std::string_view b, const Frame &f, KeyInterner *interner,
                  const Entry *similar)
{
    KeyCheck c;
    const std::string_view raw = b.substr(f.offset + 4, f.keyLen);
    if (similar && similar->key->raw == raw) {
        c.key = similar->key;
        return c;
    }
    KeyParseResult err;
    if (interner) {
        c.key = interner->intern(raw, &err);
    } else if (const std::size_t bad = json::findInvalidUtf8(raw); bad != std::string_view::npos) {
        err.kind = ProblemKind::BadUtf8;
        err.errorOffset = bad;
        err.error = "key is not valid UTF-8";
    } else {
        auto r = parseKey(raw);
        if (r.ok)
            c.key = std::make_shared<const Key>(std::move(r.key));
        else
            err = std::move(r);
    }
    if (!c.key) {
        c.problem = {path, f.offset + 4 + err.errorOffset, err.kind,
                     err.error + " (entry at offset " + std::to_string(f.offset) + ")"};
    }
    return c;
}

// Identity of the used bytes, to tell a re-read file that did not change.
std::uint64_t contentHash(std::string_view b)
{
    return std::hash<std::string_view>{}(b);
}

// Parses the bytes of one file into `f` (path, name, size already set).
void parseInto(ParsedFile &f, std::string_view b, const ReadOptions &options)
{
    if (b.empty()) {
        f.problems.push_back({f.path, 0, ProblemKind::Empty, "file is empty (0 bytes)"});
        return;
    }
    if (b.size() < kHeader) {
        f.problems.push_back({f.path, 0, ProblemKind::BadHeader,
                              "file is " + std::to_string(b.size()) + " bytes, shorter than the 8-byte header"});
        return;
    }
    const std::int32_t used = readInt32(b, 0);
    f.used = used;
    if (used == 0)
        return; // created, header not written yet: the reference reads nothing
    if (used < static_cast<std::int32_t>(kHeader)) {
        f.problems.push_back({f.path, 0, ProblemKind::BadHeader,
                              "used is " + std::to_string(used) + ", smaller than the 8-byte header"});
        return;
    }
    if (used % 8 != 0)
        f.problems.push_back({f.path, 0, ProblemKind::BadHeader,
                              "used is " + std::to_string(used) + ", not a multiple of 8"});
    std::size_t limit = static_cast<std::size_t>(used);
    if (limit > b.size()) {
        f.problems.push_back({f.path, 0, ProblemKind::Truncated,
                              "used is " + std::to_string(used) + " but the file has only "
                                  + std::to_string(b.size()) + " bytes"});
        limit = b.size();
    }
    if (!options.quiescent)
        f.contentHash = contentHash(b.substr(0, limit));
    if (limit == kHeader)
        return;

    // Which stride frames the file exactly, with keys that parse?
    Walk w16 = walk(b, limit, 16, used);
    std::vector<KeyCheck> keys;
    auto checkAll = [&](const Walk &w) {
        std::vector<KeyCheck> out;
        out.reserve(w.frames.size());
        const ParsedFile *like = options.similar;
        for (std::size_t k = 0; k < w.frames.size(); ++k)
            out.push_back(checkKey(f.path, b, w.frames[k], options.interner,
                                   like && k < like->entries.size() ? &like->entries[k] : nullptr));
        return out;
    };
    auto allShape3 = [](const std::vector<KeyCheck> &ks) {
        for (const auto &k : ks)
            if (!k.key || k.key->shape != 3)
                return false;
        return true;
    };
    auto goodCount = [](const std::vector<KeyCheck> &ks) {
        std::size_t n = 0;
        for (const auto &k : ks)
            n += k.key ? 1 : 0;
        return n;
    };

    // Stride 16 (generation 4) when it frames the file exactly with
    // current-shape keys; else whichever stride explains more of the file.
    const Walk *chosen = nullptr;
    std::size_t stride = 16;
    std::vector<KeyCheck> keys16;
    if (w16.complete) {
        keys16 = checkAll(w16);
        if (allShape3(keys16)) {
            chosen = &w16;
            keys = std::move(keys16);
        }
    }
    if (!chosen) {
        if (!w16.complete)
            keys16 = checkAll(w16);
        Walk w8 = walk(b, limit, 8, used);
        std::vector<KeyCheck> keys8 = checkAll(w8);
        auto score = [&](const Walk &w, const std::vector<KeyCheck> &ks) {
            // Complete framing first, then keys that parse, then fewer bad ones.
            return std::tuple(w.complete && goodCount(ks) == ks.size(), w.complete, goodCount(ks));
        };
        if (score(w8, keys8) > score(w16, keys16)) {
            w16 = std::move(w8);
            stride = 8;
            keys = std::move(keys8);
        } else {
            keys = std::move(keys16);
        }
        chosen = &w16;
    }

    int shapes[4] = {0, 0, 0, 0};
    f.entries.reserve(chosen->frames.size());
    for (std::size_t i = 0; i < chosen->frames.size(); ++i) {
        const Frame &fr = chosen->frames[i];
        KeyCheck &kc = keys[i];
        if (!kc.key) {
            f.problems.push_back(std::move(kc.problem));
            continue;
        }
        ++shapes[kc.key->shape];
        Entry e;
        e.offset = fr.offset;
        e.key = std::move(kc.key);
        e.value = readDouble(b, fr.valueOffset);
        e.timestamp = stride == 16 ? readDouble(b, fr.valueOffset + 8) : 0.0;
        f.entries.push_back(std::move(e));
    }
    if (!chosen->complete)
        f.problems.push_back({f.path, chosen->errorOffset, chosen->errorKind, chosen->error});

    if (stride == 16) {
        f.generation = 4;
    } else {
        const int kinds = (shapes[1] > 0) + (shapes[2] > 0) + (shapes[3] > 0);
        f.generation = shapes[3] ? 3 : shapes[2] ? 2 : shapes[1] ? 1 : 0;
        if (kinds > 1)
            f.problems.push_back({f.path, kHeader, ProblemKind::MixedGeneration,
                                  "keys of different format generations in one file"});
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

RawRead readRaw(const std::filesystem::path &fsPath, const ReadOptions &options)
{
    RawRead r;
    ParsedFile &f = r.f;
    f.path = fsPath.string();
    f.name = baseName(f.path);
    f.fileName = parseFileName(f.name);

    const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        f.problems.push_back({f.path, 0, err == ENOENT ? ProblemKind::Vanished : ProblemKind::Unreadable,
                              err == ENOENT ? "file vanished before it could be read"
                                            : std::string("cannot open: ") + std::strerror(err)});
        r.failed = true;
        return r;
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const bool dir = S_ISDIR(st.st_mode);
        ::close(fd);
        f.problems.push_back({f.path, 0, dir ? ProblemKind::ForeignFile : ProblemKind::Unreadable,
                              dir ? "is a folder, not a file" : "not a regular file"});
        r.failed = true;
        return r;
    }
    f.stamp = stampFrom(st);

    std::string error;
    std::string again;
    const bool verify = options.verifyStable && !options.quiescent;
    r.stable = !verify;
    const int attempts = std::max(1, options.maxAttempts);
    bool haveData = false;
    for (int attempt = 0; attempt < attempts && error.empty(); ++attempt) {
        // The first 16 KiB in one read (header and, mostly, everything:
        // files are 64 KiB and more, but little of that is used); then the
        // rest that the header's `used` asks for. A writer appends beyond
        // `used` before raising it, so what we read is consistent.
        if (!haveData) {
            struct stat now{};
            ::fstat(fd, &now);
            const auto fileSize = static_cast<std::size_t>(now.st_size);
            if (!preadAll(fd, r.data, std::min<std::size_t>(fileSize, 16384), error))
                break;
            const std::size_t want = bytesWanted(r.data, fileSize);
            if (want > r.data.size()) {
                std::string rest;
                const std::size_t have = r.data.size();
                rest.resize(want - have);
                const ssize_t n = ::pread(fd, rest.data(), rest.size(), static_cast<off_t>(have));
                if (n > 0)
                    r.data.append(rest.data(), static_cast<std::size_t>(n));
            } else {
                r.data.resize(want);
            }
            f.size = fileSize;
            haveData = true;
            if (!verify)
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
        f.problems.push_back({f.path, r.data.size(), ProblemKind::Unreadable, "read failed: " + error});
        r.failed = true;
    }
    return r;
}

void finish(RawRead &r, const ReadOptions &options)
{
    if (r.failed)
        return;
    parseInto(r.f, std::string_view(r.data), options);
    if (!r.stable)
        r.f.problems.push_back({r.f.path, 0, ProblemKind::Unstable,
                                "file kept changing while being read; values may be from different moments"});
}

} // namespace

std::optional<FileStamp> stampOf(const std::filesystem::path &path)
{
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return stampFrom(st);
}

ParsedFile readFile(const std::filesystem::path &fsPath, const ReadOptions &options)
{
    RawRead r = readRaw(fsPath, options);
    finish(r, options);
    return std::move(r.f);
}

std::shared_ptr<const ParsedFile> rereadFile(const std::filesystem::path &path,
                                             const std::shared_ptr<const ParsedFile> &previous,
                                             const ReadOptions &options)
{
    RawRead r = readRaw(path, options);
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
