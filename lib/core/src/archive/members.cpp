// Archive members: names made safe to print, paths split safely, the
// folders they name, and their data.
#include "archive/members_p.h"
#include "format/utf8_p.h"

#include <algorithm>

namespace promdir {

std::string escapeMemberName(std::string_view raw)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size());
    auto esc = [&](unsigned char c) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
    };
    std::size_t i = 0;
    while (i < raw.size()) {
        const utf8::Decoded d = utf8::decode(raw, i, utf8::Surrogates::Refuse);
        // C0 and C1 control characters would move the terminal's cursor.
        const bool control = d.codePoint < 0x20 || (d.codePoint >= 0x7f && d.codePoint < 0xa0);
        if (d.valid && !control && d.codePoint != '\\')
            out.append(raw.substr(i, d.length));
        else
            for (std::size_t k = 0; k < d.length; ++k)
                esc(static_cast<unsigned char>(raw[i + k]));
        i += d.length;
    }
    return out;
}

namespace detail {

bool MemberData::readTo(std::uint64_t want)
{
    while (m_bytes.size() < want) {
        if (m_left == 0 && !m_end) {
            const void *block = nullptr;
            std::size_t len = 0;
            la_int64_t offset = 0;
            const int rc = archive_read_data_block(m_a, &block, &len, &offset);
            if (rc == ARCHIVE_EOF) {
                m_end = true;
                len = 0;
            } else if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
                return false;
            }
            m_block = static_cast<const char *>(block);
            m_left = len;
            m_offset = offset > 0 ? static_cast<std::uint64_t>(offset) : 0;
        }
        const std::uint64_t at = m_bytes.size();
        if (m_offset > at) { // a hole up to the next block (or the end)
            const std::uint64_t zeros = std::min(m_offset, want) - at;
            if (!m_holesCharged && !m_feed.charge(zeros))
                return false;
            m_bytes.append(static_cast<std::size_t>(zeros), '\0');
            continue;
        }
        if (m_end)
            break;
        if (m_offset + m_left <= at) { // a sparse map going backwards: ignored
            m_left = 0;
            continue;
        }
        const std::uint64_t skip = at - m_offset;
        const std::uint64_t take = std::min<std::uint64_t>(m_left - skip, want - at);
        m_bytes.append(m_block + skip, static_cast<std::size_t>(take));
        m_block += skip + take;
        m_left -= static_cast<std::size_t>(skip + take);
        m_offset = at + take;
    }
    return true;
}

MemberPath splitMemberPath(std::string_view name, bool isDir)
{
    MemberPath mp;
    std::string path;          // the parts kept, joined by '/'
    std::size_t lastStart = 0; // where the last part begins in `path`
    for (std::size_t p = 0; p <= name.size();) {
        auto s = name.find('/', p);
        if (s == std::string_view::npos)
            s = name.size();
        const auto part = name.substr(p, s - p);
        if (part == "..") {
            mp.safe = false;
            mp.reason = "unsafe name (contains '..'); not read";
            return mp;
        }
        if (!part.empty() && part != ".") {
            if (!path.empty())
                path += '/';
            lastStart = path.size();
            path += part;
        }
        p = s + 1;
    }
    if (path.empty()) {
        if (isDir)
            return mp; // "./" is the top folder itself
        mp.safe = false;
        mp.reason = "empty member name; not read";
        return mp;
    }
    if (isDir) {
        mp.folder = std::move(path);
        return mp;
    }
    mp.base = path.substr(lastStart);
    path.resize(lastStart ? lastStart - 1 : 0);
    mp.folder = std::move(path);
    return mp;
}

std::string normaliseSubdir(std::string_view s)
{
    const MemberPath mp = splitMemberPath(s, true);
    return mp.safe ? mp.folder : std::string(s);
}

bool isAtOrBelow(std::string_view folder, std::string_view ancestor)
{
    if (ancestor.empty() || folder == ancestor)
        return true;
    return folder.size() > ancestor.size() && folder.starts_with(ancestor) && folder[ancestor.size()] == '/';
}

bool FolderSet::contains(std::string_view folder) const
{
    if (folder.empty())
        return true;
    return std::any_of(m_folders.begin(), m_folders.end(),
                       [&](const std::string &f) { return isAtOrBelow(f, folder); });
}

std::set<std::string> FolderSet::children(const std::string &parent) const
{
    std::set<std::string> out;
    for (const auto &f : m_folders) {
        if (f.size() <= parent.size() || !isAtOrBelow(f, parent))
            continue;
        const std::size_t from = parent.empty() ? 0 : parent.size() + 1;
        const auto slash = f.find('/', from);
        out.insert(f.substr(0, slash));
    }
    return out;
}

std::string folderLabel(const std::string &folder)
{
    return folder.empty() ? std::string("(top level)") : escapeMemberName(folder) + "/";
}

bool isDbName(std::string_view base)
{
    return base.ends_with(".db") && !base.starts_with(".");
}

std::optional<Phrase> notReadReason(struct archive_entry *e)
{
    if (const char *target = archive_entry_hardlink(e))
        return Phrase(ProblemCode::MemberHardLink, {escapeMemberName(target)});
    switch (archive_entry_filetype(e)) {
    case AE_IFREG: return std::nullopt;
    case AE_IFLNK: {
        const char *target = archive_entry_symlink(e);
        return Phrase(ProblemCode::MemberSymlink, {escapeMemberName(target ? target : "")});
    }
    case AE_IFCHR: return Phrase(ProblemCode::MemberCharDevice);
    case AE_IFBLK: return Phrase(ProblemCode::MemberBlockDevice);
    case AE_IFIFO: return Phrase(ProblemCode::MemberFifo);
    case AE_IFSOCK: return Phrase(ProblemCode::MemberSocket);
    default: return Phrase(ProblemCode::MemberSpecial);
    }
}

std::uint64_t holeBytes(struct archive_entry *e, std::uint64_t size)
{
    if (archive_entry_sparse_reset(e) <= 0)
        return 0;
    std::uint64_t stored = 0;
    la_int64_t offset = 0, length = 0;
    while (archive_entry_sparse_next(e, &offset, &length) == ARCHIVE_OK)
        stored += length > 0 ? static_cast<std::uint64_t>(length) : 0;
    return stored < size ? size - stored : 0;
}

} // namespace detail

} // namespace promdir
