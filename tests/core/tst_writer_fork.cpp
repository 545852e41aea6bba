// fork(): parent and child counts land in files of their own pids, with no
// call from the application; the child's files hold every series the parent
// had created (as the Python client's reset after a pid change does).
#include "promdir/read/reader.h"
#include "promdir/writer/writer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using namespace promdir;

namespace {

double valueOf(const std::filesystem::path &file, const std::string &sample, const std::string &labelValue = {})
{
    const auto f = readFile(file);
    for (const auto &e : f.entries)
        if (e.key->sample == sample && (labelValue.empty() || (!e.key->labels.empty() && e.key->labels[0].second == labelValue)))
            return e.value;
    return -1;
}

} // namespace

class TestWriterFork : public QObject
{
    Q_OBJECT
private slots:
    void childWritesItsOwnFiles()
    {
        QTemporaryDir dir;
        const std::filesystem::path d = dir.path().toStdString();
        WriterOptions o;
        o.directory = d;
        auto w = Writer::open(o);
        QVERIFY(w);
        auto c = w->counter({.name = "jobs", .help = "h", .labelNames = {"q"}});
        auto a = *c->labels("a");
        auto h = *w->histogram({.name = "lat", .help = "h"}, {1});
        auto g = *w->gauge({.name = "busy", .help = "h"}, GaugeMode::LiveSum);
        QCOMPARE(int(a.inc(5)), int(WriteStatus::Ok));
        h.observe(0.5);
        g.inc();

        const pid_t parent = ::getpid();
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // No Qt test macros in here: report by exit status.
            int rc = 0;
            if (a.inc(7) != WriteStatus::Ok) rc |= 1;
            if (a.value() != 7.0) rc |= 2; // the child's own value, not the parent's 5 + 7
            // A thread of the child, and a new series created in the child.
            std::thread t([&] { c->labels("b")->inc(1); h.observe(2); });
            t.join();
            if (w->processIdentifier() != std::to_string(::getpid())) rc |= 4;
            ::_exit(rc);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(int(a.inc(1)), int(WriteStatus::Ok));
        QCOMPARE(a.value(), 6.0);

        const auto p = std::to_string(parent), k = std::to_string(child);
        QCOMPARE(valueOf(d / ("counter_" + p + ".db"), "jobs_total", "a"), 6.0);
        QCOMPARE(valueOf(d / ("counter_" + p + ".db"), "jobs_total", "b"), -1.0); // the child's series stays there
        QCOMPARE(valueOf(d / ("counter_" + k + ".db"), "jobs_total", "a"), 7.0);
        QCOMPARE(valueOf(d / ("counter_" + k + ".db"), "jobs_total", "b"), 1.0);
        QCOMPARE(valueOf(d / ("histogram_" + p + ".db"), "lat_sum"), 0.5);
        QCOMPARE(valueOf(d / ("histogram_" + k + ".db"), "lat_sum"), 2.0);
        // The gauge the child never touched still has its (zero) entry, like Python.
        QCOMPARE(valueOf(d / ("gauge_livesum_" + k + ".db"), "busy"), 0.0);
        QCOMPARE(valueOf(d / ("gauge_livesum_" + p + ".db"), "busy"), 1.0);
        QCOMPARE(readFile(d / ("counter_" + k + ".db")).entries.size(), std::size_t(2));
    }

    void childThatNeverWritesLeavesNoFiles()
    {
        QTemporaryDir dir;
        WriterOptions o;
        o.directory = dir.path().toStdString();
        auto w = Writer::open(o);
        auto c = *w->counter({.name = "c", .help = "h"});
        c.inc();
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0)
            ::_exit(0);
        int status = 0;
        ::waitpid(child, &status, 0);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    }

    // A fork while other threads append entries and grow the file: the
    // child must not inherit a held lock (pthread_atfork).
    void forkWhileGrowing()
    {
        QTemporaryDir dir;
        WriterOptions o;
        o.directory = dir.path().toStdString();
        auto w = Writer::open(o);
        auto c = *w->counter({.name = "c", .help = std::string(500, 'x'), .labelNames = {"i"}});
        std::atomic<bool> stop{false};
        std::thread creator([&] {
            for (int i = 0; !stop.load() && i < 3000; ++i)
                c.labels(std::to_string(i))->inc();
        });
        for (int round = 0; round < 8; ++round) {
            const pid_t child = ::fork();
            QVERIFY(child >= 0);
            if (child == 0) {
                auto s = c.labels("child");
                ::_exit(s && s->inc() == WriteStatus::Ok && s->value() == 1.0 ? 0 : 1);
            }
            int status = 0;
            QCOMPARE(::waitpid(child, &status, 0), child);
            QVERIFY(WIFEXITED(status));
            QCOMPARE(WEXITSTATUS(status), 0);
        }
        stop.store(true);
        creator.join();
    }
};

QTEST_GUILESS_MAIN(TestWriterFork)
#include "tst_writer_fork.moc"
