#pragma once
// Internals of the writer: the mapped files, series slots and the shared
// state behind every handle.

#include "promdir/writer/writer.h"

#include <atomic>
#include <map>
#include <mutex>
#include <unordered_map>

namespace promdir::detail {

// Incremented in every child right after fork() (pthread_atfork), so a
// handle notices with one relaxed load that its files belong to the parent.
extern std::atomic<std::uint64_t> g_forkCount;

// One mmap file of the format, living in a region of address space reserved
// up front: growing maps the new tail behind the old part, so pointers into
// the file stay valid for the life of the object.
class MappedFile
{
public:
    static Result<std::unique_ptr<MappedFile>> open(const std::filesystem::path &path,
                                                          std::uint64_t maxSize);
    // One object per file in the whole process: two writers (a library and
    // the application, say) on the same directory and identifier must
    // append through one `used`, or they would overwrite each other's
    // entries. Call with a writer's lock held.
    static Result<std::shared_ptr<MappedFile>> openShared(const std::filesystem::path &path,
                                                                std::uint64_t maxSize);
    // Discards (see discard()) unless another writer still uses the file.
    // The caller keeps its reference, so the address range stays reserved.
    static void release(const std::shared_ptr<MappedFile> &file);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    // The value field (value, then timestamp) of `key`, appending a new
    // entry with 0.0/0.0 when missing. Caller holds the writer's lock.
    Result<double *> slot(const std::string &key);
    bool sync();
    // Closes the file but keeps the address range mapped to private memory,
    // so threads still holding pointers write harmlessly into nothing.
    void discard();
    // Closes the descriptor; the mapping stays (stale pointers keep writing
    // to the file they belong to).
    void closeDescriptor();
    const std::filesystem::path &path() const { return m_path; }
    std::size_t capacity() const { return m_capacity; }

private:
    MappedFile() = default;
    // open()'s steps: the file opened and locked (its size); an existing
    // file's entries checked and noted (whether `used` is still to be
    // written: a new or all-zero file); the address range reserved and the
    // file mapped at its start.
    Result<std::size_t> openLocked();
    Result<bool> readExisting(std::size_t size);
    Result<void> mapReserved(std::size_t size, std::uint64_t maxSize, bool freshHeader);
    Result<void> ensureCapacity(std::size_t end);
    Result<void> allocate(std::size_t end);

    std::filesystem::path m_path;
    int m_fd = -1;
    char *m_base = nullptr;
    std::size_t m_reserved = 0;
    std::size_t m_capacity = 0;
    std::size_t m_used = 0;
    std::size_t m_allocated = 0; // bytes known to have disk blocks
    std::mutex m_appendMutex; // writers sharing the file hold different locks
    std::unordered_map<std::string, std::size_t> m_positions;
};

struct Slot
{
    std::atomic<double *> value{nullptr};
    std::string key;
    std::string filePrefix; // counter, histogram, summary, gauge_<mode>
    std::atomic_flag pairLock; // keeps a mostrecent value+timestamp pair together
};

struct Family;

struct Series
{
    WriterCore *core = nullptr;
    Family *family = nullptr;
    std::vector<std::string> labelValues;
    std::unique_ptr<Slot[]> slots;
    std::size_t slotCount = 0;
};

struct Family
{
    WriterCore *core = nullptr;
    MetricType type = MetricType::Counter;
    GaugeMode mode = GaugeMode::None;
    std::string name;
    std::string help;
    std::vector<std::string> labelNames;
    std::vector<double> buckets;     // histograms: upper bounds, +Inf last
    std::vector<std::string> bucketLe; // floatToGoString of each bound
    std::unique_ptr<Series> self;    // a metric without label names
    std::unordered_map<std::string, std::unique_ptr<Series>> children; // under core->mutex
};

struct WriterCore
{
    enum class State { Open, Closed, Failed };

    WriterOptions options;
    std::filesystem::path directory;
    std::string pid;
    std::mutex mutex; // everything but updates of existing series
    // == g_forkCount while the files belong to this process; kNotBound after
    // close() so that updates take the slow path.
    std::atomic<std::uint64_t> bound{0};
    State state = State::Open;
    std::string failure; // why State::Failed
    std::map<std::string, std::shared_ptr<MappedFile>> files; // by prefix
    std::vector<std::shared_ptr<MappedFile>> retired; // earlier identities' files
    std::vector<Slot *> slots; // every slot in creation order (the Python client's values list)
    std::vector<std::unique_ptr<Family>> families;
    std::vector<std::string> names; // taken metric names, for duplicate checks

    static constexpr std::uint64_t kNotBound = ~std::uint64_t(0);

    WriterCore();
    ~WriterCore();

    // Slow path of every update: after fork() moves to the child's files;
    // reports Closed/Failed.
    WriteStatus recover() noexcept;
    WriteStatus recoverLocked();
    Result<MappedFile *> fileLocked(const std::string &prefix);
    Result<Series *> createSeriesLocked(Family &family, std::vector<std::string> labelValues);
    Result<void> switchIdentityLocked(const std::string &newPid);
};

// The update path: the slot's value pointer, after making sure the files
// are this process's.
inline double *valuePointer(const Series *s, std::size_t i, WriteStatus &status)
{
    WriterCore *c = s->core;
    if (c->bound.load(std::memory_order_acquire) != g_forkCount.load(std::memory_order_relaxed)) [[unlikely]] {
        status = c->recover();
        if (status != WriteStatus::Ok)
            return nullptr;
    }
    return s->slots[i].value.load(std::memory_order_relaxed);
}

} // namespace promdir::detail
