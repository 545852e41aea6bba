// Several threads update the same and different series while other threads
// keep creating series, so that files grow under the writers' feet; the
// totals in the files must be exact.
#include "promdir/read/reader.h"
#include "promdir/writer/writer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace promdir;

class TestWriterThreads : public QObject
{
    Q_OBJECT
private slots:
    void exactTotalsWhileGrowing()
    {
        QTemporaryDir dir;
        WriterOptions o;
        o.directory = dir.path().toStdString();
        o.processIdentifier = [] { return std::string("42"); };
        auto w = Writer::open(o);
        QVERIFY(w);
        auto shared = w->counter({.name = "shared", .help = "h"});
        auto perThread = w->counter({.name = "per_thread", .help = "h", .labelNames = {"t"}});
        auto many = w->counter({.name = "many", .help = std::string(300, 'x'), .labelNames = {"i"}});
        auto hist = w->histogram({.name = "h", .help = "h"}, {1, 2, 3});
        auto gauge = w->gauge({.name = "g", .help = "h"}, GaugeMode::LiveSum);
        QVERIFY(shared && perThread && many && hist && gauge);

        constexpr int kThreads = 4;
        constexpr int kIterations = 200000;
        constexpr int kNewSeries = 3000; // ~1.2 MB of keys: the counter file doubles 5 times
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                auto mine = *perThread->labels(std::to_string(t));
                while (!go.load())
                    std::this_thread::yield();
                for (int i = 0; i < kIterations; ++i) {
                    shared->inc();
                    mine.inc(0.5);
                    hist->observe(double(i % 4)); // buckets 1, 2, 3, +Inf get 1/2 each... see below
                    gauge->inc();
                    gauge->dec();
                    if (i % (kIterations / (kNewSeries / kThreads)) == 0)
                        many->labels(std::to_string(t) + "-" + std::to_string(i))->inc();
                }
            });
        }
        // One more thread only creates series, all the time.
        threads.emplace_back([&] {
            while (!go.load())
                std::this_thread::yield();
            for (int i = 0; i < kNewSeries; ++i)
                many->labels("creator-" + std::to_string(i))->inc(2);
        });
        go.store(true);
        for (auto &t : threads)
            t.join();

        const std::filesystem::path d = o.directory;
        const auto counters = readFile(d / "counter_42.db");
        QVERIFY(counters.ok());
        QVERIFY(std::filesystem::file_size(d / "counter_42.db") >= 1024 * 1024);
        double sharedTotal = -1, manyTotal = 0;
        std::map<std::string, double> perThreadTotals;
        for (const auto &e : counters.entries) {
            if (e.key->metric == "shared")
                sharedTotal = e.value;
            else if (e.key->metric == "per_thread")
                perThreadTotals[e.key->labels.at(0).second] = e.value;
            else if (e.key->metric == "many")
                manyTotal += e.value;
        }
        QCOMPARE(sharedTotal, double(kThreads) * kIterations);
        QCOMPARE(perThreadTotals.size(), std::size_t(kThreads));
        for (const auto &[t, v] : perThreadTotals)
            QCOMPARE(v, 0.5 * kIterations);
        std::size_t manyEntries = 0;
        for (const auto &e : counters.entries)
            manyEntries += e.key->metric == "many" ? 1 : 0;
        const int perThreadNew = kIterations / (kIterations / (kNewSeries / kThreads)) + (kIterations % (kIterations / (kNewSeries / kThreads)) ? 1 : 0);
        QCOMPARE(manyEntries, std::size_t(kNewSeries + kThreads * perThreadNew));
        QCOMPARE(manyTotal, double(2 * kNewSeries + kThreads * perThreadNew));

        const auto hf = readFile(d / "histogram_42.db");
        QVERIFY(hf.ok());
        // i % 4 = 0, 1 -> le=1; 2 -> le=2; 3 -> le=3; sum = 1.5 per iteration
        std::map<std::string, double> buckets;
        double sum = -1;
        for (const auto &e : hf.entries) {
            if (e.key->sample == "h_sum")
                sum = e.value;
            else
                buckets[e.key->labels.at(0).second] = e.value;
        }
        QCOMPARE(sum, 1.5 * kThreads * kIterations);
        QCOMPARE(buckets["1.0"], 0.5 * kThreads * kIterations);
        QCOMPARE(buckets["2.0"], 0.25 * kThreads * kIterations);
        QCOMPARE(buckets["3.0"], 0.25 * kThreads * kIterations);
        QCOMPARE(buckets["+Inf"], 0.0);
        QCOMPARE(gauge->value(), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestWriterThreads)
#include "tst_writer_threads.moc"
