// Archive bytes (any compression, recognised by content) -> loadArchive ->
// merge -> text. loadArchive reads a path, so the bytes go into a memfd
// opened through /proc/self/fd: nothing is written to disk and the file is
// a regular file, as loadArchive requires. Limits are far below the
// defaults so that a decompression bomb ends at a limit within the timeout.
#include "fuzzcheck.h"

#include "promdir/archive/archive.h"
#include "promdir/render/render.h"

#include <sys/mman.h>
#include <unistd.h>

using namespace promdir;

namespace {

constexpr std::uint64_t kMaxMemberBytes = 4u << 20;

const std::string &archivePath()
{
    static const std::string path = [] {
        const int fd = ::memfd_create("promdir-fuzz-archive", MFD_CLOEXEC);
        if (fd < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        return "/proc/self/fd/" + std::to_string(fd);
    }();
    return path;
}

void store(std::string_view bytes)
{
    const int fd = std::stoi(archivePath().substr(archivePath().rfind('/') + 1));
    FUZZ_CHECK(::ftruncate(fd, 0) == 0);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        FUZZ_CHECK(n > 0);
        done += static_cast<std::size_t>(n);
    }
}

bool printable(std::string_view shown)
{
    for (const char c : shown)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            return false;
    return true;
}

LoadResult load(std::size_t size, std::string subdir)
{
    LoadOptions options;
    options.subdir = std::move(subdir);
    options.limits.maxTotalBytes = 16u << 20;
    options.limits.maxMemberBytes = kMaxMemberBytes;
    options.limits.maxMembers = 10'000;
    std::uint64_t lastDone = 0;
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
        // Compressed bytes consumed, of the archive's size.
        FUZZ_CHECK(total == size);
        FUZZ_CHECK(done >= lastDone && done <= total);
        lastDone = done;
    };
    return loadArchive(archivePath(), options);
}

void check(const LoadResult &r, std::size_t size)
{
    FUZZ_CHECK(r.ok || !r.error.empty());
    FUZZ_CHECK(r.archive.archiveBytes == size);
    FUZZ_CHECK(r.archive.compressedBytes <= size);
    // Member names come from the archive: only shown escaped.
    FUZZ_CHECK(printable(r.archive.folder));
    for (const auto &[folder, count] : r.archive.dbFolders)
        FUZZ_CHECK(printable(folder) && count > 0);
    for (const SkippedMember &m : r.archive.skipped)
        FUZZ_CHECK(printable(m.name));
    FUZZ_CHECK(r.archive.skipped.size() <= r.archive.skippedCount);
    for (std::size_t i = 1; i < r.files.size(); ++i)
        FUZZ_CHECK(r.files[i - 1]->name <= r.files[i]->name);
    // A member over the limit is listed with its size and a problem, not read.
    for (const auto &f : r.files)
        FUZZ_CHECK(f && (f->size <= kMaxMemberBytes || (f->entries.empty() && !f->problems.empty())));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view bytes = fuzz::bytesOf(data, size);
    (void)detectArchive(bytes.substr(0, 512));
    (void)escapeMemberName(bytes.substr(0, 256));
    FUZZ_CHECK(printable(escapeMemberName(bytes.substr(0, 256))));

    store(bytes);
    LoadResult r = load(size, {});
    check(r, size);
    // Several folders of .db files and no subdir: load each way asked for.
    if (!r.ok && r.archive.dbFolders.size() > 1) {
        r = load(size, r.archive.dbFolders.front().first);
        check(r, size);
    }
    if (r.ok) {
        const std::vector<MetricFamily> families = merge(r.files);
        FUZZ_CHECK(render(families, {Format::OpenMetrics, {}}).ends_with("# EOF\n"));
    }
    return 0;
}
