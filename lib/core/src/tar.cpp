#include "tar_p.h"

#include <algorithm>
#include <cstring>

namespace promdir::tar {

namespace {

constexpr std::size_t kBlock = 512;

std::uint64_t padTo512(std::uint64_t n)
{
    return (kBlock - n % kBlock) % kBlock;
}

std::string field(const char *block, std::size_t off, std::size_t len)
{
    const char *p = block + off;
    const char *end = static_cast<const char *>(std::memchr(p, '\0', len));
    return std::string(p, end ? static_cast<std::size_t>(end - p) : len);
}

// Octal with spaces/NULs around it, or GNU base-256 (high bit set).
bool parseNumber(const char *p, std::size_t len, std::uint64_t &out)
{
    const auto *u = reinterpret_cast<const unsigned char *>(p);
    if (len && (u[0] & 0x80)) {
        if (u[0] == 0xff)
            return false; // negative
        std::uint64_t v = u[0] & 0x7f;
        for (std::size_t i = 1; i < len; ++i) {
            if (v >> 56)
                return false;
            v = (v << 8) | u[i];
        }
        out = v;
        return true;
    }
    std::size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\0'))
        ++i;
    if (i == len) {
        out = 0;
        return true;
    }
    std::uint64_t v = 0;
    bool digits = false;
    for (; i < len && p[i] >= '0' && p[i] <= '7'; ++i) {
        if (v >> 60)
            return false;
        v = v * 8 + static_cast<unsigned>(p[i] - '0');
        digits = true;
    }
    for (; i < len; ++i)
        if (p[i] != ' ' && p[i] != '\0')
            return false;
    out = v;
    return digits;
}

bool parseDecimal(std::string_view s, std::uint64_t &out)
{
    if (s.empty() || s.size() > 19)
        return false;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    return true;
}

// "1795535475.745463007" -> ns; negative times are kept as 0.
std::int64_t parsePaxTime(std::string_view s)
{
    const auto dot = s.find('.');
    std::uint64_t sec = 0;
    if (!parseDecimal(s.substr(0, dot), sec) || sec > 9'000'000'000ull)
        return 0;
    std::int64_t ns = static_cast<std::int64_t>(sec) * 1'000'000'000;
    if (dot != std::string_view::npos) {
        std::string frac(s.substr(dot + 1, 9));
        frac.resize(9, '0');
        std::uint64_t f = 0;
        if (parseDecimal(frac, f))
            ns += static_cast<std::int64_t>(f);
    }
    return ns;
}

bool checksumOk(const char *block)
{
    std::uint64_t stored = 0;
    if (!parseNumber(block + 148, 8, stored))
        return false;
    std::uint64_t u = 0;
    std::int64_t s = 0;
    for (std::size_t i = 0; i < kBlock; ++i) {
        const bool inField = i >= 148 && i < 156;
        const unsigned char c = inField ? ' ' : static_cast<unsigned char>(block[i]);
        u += c;
        s += static_cast<signed char>(inField ? ' ' : block[i]);
    }
    return stored == u || static_cast<std::int64_t>(stored) == s;
}

bool allZero(const char *block)
{
    for (std::size_t i = 0; i < kBlock; ++i)
        if (block[i])
            return false;
    return true;
}

// "len key=value\n" records.
bool parsePax(const std::string &data, std::vector<std::pair<std::string, std::string>> &out)
{
    std::size_t pos = 0;
    while (pos < data.size()) {
        if (data[pos] == '\0')
            break; // some writers pad with NULs
        const auto sp = data.find(' ', pos);
        if (sp == std::string::npos)
            return false;
        std::uint64_t len = 0;
        if (!parseDecimal(std::string_view(data).substr(pos, sp - pos), len) || len < sp - pos + 3
            || pos + len > data.size() || data[pos + len - 1] != '\n')
            return false;
        const std::string_view rec(data.data() + sp + 1, pos + len - 1 - (sp + 1));
        const auto eq = rec.find('=');
        if (eq == std::string_view::npos)
            return false;
        out.emplace_back(std::string(rec.substr(0, eq)), std::string(rec.substr(eq + 1)));
        pos += len;
    }
    return true;
}

Kind kindOf(char type)
{
    switch (type) {
    case '0':
    case '\0':
    case '7':
        return Kind::Regular;
    case '1':
        return Kind::HardLink;
    case '2':
        return Kind::SymLink;
    case '3':
        return Kind::CharDevice;
    case '4':
        return Kind::BlockDevice;
    case '5':
        return Kind::Directory;
    case '6':
        return Kind::Fifo;
    default:
        return Kind::Other;
    }
}

} // namespace

std::string_view toString(Kind kind)
{
    switch (kind) {
    case Kind::Regular: return "regular file";
    case Kind::Directory: return "folder";
    case Kind::HardLink: return "hard link";
    case Kind::SymLink: return "symbolic link";
    case Kind::CharDevice: return "character device";
    case Kind::BlockDevice: return "block device";
    case Kind::Fifo: return "FIFO";
    case Kind::Other: return "special member";
    }
    return "member";
}

Reader::Reader(ReadFn read, std::uint64_t maxMetadataBytes) : m_read(std::move(read)), m_maxMeta(maxMetadataBytes) {}

bool Reader::readExact(char *buf, std::size_t n)
{
    std::size_t got = 0;
    while (got < n) {
        const std::size_t r = m_read(buf + got, n - got);
        if (r == 0)
            break;
        got += r;
    }
    m_pos += got;
    return got == n;
}

bool Reader::readBlock(char *block)
{
    return readExact(block, kBlock);
}

bool Reader::readPayload(std::uint64_t size, std::string &out)
{
    if (size > m_maxMeta) {
        m_error = "an extended header of " + std::to_string(size) + " bytes is larger than the limit of "
                  + std::to_string(m_maxMeta) + " bytes";
        return false;
    }
    out.resize(size);
    if (!readExact(out.data(), size)) {
        m_error = "the archive ends inside an extended header";
        return false;
    }
    char pad[kBlock];
    if (!readExact(pad, padTo512(size))) {
        m_error = "the archive ends inside an extended header";
        return false;
    }
    return true;
}

bool Reader::skipStored(std::uint64_t n)
{
    char buf[16384];
    while (n) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, sizeof buf));
        if (!readExact(buf, want))
            return false;
        n -= want;
    }
    return true;
}

bool Reader::finishMember()
{
    const std::uint64_t rest = m_storedLeft + m_padding;
    m_storedLeft = m_padding = 0;
    m_logicalPos = m_logicalSize;
    if (!skipStored(rest)) {
        m_error = "the archive ends inside a member's data";
        return false;
    }
    return true;
}

Reader::Status Reader::next(Member &member)
{
    if (!m_error.empty())
        return Status::Error;
    if (!finishMember())
        return Status::Error;
    m_sparse = false;
    m_map.clear();
    m_chunk = 0;
    m_logicalPos = m_logicalSize = 0;

    std::string longName, longLink;
    bool haveLongName = false, haveLongLink = false;
    std::uint64_t metaBytes = 0; // extended headers before this member
    std::vector<std::pair<std::string, std::string>> pax;
    char block[kBlock];
    for (;;) {
        const std::uint64_t at = m_pos;
        std::size_t got = 0;
        while (got < kBlock) {
            const std::size_t r = m_read(block + got, kBlock - got);
            if (r == 0)
                break;
            got += r;
        }
        m_pos += got;
        if (got == 0 && pax.empty() && !haveLongName && !haveLongLink) {
            // Clean end of input at a member boundary, but no marker.
            m_noMarker = true;
            return Status::End;
        }
        if (got < kBlock) {
            m_error = "the archive ends inside a member header";
            return Status::Error;
        }
        if (allZero(block))
            return Status::End; // end-of-archive marker; what follows is never read
        if (!checksumOk(block)) {
            m_error = "bad header checksum at byte " + std::to_string(at)
                      + " of the tar stream (not a tar archive, or corrupt)";
            return Status::Error;
        }
        const char type = block[156];
        std::uint64_t size = 0;
        if (!parseNumber(block + 124, 12, size)) {
            m_error = "bad size field in the header at byte " + std::to_string(at);
            return Status::Error;
        }
        if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
            // Extended headers only describe the next member: a run of them
            // without end is an attack on memory or time.
            metaBytes += size;
            if (metaBytes > 4 * m_maxMeta) {
                m_error = "more than " + std::to_string(4 * m_maxMeta)
                          + " bytes of extended headers before one member at byte " + std::to_string(at);
                return Status::Error;
            }
        }
        if (type == 'L' || type == 'K') {
            std::string data;
            if (!readPayload(size, data))
                return Status::Error;
            if (auto nul = data.find('\0'); nul != std::string::npos)
                data.resize(nul);
            (type == 'L' ? longName : longLink) = std::move(data);
            (type == 'L' ? haveLongName : haveLongLink) = true;
            continue;
        }
        if (type == 'x' || type == 'g') {
            std::string data;
            if (!readPayload(size, data))
                return Status::Error;
            std::vector<std::pair<std::string, std::string>> recs;
            if (!parsePax(data, recs)) {
                m_error = "malformed pax extended header at byte " + std::to_string(at);
                return Status::Error;
            }
            auto &into = type == 'x' ? pax : m_global;
            for (auto &rec : recs) {
                // A later record for the same key replaces the earlier one.
                auto it = std::find_if(into.begin(), into.end(), [&](const auto &p) { return p.first == rec.first; });
                if (it != into.end() && !rec.first.starts_with("GNU.sparse.offset")
                    && !rec.first.starts_with("GNU.sparse.numbytes"))
                    it->second = std::move(rec.second);
                else
                    into.push_back(std::move(rec));
            }
            if (type == 'g') {
                std::uint64_t total = 0;
                for (const auto &[k, v] : m_global)
                    total += k.size() + v.size();
                if (total > m_maxMeta) {
                    m_error = "global pax headers larger than " + std::to_string(m_maxMeta) + " bytes";
                    return Status::Error;
                }
            }
            continue;
        }

        // A real member.
        const bool gnu = std::memcmp(block + 257, "ustar  ", 8) == 0;
        const bool ustar = std::memcmp(block + 257, "ustar", 5) == 0 && !gnu;
        member = Member{};
        member.typeflag = type;
        member.kind = kindOf(type);
        std::string name = field(block, 0, 100);
        if (ustar) {
            const std::string prefix = field(block, 345, 155);
            if (!prefix.empty())
                name = prefix + "/" + name;
        }
        member.name = std::move(name);
        member.linkName = field(block, 157, 100);
        std::uint64_t mtime = 0;
        if (parseNumber(block + 136, 12, mtime) && mtime < 9'000'000'000ull)
            member.mtimeNs = static_cast<std::int64_t>(mtime) * 1'000'000'000;
        std::uint64_t stored = size;
        std::uint64_t logical = size;

        if (haveLongName)
            member.name = longName;
        if (haveLongLink)
            member.linkName = longLink;

        // Sparse descriptions.
        std::vector<std::pair<std::uint64_t, std::uint64_t>> map;
        bool sparse = false;
        int sparseMajor = -1;
        std::string sparseName;
        std::uint64_t sparseSize = 0;
        bool haveSparseSize = false;
        std::uint64_t pendingOffset = 0;
        bool haveOffset = false;

        auto apply = [&](const std::vector<std::pair<std::string, std::string>> &recs) -> bool {
            for (const auto &[k, v] : recs) {
                std::uint64_t n = 0;
                if (k == "path")
                    member.name = v;
                else if (k == "linkpath")
                    member.linkName = v;
                else if (k == "size") {
                    if (!parseDecimal(v, n))
                        return false;
                    stored = logical = n;
                } else if (k == "mtime")
                    member.mtimeNs = parsePaxTime(v);
                else if (k == "GNU.sparse.major") {
                    sparse = true;
                    sparseMajor = v == "1" ? 1 : 0;
                } else if (k == "GNU.sparse.name") {
                    sparse = true;
                    sparseName = v;
                } else if (k == "GNU.sparse.realsize" || k == "GNU.sparse.size") {
                    if (!parseDecimal(v, n))
                        return false;
                    sparse = true;
                    sparseSize = n;
                    haveSparseSize = true;
                } else if (k == "GNU.sparse.offset") {
                    if (!parseDecimal(v, pendingOffset))
                        return false;
                    haveOffset = true;
                    sparse = true;
                } else if (k == "GNU.sparse.numbytes") {
                    if (!parseDecimal(v, n) || !haveOffset)
                        return false;
                    map.emplace_back(pendingOffset, n);
                    haveOffset = false;
                } else if (k == "GNU.sparse.map") {
                    sparse = true;
                    std::vector<std::uint64_t> nums;
                    std::size_t p = 0;
                    while (p <= v.size() && !v.empty()) {
                        const auto c = v.find(',', p);
                        const auto part = std::string_view(v).substr(p, c == std::string::npos ? std::string::npos : c - p);
                        if (!parseDecimal(part, n))
                            return false;
                        nums.push_back(n);
                        if (c == std::string::npos)
                            break;
                        p = c + 1;
                    }
                    if (nums.size() % 2)
                        return false;
                    for (std::size_t i = 0; i < nums.size(); i += 2)
                        map.emplace_back(nums[i], nums[i + 1]);
                }
            }
            return true;
        };
        if (!apply(m_global) || !apply(pax)) {
            m_error = "malformed pax record for the member at byte " + std::to_string(at);
            return Status::Error;
        }
        if (!sparseName.empty())
            member.name = sparseName;

        if (type == 'S') {
            // Old GNU sparse: map in the header (and extension blocks).
            sparse = true;
            auto readEntries = [&](const char *p, int count) -> bool {
                for (int i = 0; i < count; ++i) {
                    std::uint64_t off = 0, len = 0;
                    if (!parseNumber(p + i * 24, 12, off) || !parseNumber(p + i * 24 + 12, 12, len))
                        return false;
                    if (off == 0 && len == 0 && p[i * 24] == '\0')
                        break;
                    map.emplace_back(off, len);
                }
                return true;
            };
            bool ok = readEntries(block + 386, 4);
            std::uint64_t real = 0;
            ok = ok && parseNumber(block + 483, 12, real);
            bool extended = block[482] != '\0';
            while (ok && extended) {
                char ext[kBlock];
                if (!readBlock(ext)) {
                    m_error = "the archive ends inside a sparse map";
                    return Status::Error;
                }
                ok = readEntries(ext, 21);
                extended = ext[504] != '\0';
                if (map.size() > 1'000'000)
                    ok = false;
            }
            if (!ok) {
                m_error = "malformed sparse map in the header at byte " + std::to_string(at);
                return Status::Error;
            }
            logical = real;
            member.kind = Kind::Regular;
        } else if (sparse) {
            if (sparseMajor == 1) {
                // Map as decimal lines at the start of the data, padded to a block.
                std::string text;
                std::uint64_t consumed = 0;
                auto line = [&](std::uint64_t &v) -> bool {
                    std::string digits;
                    for (;;) {
                        if (consumed >= stored || consumed > m_maxMeta)
                            return false;
                        char c;
                        if (!readExact(&c, 1))
                            return false;
                        ++consumed;
                        if (c == '\n')
                            break;
                        digits += c;
                    }
                    return parseDecimal(digits, v);
                };
                std::uint64_t count = 0;
                bool ok = line(count) && count <= 1'000'000;
                for (std::uint64_t i = 0; ok && i < count; ++i) {
                    std::uint64_t off = 0, len = 0;
                    ok = line(off) && line(len);
                    if (ok)
                        map.emplace_back(off, len);
                }
                const std::uint64_t pad = padTo512(consumed);
                if (!ok || consumed + pad > stored || !skipStored(pad)) {
                    m_error = "malformed sparse map (pax 1.0) for the member at byte " + std::to_string(at);
                    return Status::Error;
                }
                stored -= consumed + pad;
            }
            if (!haveSparseSize) {
                m_error = "sparse member without its real size at byte " + std::to_string(at);
                return Status::Error;
            }
            logical = sparseSize;
        }
        if (sparse) {
            std::uint64_t sum = 0, end = 0;
            for (const auto &[off, len] : map) {
                if (off < end || len > logical || off > logical - len) {
                    m_error = "inconsistent sparse map for the member at byte " + std::to_string(at);
                    return Status::Error;
                }
                end = off + len;
                sum += len;
            }
            if (sum > stored) {
                m_error = "sparse map describes more data than stored for the member at byte " + std::to_string(at);
                return Status::Error;
            }
            member.sparse = true;
            m_sparse = true;
            m_map = std::move(map);
        }
        member.size = member.kind == Kind::Regular ? logical : 0;
        // Hard links, directories etc. normally store no data, but honour the field.
        m_storedLeft = stored;
        m_padding = padTo512(stored);
        m_logicalSize = member.kind == Kind::Regular ? logical : 0;
        m_logicalPos = 0;
        return Status::Member;
    }
}

std::size_t Reader::readStored(char *buf, std::size_t n)
{
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_storedLeft));
    std::size_t got = 0;
    while (got < n) {
        const std::size_t r = m_read(buf + got, n - got);
        if (r == 0)
            break;
        got += r;
    }
    m_pos += got;
    m_storedLeft -= got;
    if (got < n)
        m_error = "the archive ends inside a member's data";
    return got;
}

std::size_t Reader::read(char *buf, std::size_t n)
{
    if (!m_error.empty() || m_logicalPos >= m_logicalSize)
        return 0;
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_logicalSize - m_logicalPos));
    if (!m_sparse) {
        const std::size_t got = readStored(buf, n);
        m_logicalPos += got;
        return got;
    }
    std::size_t done = 0;
    while (done < n) {
        while (m_chunk < m_map.size() && m_logicalPos >= m_map[m_chunk].first + m_map[m_chunk].second)
            ++m_chunk;
        const std::uint64_t want = n - done;
        if (m_chunk < m_map.size() && m_logicalPos >= m_map[m_chunk].first) {
            const std::uint64_t left = m_map[m_chunk].first + m_map[m_chunk].second - m_logicalPos;
            const std::size_t take = static_cast<std::size_t>(std::min(want, left));
            const std::size_t got = readStored(buf + done, take);
            done += got;
            m_logicalPos += got;
            if (got < take)
                break;
        } else {
            // A hole up to the next chunk (or the end).
            const std::uint64_t holeEnd = m_chunk < m_map.size() ? m_map[m_chunk].first : m_logicalSize;
            const std::size_t take = static_cast<std::size_t>(std::min(want, holeEnd - m_logicalPos));
            std::memset(buf + done, 0, take);
            done += take;
            m_logicalPos += take;
        }
    }
    return done;
}

bool Reader::skip()
{
    return finishMember();
}

// ---- Writer ----

std::string makeHeader(std::string_view name, char type, std::uint64_t size, std::int64_t mtime,
                       std::string_view linkName, unsigned mode)
{
    std::string b(kBlock, '\0');
    std::memcpy(b.data(), name.data(), std::min<std::size_t>(name.size(), 100));
    auto octal = [&](std::size_t off, std::size_t len, std::uint64_t v) {
        std::string s(len - 1, '0');
        for (std::size_t i = len - 1; i-- > 0 && v;) {
            s[i] = static_cast<char>('0' + (v & 7));
            v >>= 3;
        }
        std::memcpy(b.data() + off, s.data(), len - 1);
    };
    octal(100, 8, mode);
    octal(108, 8, 0);
    octal(116, 8, 0);
    if (size < (std::uint64_t(1) << 33)) {
        octal(124, 12, size);
    } else { // base-256
        b[124] = static_cast<char>(0x80);
        for (int i = 0; i < 8; ++i)
            b[135 - i] = static_cast<char>((size >> (8 * i)) & 0xff);
    }
    octal(136, 12, mtime > 0 ? static_cast<std::uint64_t>(mtime) : 0);
    b[156] = type;
    if (!linkName.empty()) // an empty view's data() may be null, which memcpy must not get
        std::memcpy(b.data() + 157, linkName.data(), std::min<std::size_t>(linkName.size(), 100));
    std::memcpy(b.data() + 257, "ustar\0" "00", 8);
    std::memset(b.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : b)
        sum += c;
    octal(148, 7, sum);
    b[155] = ' ';
    return b;
}

void Writer::pad(std::uint64_t size)
{
    static const char zeros[kBlock] = {};
    if (const auto p = padTo512(size))
        m_write(zeros, static_cast<std::size_t>(p));
}

void Writer::header(const std::string &name, char type, std::uint64_t size, std::int64_t mtime, unsigned mode)
{
    if (name.size() > 100) {
        // A pax record carries the full name; the ustar field a truncated one.
        std::string rec = " path=" + name + "\n";
        std::size_t len = rec.size();
        while (std::to_string(len).size() + rec.size() != len)
            len = std::to_string(len).size() + rec.size();
        rec = std::to_string(len) + rec;
        const std::string h = makeHeader("PaxHeader", 'x', rec.size(), mtime);
        m_write(h.data(), h.size());
        m_write(rec.data(), rec.size());
        pad(rec.size());
    }
    const std::string h = makeHeader(name.substr(0, 100), type, size, mtime, {}, mode);
    m_write(h.data(), h.size());
}

void Writer::addDirectory(const std::string &name, std::int64_t mtime, unsigned mode)
{
    header(name.ends_with('/') ? name : name + "/", '5', 0, mtime, mode);
}

void Writer::addFile(const std::string &name, std::string_view data, std::int64_t mtime, unsigned mode)
{
    header(name, '0', data.size(), mtime, mode);
    m_write(data.data(), data.size());
    pad(data.size());
}

void Writer::finish()
{
    static const char zeros[2 * kBlock] = {};
    m_write(zeros, sizeof zeros);
}

} // namespace promdir::tar
