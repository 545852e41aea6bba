#include "promdir/directorywatcher.h"

#include "promdir/serieshistory.h"

#include <QDateTime>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QThread>
#include <QTimer>

#include <exception>

#include <functional>

namespace promdir {

namespace {
// Never reset, so ids never repeat across sources and watchers.
std::atomic<std::uint64_t> g_contentsIds{0};
} // namespace

// State only the worker thread touches.
struct DirectoryWatcher::Worker
{
    std::unique_ptr<MergeEngine> engine;
    std::shared_ptr<std::atomic<bool>> cancel; // outlives the engine's loads
    std::uint64_t generation = 0;
    std::uint64_t sequence = 0;
    QString path;
    bool local = true;
    SeriesHistory history;
    std::chrono::milliseconds staleAfter{std::chrono::hours(1)};
    SeriesId focus;
    MetricType focusType = MetricType::Counter;
    GaugeMode focusMode = GaugeMode::None;
    SnapshotPtr last; // the last snapshot made of this source
    // The one before: the GUI lets it go when `last` arrives, so its last
    // reference is dropped here, on the next refresh, and the thousands of
    // families and rows it holds are freed on this thread, not the GUI's.
    SnapshotPtr beforeLast;
    // The first snapshot's result, whose history is recorded after the
    // snapshot is delivered (recordDeferred).
    std::shared_ptr<const MergeResult> deferred;
    std::int64_t deferredTimeMs = 0;

    TimelinePtr timeline() const
    {
        if (!focus.isValid())
            return nullptr;
        return std::make_shared<const SeriesTimeline>(history.timeline(focus, focusType, focusMode));
    }

    SnapshotPtr refresh()
    {
        if (!engine)
            return nullptr;
        const auto t0 = std::chrono::steady_clock::now();
        auto s = std::make_shared<Snapshot>();
        s->sequence = ++sequence;
        s->path = path;
        s->local = local;
        s->timeMs = QDateTime::currentMSecsSinceEpoch();
        // Nothing thrown here (out of memory, a bug) may leave this thread:
        // Qt would end the program. It becomes a source that cannot be read.
        auto closing = [this] { return cancel && cancel->load(std::memory_order_relaxed); };
        try {
            s->result = engine->refresh();
            if (closing())
                return nullptr; // the source is being closed: nothing more is wanted of it
            describeProcesses(*s, staleAfter);
            if (s->sequence == 1) {
                // A source's first history records a point for every entry
                // of every file (millions at 10,000 processes), which took
                // as long as the load itself; nothing shown needs it but a
                // focused series' chart, whose timeline follows it.
                deferred = s->result;
                deferredTimeMs = s->timeMs;
            } else {
                recordDeferred();
                history.update(*s->result, s->timeMs, cancel.get());
                if (closing())
                    return nullptr;
                s->timeline = timeline();
            }
        } catch (const std::exception &e) {
            s->processes.clear();
            s->fileStale.clear();
            s->counts = {};
            auto failed = std::make_shared<MergeResult>();
            failed->load.error = std::string("reading failed: ") + e.what();
            s->result = std::move(failed);
        } catch (...) {
            s->processes.clear();
            s->fileStale.clear();
            s->counts = {};
            auto failed = std::make_shared<MergeResult>();
            failed->load.error = "reading failed";
            s->result = std::move(failed);
        }
        s->historyPoints = history.pointCount();
        s->contentsId = last && sameContents(*s, *last) ? last->contentsId : ++g_contentsIds;
        s->cost = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
        beforeLast = std::exchange(last, s);
        return s;
    }

    // Records the history the first snapshot left for later; true when
    // there was one.
    bool recordDeferred()
    {
        if (!deferred)
            return false;
        const auto result = std::move(deferred);
        deferred.reset();
        try {
            history.update(*result, deferredTimeMs, cancel.get());
        } catch (...) {
            // As in refresh(): nothing may leave this thread. Out of memory
            // here leaves no history rather than half of one.
            history.clear();
        }
        return true;
    }
};

DirectoryWatcher::DirectoryWatcher(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_context(new QObject)
    , m_worker(std::make_shared<Worker>())
    , m_timer(new QTimer(this))
    , m_soon(new QTimer(this))
    , m_fsWatcher(new QFileSystemWatcher(this))
{
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<TimelinePtr>();
    m_thread->setObjectName(QStringLiteral("promdir-watcher"));
    m_context->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread->start();

    m_timer->setInterval(m_interval);
    connect(m_timer, &QTimer::timeout, this, &DirectoryWatcher::refresh);
    // Bursts of notifications (a worker starting writes several files)
    // become one refresh.
    m_soon->setSingleShot(true);
    m_soon->setInterval(100);
    connect(m_soon, &QTimer::timeout, this, &DirectoryWatcher::refresh);
    connect(m_fsWatcher, &QFileSystemWatcher::directoryChanged, this, &DirectoryWatcher::scheduleSoon);
}

DirectoryWatcher::~DirectoryWatcher()
{
    if (!m_shutDown) {
        ++m_generation;
        if (m_cancel)
            m_cancel->store(true);
        m_thread->quit();
    }
    m_thread->wait();
    if (m_shutDown) {
        // Quitting: the history and the parsed files of thousands of
        // processes are millions of allocations, whose freeing one by one
        // took seconds (minutes at 10,000 processes). The process is ending;
        // the system takes the memory back at once. Kept reachable, so leak
        // checkers do not count it.
        static auto *leftToTheSystem = new std::vector<std::shared_ptr<Worker>>;
        leftToTheSystem->push_back(std::move(m_worker));
    }
}

void DirectoryWatcher::shutdown()
{
    if (m_shutDown)
        return;
    forgetSource(); // and nothing freed: see the destructor
    setLoading(false);
    m_shutDown = true;
    // After the step it is in (a load stops between files or archive
    // blocks, the history at once) and the jobs already queued, the worker
    // thread ends.
    m_thread->quit();
}

bool DirectoryWatcher::isStopped() const
{
    return m_thread->isFinished();
}

void DirectoryWatcher::post(std::function<void(Worker &)> job)
{
    QMetaObject::invokeMethod(m_context, [w = m_worker, job = std::move(job)] { job(*w); },
                              Qt::QueuedConnection);
}

void DirectoryWatcher::open(const QString &path)
{
    if (m_shutDown)
        return;
    close();
    m_path = path;
    const std::uint64_t gen = ++m_generation;
    const QFileInfo info(path);
    const bool local = info.isDir();
    if (local)
        m_fsWatcher->addPath(path);
    const auto window = m_window;
    const auto stale = m_staleAfter;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    MergeEngineOptions options;
    options.load.cancel = m_cancel.get();
    options.pidNamespace = m_pidNamespace;
    DirectoryWatcher *self = this;
    options.load.progress = [self, gen, last = std::make_shared<int>(-1)](std::uint64_t done, std::uint64_t total) {
        // Whole percents only: the GUI needs no more.
        const int pct = total ? int(done * 100 / total) : 0;
        if (pct == *last)
            return;
        *last = pct;
        QMetaObject::invokeMethod(
            self, [self, gen, done, total] {
                if (gen == self->m_generation)
                    Q_EMIT self->loadProgress(qint64(done), qint64(total));
            },
            Qt::QueuedConnection);
    };
    post([path, gen, local, window, stale, options, cancel = m_cancel](Worker &w) {
        w.generation = gen;
        w.sequence = 0;
        w.path = path;
        w.local = local;
        w.history.clear();
        w.last.reset();
        w.beforeLast.reset();
        w.deferred.reset();
        w.history.setWindow(window);
        w.staleAfter = stale;
        w.cancel = cancel;
        w.engine = std::make_unique<MergeEngine>(std::filesystem::path(path.toStdString()), options);
    });
    setLoading(true);
    m_inFlight = false;
    m_pending = false;
    refresh();
    if (!m_paused && local)
        m_timer->start();
}

void DirectoryWatcher::close()
{
    forgetSource();
    post([](Worker &w) {
        w.engine.reset();
        w.history.clear();
        w.last.reset();
        w.beforeLast.reset();
        w.deferred.reset();
    });
    setLoading(false);
}

void DirectoryWatcher::forgetSource()
{
    ++m_generation;
    if (m_cancel)
        m_cancel->store(true);
    m_timer->stop();
    m_soon->stop();
    if (!m_fsWatcher->directories().isEmpty())
        m_fsWatcher->removePaths(m_fsWatcher->directories());
    if (!m_fsWatcher->files().isEmpty())
        m_fsWatcher->removePaths(m_fsWatcher->files());
    m_path.clear();
    m_snapshot.reset();
    m_inFlight = false;
    m_pending = false;
}

void DirectoryWatcher::refresh()
{
    if (m_path.isEmpty())
        return;
    if (m_inFlight) {
        m_pending = true;
        return;
    }
    m_inFlight = true;
    m_pending = false;
    const std::uint64_t gen = m_generation;
    // The destructor waits for the worker thread, so `self` outlives every
    // job, and events posted to it die with it.
    DirectoryWatcher *self = this;
    post([self, gen](Worker &w) {
        if (w.generation != gen)
            return;
        SnapshotPtr s = w.refresh();
        // Back to the GUI thread; dropped there if the source changed.
        QMetaObject::invokeMethod(self, [self, gen, s] { self->deliver(gen, s); }, Qt::QueuedConnection);
        if (w.recordDeferred() && w.focus.isValid()) {
            // The focused series' chart had to wait for the history.
            TimelinePtr tl = w.timeline();
            QMetaObject::invokeMethod(
                self, [self, gen, tl] {
                    if (gen == self->m_generation)
                        Q_EMIT self->timelineReady(tl);
                },
                Qt::QueuedConnection);
        }
    });
}

void DirectoryWatcher::deliver(std::uint64_t generation, const SnapshotPtr &snapshot)
{
    if (generation != m_generation)
        return;
    m_inFlight = false;
    if (!snapshot)
        return;
    m_snapshot = snapshot;
    setLoading(false);
    Q_EMIT snapshotReady(snapshot);
    if (snapshot->timeline)
        Q_EMIT timelineReady(snapshot->timeline);
    if (m_pending)
        refresh();
}

void DirectoryWatcher::scheduleSoon()
{
    if (!m_paused && !m_soon->isActive())
        m_soon->start();
}

void DirectoryWatcher::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void DirectoryWatcher::setInterval(std::chrono::milliseconds interval)
{
    m_interval = std::max(interval, std::chrono::milliseconds(100));
    m_timer->setInterval(m_interval);
}

void DirectoryWatcher::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (paused) {
        m_timer->stop();
        m_soon->stop();
    } else if (!m_path.isEmpty() && QFileInfo(m_path).isDir()) {
        m_timer->start();
        refresh();
    }
    Q_EMIT pausedChanged(paused);
}

void DirectoryWatcher::setHistoryWindow(std::chrono::milliseconds window)
{
    m_window = window;
    post([window](Worker &w) { w.history.setWindow(window); });
}

void DirectoryWatcher::setStaleThreshold(std::chrono::milliseconds threshold)
{
    m_staleAfter = threshold;
    post([threshold](Worker &w) { w.staleAfter = threshold; });
    refresh();
}

void DirectoryWatcher::setFocus(const SeriesId &series, MetricType type, GaugeMode mode)
{
    m_focus = series;
    m_focusType = type;
    m_focusMode = mode;
    const std::uint64_t gen = m_generation;
    DirectoryWatcher *self = this;
    post([self, gen, series, type, mode](Worker &w) {
        w.focus = series;
        w.focusType = type;
        w.focusMode = mode;
        if (w.generation != gen)
            return;
        TimelinePtr tl = w.timeline();
        QMetaObject::invokeMethod(
            self, [self, gen, tl] {
                if (gen == self->m_generation)
                    Q_EMIT self->timelineReady(tl ? tl : std::make_shared<const SeriesTimeline>());
            },
            Qt::QueuedConnection);
    });
}

} // namespace promdir
