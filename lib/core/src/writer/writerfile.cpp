// MappedFile: one generation 4 file of the multiprocess format, written the
// way the Python client's MmapedDict writes it (spec section 2), but inside
// reserved address space so that growth never moves memory.
#include "writer/writer_p.h"

#include "promdir/format/key.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace promdir::detail {

namespace {

constexpr std::size_t kInitialSize = 64 * 1024; // the Python client's since 0.16

std::size_t alignment()
{
    const long page = ::sysconf(_SC_PAGESIZE);
    return std::max<std::size_t>(kInitialSize, page > 0 ? std::size_t(page) : 4096);
}

std::size_t pageSize()
{
    const long page = ::sysconf(_SC_PAGESIZE);
    return page > 0 ? std::size_t(page) : 4096;
}

std::size_t roundUp(std::size_t v, std::size_t a)
{
    return (v + a - 1) / a * a;
}

Error fileError(const std::filesystem::path &path, const char *what, int err)
{
    return Error{WriterErrorCode::FileError,
                       path.string() + ": " + what + ": " + std::strerror(err)};
}

Error foreign(const std::filesystem::path &path, std::size_t offset, const std::string &why)
{
    return Error{WriterErrorCode::ForeignFile,
                       path.string() + ": offset " + std::to_string(offset) + ": " + why +
                           "; not a multiprocess file of format generation 4 (Python client 0.18 or later)."
                           " Move it away or use another process identifier."};
}

std::int32_t loadInt32(const char *p)
{
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

bool readAll(int fd, char *buf, std::size_t n)
{
    std::size_t done = 0;
    while (done < n) {
        const ssize_t r = ::pread(fd, buf + done, n - done, off_t(done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        done += std::size_t(r);
    }
    return true;
}

} // namespace

Result<std::unique_ptr<MappedFile>> MappedFile::open(const std::filesystem::path &path,
                                                           std::uint64_t maxSize)
{
    std::unique_ptr<MappedFile> f(new MappedFile);
    f->m_path = path;
    const Result<std::size_t> size = f->openLocked();
    if (!size)
        return size.error();
    const Result<bool> freshHeader = f->readExisting(*size);
    if (!freshHeader)
        return freshHeader.error();
    if (auto mapped = f->mapReserved(*size, maxSize, *freshHeader); !mapped)
        return mapped.error();
    return f;
}

Result<std::size_t> MappedFile::openLocked()
{
    const std::filesystem::path &path = m_path;
    // Never through a link planted under the file's name (a writer running
    // as root would write wherever it points).
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0666);
    if (m_fd < 0 && errno == ELOOP)
        return Error{WriterErrorCode::FileError, path.string() + ": is a symbolic link; not followed"};
    if (m_fd < 0)
        return fileError(path, "cannot open for writing", errno);
    // One writer per file: a second process with the same identifier (a
    // pid reused in another container on a shared volume) would append
    // entries over the first one's. The lock goes with the descriptor.
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            return Error{WriterErrorCode::FileInUse,
                               path.string() + ": another process is writing this file (the same process "
                                               "identifier in another pid namespace?)"};
        return fileError(path, "cannot lock", errno);
    }
    struct stat st {};
    if (::fstat(m_fd, &st) != 0)
        return fileError(path, "cannot stat", errno);
    if (!S_ISREG(st.st_mode))
        return Error{WriterErrorCode::FileError, path.string() + ": not a regular file"};
    return std::size_t(st.st_size);
}

Result<bool> MappedFile::readExisting(std::size_t size)
{
    const std::filesystem::path &path = m_path;
    m_used = 8;
    if (size == 0)
        return true;
    // Checked through read() before anything is changed, so a foreign file
    // is left exactly as it was.
    if (size < 8)
        return foreign(path, 0, "file of " + std::to_string(size) + " bytes is shorter than the header");
    char header[8];
    if (!readAll(m_fd, header, 8))
        return fileError(path, "cannot read", errno ? errno : EIO);
    const std::int32_t u = loadInt32(header);
    if (u != 0 && (u < 8 || std::size_t(u) > size || u % 8 != 0))
        return foreign(path, 0, "header says " + std::to_string(u) + " bytes are used of " + std::to_string(size));
    const bool freshHeader = u == 0; // all zeros: as good as new
    const std::size_t used = freshHeader ? 8 : std::size_t(u);
    std::string data(used, '\0');
    if (!readAll(m_fd, data.data(), used))
        return fileError(path, "cannot read", errno ? errno : EIO);
    std::size_t pos = 8;
    while (pos < used) {
        const std::int32_t len = loadInt32(data.data() + pos);
        if (len <= 0 || std::size_t(len) > used - pos - 4)
            return foreign(path, pos, "key length " + std::to_string(len) + " runs past the used bytes");
        const std::size_t keyPos = pos + 4;
        const std::size_t valuePos = keyPos + std::size_t(len) + (8 - (std::size_t(len) + 4) % 8);
        if (valuePos + 16 > used)
            return foreign(path, pos, "entry runs past the used bytes");
        std::string key = data.substr(keyPos, std::size_t(len));
        const auto parsed = parseKey(key);
        if (!parsed || parsed->shape != 3)
            return foreign(path, pos, "key is not [metric, sample, {labels}, help]");
        m_positions[std::move(key)] = valuePos; // a repeated key: the last wins, as in Python
        pos = valuePos + 16;
    }
    m_used = used;
    return freshHeader;
}

Result<void> MappedFile::mapReserved(std::size_t size, std::uint64_t maxSize, bool freshHeader)
{
    const std::filesystem::path &path = m_path;
    // Whole 64 KiB units, so the file maps and extends in whole pages.
    const std::size_t unit = alignment();
    const std::size_t capacity = size == 0 ? unit : roundUp(size, unit);
    std::size_t reserve = roundUp(std::max<std::size_t>(std::size_t(maxSize), capacity), unit);
    void *base = ::mmap(nullptr, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    while (base == MAP_FAILED && reserve > 2 * capacity && reserve > unit) {
        // A small address space (32-bit): reserve less, files then grow less.
        reserve = roundUp(reserve / 4, unit);
        base = ::mmap(nullptr, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    }
    if (base == MAP_FAILED)
        return fileError(path, "cannot reserve address space", errno);
    m_base = static_cast<char *>(base);
    m_reserved = reserve;

    if (capacity != size && ::ftruncate(m_fd, off_t(capacity)) != 0)
        return fileError(path, "cannot resize", errno);
    if (::mmap(m_base, capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, m_fd, 0) == MAP_FAILED)
        return fileError(path, "cannot map", errno);
    m_capacity = capacity;
    m_allocated = freshHeader ? 0 : roundUp(m_used, pageSize());
    if (freshHeader) {
        if (auto r = allocate(8); !r)
            return r.error();
        std::atomic_ref<std::int32_t>(*reinterpret_cast<std::int32_t *>(m_base)).store(8, std::memory_order_release);
    }
    return {};
}

namespace {
std::mutex g_filesMutex;
std::map<std::string, std::weak_ptr<MappedFile>> g_files;

std::string identity(const std::filesystem::path &path)
{
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
    return (ec ? path : canonical).string();
}
} // namespace

Result<std::shared_ptr<MappedFile>> MappedFile::openShared(const std::filesystem::path &path,
                                                                 std::uint64_t maxSize)
{
    std::lock_guard lock(g_filesMutex);
    const std::string id = identity(path);
    if (auto it = g_files.find(id); it != g_files.end()) {
        if (auto alive = it->second.lock(); alive && alive->m_fd >= 0)
            return alive;
    }
    auto f = open(path, maxSize);
    if (!f)
        return f.error();
    std::shared_ptr<MappedFile> shared(std::move(*f));
    g_files[id] = shared;
    for (auto it = g_files.begin(); it != g_files.end();) // forget closed files now and then
        it = it->second.expired() ? g_files.erase(it) : std::next(it);
    return shared;
}

void MappedFile::release(const std::shared_ptr<MappedFile> &file)
{
    std::lock_guard lock(g_filesMutex);
    if (file.use_count() == 1)
        file->discard();
}

MappedFile::~MappedFile()
{
    if (m_base)
        ::munmap(m_base, m_reserved);
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<void> MappedFile::allocate(std::size_t end)
{
    // Give the pages about to be written real blocks now: on a full disk
    // (or /dev/shm) that is an error here instead of SIGBUS on a store.
    if (end <= m_allocated)
        return {};
    const std::size_t to = roundUp(end, pageSize());
#ifdef __linux__
    if (::fallocate(m_fd, 0, off_t(m_allocated), off_t(to - m_allocated)) != 0) {
        const int err = errno;
        if (err != EOPNOTSUPP && err != ENOSYS && err != EINVAL)
            return fileError(m_path, "cannot allocate space", err);
    }
#endif
    m_allocated = to;
    return {};
}

Result<void> MappedFile::ensureCapacity(std::size_t end)
{
    while (end > m_capacity) {
        const std::size_t next = m_capacity * 2; // doubling, as the Python client does
        if (next > m_reserved)
            return Error{WriterErrorCode::FileError,
                               m_path.string() + ": file would grow beyond " + std::to_string(m_reserved) + " bytes"};
        if (::ftruncate(m_fd, off_t(next)) != 0)
            return fileError(m_path, "cannot grow", errno);
        // Only the new tail is mapped: the part threads write through is untouched.
        if (::mmap(m_base + m_capacity, next - m_capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, m_fd,
                   off_t(m_capacity)) == MAP_FAILED)
            return fileError(m_path, "cannot map the grown file", errno);
        m_capacity = next;
    }
    return {};
}

Result<double *> MappedFile::slot(const std::string &key)
{
    std::lock_guard lock(m_appendMutex);
    if (auto it = m_positions.find(key); it != m_positions.end())
        return reinterpret_cast<double *>(m_base + it->second);
    if (m_fd < 0)
        return Error{WriterErrorCode::Closed, m_path.string() + ": closed"};
    const std::size_t len = key.size();
    const std::size_t padding = 8 - (len + 4) % 8;
    const std::size_t entry = 4 + len + padding + 16;
    if (len > std::size_t(std::numeric_limits<std::int32_t>::max()) ||
        m_used + entry > std::size_t(std::numeric_limits<std::int32_t>::max()))
        return Error{WriterErrorCode::FileError, m_path.string() + ": file would exceed 2 GiB"};
    if (auto r = ensureCapacity(m_used + entry); !r)
        return r.error();
    if (auto r = allocate(m_used + entry); !r)
        return r.error();

    // The whole entry first, then `used`: a reader never sees a half entry.
    char *p = m_base + m_used;
    const std::int32_t len32 = std::int32_t(len);
    std::memcpy(p, &len32, 4);
    std::memcpy(p + 4, key.data(), len);
    std::memset(p + 4 + len, ' ', padding);
    std::memset(p + 4 + len + padding, 0, 16);
    const std::size_t valuePos = m_used + 4 + len + padding;
    m_used += entry;
    std::atomic_ref<std::int32_t>(*reinterpret_cast<std::int32_t *>(m_base))
        .store(std::int32_t(m_used), std::memory_order_release);
    m_positions.emplace(key, valuePos);
    return reinterpret_cast<double *>(m_base + valuePos);
}

bool MappedFile::sync()
{
    if (m_fd < 0)
        return true;
    return ::msync(m_base, m_capacity, MS_SYNC) == 0;
}

void MappedFile::discard()
{
    if (m_base) {
        // Replace in place: the range stays reserved and writable.
        ::mmap(m_base, m_capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    }
    closeDescriptor();
}

void MappedFile::closeDescriptor()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

} // namespace promdir::detail
