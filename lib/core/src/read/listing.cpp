// What the reference's glob("*.db") sees, in byte order, and what it does
// not see (foreign files, folders).
#include "read/listing_p.h"

#include "promdir/format/filename.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <sys/stat.h>

namespace promdir::detail {

namespace fs = std::filesystem;

namespace {

// `dir`/`name`, spelled like std::filesystem's operator/ would.
std::string joinPath(const std::string &dir, std::string_view name)
{
    std::string p;
    p.reserve(dir.size() + 1 + name.size());
    p += dir;
    if (!p.empty() && p.back() != '/')
        p += '/';
    p += name;
    return p;
}

// Sorts `paths` byte-wise; all share their first `skip` bytes (the folder).
// As std::sort would, but comparing the next 24 bytes as three numbers
// first: names of one kind share a long head, which whole strings compare
// byte by byte, again and again.
void sortByBytes(std::vector<std::string> &paths, std::size_t skip)
{
    struct Item
    {
        std::uint64_t head[3]; // big-endian, zero after the end: a prefix sorts first
        std::uint32_t index;
    };
    std::vector<Item> items(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
        char bytes[24] = {};
        const std::string_view rest = std::string_view(paths[i]).substr(std::min(skip, paths[i].size()));
        std::memcpy(bytes, rest.data(), std::min<std::size_t>(rest.size(), sizeof bytes));
        for (int w = 0; w < 3; ++w) {
            std::uint64_t v;
            std::memcpy(&v, bytes + 8 * w, 8);
            items[i].head[w] = __builtin_bswap64(v);
        }
        items[i].index = static_cast<std::uint32_t>(i);
    }
    std::sort(items.begin(), items.end(), [&](const Item &a, const Item &b) {
        for (int w = 0; w < 3; ++w)
            if (a.head[w] != b.head[w])
                return a.head[w] < b.head[w];
        return paths[a.index] < paths[b.index]; // the same first 24 bytes
    });
    std::vector<std::string> sorted;
    sorted.reserve(paths.size());
    for (const Item &it : items)
        sorted.push_back(std::move(paths[it.index]));
    paths = std::move(sorted);
}

} // namespace

Listing listDirectory(const fs::path &dirPath, ArrivingNames *arriving)
{
    Listing l;
    const std::string dir = dirPath.string();
    DIR *d = ::opendir(dir.c_str());
    if (!d) {
        l.error = dir + ": " + std::strerror(errno);
        return l;
    }
    for (;;) {
        errno = 0;
        const struct dirent *e = ::readdir(d);
        if (!e) {
            if (errno != 0)
                l.problems.push_back(makeProblem(dir, 0, ProblemKind::Unreadable, ProblemCode::ListingFailed,
                                                 {std::strerror(errno)}));
            break;
        }
        const std::string_view name = e->d_name;
        if (name == "." || name == ".." || name == kCompactionFolder)
            continue; // the compaction folder is promdir's own (compact/compact.h)
        if (!name.ends_with(".db") || name.starts_with(".")) {
            bool isDir = e->d_type == DT_DIR;
            struct stat st{};
            if ((e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) && ::fstatat(::dirfd(d), e->d_name, &st, 0) == 0)
                isDir = S_ISDIR(st.st_mode); // a link to a folder counts as one
            l.problems.push_back(makeProblem(joinPath(dir, name), 0, ProblemKind::ForeignFile,
                                             isDir ? ProblemCode::SubfolderIgnored : ProblemCode::NotMetricsFileIgnored));
            continue;
        }
        l.dbFiles.push_back(joinPath(dir, name));
        if (e->d_type != DT_REG)
            l.unsure.insert(l.dbFiles.back());
        else if (arriving)
            arriving->add(l.dbFiles.back());
    }
    ::closedir(d);
    sortByBytes(l.dbFiles, joinPath(dir, "").size());
    return l;
}

} // namespace promdir::detail
