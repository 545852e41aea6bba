#pragma once
// The writer: C++ and Qt processes record metrics into the Python client's
// multiprocess directory (format generation 4, spec sections 1-4), so that
// one exporter (promdir's or the Python client's) merges C++ and Python
// processes alike.
//
//     auto writer = promdir::Writer::open();            // $PROMETHEUS_MULTIPROC_DIR
//     if (!writer) { log(writer.error().message); return; }
//     auto requests = writer->counter({.name = "http_requests", .help = "Requests.",
//                                      .labelNames = {"method", "endpoint"}});
//     auto get = requests->labels("get", "/api");          // keep this handle
//     get->inc();                                          // lock-free, a few ns
//
// Errors are values: every factory returns a Result (format/result.h: a
// value or an Error whose code is a WriterErrorCode); updates return a
// WriteStatus. Nothing here throws.
//
// Files. Every process writes its own files in the directory:
// counter_<pid>.db, histogram_<pid>.db, summary_<pid>.db and
// gauge_<mode>_<pid>.db, created when the first series of that kind is
// created, starting at 64 KiB and doubling, with keys byte-identical to
// the Python client's. An existing file of the same process identifier is
// reopened and continued from its stored values, as the Python client does.
// Files of another format generation (clients before 0.18) are refused with
// an error rather than mixed.
// Several Writers of one process on the same directory and identifier (a
// library and the application) share each file, so they never overwrite
// each other's entries; a series both create is one entry both add to.
//
// Updates. A series handle points straight at its value in the shared
// mapping: inc()/set()/observe() are an atomic compare-and-swap on that
// double, with no lock, and are visible to readers in other processes at
// once. Creating a series (labels(...), a metric without labels) takes the
// writer's lock and may grow a file; growing never moves memory that other
// threads write through (each file lives in a region of address space
// reserved up front).
//
// fork(). After fork() the child writes to files of its own process
// identifier without any call from the application: the first operation in
// the child recreates every known series in the child's files (starting
// from zero, or from the stored values if such files already exist), as
// the Python client does. Threads other than the one that forked do not
// exist in the child, as usual.
//
// Process identifier. Default: the OS pid. WriterOptions::processIdentifier
// replaces it (like the Python client's MultiProcessValue(identifier)); it
// must return a string without '_' and '/', and must be different in
// processes that run at the same time. It is asked when the writer opens,
// after every fork(), and on refreshProcessIdentifier() (the Python client
// asks on every update, which costs more than an update here).
//
// Close, flush, exit. Nothing is buffered: every update is in the kernel's
// page cache the moment it returns, so readers see it and process exit
// (normal, crash or SIGKILL) loses nothing. flush() additionally asks the
// kernel to write the files to disk (msync), which only matters if the
// machine itself goes down. close() unmaps and closes the files; handles
// stay safe to use afterwards but their updates are discarded and return
// WriteStatus::Closed. Without close() the files are closed when the last
// Writer and metric handle is gone. Files are never deleted by the writer;
// when a process is gone, call markProcessDead(pid) from a surviving one
// (gunicorn's child_exit hook) to drop its live gauges.
//
// Platform: POSIX with mmap (Linux, BSDs, macOS), 64-bit address space.

#include "promdir/format/result.h"
#include "promdir/format/types.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace promdir {

enum class WriterErrorCode {
    NoDirectory,      // PROMETHEUS_MULTIPROC_DIR unset and no directory given
    BadDirectory,     // missing or not a directory
    InvalidName,      // metric name empty or not allowed
    InvalidLabelName, // label name not allowed, reserved or repeated
    InvalidLabelValues, // wrong count or names in labels(...), bad UTF-8
    InvalidHelp,      // help text is not UTF-8
    InvalidBuckets,   // histogram bounds unsorted, NaN, too few
    InvalidProcessIdentifier,
    DuplicateMetric,  // a metric of this writer already produces that name
    NoLabelNames,     // labels(...) on a metric without label names
    AlreadyLabelled,  // labels(...) on a child
    FileError,        // the file could not be created, mapped or grown
    ForeignFile,      // the existing file is not a generation 4 multiprocess file
    Closed,           // the writer was closed
    InvalidHandle,    // a default-constructed handle
    FileInUse,        // another process writes this file (the same identifier in another pid namespace)
    InvalidGaugeMode, // GaugeMode::None or a value that is no mode
};

// The enumerator's name: "InvalidLabelValues", "FileInUse", ... (nameOf, not
// toString: QtTest's QCOMPARE finds a toString by argument-dependent lookup
// and needs it to return char*).
std::string_view nameOf(WriterErrorCode code) noexcept;

// The writer's errors are Errors whose code is a WriterErrorCode:
// r.error().code == WriterErrorCode::FileInUse.
inline constexpr ErrorCategory kWriterErrors{"writer", &detail::enumeratorName<WriterErrorCode, nameOf>};
constexpr const ErrorCategory &errorCategory(WriterErrorCode) noexcept
{
    return kWriterErrors;
}

// What an update did. Updates never throw (they are noexcept) and never
// block on a lock.
enum class WriteStatus : std::uint8_t {
    Ok,
    MissingLabelValues, // update on a metric with label names: use labels(...)
    NegativeAmount,     // Counter::inc with amount < 0
    NotInThisMode,      // Gauge inc/dec in mostrecent/livemostrecent mode
    Closed,             // the writer was closed; the update was discarded
    Failed,             // the process's files could not be opened after fork()
    InvalidHandle,      // a default-constructed handle
};
// A sentence for people ("counters can only be incremented by ...").
std::string_view toString(WriteStatus status);
// The enumerator's name: "Ok", "NegativeAmount", ...
std::string_view nameOf(WriteStatus status);

// Which names are allowed (the Python client's two schemes).
enum class NameValidation {
    // [a-zA-Z_:][a-zA-Z0-9_:]* for metrics, [a-zA-Z_][a-zA-Z0-9_]* for labels:
    // client 0.21 and before, and current clients with
    // PROMETHEUS_LEGACY_NAME_VALIDATION. Names every Prometheus accepts.
    Legacy,
    // Any non-empty UTF-8 (current client_python main's default).
    Utf8,
};

struct WriterOptions
{
    // Empty: $PROMETHEUS_MULTIPROC_DIR, else the old $prometheus_multiproc_dir.
    std::filesystem::path directory{};
    // Empty: the OS pid in decimal.
    std::function<std::string()> processIdentifier{};
    NameValidation nameValidation = NameValidation::Legacy;
    // Address space reserved per file; a file never grows beyond it. The
    // format's 32-bit `used` limits files to 2 GiB anyway.
    std::uint64_t maxFileSize = std::uint64_t(1) << 31;
};

// What the Python client's Counter(name, documentation, labelnames,
// namespace, subsystem, unit) takes.
struct MetricOptions
{
    // Default initialisers keep -Wmissing-field-initializers quiet for
    // designated initialisers ({.name = "x", .help = "y"}).
    std::string name{};
    std::string help{};
    std::vector<std::string> labelNames{};
    std::string ns{}; // namespace
    std::string subsystem{};
    std::string unit{};
};

// The Python client's Histogram.DEFAULT_BUCKETS (+Inf included).
const std::vector<double> &defaultBuckets();

// The full metric name as the Python client builds it: namespace_subsystem_name,
// "_total" dropped for counters, "_unit" appended unless already there.
// Validated with `validation`. For gauges, histograms and summaries the
// stored metric name; for counters the samples are <name>_total.
Result<std::string> buildMetricName(MetricType type, const MetricOptions &options,
                                          NameValidation validation = NameValidation::Legacy);

namespace detail {
struct WriterCore;
struct Family;
struct Series;
} // namespace detail

// Common part of the metric handles: cheap to copy (a shared pointer and a
// series pointer), usable from any thread.
class MetricHandle
{
public:
    // Valid handles come from Writer; a default one only reports InvalidHandle.
    bool isValid() const noexcept { return m_family != nullptr; }
    // A child of labels(...) or a metric without label names: can be updated.
    bool isObservable() const noexcept { return m_series != nullptr; }
    const std::string &name() const;                    // metric name as stored
    const std::string &help() const;
    const std::vector<std::string> &labelNames() const;
    const std::vector<std::string> &labelValues() const; // empty for a parent

protected:
    MetricHandle() = default;
    MetricHandle(std::shared_ptr<detail::Family> family, detail::Series *series)
        : m_family(std::move(family)), m_series(series) {}
    Result<MetricHandle> childFor(std::span<const std::string_view> values) const;
    Result<MetricHandle> childForNames(std::span<const std::pair<std::string_view, std::string_view>> labels) const;
    WriteStatus precheck() const noexcept
    {
        if (m_series) [[likely]]
            return WriteStatus::Ok;
        return m_family ? WriteStatus::MissingLabelValues : WriteStatus::InvalidHandle;
    }

    std::shared_ptr<detail::Family> m_family;
    detail::Series *m_series = nullptr;
    friend class Writer;
};

// A failed Result of a metric handle gives an invalid handle: its updates
// return WriteStatus::InvalidHandle and its labels(...) is an error again,
// so `auto h = *requests->labels("get", "/api");` never ends the program.
template<typename T>
    requires(std::is_base_of_v<MetricHandle, T> && std::is_default_constructible_v<T>)
inline constexpr bool invalidWhenFailed<T> = true;

// The metric classes' labels(...): labels("a", "b"), labels({"a", "b"}),
// labels(std::vector<std::string>), labelsByName({{"method", "get"}, ...}).
// Each gives the metric's own class (Counter, Gauge, ...).
template<typename Self>
class LabelledMetric : public MetricHandle
{
public:
    Result<Self> labels(std::initializer_list<std::string_view> values) const
    {
        return wrap(childFor(std::span<const std::string_view>(values.begin(), values.size())));
    }
    Result<Self> labels(std::span<const std::string> values) const
    {
        std::vector<std::string_view> v(values.begin(), values.end());
        return wrap(childFor(v));
    }
    Result<Self> labels(const std::vector<std::string> &values) const
    {
        return labels(std::span<const std::string>(values));
    }
    template<typename... S>
        requires(sizeof...(S) > 0 && (std::is_convertible_v<const S &, std::string_view> && ...))
    Result<Self> labels(const S &...values) const
    {
        const std::string_view v[] = {std::string_view(values)...};
        return wrap(childFor(v));
    }
    // Like Python's labels(method="get", ...): every label name exactly once.
    Result<Self> labelsByName(std::initializer_list<std::pair<std::string_view, std::string_view>> labels) const
    {
        return wrap(childForNames(std::span(labels.begin(), labels.size())));
    }

protected:
    LabelledMetric() = default;
    explicit LabelledMetric(MetricHandle h) : MetricHandle(std::move(h)) {}

private:
    static Result<Self> wrap(Result<MetricHandle> r)
    {
        if (!r)
            return r.error();
        return Self(std::move(*r));
    }
};

class Counter : public LabelledMetric<Counter>
{
public:
    Counter() = default;
    // Adds amount (>= 0; NaN is accepted like the Python client does).
    WriteStatus inc(double amount = 1.0) const noexcept;
    // Back to zero (the Python client's reset()).
    WriteStatus reset() const noexcept;
    // This process's stored value (NaN for a parent or an invalid handle).
    double value() const noexcept;

private:
    explicit Counter(MetricHandle h) : LabelledMetric(std::move(h)) {}
    friend class LabelledMetric<Counter>;
    friend class Writer;
};

class Gauge : public LabelledMetric<Gauge>
{
public:
    Gauge() = default;
    GaugeMode mode() const noexcept;
    // inc/dec: not in the mostrecent modes (WriteStatus::NotInThisMode).
    WriteStatus inc(double amount = 1.0) const noexcept;
    WriteStatus dec(double amount = 1.0) const noexcept;
    // In the mostrecent modes also stores the current time as the timestamp.
    WriteStatus set(double value) const noexcept;
    WriteStatus setToCurrentTime() const noexcept;
    double value() const noexcept;
    double timestamp() const noexcept; // the stored timestamp (0 unless mostrecent)

    // inc() now, dec() when the returned object is destroyed (Python's
    // track_inprogress()).
    class InProgress;
    InProgress trackInProgress() const noexcept;

private:
    explicit Gauge(MetricHandle h) : LabelledMetric(std::move(h)) {}
    friend class LabelledMetric<Gauge>;
    friend class Writer;
};

class Gauge::InProgress
{
public:
    explicit InProgress(const Gauge &g) noexcept : m_gauge(g) { m_gauge.inc(); }
    ~InProgress() { m_gauge.dec(); }
    InProgress(const InProgress &) = delete;
    InProgress &operator=(const InProgress &) = delete;

private:
    Gauge m_gauge;
};

inline Gauge::InProgress Gauge::trackInProgress() const noexcept
{
    return InProgress(*this);
}

class Histogram : public LabelledMetric<Histogram>
{
public:
    Histogram() = default;
    WriteStatus observe(double amount) const noexcept;
    // Upper bounds, +Inf last.
    const std::vector<double> &buckets() const;
    // This process's stored count of bucket i alone (not cumulative) and sum.
    double bucketValue(std::size_t i) const noexcept;
    double sum() const noexcept;

private:
    explicit Histogram(MetricHandle h) : LabelledMetric(std::move(h)) {}
    friend class LabelledMetric<Histogram>;
    friend class Writer;
};

class Summary : public LabelledMetric<Summary>
{
public:
    Summary() = default;
    WriteStatus observe(double amount) const noexcept;
    double count() const noexcept;
    double sum() const noexcept;

private:
    explicit Summary(MetricHandle h) : LabelledMetric(std::move(h)) {}
    friend class LabelledMetric<Summary>;
    friend class Writer;
};

// One process's view of a metrics directory. Cheap to copy; all copies and
// every metric handle share the same files. Thread-safe.
class Writer
{
public:
    static Result<Writer> open(WriterOptions options = {});

    // Like the Python client's constructors. A metric without label names
    // gets its series (and file entries) at once; one with label names when
    // labels(...) is first called for a label set. Each metric name may be
    // used once per writer (the Python registry's rule, with its suffixes:
    // a counter "x" also takes x_total and x_created, and so on).
    Result<Counter> counter(const MetricOptions &options) const;
    Result<Gauge> gauge(const MetricOptions &options, GaugeMode mode = GaugeMode::All) const;
    // Bounds must increase strictly; +Inf is added when missing.
    Result<Histogram> histogram(const MetricOptions &options, std::vector<double> buckets = defaultBuckets()) const;
    Result<Summary> summary(const MetricOptions &options) const;

    const std::filesystem::path &directory() const;
    // The identifier the files are named after now.
    std::string processIdentifier() const;
    // Asks the identifier function again and moves to new files when it
    // answers differently (after fork() this happens by itself). True when
    // the identifier changed.
    Result<bool> refreshProcessIdentifier() const;
    // Paths of this process's files opened so far.
    std::vector<std::filesystem::path> files() const;

    // msync every file (durability against a machine crash only; readers
    // see every update without it).
    Result<void> flush() const;
    // Unmaps and closes the files; later updates return WriteStatus::Closed
    // and factories an error. Handles stay safe to use.
    void close() const;
    bool isClosed() const;

private:
    explicit Writer(std::shared_ptr<detail::WriterCore> core) : m_core(std::move(core)) {}
    std::shared_ptr<detail::WriterCore> m_core;
};

// The reference's mark_process_dead(pid, path): removes the live gauge
// files gauge_live{all,min,max,sum,mostrecent}_<pid>.db of that process and
// nothing else. `directory` empty: $PROMETHEUS_MULTIPROC_DIR. Returns how
// many files were removed (0 when there were none).
Result<int> markProcessDead(std::string_view pid, const std::filesystem::path &directory = {});
Result<int> markProcessDead(std::int64_t pid, const std::filesystem::path &directory = {});

} // namespace promdir
