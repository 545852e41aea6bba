#pragma once
// Watches a metrics directory (or holds a loaded archive) and delivers
// immutable snapshots from a worker thread. File-system notifications catch
// files appearing and vanishing; a refresh interval catches values written
// in place through mmap, which notifications do not report.

#include "promdir/snapshot.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <chrono>
#include <memory>

class QFileSystemWatcher;
class QThread;
class QTimer;

namespace promdir {

class DirectoryWatcher : public QObject
{
    Q_OBJECT
public:
    explicit DirectoryWatcher(QObject *parent = nullptr);
    ~DirectoryWatcher() override;

    // Starts on a directory or an archive; the first snapshot follows.
    void open(const QString &path);
    // Stops watching and forgets the source; a load under way (a
    // directory's or an archive's) is cancelled.
    void close();
    // Stops for good, at once, for quitting: closes the source (a load is
    // cancelled) and lets the worker thread end after the step it is in;
    // nothing opens afterwards. The memory the source took is then left to
    // the system when the watcher is destroyed, not freed piece by piece.
    void shutdown();
    // True once the worker thread has ended (after shutdown()).
    bool isStopped() const;
    QString path() const { return m_path; }
    bool isOpen() const { return !m_path.isEmpty(); }
    // True from open() until the first snapshot of that source arrives.
    bool isLoading() const { return m_loading; }

    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const { return m_interval; }
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    void setHistoryWindow(std::chrono::milliseconds window);
    std::chrono::milliseconds historyWindow() const { return m_window; }
    void setStaleThreshold(std::chrono::milliseconds threshold);
    std::chrono::milliseconds staleThreshold() const { return m_staleAfter; }
    // Whether the directory's pids are this pid namespace's (see
    // MergeEngineOptions); takes effect at the next open().
    void setPidNamespace(PidNamespace ns) { m_pidNamespace = ns; }
    PidNamespace pidNamespace() const { return m_pidNamespace; }

    // The series whose history each snapshot carries; timelineReady follows
    // at once with its history so far.
    void setFocus(const SeriesId &series, MetricType type, GaugeMode mode);
    const SeriesId &focus() const { return m_focus; }

    SnapshotPtr snapshot() const { return m_snapshot; }

public Q_SLOTS:
    // Refreshes now (coalesced with one already running).
    void refresh();

Q_SIGNALS:
    void snapshotReady(const promdir::SnapshotPtr &snapshot);
    void timelineReady(const promdir::TimelinePtr &timeline);
    void loadingChanged(bool loading);
    // While an archive is read: compressed bytes consumed out of its size.
    void loadProgress(qint64 done, qint64 total);
    void pausedChanged(bool paused);

private:
    struct Worker;
    void post(std::function<void(Worker &)> job);
    void deliver(std::uint64_t generation, const SnapshotPtr &snapshot);
    void scheduleSoon();
    // Stops loading and watching the source; its memory is not touched.
    void forgetSource();
    void setLoading(bool loading);

    QThread *m_thread = nullptr;
    QObject *m_context = nullptr; // lives in m_thread
    std::shared_ptr<Worker> m_worker;
    QTimer *m_timer = nullptr;
    QTimer *m_soon = nullptr;
    QFileSystemWatcher *m_fsWatcher = nullptr;
    QString m_path;
    std::uint64_t m_generation = 0;
    bool m_inFlight = false;
    bool m_pending = false;
    bool m_loading = false;
    bool m_paused = false;
    bool m_shutDown = false;
    std::chrono::milliseconds m_interval{1000};
    std::chrono::milliseconds m_window{std::chrono::minutes(10)};
    std::chrono::milliseconds m_staleAfter{std::chrono::hours(1)};
    PidNamespace m_pidNamespace = PidNamespace::Auto;
    SeriesId m_focus;
    MetricType m_focusType = MetricType::Counter;
    GaugeMode m_focusMode = GaugeMode::None;
    SnapshotPtr m_snapshot;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace promdir
