// SeriesHistory: change-only storage, the merged line per mode, vanishing
// files and bounded memory.
#include "promdir/serieshistory.h"
#include "testdb.h"

#include <QtTest>

using namespace promdir;
using namespace promdir::test;

namespace {
// `interner`: keys shared with other files read with it, as the engine
// reads a directory (the same bytes, the same Key).
std::shared_ptr<const ParsedFile> file(const std::string &name, const std::vector<DbEntry> &entries,
                                       KeyInterner *interner = nullptr)
{
    const QByteArray bytes = dbBytes(entries);
    ReadOptions options;
    options.interner = interner;
    return std::make_shared<const ParsedFile>(readBytes(
        "/m/" + name, std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())), options));
}

MergeResult result(FileList files)
{
    MergeResult r;
    r.load.ok = true;
    r.load.files = std::move(files);
    return r;
}

DbEntry gauge(double v, double ts = 0.0)
{
    return DbEntry{"g", "g", {{"k", "x"}}, v, ts};
}

const SeriesId gId{"g", "g", {{"k", "x"}}};

DbEntry counter(int n, double v)
{
    return DbEntry{"c", "c_total", {{"n", std::to_string(n)}}, v};
}

SeriesId counterId(int n)
{
    return SeriesId{"c", "c_total", {{"n", std::to_string(n)}}};
}

// Counters c_total{n=...} for each n of `ns`, valued n + `plus`.
std::vector<DbEntry> counters(const std::vector<int> &ns, double plus)
{
    std::vector<DbEntry> out;
    for (const int n : ns)
        out.push_back(counter(n, n + plus));
    return out;
}

std::vector<int> range(int from, int to, int step = 1)
{
    std::vector<int> out;
    for (int n = from; n < to; n += step)
        out.push_back(n);
    return out;
}
} // namespace

class TestSeriesHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void storesOnlyChanges()
    {
        SeriesHistory h;
        auto a = file("gauge_sum_1.db", {gauge(1)});
        auto b = file("gauge_sum_2.db", {gauge(2)});
        h.update(result({a, b}), 1000);
        h.update(result({a, b}), 2000);                              // same objects: skipped
        h.update(result({file("gauge_sum_1.db", {gauge(1)}), b}), 3000); // re-read, same value
        QCOMPARE(h.pointCount(), std::size_t(2));
        h.update(result({file("gauge_sum_1.db", {gauge(5)}), b}), 4000);
        QCOMPARE(h.pointCount(), std::size_t(3));
        const auto tl = h.timeline(gId, MetricType::Gauge, GaugeMode::Sum);
        QCOMPARE(tl.pids.size(), std::size_t(2));
        QCOMPARE(tl.pids[0].pid, std::string("1"));
        QCOMPARE(tl.pids[0].points.size(), std::size_t(2));
        QCOMPARE(tl.pids[0].points[1].value, 5.0);
        QCOMPARE(tl.pids[0].points[1].timeMs, std::int64_t(4000));
        // Merged sum: 3 at t=1000, 7 at t=4000.
        QCOMPARE(tl.merged.size(), std::size_t(2));
        QCOMPARE(tl.merged[0].value, 3.0);
        QCOMPARE(tl.merged[1].value, 7.0);
    }

    void mergedFollowsTheMode_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<double>("expected");
        QTest::newRow("min") << int(GaugeMode::Min) << 2.0;
        QTest::newRow("max") << int(GaugeMode::LiveMax) << 9.0;
        QTest::newRow("sum") << int(GaugeMode::Sum) << 11.0;
        QTest::newRow("mostrecent") << int(GaugeMode::MostRecent) << 2.0; // newest timestamp wins
    }
    void mergedFollowsTheMode()
    {
        QFETCH(int, mode);
        QFETCH(double, expected);
        SeriesHistory h;
        h.update(result({file("gauge_min_1.db", {gauge(9, 100)}), file("gauge_min_2.db", {gauge(2, 200)})}), 1000);
        const auto tl = h.timeline(gId, MetricType::Gauge, GaugeMode(mode));
        QCOMPARE(tl.merged.size(), std::size_t(1));
        QCOMPARE(tl.merged[0].value, expected);
        QVERIFY(h.timeline(gId, MetricType::Gauge, GaugeMode::All).merged.empty());
    }

    void vanishedFileEndsItsSeries()
    {
        SeriesHistory h;
        auto a = file("counter_1.db", {DbEntry{"c", "c_total", {}, 4}});
        auto b = file("counter_2.db", {DbEntry{"c", "c_total", {}, 6}});
        h.update(result({a, b}), 1000);
        h.update(result({a}), 2000);
        const auto tl = h.timeline(SeriesId{"c", "c_total", {}}, MetricType::Counter, GaugeMode::None);
        QCOMPARE(tl.pids.size(), std::size_t(2));
        QCOMPARE(tl.pids[1].points.size(), std::size_t(2));
        QVERIFY(!tl.pids[1].points[1].present);
        QCOMPARE(tl.merged.size(), std::size_t(2));
        QCOMPARE(tl.merged[0].value, 10.0);
        QCOMPARE(tl.merged[1].value, 4.0);
    }

    void memoryIsBoundedByTheWindow()
    {
        SeriesHistory h;
        h.setWindow(std::chrono::seconds(10));
        for (int i = 0; i < 1000; ++i) {
            FileList files{file("gauge_all_1.db", {gauge(i)})};
            if (i < 500)
                files.push_back(file("gauge_all_" + std::to_string(100 + i) + ".db", {gauge(i)}));
            h.update(result(files), 1000LL * i);
        }
        // One changing track keeps the window's points (plus one before it);
        // tracks of files gone longer than the window are forgotten.
        QCOMPARE(h.trackCount(), std::size_t(1));
        QVERIFY2(h.pointCount() <= 12, std::to_string(h.pointCount()).c_str());
        const auto tl = h.timeline(gId, MetricType::Gauge, GaugeMode::All);
        QCOMPARE(tl.pids.size(), std::size_t(1));
        QCOMPARE(tl.pids[0].points.back().value, 999.0);
    }

    void fileReadAgainTakesItsTracksWithoutLookups()
    {
        SeriesHistory h;
        KeyInterner keys1;
        const auto keys = range(0, 50);
        auto same = file("counter_2.db", counters(keys, 0), &keys1);
        h.update(result({file("counter_1.db", counters(keys, 0), &keys1), same}), 1000);
        QCOMPARE(h.trackLookups(), std::uint64_t(100));
        // Read again (a new object), values changed, the same keys in place.
        h.update(result({file("counter_1.db", counters(keys, 5), &keys1), same}), 2000);
        QCOMPARE(h.trackLookups(), std::uint64_t(100));
        QCOMPARE(h.pointCount(), std::size_t(150));
        // Another order: each entry looks its track up, and finds it.
        std::vector<int> reversed(keys.rbegin(), keys.rend());
        h.update(result({file("counter_1.db", counters(reversed, 5), &keys1), same}), 3000);
        QCOMPARE(h.trackLookups(), std::uint64_t(150));
        QCOMPARE(h.trackCount(), std::size_t(100));
        QCOMPARE(h.pointCount(), std::size_t(150));
        const auto tl = h.timeline(counterId(7), MetricType::Counter, GaugeMode::None);
        QCOMPARE(tl.pids.size(), std::size_t(2));
        QCOMPARE(tl.pids[0].points.size(), std::size_t(2));
        QCOMPARE(tl.pids[0].points[1].value, 12.0);
        QCOMPARE(tl.pids[1].points.size(), std::size_t(1));
    }

    void pidsInByteOrder()
    {
        // The order the merge visits files in: by name, so "10" before "9".
        SeriesHistory h;
        h.update(result({file("gauge_all_10.db", {gauge(1)}), file("gauge_all_9.db", {gauge(2)}),
                         file("gauge_all_abc.db", {gauge(3)})}),
                 1000);
        const auto tl = h.timeline(gId, MetricType::Gauge, GaugeMode::All);
        QCOMPARE(tl.pids.size(), std::size_t(3));
        QCOMPARE(tl.pids[0].pid, std::string("10"));
        QCOMPARE(tl.pids[1].pid, std::string("9"));
        QCOMPARE(tl.pids[2].pid, std::string("abc"));
        QCOMPARE(tl.pids[2].points.front().value, 3.0);
    }

    void keyTwiceInAFile()
    {
        // One track per series and pid, fed by both entries; it ends once,
        // when neither is left.
        SeriesHistory h;
        h.update(result({file("gauge_all_1.db", {gauge(1), gauge(2)})}), 1000);
        QCOMPARE(h.trackCount(), std::size_t(1));
        h.update(result({file("gauge_all_1.db", {gauge(2)})}), 2000);
        QCOMPARE(h.trackCount(), std::size_t(1));
        auto tl = h.timeline(gId, MetricType::Gauge, GaugeMode::All);
        QCOMPARE(tl.pids.size(), std::size_t(1));
        QVERIFY(tl.pids[0].points.back().present);
        QCOMPARE(tl.pids[0].points.back().value, 2.0);
        h.update(result({}), 3000);
        tl = h.timeline(gId, MetricType::Gauge, GaugeMode::All);
        QVERIFY(!tl.pids[0].points.back().present);
    }

    void seriesEndingAndComingBackInOnePid()
    {
        // A pid with many series, half of which end and are forgotten, then
        // come back: each series still finds its own track.
        SeriesHistory h;
        h.setWindow(std::chrono::seconds(5));
        const auto all = range(0, 300);
        h.update(result({file("counter_7.db", counters(all, 0))}), 1000);
        const auto odd = range(1, 300, 2);
        for (int i = 0; i < 10; ++i)
            h.update(result({file("counter_7.db", counters(odd, i + 1))}), 2000 + 1000 * i);
        QCOMPARE(h.trackCount(), std::size_t(150)); // the even ones forgotten
        h.update(result({file("counter_7.db", counters(all, 100))}), 20000);
        QCOMPARE(h.trackCount(), std::size_t(300));
        for (const int n : {0, 1, 2, 151, 298, 299}) {
            const auto tl = h.timeline(counterId(n), MetricType::Counter, GaugeMode::None);
            QCOMPARE(tl.pids.size(), std::size_t(1));
            QCOMPARE(tl.pids[0].pid, std::string("7"));
            QCOMPARE(tl.pids[0].points.back().value, n + 100.0);
            QCOMPARE(tl.pids[0].points.size(), n % 2 ? std::size_t(2) : std::size_t(1));
        }
    }

    void pidForgottenAndSeenAgain()
    {
        SeriesHistory h;
        h.setWindow(std::chrono::seconds(5));
        auto keep = file("gauge_all_1.db", {gauge(1)});
        h.update(result({keep, file("gauge_all_2.db", {gauge(2)})}), 1000);
        for (int i = 0; i < 10; ++i)
            h.update(result({keep}), 2000 + 1000 * i);
        QCOMPARE(h.trackCount(), std::size_t(1));
        h.update(result({keep, file("gauge_all_2.db", {gauge(4)})}), 20000);
        const auto tl = h.timeline(gId, MetricType::Gauge, GaugeMode::All);
        QCOMPARE(tl.pids.size(), std::size_t(2));
        QCOMPARE(tl.pids[1].pid, std::string("2"));
        QCOMPARE(tl.pids[1].points.size(), std::size_t(1));
        QCOMPARE(tl.pids[1].points[0].value, 4.0);
        QCOMPARE(tl.pids[1].points[0].timeMs, std::int64_t(20000));
    }

    void listNotInNameOrder()
    {
        // Lists come in name order; another order costs look-ups, and
        // records the same: no series ends for a file that stayed.
        SeriesHistory h;
        KeyInterner keys;
        auto b = file("gauge_all_2.db", {gauge(2)}, &keys);
        h.update(result({b, file("gauge_all_1.db", {gauge(1)}, &keys)}), 1000);
        h.update(result({file("gauge_all_1.db", {gauge(5)}, &keys), b}), 2000);
        h.update(result({file("gauge_all_3.db", {gauge(3)}, &keys), b, file("gauge_all_1.db", {gauge(6)}, &keys)}),
                 3000);
        const auto tl = h.timeline(gId, MetricType::Gauge, GaugeMode::All);
        QCOMPARE(tl.pids.size(), std::size_t(3));
        QCOMPARE(tl.pids[0].points.size(), std::size_t(3)); // 1, 5, 6: never absent
        for (const auto &p : tl.pids[0].points)
            QVERIFY(p.present);
        QCOMPARE(tl.pids[0].points.back().value, 6.0);
        QCOMPARE(tl.pids[1].points.size(), std::size_t(1));
        QCOMPARE(tl.pids[2].points.size(), std::size_t(1));
    }

    void stoppedHalfwayThenGoesOn()
    {
        // An update stopped at once (a source being closed) leaves a history
        // that still ends what goes and forgets what is out of the window.
        SeriesHistory h;
        h.setWindow(std::chrono::seconds(5));
        h.update(result({file("gauge_all_1.db", {gauge(1)})}), 1000);
        const std::atomic<bool> stop{true};
        h.update(result({file("gauge_all_1.db", {gauge(2)}), file("gauge_all_2.db", {gauge(3)})}), 2000, &stop);
        h.update(result({}), 3000);
        auto tl = h.timeline(gId, MetricType::Gauge, GaugeMode::All);
        QCOMPARE(tl.pids.size(), std::size_t(1));
        QVERIFY(!tl.pids[0].points.back().present);
        for (int t = 4000; t < 12000; t += 1000)
            h.update(result({}), t);
        QCOMPARE(h.trackCount(), std::size_t(0));
        QCOMPARE(h.pointCount(), std::size_t(0));
    }

    void pointCapPerTrack()
    {
        SeriesHistory h;
        h.setMaxPointsPerTrack(5);
        for (int i = 0; i < 50; ++i)
            h.update(result({file("gauge_all_1.db", {gauge(i)})}), 1000 + i);
        QCOMPARE(h.pointCount(), std::size_t(5));
    }
};

QTEST_GUILESS_MAIN(TestSeriesHistory)
#include "tst_serieshistory.moc"
