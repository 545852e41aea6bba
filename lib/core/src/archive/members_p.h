#pragma once
// Internal: what an archive's members are (archive/members.cpp): their
// paths split safely into folder and name, the folders they name, the
// members kept per folder, and a member's data read as far as needed.

#include "archive/tarfeed_p.h"

#include <archive_entry.h>

#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace promdir::detail {

// Reads the current member's data from its start, holes as zeros, as far
// as asked and no further (the rest is skipped without being kept).
class MemberData
{
public:
    // holesCharged: the member's holes are already counted against the limit.
    MemberData(struct archive *a, TarFeed &feed, bool holesCharged)
        : m_a(a), m_feed(feed), m_holesCharged(holesCharged)
    {
    }

    // Extends bytes() to `want` (less only at the member's end). False: the
    // archive broke, or the limit was reached.
    bool readTo(std::uint64_t want);

    std::string &bytes() { return m_bytes; }

private:
    struct archive *m_a;
    TarFeed &m_feed;
    bool m_holesCharged;
    std::string m_bytes;
    const char *m_block = nullptr;
    std::size_t m_left = 0;     // of the block not yet taken
    std::uint64_t m_offset = 0; // where m_block is in the member
    bool m_end = false;
};

// Member path split into folder and base name; ".." never resolves. One
// pass: a path thousands of folders deep costs its length, not the sum of
// its prefixes.
struct MemberPath
{
    bool safe = true;
    std::string folder; // "a/b", "" for the top
    std::string base;
    std::string reason;
};

MemberPath splitMemberPath(std::string_view name, bool isDir);

// A --subdir as the member paths spell folders.
std::string normaliseSubdir(std::string_view s);

// `folder` is `ancestor` or inside it ("" is the top, above everything).
bool isAtOrBelow(std::string_view folder, std::string_view ancestor);

// Every folder the members name, each once: the folder of each member
// only, as its ancestors are implied. Kept this way (not as every ancestor
// path) the set costs at most the bytes of the names read; questions about
// a folder walk it once.
class FolderSet
{
public:
    void add(const std::string &folder)
    {
        if (!folder.empty())
            m_folders.insert(folder);
    }

    bool contains(std::string_view folder) const;

    // The folders right inside `parent`, sorted.
    std::set<std::string> children(const std::string &parent) const;

private:
    std::unordered_set<std::string> m_folders;
};

inline constexpr std::size_t kMaxForeignListed = 1000; // per folder; the rest are counted

struct Folder
{
    FileList files;
    std::vector<Problem> problems;
    std::size_t foreignListed = 0;
    std::size_t foreignOmitted = 0;
    std::unordered_map<std::string, std::size_t> byName; // index in files

    // A name stored twice (tar -r appends): the last copy wins, as when
    // the archive is extracted.
    void add(std::shared_ptr<ParsedFile> f)
    {
        auto [it, fresh] = byName.try_emplace(f->name, files.size());
        if (fresh)
            files.push_back(std::move(f));
        else
            files[it->second] = std::move(f);
    }
    std::size_t metricsFiles = 0; // .db members with a metrics file name
    std::optional<std::string> manifest;
    std::string manifestMember;
};

// "(top level)" or the escaped folder and a slash, for messages.
std::string folderLabel(const std::string &folder);

// A name the reference's glob("*.db") would take.
bool isDbName(std::string_view base);

// Why a member is not read, for what libarchive says it is; none for a
// regular file.
std::optional<Phrase> notReadReason(struct archive_entry *e);

// Holes of a sparse member: its real size less the data stored.
std::uint64_t holeBytes(struct archive_entry *e, std::uint64_t size);

} // namespace promdir::detail
