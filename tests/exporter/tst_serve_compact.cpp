// `promdir serve --compact-dead-after`: short-lived writer processes (forked
// here, promdir's writer) add to a counter and a histogram and exit, while
// the exporter compacts their files in the background and this test scrapes
// continuously: every scrape's counter is at least the one before and at
// most what was written, and at the end the totals are exact, with the
// directory folded down to a few files.
#include "httpclient.h"
#include "../core/openwatch.h"

#include "promdir/writer/writer.h"

#include <QtCore/QDir>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>
#include <deque>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// A writer process: adds `amount` to jobs_total and observes it once in
// `latency`, then exits (or, `stay`, waits to be killed).
pid_t spawnWriter(const QString &dir, int amount, bool stay = false)
{
    const pid_t pid = ::fork();
    if (pid != 0)
        return pid;
    auto writer = promdir::Writer::open({.directory = dir.toStdString()});
    auto jobs = writer->counter({.name = "jobs", .help = "Jobs done."});
    auto latency = writer->histogram({.name = "latency", .help = "Latency."}, {1, 10, 100});
    jobs->inc(amount);
    latency->observe(amount);
    if (stay)
        ::pause();
    ::_exit(0);
}

// Kills and reaps a process on every way out of the test.
struct KillOnExit
{
    pid_t pid;
    ~KillOnExit()
    {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
};

double sampleValue(const QByteArray &body, const QByteArray &name)
{
    for (const QByteArray &line : body.split('\n'))
        if (line.startsWith(name + ' '))
            return line.mid(name.size() + 1).toDouble();
    return 0;
}

// `promdir serve` on `dir` with compaction every second; its port, 0 when
// it did not start (the log says why).
quint16 startServe(QProcess &serve, const QString &dir, QByteArray &log, const QStringList &more = {})
{
    serve.start(QStringLiteral(PROMDIR_CLI), QStringList{QStringLiteral("serve"), QStringLiteral("-q"),
                                                         QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                                         QStringLiteral("--compact-dead-after"), QStringLiteral("1s")}
                                                 + more + QStringList{dir});
    static const QRegularExpression served(QStringLiteral("at http://127\\.0\\.0\\.1:(\\d+)/metrics"));
    QElapsedTimer starting;
    starting.start();
    while (starting.elapsed() < 30000) {
        serve.waitForReadyRead(100);
        log += serve.readAllStandardError();
        if (const auto m = served.match(QString::fromUtf8(log)); m.hasMatch())
            return quint16(m.captured(1).toUInt());
    }
    return 0;
}

} // namespace

class TestServeCompact : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scrapesStayExactDuringCompactions()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        const KillOnExit resident{spawnWriter(dir, 1, true)}; // a worker that is never recycled
        double written = 1;
        QProcess serve;
        QByteArray log;
        const quint16 port = startServe(serve, dir, log);
        QVERIFY2(port != 0, log.constData());

        double lastJobs = 0, lastCount = 0;
        int scrapes = 0;
        QElapsedTimer clock;
        clock.start();
        for (int amount = 1; clock.elapsed() < 10000; ++amount) {
            const pid_t child = spawnWriter(dir, amount);
            ::waitpid(child, nullptr, 0);
            written += amount;
            for (int i = 0; i < 3; ++i, ++scrapes) {
                const auto r = testhttp::get(port);
                QCOMPARE(r.status, 200);
                const double jobs = sampleValue(r.body, "jobs_total"), count = sampleValue(r.body, "latency_count");
                QVERIFY2(jobs >= lastJobs && jobs <= written, qPrintable(QStringLiteral("%1 after %2").arg(jobs).arg(lastJobs)));
                QVERIFY(count >= lastCount);
                lastJobs = jobs;
                lastCount = count;
            }
        }
        // Everything written is served, exactly, once the last ones are folded too.
        QElapsedTimer settle;
        settle.start();
        QByteArray body;
        while (settle.elapsed() < 30000) {
            body = testhttp::get(port).body;
            if (sampleValue(body, "jobs_total") == written && QDir(dir).entryList({QStringLiteral("counter_*.db")}).size() <= 2)
                break;
            QTest::qWait(200);
        }
        log += serve.readAllStandardError();
        serve.terminate();
        serve.waitForFinished(testhttp::kWaitMs);
        log += serve.readAllStandardError();
        QCOMPARE(sampleValue(body, "jobs_total"), written);
        QVERIFY2(QDir(dir).entryList({QStringLiteral("counter_*.db")}).size() <= 2, log.constData());
        QVERIFY(QFile::exists(dir + QStringLiteral("/counter_compacted.db")));
        const int compactions = log.count("promdir serve: compacted ");
        qInfo("%d scrapes, %d compactions, jobs_total %.0f", scrapes, compactions, written);
        QVERIFY2(compactions >= 5, log.constData());
        QVERIFY2(!log.contains("compaction:"), log.constData()); // no error, nothing to recover
    }

    // With nothing dead, a compaction pass costs a listing: while nobody
    // scrapes, the passes (each opens the compaction folder) open no *.db
    // file of the running writers.
    void passWithNothingDeadOpensNoFile()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        std::deque<KillOnExit> residents; // never moved: each kills its process once
        for (int i = 0; i < 4; ++i)
            residents.emplace_back(spawnWriter(dir, 1, true));
        QElapsedTimer written;
        written.start();
        while (QDir(dir).entryList({QStringLiteral("histogram_*.db")}).size() < 4 && written.elapsed() < 10000)
            QTest::qWait(20);
        QProcess serve;
        QByteArray log;
        const quint16 port = startServe(serve, dir, log);
        QVERIFY2(port != 0, log.constData());
        promdir::test::OpenWatch watch(dir.toStdString());
        QTest::qWait(3500);
        const auto opened = watch.opened();
        serve.terminate();
        serve.waitForFinished(testhttp::kWaitMs);
        log += serve.readAllStandardError();
        const auto passes = opened.find(".promdir-compaction/");
        QVERIFY2(passes != opened.end() && passes->second >= 2, log.constData());
        std::string db;
        for (const auto &[name, count] : promdir::test::OpenWatch::dbFiles(opened))
            db += name + " " + std::to_string(count) + " times; ";
        QVERIFY2(db.empty(), db.c_str());
        QVERIFY2(!log.contains("compaction:"), log.constData());
    }

    // Pids of another namespace: serve's compaction refuses, says so once
    // (not on every pass) and names the flag serve itself takes; with that
    // flag it folds the dead writer's files.
    void pidsNotVisibleSaidOnceAndItsFlagFolds()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        const pid_t writer = spawnWriter(dir, 3);
        ::waitpid(writer, nullptr, 0);
        const QStringList before = QDir(dir).entryList({QStringLiteral("*.db")});
        QVERIFY(!before.isEmpty());
        const QStringList separate{QStringLiteral("--pid-namespace"), QStringLiteral("separate")};
        {
            QProcess serve;
            QByteArray log;
            QVERIFY2(startServe(serve, dir, log, separate) != 0, log.constData());
            QTest::qWait(3500);
            serve.terminate();
            serve.waitForFinished(testhttp::kWaitMs);
            log += serve.readAllStandardError();
            QCOMPARE(log.count("compaction:"), 1);
            QVERIFY2(log.contains("--assume-dead-when-unchanged"), log.constData());
            QCOMPARE(QDir(dir).entryList({QStringLiteral("*.db")}), before);
        }
        QProcess serve;
        QByteArray log;
        QVERIFY2(startServe(serve, dir, log, separate + QStringList{QStringLiteral("--assume-dead-when-unchanged")}) != 0,
                 log.constData());
        QElapsedTimer folding;
        folding.start();
        while (!QFileInfo::exists(dir + QStringLiteral("/counter_compacted.db")) && folding.elapsed() < 15000)
            QTest::qWait(100);
        serve.terminate();
        serve.waitForFinished(testhttp::kWaitMs);
        log += serve.readAllStandardError();
        QVERIFY2(QFileInfo::exists(dir + QStringLiteral("/counter_compacted.db")), log.constData());
        QVERIFY2(!log.contains("compaction:"), log.constData());
    }
};

QTEST_GUILESS_MAIN(TestServeCompact)
#include "tst_serve_compact.moc"
