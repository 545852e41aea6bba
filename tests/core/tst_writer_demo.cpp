// promdir demo: real worker processes writing with the writer, recycled and
// marked dead; and the fast generator.
#include "promdir/read/directory.h"
#include "promdir/merge/merge.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

using namespace promdir;

namespace {

int runDemo(const QStringList &args, QByteArray *err = nullptr)
{
    QProcess p;
    p.start(QStringLiteral(PROMDIR_CLI), QStringList{QStringLiteral("demo")} + args);
    if (!p.waitForFinished(300000))
        return -1;
    if (err)
        *err = p.readAllStandardError();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

double sampleSum(const std::vector<MetricFamily> &families, const std::string &sample)
{
    double total = 0;
    for (const auto &f : families)
        for (const auto &s : f.samples)
            if (s.name == sample)
                total += s.value;
    return total;
}

} // namespace

class TestWriterDemo : public QObject
{
    Q_OBJECT
private slots:
    void usage()
    {
        QCOMPARE(runDemo({}), 2);
        QCOMPARE(runDemo({QStringLiteral("/tmp/x"), QStringLiteral("--processes"), QStringLiteral("zero")}), 2);
        QCOMPARE(runDemo({QStringLiteral("/tmp/x"), QStringLiteral("--bogus")}), 2);
        QCOMPARE(runDemo({QStringLiteral("--help")}), 0);
    }

    void fastGeneration()
    {
        QTemporaryDir dir;
        const QString d = dir.filePath(QStringLiteral("metrics")); // created by demo
        QCOMPARE(runDemo({d, QStringLiteral("--processes"), QStringLiteral("5"), QStringLiteral("--seconds"),
                          QStringLiteral("0"), QStringLiteral("--endpoints"), QStringLiteral("4"),
                          QStringLiteral("--requests"), QStringLiteral("50")}),
                 0);
        const auto load = loadDirectory(d.toStdString());
        QVERIFY(load.ok);
        QVERIFY(load.allProblems().empty());
        QCOMPARE(load.files.size(), std::size_t(35)); // 7 files per process
        std::set<std::string> pids;
        for (const auto &f : load.files)
            pids.insert(f->fileName.pid);
        QCOMPARE(pids.size(), std::size_t(5));
        const auto families = merge(load.files);
        QCOMPARE(sampleSum(families, "demo_http_requests_total"), 250.0);
        QCOMPARE(sampleSum(families, "demo_http_request_duration_seconds_count"), 250.0);
        QCOMPARE(sampleSum(families, "demo_http_response_size_bytes_count"), 250.0);
        QCOMPARE(sampleSum(families, "demo_http_requests_in_progress"), 0.0);
    }

    void liveWorkersRecycled()
    {
        QTemporaryDir dir;
        QByteArray err;
        // Five recycles due in 3 s; a stop waits for the worker's request
        // in progress (up to 0.5 s), so a loaded machine does fewer.
        QCOMPARE(runDemo({dir.path(), QStringLiteral("--processes"), QStringLiteral("2"), QStringLiteral("--seconds"),
                          QStringLiteral("3"), QStringLiteral("--recycle-every"), QStringLiteral("0.5"),
                          QStringLiteral("--rate"), QStringLiteral("200")},
                         &err),
                 0);
        QVERIFY2(err.isEmpty(), err.constData());
        const auto load = loadDirectory(dir.path().toStdString());
        QVERIFY(load.ok);
        QVERIFY(load.allProblems().empty());
        std::set<std::string> pids;
        for (const auto &f : load.files) {
            pids.insert(f->fileName.pid);
            // every worker was marked dead: no live gauge is left
            QVERIFY2(!isLiveMode(f->fileName.mode), f->name.c_str());
        }
        QVERIFY2(pids.size() >= 4, "workers were recycled under new pids");
        const auto families = merge(load.files);
        QVERIFY(sampleSum(families, "demo_http_requests_total") > 0);
        const double last = sampleSum(families, "demo_last_request_timestamp_seconds");
        QVERIFY(std::abs(last - double(QDateTime::currentSecsSinceEpoch())) < 60);
    }
};

QTEST_GUILESS_MAIN(TestWriterDemo)
#include "tst_writer_demo.moc"
