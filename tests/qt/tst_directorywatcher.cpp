// DirectoryWatcher on real directories: snapshots equal the merge engine,
// live/dead/unknown pids and stale flags, history from in-place writes,
// pause, and the mark-dead action.
#include "promdir/directorywatcher.h"
#include "promdir/processcontrol.h"
#include "promdir/render/render.h"
#include "testdb.h"
#include "testpids.h"

#include <QDateTime>
#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <limits>
#include <set>
#include <thread>

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

using namespace promdir;
using namespace promdir::test;

namespace {
const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");

SnapshotPtr nextSnapshot(DirectoryWatcher &w, int timeoutMs = 10000)
{
    QSignalSpy spy(&w, &DirectoryWatcher::snapshotReady);
    if (!spy.wait(timeoutMs))
        return nullptr;
    return spy.takeFirst().at(0).value<SnapshotPtr>();
}

// Counts the distinct files opened in a directory (inotify IN_OPEN), on a
// thread of its own, until stop(); a queue overflow counts as every file.
class OpenedFiles
{
public:
    explicit OpenedFiles(const QString &dir)
        : m_fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
    {
        if (m_fd < 0 || inotify_add_watch(m_fd, QFile::encodeName(dir).constData(), IN_OPEN) < 0)
            return;
        m_thread = std::thread([this] {
            alignas(inotify_event) char buf[64 * 1024];
            std::set<std::string> names;
            while (!m_stop) {
                pollfd p{m_fd, POLLIN, 0};
                if (::poll(&p, 1, 20) <= 0)
                    continue;
                const ssize_t n = ::read(m_fd, buf, sizeof buf);
                for (ssize_t at = 0; at < n;) {
                    const auto *e = reinterpret_cast<const inotify_event *>(buf + at);
                    if (e->mask & IN_Q_OVERFLOW)
                        m_count = std::numeric_limits<int>::max();
                    else if (e->len > 0 && !(e->mask & IN_ISDIR) && names.insert(e->name).second
                             && m_count != std::numeric_limits<int>::max())
                        ++m_count;
                    at += ssize_t(sizeof(inotify_event) + e->len);
                }
            }
        });
    }
    ~OpenedFiles() { stop(); }
    bool watching() const { return m_thread.joinable(); }
    int count() const { return m_count; }
    // Waits for the events still queued, then stops counting.
    int stop()
    {
        if (m_thread.joinable()) {
            QThread::msleep(200);
            m_stop = true;
            m_thread.join();
        }
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
        return m_count;
    }

private:
    int m_fd;
    std::atomic<int> m_count{0};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

DbEntry g(double v) { return DbEntry{"g", "g", {}, v, 0.0}; }
DbEntry c(double v) { return DbEntry{"c", "c_total", {}, v, 0.0}; }
} // namespace

class TestDirectoryWatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void snapshotEqualsMergeEngine()
    {
        DirectoryWatcher w;
        w.open(kFixture);
        QVERIFY(w.isLoading());
        auto s = nextSnapshot(w);
        QVERIFY(s);
        QVERIFY(!w.isLoading());
        QVERIFY(s->result && s->result->load.ok);
        MergeEngine engine(kFixture.toStdString());
        const auto expected = engine.refresh();
        QCOMPARE(render(s->result->families), render(expected->families));
        QCOMPARE(s->fileCount(), expected->load.files.size());
        QCOMPARE(s->fileStale.size(), s->fileCount());
        QCOMPARE(s->processes.size(), std::size_t(4));
        QCOMPARE(s->processes[0].pid, std::string("101"));
        QCOMPARE(s->sequence, std::uint64_t(1));
        QVERIFY(s->local);
    }

    void missingPathIsAnError()
    {
        DirectoryWatcher w;
        w.open(QStringLiteral("/nonexistent/promdir/dir"));
        auto s = nextSnapshot(w);
        QVERIFY(s);
        QVERIFY(!s->result->load.ok);
        QVERIFY(!s->result->load.error.empty());
    }

    void processStatesAndStaleFiles()
    {
        QTemporaryDir dir;
        QProcess sleeper;
        const qint64 live = startSleeper(sleeper);
        const qint64 dead = deadPid();
        QVERIFY(live > 0 && dead > 0 && live != dead);
        const QString L = QString::number(live), D = QString::number(dead);
        auto path = [&](const QString &n) { return dir.filePath(n); };
        QVERIFY(writeDb(path(u"counter_"_qs + L + u".db"_qs), {c(1)}));
        QVERIFY(writeDb(path(u"gauge_livesum_"_qs + L + u".db"_qs), {g(1)}));
        QVERIFY(writeDb(path(u"gauge_all_"_qs + L + u".db"_qs), {g(1)}));
        QVERIFY(writeDb(path(u"counter_"_qs + D + u".db"_qs), {c(2)}));
        QVERIFY(writeDb(path(u"gauge_livesum_"_qs + D + u".db"_qs), {g(2)}));
        QVERIFY(writeDb(path(u"gauge_all_"_qs + D + u".db"_qs), {g(2)}));
        QVERIFY(writeDb(path(u"counter_worker-3.db"_qs), {c(3)}));
        // Not written for two hours: stale by age, whoever owns it.
        {
            QFile old(path(u"gauge_all_"_qs + L + u".db"_qs));
            QVERIFY(old.open(QIODevice::ReadWrite));
            QVERIFY(old.setFileTime(QDateTime::currentDateTime().addSecs(-7200), QFileDevice::FileModificationTime));
        }

        DirectoryWatcher w;
        w.setStaleThreshold(std::chrono::hours(1));
        w.open(dir.path());
        auto s = nextSnapshot(w);
        QVERIFY(s);
        QCOMPARE(s->processes.size(), std::size_t(3));
        const ProcessStatus *pl = s->process(L.toStdString());
        const ProcessStatus *pd = s->process(D.toStdString());
        const ProcessStatus *pu = s->process("worker-3");
        QVERIFY(pl && pd && pu);
        QCOMPARE(int(pl->liveness), int(Liveness::Alive));
        QVERIFY(pl->startTimeMs > 0);
        QVERIFY(!pl->pidReused);
        QCOMPARE(pl->files, 3);
        QCOMPARE(pl->staleFiles, 1);
        QCOMPARE(int(pd->liveness), int(Liveness::Dead));
        QCOMPARE(pd->staleFiles, 2); // both gauges; the counter keeps counting
        QCOMPARE(int(pu->liveness), int(Liveness::Unknown));
        QCOMPARE(pu->staleFiles, 0);
        QCOMPARE(s->deadCount(), std::size_t(1));
        // Counted by the worker, as a recount gives them.
        Snapshot recount = *s;
        recount.counts = {};
        QCOMPARE(s->counts.dead, std::int64_t(1));
        QCOMPARE(s->counts.staleFiles, std::int64_t(recount.staleFileCount()));
        QCOMPARE(s->counts.problems, std::int64_t(recount.problemCount()));
        QVERIFY(s->counts.staleFiles >= 2);

        auto flagsOf = [&](const QString &name) {
            const auto &files = s->result->load.files;
            for (std::size_t i = 0; i < files.size(); ++i)
                if (files[i]->name == name.toStdString())
                    return s->fileStale[i];
            return 999u;
        };
        QCOMPARE(flagsOf(u"gauge_livesum_"_qs + D + u".db"_qs), unsigned(StaleDeadLiveGauge));
        QCOMPARE(flagsOf(u"gauge_all_"_qs + D + u".db"_qs), unsigned(StaleDeadGauge));
        QCOMPARE(flagsOf(u"counter_"_qs + D + u".db"_qs), unsigned(NotStale));
        QCOMPARE(flagsOf(u"gauge_all_"_qs + L + u".db"_qs), unsigned(StaleNotModified));
        QCOMPARE(flagsOf(u"gauge_livesum_"_qs + L + u".db"_qs), unsigned(NotStale));

        // Mark dead: refused for the live pid, and for the dead one removes
        // exactly its live gauge file.
        auto refused = markProcessDead(dir.path(), L);
        QVERIFY(!refused);
        QVERIFY(refused.error().code == MarkDeadErrorCode::ProcessAlive);
        QCOMPARE(nameOf(refused.error().code), std::string_view("ProcessAlive"));
        QVERIFY(QFile::exists(path(u"gauge_livesum_"_qs + L + u".db"_qs)));
        auto done = markProcessDead(dir.path(), D);
        QVERIFY(done.ok());
        QCOMPARE(*done, QStringList{u"gauge_livesum_"_qs + D + u".db"_qs});
        QVERIFY(QFile::exists(path(u"gauge_all_"_qs + D + u".db"_qs)));
        QVERIFY(QFile::exists(path(u"counter_"_qs + D + u".db"_qs)));
        QVERIFY(markProcessDead(dir.filePath(u"nope"_qs), D).error().code == MarkDeadErrorCode::NotADirectory);
        QVERIFY(markProcessDead(dir.path(), u"a_b"_qs).error().code == MarkDeadErrorCode::InvalidPid);
        // A folder under a live gauge's name is left alone and said so.
        QVERIFY(QDir(dir.path()).mkdir(u"gauge_livemax_"_qs + D + u".db"_qs));
        const auto folder = markProcessDead(dir.path(), D);
        QVERIFY(folder.error().code == MarkDeadErrorCode::RemoveFailed);
        QVERIFY2(folder.error().message.ends_with("gauge_livemax_" + D.toStdString() + ".db: is a folder; not removed"),
                 folder.error().message.c_str());
        QVERIFY(QDir(dir.path()).rmdir(u"gauge_livemax_"_qs + D + u".db"_qs));

        // The watcher notices the removal (directory notification or timer).
        // A refresh that was already running may deliver the old listing
        // first: wait for the one that saw the removal.
        auto deadFiles = [&] {
            const SnapshotPtr now = w.snapshot();
            const ProcessStatus *p = now ? now->process(D.toStdString()) : nullptr;
            return p ? p->files : -1;
        };
        QTRY_COMPARE_WITH_TIMEOUT(deadFiles(), 2, 30000);
        sleeper.kill();
        sleeper.waitForFinished();
    }

    // Pids of another pid namespace: with Separate, no process is called
    // alive or dead from here, and each says why.
    void separatePidNamespaceIsNotProbed()
    {
        QTemporaryDir dir;
        QProcess sleeper;
        const qint64 live = startSleeper(sleeper);
        const qint64 dead = deadPid();
        QVERIFY(live > 0 && dead > 0);
        QVERIFY(writeDb(dir.filePath(u"counter_"_qs + QString::number(live) + u".db"_qs), {c(1)}));
        QVERIFY(writeDb(dir.filePath(u"gauge_livesum_"_qs + QString::number(dead) + u".db"_qs), {g(2)}));
        DirectoryWatcher w;
        QVERIFY(w.pidNamespace() == PidNamespace::Auto);
        w.setPidNamespace(PidNamespace::Separate);
        w.open(dir.path());
        const auto s = nextSnapshot(w);
        QVERIFY(s);
        QVERIFY(!s->result->pids.visible);
        QCOMPARE(s->processes.size(), std::size_t(2));
        for (const auto &p : s->processes) {
            QVERIFY(p.liveness == Liveness::Unknown);
            QCOMPARE(p.note, std::string("pids here are not visible from this pid namespace (set to separate)"));
        }
        QCOMPARE(s->deadCount(), std::size_t(0));
    }

    void historyFollowsInPlaceWrites()
    {
        QTemporaryDir dir;
        // Written by a live process (this one), in place as through mmap:
        // a truncating rewrite could be caught empty by the 100 ms refresh,
        // which the history rightly records as the series vanishing.
        const QString file = dir.filePath(u"gauge_all_"_qs + QString::number(QCoreApplication::applicationPid()) + u".db"_qs);
        QVERIFY(writeDb(file, {g(1)}));
        DirectoryWatcher w;
        w.setInterval(std::chrono::milliseconds(100));
        w.open(dir.path());
        QVERIFY(nextSnapshot(w));
        QSignalSpy tl(&w, &DirectoryWatcher::timelineReady);
        w.setFocus(SeriesId{"g", "g", {}}, MetricType::Gauge, GaugeMode::All);
        QVERIFY(tl.wait(30000));
        QCOMPARE(tl.takeFirst().at(0).value<TimelinePtr>()->pids.size(), std::size_t(1));
        for (double v : {2.0, 3.0}) {
            QVERIFY(overwriteDb(file, {g(v)}));
            QTRY_VERIFY_WITH_TIMEOUT(w.snapshot() && w.snapshot()->timeline
                                         && !w.snapshot()->timeline->pids.empty()
                                         && w.snapshot()->timeline->pids[0].points.back().value == v,
                                     30000);
        }
        const auto t = w.snapshot()->timeline;
        QCOMPARE(t->pids[0].points.size(), std::size_t(3));
        QVERIFY(t->merged.empty()); // mode all: no single merged value

        // Paused: no more snapshots from the timer. A refresh may be running
        // (and one more queued behind it) when the pause comes; two refresh()
        // calls coalesce with those into exactly two more snapshots, after
        // which nothing may arrive.
        w.setPaused(true);
        const std::uint64_t before = w.snapshot()->sequence;
        w.refresh();
        w.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(w.snapshot()->sequence >= before + 2, 30000);
        QSignalSpy spy(&w, &DirectoryWatcher::snapshotReady);
        QVERIFY(overwriteDb(file, {g(9)}));
        QTest::qWait(500); // five intervals
        QCOMPARE(spy.count(), 0);
        QCOMPARE(w.snapshot()->sequence, before + 2);
        w.refresh(); // F5 still works
        QVERIFY(spy.wait(30000));
        w.setPaused(false);
    }

    // A source's first snapshot is delivered before its history is
    // recorded (at 10,000 processes that took as long as the load); a
    // series focused already gets its timeline right after, and the next
    // snapshots carry it again.
    void firstSnapshotBeforeItsHistory()
    {
        QTemporaryDir dir;
        QVERIFY(writeDb(dir.filePath(u"gauge_all_1.db"_qs), {g(4)}));
        QVERIFY(writeDb(dir.filePath(u"gauge_all_2.db"_qs), {g(5)}));
        DirectoryWatcher w;
        w.setPaused(true);
        w.setFocus(SeriesId{"g", "g", {}}, MetricType::Gauge, GaugeMode::All);
        QSignalSpy snapshots(&w, &DirectoryWatcher::snapshotReady);
        QSignalSpy timelines(&w, &DirectoryWatcher::timelineReady);
        w.open(dir.path());
        QVERIFY(snapshots.wait(30000));
        const auto first = snapshots.takeFirst().at(0).value<SnapshotPtr>();
        QVERIFY(!first->timeline);
        QCOMPARE(first->historyPoints, std::size_t(0));
        QTRY_VERIFY_WITH_TIMEOUT(!timelines.isEmpty(), 30000);
        const auto tl = timelines.takeFirst().at(0).value<TimelinePtr>();
        QCOMPARE(tl->pids.size(), std::size_t(2));
        QCOMPARE(tl->pids[1].points.front().value, 5.0);
        w.refresh();
        const auto second = nextSnapshot(w);
        QVERIFY(second && second->timeline);
        QCOMPARE(second->timeline->pids.size(), std::size_t(2));
        QCOMPARE(second->historyPoints, std::size_t(2));
    }

    // The GUI lets a snapshot go when the next arrives; the worker holds it
    // one refresh longer, so that it is freed on the worker's thread.
    void snapshotsFreedOnTheWorker()
    {
        QTemporaryDir dir;
        QVERIFY(writeDb(dir.filePath(u"gauge_all_1.db"_qs), {g(4)}));
        DirectoryWatcher w;
        w.setPaused(true);
        w.open(dir.path());
        std::weak_ptr<const Snapshot> first = nextSnapshot(w);
        QVERIFY(!first.expired());
        w.refresh();
        QVERIFY(nextSnapshot(w));
        QVERIFY(!first.expired()); // the worker's, not the GUI's, to free
        w.refresh();
        QVERIFY(nextSnapshot(w));
        QVERIFY(first.expired()); // freed by the worker's next refresh
    }

    // Issue 16.1: a refresh that finds nothing new says so (the same
    // contentsId as the snapshot before), so the views skip it; any change
    // (a file's value, a file that comes, another source) gives a new id.
    void unchangedRefreshKeepsItsContentsId()
    {
        QTemporaryDir dir;
        const QString dead = QString::number(deadPid());
        QVERIFY(dead != u"0"_qs);
        const QString file = dir.filePath(u"counter_"_qs + dead + u".db"_qs);
        QVERIFY(writeDb(file, {c(1)}));
        DirectoryWatcher w;
        w.open(dir.path());
        const auto first = nextSnapshot(w);
        QVERIFY(first && first->contentsId != 0);
        w.refresh();
        const auto second = nextSnapshot(w);
        QVERIFY(second);
        QCOMPARE(second->contentsId, first->contentsId);
        QVERIFY(second->sequence > first->sequence);
        QVERIFY(sameContents(*first, *second));

        QVERIFY(writeDb(dir.filePath(u"counter_2.db"_qs), {c(2)}));
        QTRY_VERIFY_WITH_TIMEOUT(w.snapshot() && w.snapshot()->fileCount() == 2, 30000);
        const auto third = w.snapshot();
        QVERIFY(third->contentsId != first->contentsId);
        QVERIFY(!sameContents(*first, *third));

        // The same directory opened again: nothing carried over.
        w.open(dir.path());
        const auto again = nextSnapshot(w);
        QVERIFY(again && again->contentsId != third->contentsId);
    }

    // Quitting while a directory of 10,000 processes is read for the first
    // time: the read stops between files instead of reading them all
    // first. Counted by inotify: the files the watcher opened after the
    // load began, out of all of them.
    void shutdownStopsADirectoryReadEarly()
    {
        QTemporaryDir dir;
        constexpr int kFiles = 20000; // 10,000 processes, 2 files each
        const QByteArray counter = dbBytes({c(1)}), gauge = dbBytes({g(1)});
        for (int pid = 1; pid <= kFiles / 2; ++pid) {
            const QString p = QString::number(5000000 + pid) + QStringLiteral(".db");
            for (const auto &[prefix, bytes] : {std::pair{QStringLiteral("counter_"), &counter},
                                                std::pair{QStringLiteral("gauge_all_"), &gauge}}) {
                QFile f(dir.filePath(prefix + p));
                QVERIFY(f.open(QIODevice::WriteOnly) && f.write(*bytes) == bytes->size());
            }
        }
        OpenedFiles opened(dir.path());
        QVERIFY(opened.watching());
        DirectoryWatcher w;
        w.open(dir.path());
        QElapsedTimer t;
        t.start();
        while (opened.count() < 100 && t.elapsed() < 30000)
            QThread::usleep(200);
        QVERIFY(opened.count() >= 100);
        w.shutdown();
        QTRY_VERIFY_WITH_TIMEOUT(w.isStopped(), 30000);
        const int read = opened.stop();
        qInfo("files opened before the read stopped: %d of %d", read, kFiles);
        QVERIFY2(read < kFiles / 2, qPrintable(QString::number(read)));
    }

    void closeDropsTheSource()
    {
        DirectoryWatcher w;
        w.open(kFixture);
        w.close();
        QSignalSpy spy(&w, &DirectoryWatcher::snapshotReady);
        QTest::qWait(300);
        QCOMPARE(spy.count(), 0);
        QVERIFY(!w.snapshot());
        QVERIFY(!w.isOpen());
    }
};

QTEST_GUILESS_MAIN(TestDirectoryWatcher)
#include "tst_directorywatcher.moc"
