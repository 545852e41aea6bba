// The one rule for processes and stale files (reportProcesses): liveness,
// pid reuse, staleness flags and their reasons, as inspect, doctor and the
// inspector all show them.

#include "dbbuilder.h"

#include "promdir/diagnostics/processes.h"
#include "promdir/format/filename.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

using namespace promdir;

namespace {

const char *const kCounterKey = R"(["c", "c_total", {}, "Help."])";
const char *const kGaugeKey = R"(["g", "g", {}, "Help."])";

void writeFile(const QString &path, const char *key, double mtime)
{
    const std::string bytes = test::DbBuilder(8).add(key, 1.0).bytes(4096);
    std::ofstream(path.toStdString(), std::ios::binary) << bytes;
    const timespec times[2] = {{static_cast<time_t>(mtime), 0}, {static_cast<time_t>(mtime), 0}};
    QVERIFY(::utimensat(AT_FDCWD, path.toLocal8Bit().constData(), times, 0) == 0);
}

// A pid that no process has: a child that has exited and been reaped.
std::string deadPid()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return std::to_string(child);
}

double nowSeconds()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const ProcessSummary *rowOf(const ProcessReport &r, const std::string &pid)
{
    for (const auto &p : r.processes)
        if (p.pid == pid)
            return &p;
    return nullptr;
}

} // namespace

class TestProcesses : public QObject
{
    Q_OBJECT
private slots:
    void pidOrderAndIdentifiers()
    {
        QVERIFY(pidLess("101", "9999"));
        QVERIFY(!pidLess("9999", "101"));
        QVERIFY(pidLess("9999", "worker-3"));
        QVERIFY(!pidLess("worker-3", "9999"));
        QVERIFY(pidLess("a", "b"));
        QVERIFY(!pidLess("7", "7"));
        QVERIFY(pidLess("18446744073709551616", "a")); // beyond 64 bits: by bytes, among the non-numbers
        QVERIFY(validProcessIdentifier("1234"));
        QVERIFY(validProcessIdentifier("worker-3"));
        QVERIFY(!validProcessIdentifier(""));
        QVERIFY(!validProcessIdentifier("a_b"));
        QVERIFY(!validProcessIdentifier("../x"));
        QVERIFY(!validProcessIdentifier(std::string_view("a\0b", 3)));
    }

    void environmentDirectory()
    {
        const QByteArray upper = qgetenv("PROMETHEUS_MULTIPROC_DIR"), lower = qgetenv("prometheus_multiproc_dir");
        qunsetenv("PROMETHEUS_MULTIPROC_DIR");
        qputenv("prometheus_multiproc_dir", "/old/name");
        QCOMPARE(multiprocessDirectoryFromEnvironment(), std::string("/old/name"));
        qputenv("PROMETHEUS_MULTIPROC_DIR", "/new/name");
        QCOMPARE(multiprocessDirectoryFromEnvironment(), std::string("/new/name"));
        qputenv("PROMETHEUS_MULTIPROC_DIR", "");
        QCOMPARE(multiprocessDirectoryFromEnvironment(), std::string("/old/name"));
        qunsetenv("prometheus_multiproc_dir");
        QCOMPARE(multiprocessDirectoryFromEnvironment(), std::string());
        upper.isNull() ? qunsetenv("PROMETHEUS_MULTIPROC_DIR") : qputenv("PROMETHEUS_MULTIPROC_DIR", upper);
        if (!lower.isNull())
            qputenv("prometheus_multiproc_dir", lower);
    }

    // A dead pid's gauges are stale (live ones: mark_process_dead was not
    // called), its counters are not; a running pid's recent files are not;
    // anything not written for longer than staleAfter is.
    void staleFlagsAndReasons()
    {
        QTemporaryDir dir;
        const std::string dead = deadPid();
        const std::string self = std::to_string(::getpid());
        const double now = nowSeconds();
        const auto path = [&](const std::string &name) { return dir.filePath(QString::fromStdString(name)); };
        writeFile(path("counter_" + dead + ".db"), kCounterKey, now);
        writeFile(path("gauge_livesum_" + dead + ".db"), kGaugeKey, now);
        writeFile(path("gauge_max_" + dead + ".db"), kGaugeKey, now);
        writeFile(path("counter_" + self + ".db"), kCounterKey, now);
        writeFile(path("gauge_livesum_" + self + ".db"), kGaugeKey, now - 7200);
        const LoadResult load = loadDirectory(dir.path().toStdString());
        QCOMPARE(load.files.size(), std::size_t(5));

        ProcessOptions options;
        options.staleAfter = std::chrono::hours(1);
        options.now = now;
        const ProcessReport report = reportProcesses(load, options);
        QCOMPARE(report.referenceTime, now);
        QCOMPARE(report.fileStale.size(), load.files.size());
        for (std::size_t i = 0; i < load.files.size(); ++i) {
            const std::string &name = load.files[i]->name;
            unsigned expected = NotStale;
            if (name == "gauge_livesum_" + dead + ".db")
                expected = StaleDeadLiveGauge;
            else if (name == "gauge_max_" + dead + ".db")
                expected = StaleDeadGauge;
            else if (name == "gauge_livesum_" + self + ".db")
                expected = StaleNotModified;
            QVERIFY2(report.fileStale[i] == expected, name.c_str());
        }
        const ProcessSummary *d = rowOf(report, dead);
        const ProcessSummary *a = rowOf(report, self);
        QVERIFY(d && a);
        QVERIFY(d->info.state == Liveness::Dead);
        QVERIFY(d->writerGone());
        QCOMPARE(d->fileCount, std::size_t(3));
        QCOMPARE(d->staleCount, std::size_t(2));
        QCOMPARE(d->stale.size(), std::size_t(2));
        QVERIFY(d->stale[0].reason.find("mark_process_dead was not called") != std::string::npos
                || d->stale[1].reason.find("mark_process_dead was not called") != std::string::npos);
        QVERIFY(a->info.state == Liveness::Alive);
        QVERIFY(!a->writerGone());
        QCOMPARE(a->staleCount, std::size_t(1));
        QCOMPARE(a->stale.at(0).reason, std::string("not written for 2h 0m"));
        QCOMPARE(a->series, std::size_t(2));

        // Counts and flags without the names, for a refresh loop.
        options.describeFiles = false;
        const ProcessReport lean = reportProcesses(load, options);
        QVERIFY(lean.fileStale == report.fileStale);
        QCOMPARE(rowOf(lean, dead)->staleCount, std::size_t(2));
        QVERIFY(rowOf(lean, dead)->files.empty() && rowOf(lean, dead)->stale.empty());
    }

    // Files last written well before the running process with their pid
    // started belong to an earlier process: its gauges are stale as a dead
    // one's. Within the slack they are the running process's own.
    void pidReuse()
    {
        const std::string self = std::to_string(::getpid());
        const auto started = probeLocalProcess(self).startTime;
        if (!started)
            QSKIP("no process start time on this system");
        for (const double before : {kPidReuseSlackSeconds / 2, 600.0}) {
            QTemporaryDir dir;
            const QString name = QStringLiteral("gauge_max_%1.db").arg(QString::fromStdString(self));
            writeFile(dir.filePath(name), kGaugeKey, *started - before);
            const ProcessReport report = reportProcesses(loadDirectory(dir.path().toStdString()));
            const bool reused = before > kPidReuseSlackSeconds;
            QCOMPARE(report.processes.at(0).pidReuseSuspected, reused);
            QCOMPARE(report.processes.at(0).writerGone(), reused);
            QVERIFY(report.fileStale.at(0) == (reused ? StaleDeadGauge : NotStale));
        }
    }

    // Not this namespace's pids: nobody is probed, each row says why, and
    // nothing is stale for being dead.
    void pidsNotVisible()
    {
        QTemporaryDir dir;
        const std::string dead = deadPid();
        writeFile(dir.filePath(QString::fromStdString("gauge_max_" + dead + ".db")), kGaugeKey, nowSeconds());
        ProcessOptions options;
        options.pidsNotVisible = "the pids are another namespace's";
        const ProcessReport report = reportProcesses(loadDirectory(dir.path().toStdString()), options);
        QVERIFY(report.processes.at(0).info.state == Liveness::Unknown);
        QCOMPARE(report.processes.at(0).info.note, options.pidsNotVisible);
        QCOMPARE(report.processes.at(0).livenessSource, std::string("none"));
        QVERIFY(report.fileStale.at(0) == NotStale);
    }
};

QTEST_GUILESS_MAIN(TestProcesses)
#include "tst_processes.moc"
