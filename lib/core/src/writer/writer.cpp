// The writer's API: metrics, series and the per-process files behind them.
#include "writer/writer_p.h"

#include "promdir/format/filename.h"
#include "promdir/format/floatformat.h"
#include "promdir/format/json.h"
#include "promdir/format/key.h"
#include "promdir/diagnostics/processes.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <system_error>

#include <pthread.h>
#include <unistd.h>

namespace promdir {

namespace detail {

std::atomic<std::uint64_t> g_forkCount{0};

namespace {

// Every open core, so that fork() can wait until none is half way through
// appending an entry (the child must not inherit a held lock).
std::mutex g_coresMutex;
std::vector<WriterCore *> g_cores;

void atforkPrepare()
{
    g_coresMutex.lock();
    for (WriterCore *c : g_cores)
        c->mutex.lock();
}

void atforkParent()
{
    for (auto it = g_cores.rbegin(); it != g_cores.rend(); ++it)
        (*it)->mutex.unlock();
    g_coresMutex.unlock();
}

void atforkChild()
{
    for (auto it = g_cores.rbegin(); it != g_cores.rend(); ++it)
        (*it)->mutex.unlock();
    g_coresMutex.unlock();
    g_forkCount.fetch_add(1, std::memory_order_relaxed);
}

void registerAtfork()
{
    static std::once_flag once;
    std::call_once(once, [] { ::pthread_atfork(atforkPrepare, atforkParent, atforkChild); });
}

double now()
{
    timespec ts {};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

std::string defaultIdentifier()
{
    return std::to_string(::getpid());
}

std::string prefixFor(const Family &f)
{
    if (f.type == MetricType::Gauge)
        return "gauge_" + std::string(toString(f.mode));
    return std::string(toString(f.type));
}

// Length-prefixed, so no label value can fake a separator.
std::string childKey(const std::vector<std::string> &values)
{
    std::string k;
    for (const auto &v : values) {
        k += std::to_string(v.size());
        k += ':';
        k += v;
    }
    return k;
}

} // namespace

WriterCore::WriterCore()
{
    registerAtfork();
    std::lock_guard lock(g_coresMutex);
    g_cores.push_back(this);
}

WriterCore::~WriterCore()
{
    std::lock_guard lock(g_coresMutex);
    g_cores.erase(std::remove(g_cores.begin(), g_cores.end(), this), g_cores.end());
}

WriteStatus WriterCore::recover() noexcept
{
    // Updates promise not to throw: running out of memory while moving to
    // the child's files fails the writer like any other failure to open
    // them (the series may point into files already let go: never again).
    try {
        std::lock_guard lock(mutex);
        try {
            return recoverLocked();
        } catch (...) {
            state = State::Failed;
            return WriteStatus::Failed;
        }
    } catch (...) {
        return WriteStatus::Failed; // the lock itself failed
    }
}

WriteStatus WriterCore::recoverLocked()
{
    if (state == State::Closed)
        return WriteStatus::Closed;
    if (state == State::Failed)
        return WriteStatus::Failed;
    const std::uint64_t forks = g_forkCount.load(std::memory_order_relaxed);
    if (bound.load(std::memory_order_relaxed) == forks)
        return WriteStatus::Ok;
    // A fork() happened: from now on this process's identifier names the files.
    const std::string newPid = options.processIdentifier ? options.processIdentifier() : defaultIdentifier();
    auto r = switchIdentityLocked(newPid);
    if (!r) {
        state = State::Failed;
        failure = r.error().message;
        // These are the parent's files: this process must not write them.
        for (auto &[prefix, file] : files) {
            file->discard();
            retired.push_back(std::move(file));
        }
        files.clear();
        return WriteStatus::Failed;
    }
    bound.store(forks, std::memory_order_release);
    return WriteStatus::Ok;
}

Result<void> WriterCore::switchIdentityLocked(const std::string &newPid)
{
    if (newPid == pid)
        return {}; // the Python client too keeps its files when the identifier does not change
    if (!validProcessIdentifier(newPid))
        return Error{WriterErrorCode::InvalidProcessIdentifier,
                     "process identifier '" + newPid + "' is empty or contains '_' or '/'"};
    // Every known series gets its entry in the new files, in creation order,
    // as the Python client's reset after a pid change does.
    const std::string oldPid = pid;
    auto oldFiles = std::move(files);
    files.clear();
    pid = newPid;
    std::vector<double *> pointers;
    pointers.reserve(slots.size());
    for (Slot *s : slots) {
        auto f = fileLocked(s->filePrefix);
        Result<double *> p = f ? (*f)->slot(s->key) : Result<double *>(f.error());
        if (!p) {
            files = std::move(oldFiles);
            pid = oldPid;
            return p.error();
        }
        pointers.push_back(*p);
    }
    for (std::size_t i = 0; i < slots.size(); ++i)
        slots[i]->value.store(pointers[i], std::memory_order_relaxed);
    // Threads may still hold pointers into the old files (refresh without
    // fork): keep them mapped until the writer goes away.
    for (auto &[prefix, file] : oldFiles)
        retired.push_back(std::move(file));
    return {};
}

Result<MappedFile *> WriterCore::fileLocked(const std::string &prefix)
{
    if (auto it = files.find(prefix); it != files.end())
        return it->second.get();
    auto f = MappedFile::openShared(directory / (prefix + "_" + pid + ".db"), options.maxFileSize);
    if (!f)
        return f.error();
    MappedFile *raw = f->get();
    files.emplace(prefix, std::move(*f));
    return raw;
}

Result<Series *> WriterCore::createSeriesLocked(Family &family, std::vector<std::string> labelValues)
{
    Labels labels;
    for (std::size_t i = 0; i < family.labelNames.size(); ++i)
        labels.emplace_back(family.labelNames[i], labelValues[i]);

    // Sample names and order as the Python client's _metric_init.
    std::vector<std::pair<std::string, Labels>> samples;
    switch (family.type) {
    case MetricType::Counter:
        samples.emplace_back(family.name + "_total", labels);
        break;
    case MetricType::Gauge:
        samples.emplace_back(family.name, labels);
        break;
    case MetricType::Summary:
        samples.emplace_back(family.name + "_count", labels);
        samples.emplace_back(family.name + "_sum", labels);
        break;
    case MetricType::Histogram:
        samples.emplace_back(family.name + "_sum", labels);
        for (const auto &le : family.bucketLe) {
            Labels withLe = labels;
            withLe.emplace_back("le", le);
            samples.emplace_back(family.name + "_bucket", std::move(withLe));
        }
        break;
    }

    auto series = std::make_unique<Series>();
    series->core = this;
    series->family = &family;
    series->labelValues = std::move(labelValues);
    series->slotCount = samples.size();
    series->slots = std::make_unique<Slot[]>(samples.size());
    const std::string prefix = prefixFor(family);
    auto file = fileLocked(prefix);
    if (!file)
        return file.error();
    for (std::size_t i = 0; i < samples.size(); ++i) {
        Slot &slot = series->slots[i];
        slot.key = encodeKey(family.name, samples[i].first, samples[i].second, family.help);
        slot.filePrefix = prefix;
        auto p = (*file)->slot(slot.key);
        if (!p)
            return p.error();
        slot.value.store(*p, std::memory_order_relaxed);
    }
    for (std::size_t i = 0; i < samples.size(); ++i)
        slots.push_back(&series->slots[i]);
    Series *raw = series.get();
    if (family.labelNames.empty())
        family.self = std::move(series);
    else
        family.children.emplace(childKey(raw->labelValues), std::move(series));
    return raw;
}

} // namespace detail

using detail::Family;
using detail::MappedFile;
using detail::Series;
using detail::WriterCore;

namespace {

bool isAsciiAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool legacyMetricName(std::string_view n)
{
    if (n.empty())
        return false;
    for (std::size_t i = 0; i < n.size(); ++i) {
        const char c = n[i];
        if (!(isAsciiAlpha(c) || c == '_' || c == ':' || (i > 0 && isDigit(c))))
            return false;
    }
    return true;
}

bool legacyLabelName(std::string_view n)
{
    if (n.empty())
        return false;
    for (std::size_t i = 0; i < n.size(); ++i) {
        const char c = n[i];
        if (!(isAsciiAlpha(c) || c == '_' || (i > 0 && isDigit(c))))
            return false;
    }
    return true;
}

bool validUtf8(std::string_view s)
{
    return json::findInvalidUtf8(s) == std::string_view::npos;
}

Error error(WriterErrorCode code, std::string message)
{
    return Error{code, std::move(message)};
}

std::string typeName(MetricType t)
{
    return std::string(toString(t));
}

// The Python registry's _get_names: what a metric takes.
std::vector<std::string> takenNames(MetricType type, const std::string &name)
{
    std::vector<std::string> out{name};
    auto add = [&](std::initializer_list<const char *> suffixes) {
        for (const char *s : suffixes)
            out.push_back(name + s);
    };
    switch (type) {
    case MetricType::Counter: add({"_total", "_created"}); break;
    case MetricType::Summary: add({"_sum", "_count", "_created"}); break;
    case MetricType::Histogram: add({"_bucket", "_sum", "_count", "_created"}); break;
    case MetricType::Gauge: break;
    }
    return out;
}

Result<void> validateLabelNames(MetricType type, const std::vector<std::string> &names, NameValidation v)
{
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string &l = names[i];
        if (v == NameValidation::Legacy ? !legacyLabelName(l) : (l.empty() || !validUtf8(l)))
            return error(WriterErrorCode::InvalidLabelName, "Invalid label name: '" + l + "'");
        if (l.starts_with("__"))
            return error(WriterErrorCode::InvalidLabelName, "Reserved label name: '" + l + "' (names starting with __ are reserved)");
        if ((type == MetricType::Histogram && l == "le") || (type == MetricType::Summary && l == "quantile"))
            return error(WriterErrorCode::InvalidLabelName,
                         "Reserved label name: '" + l + "' (a " + typeName(type) + " adds it itself)");
        for (std::size_t j = 0; j < i; ++j)
            if (names[j] == l)
                return error(WriterErrorCode::InvalidLabelName, "Label name '" + l + "' given twice");
    }
    return {};
}

struct Created
{
    std::shared_ptr<Family> family;
    Series *series = nullptr;
};

Result<Created> createMetric(const std::shared_ptr<WriterCore> &core, MetricType type,
                                   const MetricOptions &options, GaugeMode mode, std::vector<double> buckets)
{
    if (!core)
        return error(WriterErrorCode::InvalidHandle, "invalid writer");
    auto name = buildMetricName(type, options, core->options.nameValidation);
    if (!name)
        return name.error();
    if (auto r = validateLabelNames(type, options.labelNames, core->options.nameValidation); !r)
        return r.error();
    if (!validUtf8(options.help))
        return error(WriterErrorCode::InvalidHelp, "Help text of " + *name + " is not valid UTF-8");
    if (type == MetricType::Gauge
        && std::find(allGaugeModes().begin(), allGaugeModes().end(), mode) == allGaugeModes().end())
        return error(WriterErrorCode::InvalidGaugeMode, "Invalid multiprocess mode for gauge " + *name);

    auto family = std::make_unique<Family>();
    family->core = core.get();
    family->type = type;
    family->mode = type == MetricType::Gauge ? mode : GaugeMode::None;
    family->name = *name;
    family->help = options.help;
    family->labelNames = options.labelNames;
    if (type == MetricType::Histogram) {
        for (double b : buckets)
            if (std::isnan(b))
                return error(WriterErrorCode::InvalidBuckets, "Histogram " + *name + ": a bucket bound is NaN");
        for (std::size_t i = 1; i < buckets.size(); ++i)
            if (!(buckets[i - 1] < buckets[i]))
                return error(WriterErrorCode::InvalidBuckets,
                             "Histogram " + *name + ": buckets not in strictly increasing order");
        if (buckets.empty() || buckets.back() != std::numeric_limits<double>::infinity())
            buckets.push_back(std::numeric_limits<double>::infinity());
        if (buckets.size() < 2)
            return error(WriterErrorCode::InvalidBuckets, "Histogram " + *name + ": must have at least two buckets");
        family->buckets = std::move(buckets);
        for (double b : family->buckets)
            family->bucketLe.push_back(floatToGoString(b));
    }

    std::lock_guard lock(core->mutex);
    if (const WriteStatus st = core->recoverLocked(); st != WriteStatus::Ok)
        return error(st == WriteStatus::Closed ? WriterErrorCode::Closed : WriterErrorCode::FileError,
                     st == WriteStatus::Closed ? "the writer is closed" : core->failure);
    const auto taken = takenNames(type, *name);
    for (const auto &t : taken)
        if (std::find(core->names.begin(), core->names.end(), t) != core->names.end())
            return error(WriterErrorCode::DuplicateMetric,
                         "Duplicated timeseries: " + t + " is already produced by another metric of this writer");
    Series *series = nullptr;
    if (family->labelNames.empty()) {
        auto s = core->createSeriesLocked(*family, {});
        if (!s)
            return s.error();
        series = *s;
    }
    core->names.insert(core->names.end(), taken.begin(), taken.end());
    Family *raw = family.get();
    core->families.push_back(std::move(family));
    // The handle owns the core and points at the family.
    return Created{std::shared_ptr<Family>(core, raw), series};
}

} // namespace

// ---- free functions -------------------------------------------------------

std::string_view toString(WriteStatus status)
{
    switch (status) {
    case WriteStatus::Ok: return "ok";
    case WriteStatus::MissingLabelValues: return "metric has label names: call labels(...) first";
    case WriteStatus::NegativeAmount: return "counters can only be incremented by non-negative amounts";
    case WriteStatus::NotInThisMode: return "inc/dec must not be used with the mostrecent modes";
    case WriteStatus::Closed: return "the writer is closed";
    case WriteStatus::Failed: return "the process's metric files could not be opened";
    case WriteStatus::InvalidHandle: return "invalid metric handle";
    }
    return "unknown";
}

std::string_view nameOf(WriteStatus status)
{
    switch (status) {
    case WriteStatus::Ok: return "Ok";
    case WriteStatus::MissingLabelValues: return "MissingLabelValues";
    case WriteStatus::NegativeAmount: return "NegativeAmount";
    case WriteStatus::NotInThisMode: return "NotInThisMode";
    case WriteStatus::Closed: return "Closed";
    case WriteStatus::Failed: return "Failed";
    case WriteStatus::InvalidHandle: return "InvalidHandle";
    }
    return "Unknown";
}

std::string_view nameOf(WriterErrorCode code) noexcept
{
    switch (code) {
    case WriterErrorCode::NoDirectory: return "NoDirectory";
    case WriterErrorCode::BadDirectory: return "BadDirectory";
    case WriterErrorCode::InvalidName: return "InvalidName";
    case WriterErrorCode::InvalidLabelName: return "InvalidLabelName";
    case WriterErrorCode::InvalidLabelValues: return "InvalidLabelValues";
    case WriterErrorCode::InvalidHelp: return "InvalidHelp";
    case WriterErrorCode::InvalidBuckets: return "InvalidBuckets";
    case WriterErrorCode::InvalidProcessIdentifier: return "InvalidProcessIdentifier";
    case WriterErrorCode::DuplicateMetric: return "DuplicateMetric";
    case WriterErrorCode::NoLabelNames: return "NoLabelNames";
    case WriterErrorCode::AlreadyLabelled: return "AlreadyLabelled";
    case WriterErrorCode::FileError: return "FileError";
    case WriterErrorCode::ForeignFile: return "ForeignFile";
    case WriterErrorCode::Closed: return "Closed";
    case WriterErrorCode::InvalidHandle: return "InvalidHandle";
    case WriterErrorCode::FileInUse: return "FileInUse";
    case WriterErrorCode::InvalidGaugeMode: return "InvalidGaugeMode";
    }
    return "Unknown";
}

const std::vector<double> &defaultBuckets()
{
    static const std::vector<double> b{.005, .01, .025, .05, .075, .1, .25, .5, .75, 1.0, 2.5, 5.0, 7.5, 10.0,
                                       std::numeric_limits<double>::infinity()};
    return b;
}

Result<std::string> buildMetricName(MetricType type, const MetricOptions &o, NameValidation validation)
{
    if (o.name.empty())
        return error(WriterErrorCode::InvalidName, "Metric name should not be empty");
    std::string full;
    if (!o.ns.empty())
        full += o.ns + "_";
    if (!o.subsystem.empty())
        full += o.subsystem + "_";
    full += o.name;
    if (type == MetricType::Counter && full.ends_with("_total"))
        full.resize(full.size() - 6); // the OpenMetrics munging
    if (!o.unit.empty() && !full.ends_with("_" + o.unit))
        full += "_" + o.unit;
    const bool ok = validation == NameValidation::Legacy ? legacyMetricName(full) : validUtf8(full);
    if (!ok)
        return error(WriterErrorCode::InvalidName, "Invalid metric name: '" + full + "'");
    return full;
}

Result<int> markProcessDead(std::string_view pid, const std::filesystem::path &directory)
{
    std::filesystem::path dir = directory;
    if (dir.empty()) {
        dir = multiprocessDirectoryFromEnvironment();
        if (dir.empty())
            return error(WriterErrorCode::NoDirectory, "PROMETHEUS_MULTIPROC_DIR is not set and no directory was given");
    }
    if (!validProcessIdentifier(pid))
        return error(WriterErrorCode::InvalidProcessIdentifier, "process identifier '" + std::string(pid) + "' is empty or contains '_' or '/'");
    const auto r = removeLiveGaugeFiles(pid, dir);
    if (!r)
        return error(WriterErrorCode::FileError, r.error().message);
    // A folder under a live gauge's name is left alone, not an error.
    for (const Error &e : r->failed)
        if (e.code != RemoveErrorCode::IsAFolder)
            return error(WriterErrorCode::FileError, e.message);
    return static_cast<int>(r->removed.size());
}

Result<int> markProcessDead(std::int64_t pid, const std::filesystem::path &directory)
{
    return markProcessDead(std::to_string(pid), directory);
}

// ---- Writer ---------------------------------------------------------------

Result<Writer> Writer::open(WriterOptions options)
{
    std::filesystem::path dir = options.directory;
    if (dir.empty()) {
        dir = multiprocessDirectoryFromEnvironment();
        if (dir.empty())
            return error(WriterErrorCode::NoDirectory,
                         "PROMETHEUS_MULTIPROC_DIR is not set and no directory was given");
    }
    std::error_code ec;
    const auto st = std::filesystem::status(dir, ec);
    if (ec || !std::filesystem::exists(st))
        return error(WriterErrorCode::BadDirectory, dir.string() + ": directory does not exist");
    if (!std::filesystem::is_directory(st))
        return error(WriterErrorCode::BadDirectory, dir.string() + ": not a directory");
    const std::string pid = options.processIdentifier ? options.processIdentifier() : detail::defaultIdentifier();
    if (!validProcessIdentifier(pid))
        return error(WriterErrorCode::InvalidProcessIdentifier,
                     "process identifier '" + pid + "' is empty or contains '_' or '/'");
    auto core = std::make_shared<WriterCore>();
    core->options = std::move(options);
    core->directory = dir;
    core->pid = pid;
    core->bound.store(detail::g_forkCount.load(std::memory_order_relaxed), std::memory_order_release);
    return Writer(std::move(core));
}

Result<Counter> Writer::counter(const MetricOptions &options) const
{
    auto c = createMetric(m_core, MetricType::Counter, options, GaugeMode::None, {});
    if (!c)
        return c.error();
    return Counter(MetricHandle(c->family, c->series));
}

Result<Gauge> Writer::gauge(const MetricOptions &options, GaugeMode mode) const
{
    auto c = createMetric(m_core, MetricType::Gauge, options, mode, {});
    if (!c)
        return c.error();
    return Gauge(MetricHandle(c->family, c->series));
}

Result<Histogram> Writer::histogram(const MetricOptions &options, std::vector<double> buckets) const
{
    auto c = createMetric(m_core, MetricType::Histogram, options, GaugeMode::None, std::move(buckets));
    if (!c)
        return c.error();
    return Histogram(MetricHandle(c->family, c->series));
}

Result<Summary> Writer::summary(const MetricOptions &options) const
{
    auto c = createMetric(m_core, MetricType::Summary, options, GaugeMode::None, {});
    if (!c)
        return c.error();
    return Summary(MetricHandle(c->family, c->series));
}

const std::filesystem::path &Writer::directory() const
{
    return m_core->directory;
}

std::string Writer::processIdentifier() const
{
    std::lock_guard lock(m_core->mutex);
    m_core->recoverLocked();
    return m_core->pid;
}

Result<bool> Writer::refreshProcessIdentifier() const
{
    std::lock_guard lock(m_core->mutex);
    if (const WriteStatus st = m_core->recoverLocked(); st != WriteStatus::Ok)
        return error(st == WriteStatus::Closed ? WriterErrorCode::Closed : WriterErrorCode::FileError,
                     st == WriteStatus::Closed ? "the writer is closed" : m_core->failure);
    const std::string newPid = m_core->options.processIdentifier ? m_core->options.processIdentifier()
                                                                 : detail::defaultIdentifier();
    const bool changed = newPid != m_core->pid;
    if (auto r = m_core->switchIdentityLocked(newPid); !r)
        return r.error();
    return changed;
}

std::vector<std::filesystem::path> Writer::files() const
{
    std::lock_guard lock(m_core->mutex);
    std::vector<std::filesystem::path> out;
    if (m_core->state != WriterCore::State::Open)
        return out;
    for (const auto &[prefix, f] : m_core->files)
        out.push_back(f->path());
    return out;
}

Result<void> Writer::flush() const
{
    std::lock_guard lock(m_core->mutex);
    for (const auto &[prefix, f] : m_core->files)
        if (!f->sync())
            return error(WriterErrorCode::FileError, f->path().string() + ": msync failed");
    return {};
}

void Writer::close() const
{
    std::lock_guard lock(m_core->mutex);
    if (m_core->state == WriterCore::State::Closed)
        return;
    m_core->state = WriterCore::State::Closed;
    m_core->bound.store(WriterCore::kNotBound, std::memory_order_release);
    // Stale pointers of racing updates keep pointing at reserved memory:
    // the objects stay until the writer goes away.
    for (auto &[prefix, f] : m_core->files) {
        MappedFile::release(f);
        m_core->retired.push_back(std::move(f));
    }
    m_core->files.clear();
    for (auto &f : m_core->retired)
        MappedFile::release(f);
}

bool Writer::isClosed() const
{
    std::lock_guard lock(m_core->mutex);
    return m_core->state == WriterCore::State::Closed;
}

// ---- handles --------------------------------------------------------------

namespace {
const std::string kEmpty;
const std::vector<std::string> kNoNames;
} // namespace

const std::string &MetricHandle::name() const
{
    return m_family ? m_family->name : kEmpty;
}
const std::string &MetricHandle::help() const
{
    return m_family ? m_family->help : kEmpty;
}
const std::vector<std::string> &MetricHandle::labelNames() const
{
    return m_family ? m_family->labelNames : kNoNames;
}
const std::vector<std::string> &MetricHandle::labelValues() const
{
    return m_series ? m_series->labelValues : kNoNames;
}

Result<MetricHandle> MetricHandle::childFor(std::span<const std::string_view> values) const
{
    if (!m_family)
        return error(WriterErrorCode::InvalidHandle, "invalid metric handle");
    const Family &f = *m_family;
    const std::string what = typeName(f.type) + ":" + f.name;
    if (f.labelNames.empty())
        return error(WriterErrorCode::NoLabelNames, "No label names were set when constructing " + what);
    if (m_series)
        return error(WriterErrorCode::AlreadyLabelled, what + " already has labels set; can not chain calls to labels()");
    if (values.size() != f.labelNames.size())
        return error(WriterErrorCode::InvalidLabelValues,
                     "Incorrect label count for " + what + ": expected " + std::to_string(f.labelNames.size()) +
                         ", got " + std::to_string(values.size()));
    std::vector<std::string> v;
    v.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!validUtf8(values[i]))
            return error(WriterErrorCode::InvalidLabelValues,
                         "Value of label " + f.labelNames[i] + " of " + what + " is not valid UTF-8");
        v.emplace_back(values[i]);
    }
    WriterCore *core = f.core;
    std::lock_guard lock(core->mutex);
    if (const WriteStatus st = core->recoverLocked(); st != WriteStatus::Ok)
        return error(st == WriteStatus::Closed ? WriterErrorCode::Closed : WriterErrorCode::FileError,
                     st == WriteStatus::Closed ? "the writer is closed" : core->failure);
    Family &mf = *m_family;
    if (auto it = mf.children.find(detail::childKey(v)); it != mf.children.end())
        return MetricHandle(m_family, it->second.get());
    auto s = core->createSeriesLocked(mf, std::move(v));
    if (!s)
        return s.error();
    return MetricHandle(m_family, *s);
}

Result<MetricHandle>
MetricHandle::childForNames(std::span<const std::pair<std::string_view, std::string_view>> labels) const
{
    if (!m_family)
        return error(WriterErrorCode::InvalidHandle, "invalid metric handle");
    const auto &names = m_family->labelNames;
    std::vector<std::string_view> values(names.size());
    std::vector<bool> seen(names.size(), false);
    bool ok = labels.size() == names.size();
    for (const auto &[n, v] : labels) {
        const auto it = std::find(names.begin(), names.end(), n);
        if (it == names.end() || seen[std::size_t(it - names.begin())]) {
            ok = false;
            break;
        }
        seen[std::size_t(it - names.begin())] = true;
        values[std::size_t(it - names.begin())] = v;
    }
    if (!ok && !names.empty())
        return error(WriterErrorCode::InvalidLabelValues, "Incorrect label names for " + m_family->name);
    return childFor(values);
}

namespace {

// A compare-and-swap loop written out, so it inlines (libstdc++'s
// fetch_add on a double is an out-of-line call).
[[gnu::always_inline]] inline void atomicAdd(double *p, double amount)
{
    std::atomic_ref<double> a(*p);
    double old = a.load(std::memory_order_relaxed);
    while (!a.compare_exchange_weak(old, old + amount, std::memory_order_relaxed, std::memory_order_relaxed)) {
    }
}

inline void atomicStore(double *p, double v)
{
    std::atomic_ref<double>(*p).store(v, std::memory_order_relaxed);
}

inline double atomicLoad(const double *p)
{
    return std::atomic_ref<double>(*const_cast<double *>(p)).load(std::memory_order_relaxed);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double readSlot(const Series *s, std::size_t i)
{
    WriteStatus st = WriteStatus::Ok;
    const double *p = detail::valuePointer(s, i, st);
    return p ? atomicLoad(p) : kNaN;
}

} // namespace

// Counter

WriteStatus Counter::inc(double amount) const noexcept
{
    if (const WriteStatus st = precheck(); st != WriteStatus::Ok) [[unlikely]]
        return st;
    if (amount < 0)
        return WriteStatus::NegativeAmount;
    WriteStatus st = WriteStatus::Ok;
    if (double *p = detail::valuePointer(m_series, 0, st)) [[likely]]
        atomicAdd(p, amount);
    return st;
}

WriteStatus Counter::reset() const noexcept
{
    if (const WriteStatus st = precheck(); st != WriteStatus::Ok)
        return st;
    WriteStatus st = WriteStatus::Ok;
    if (double *p = detail::valuePointer(m_series, 0, st))
        atomicStore(p, 0.0);
    return st;
}

double Counter::value() const noexcept
{
    return precheck() == WriteStatus::Ok ? readSlot(m_series, 0) : kNaN;
}

// Gauge

GaugeMode Gauge::mode() const noexcept
{
    return m_family ? m_family->mode : GaugeMode::None;
}

static bool isMostRecent(GaugeMode m)
{
    return m == GaugeMode::MostRecent || m == GaugeMode::LiveMostRecent;
}

WriteStatus Gauge::inc(double amount) const noexcept
{
    if (const WriteStatus st = precheck(); st != WriteStatus::Ok) [[unlikely]]
        return st;
    if (isMostRecent(m_family->mode))
        return WriteStatus::NotInThisMode;
    WriteStatus st = WriteStatus::Ok;
    if (double *p = detail::valuePointer(m_series, 0, st)) [[likely]]
        atomicAdd(p, amount);
    return st;
}

WriteStatus Gauge::dec(double amount) const noexcept
{
    return inc(-amount);
}

WriteStatus Gauge::set(double value) const noexcept
{
    if (const WriteStatus st = precheck(); st != WriteStatus::Ok) [[unlikely]]
        return st;
    WriteStatus st = WriteStatus::Ok;
    double *p = detail::valuePointer(m_series, 0, st);
    if (!p)
        return st;
    if (!isMostRecent(m_family->mode)) {
        atomicStore(p, value);
        return st;
    }
    // The pair belongs together: threads of this process take turns (other
    // processes never write this file).
    const double ts = detail::now();
    std::atomic_flag &lock = m_series->slots[0].pairLock;
    while (lock.test_and_set(std::memory_order_acquire)) {
    }
    atomicStore(p, value);
    atomicStore(p + 1, ts);
    lock.clear(std::memory_order_release);
    return st;
}

WriteStatus Gauge::setToCurrentTime() const noexcept
{
    return set(detail::now());
}

double Gauge::value() const noexcept
{
    return precheck() == WriteStatus::Ok ? readSlot(m_series, 0) : kNaN;
}

double Gauge::timestamp() const noexcept
{
    if (precheck() != WriteStatus::Ok)
        return kNaN;
    WriteStatus st = WriteStatus::Ok;
    const double *p = detail::valuePointer(m_series, 0, st);
    return p ? atomicLoad(p + 1) : kNaN;
}

// Histogram

WriteStatus Histogram::observe(double amount) const noexcept
{
    if (const WriteStatus st = precheck(); st != WriteStatus::Ok) [[unlikely]]
        return st;
    WriteStatus st = WriteStatus::Ok;
    double *sum = detail::valuePointer(m_series, 0, st);
    if (!sum) [[unlikely]]
        return st;
    atomicAdd(sum, amount);
    if (std::isnan(amount))
        return st; // no bucket holds NaN (amount <= bound is false), like the Python client
    const auto &b = m_family->buckets;
    const std::size_t i = std::size_t(std::lower_bound(b.begin(), b.end(), amount) - b.begin());
    if (i < b.size())
        atomicAdd(m_series->slots[1 + i].value.load(std::memory_order_relaxed), 1.0);
    return st;
}

const std::vector<double> &Histogram::buckets() const
{
    static const std::vector<double> none;
    return m_family ? m_family->buckets : none;
}

double Histogram::bucketValue(std::size_t i) const noexcept
{
    if (precheck() != WriteStatus::Ok || i >= m_family->buckets.size())
        return kNaN;
    return readSlot(m_series, 1 + i);
}

double Histogram::sum() const noexcept
{
    return precheck() == WriteStatus::Ok ? readSlot(m_series, 0) : kNaN;
}

// Summary

WriteStatus Summary::observe(double amount) const noexcept
{
    if (const WriteStatus st = precheck(); st != WriteStatus::Ok) [[unlikely]]
        return st;
    WriteStatus st = WriteStatus::Ok;
    double *count = detail::valuePointer(m_series, 0, st);
    if (!count) [[unlikely]]
        return st;
    atomicAdd(count, 1.0);
    atomicAdd(m_series->slots[1].value.load(std::memory_order_relaxed), amount);
    return st;
}

double Summary::count() const noexcept
{
    return precheck() == WriteStatus::Ok ? readSlot(m_series, 0) : kNaN;
}

double Summary::sum() const noexcept
{
    return precheck() == WriteStatus::Ok ? readSlot(m_series, 1) : kNaN;
}

} // namespace promdir
