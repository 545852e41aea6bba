// SeriesHistory: change-only storage, the merged line per mode, vanishing
// files and bounded memory.
#include "promdir/serieshistory.h"
#include "testdb.h"

#include <QtTest>

using namespace promdir;
using namespace promdir::test;

namespace {
std::shared_ptr<const ParsedFile> file(const std::string &name, const std::vector<DbEntry> &entries)
{
    const QByteArray bytes = dbBytes(entries);
    return std::make_shared<const ParsedFile>(
        readBytes("/m/" + name, std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size()))));
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
