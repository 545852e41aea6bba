// Every model of Promdir::Widgets under QAbstractItemModelTester, on the
// client_python fixture and on directories made here.
#include "promdir/filesmodel.h"
#include "promdir/gaugemodesmodel.h"
#include "promdir/histogrammodel.h"
#include "promdir/metricsmodel.h"
#include "promdir/pidvaluesmodel.h"
#include "promdir/processmodel.h"
#include "promdir/timelinerate.h"
#include "promdir/toppids.h"
#include "promdir/directorywatcher.h"
#include "promdir/displayformat.h"
#include "modeltestutils.h"
#include "../qt/testdb.h"
#include "../qt/testpids.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace promdir;
using namespace promdir::test;

namespace {
const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");

// A snapshot of a directory as the watcher would make it, without liveness
// (the fixture's pids are not ours).
SnapshotPtr snapshotOf(const QString &dir, bool local = false)
{
    auto s = std::make_shared<Snapshot>();
    MergeEngine engine(dir.toStdString());
    s->result = engine.refresh();
    s->path = dir;
    s->local = local;
    s->timeMs = QDateTime::currentMSecsSinceEpoch();
    describeProcesses(*s, std::chrono::milliseconds(0));
    return s;
}

template<typename M>
void testerOn(M *model)
{
    new QAbstractItemModelTester(model, QAbstractItemModelTester::FailureReportingMode::QtTest, model);
}

const MetricFamily *findFamily(const MergeResult &r, const std::string &name)
{
    for (const auto &f : r.families)
        if (f.name == name)
            return &f;
    return nullptr;
}
} // namespace

class TestModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The chart's rate mode: per second over a window, a drop taken as a
    // counter restarted from 0 (as PromQL rate() does), a line that ends
    // where the pid's series ended. Points are "ms=value", "ms:end".
    void counterRate_data()
    {
        QTest::addColumn<QStringList>("points");
        QTest::addColumn<int>("windowMs");
        QTest::addColumn<int>("endMs");
        QTest::addColumn<QStringList>("rate");
        QTest::addRow("steady") << QStringList{QStringLiteral("0=0"), QStringLiteral("10000=10"), QStringLiteral("20000=20")}
                                << 10000 << 20000 << QStringList{QStringLiteral("10000=1"), QStringLiteral("20000=1")};
        // Without the reset rule the last window would say (8 - 10) / 20 < 0.
        QTest::addRow("counter reset") << QStringList{QStringLiteral("0=0"), QStringLiteral("10000=10"),
                                                      QStringLiteral("20000=4"), QStringLiteral("30000=8")}
                                       << 20000 << 30000
                                       << QStringList{QStringLiteral("10000=1"), QStringLiteral("20000=0.7"),
                                                      QStringLiteral("30000=0.4")};
        QTest::addRow("reset to zero") << QStringList{QStringLiteral("0=50"), QStringLiteral("10000=0"),
                                                      QStringLiteral("20000=30")}
                                       << 10000 << 20000 << QStringList{QStringLiteral("10000=0"), QStringLiteral("20000=3")};
        QTest::addRow("value held, rate falls to 0")
            << QStringList{QStringLiteral("0=0"), QStringLiteral("10000=10")} << 10000 << 40000
            << QStringList{QStringLiteral("10000=1"), QStringLiteral("20000=0"), QStringLiteral("40000=0")};
        QTest::addRow("history starts inside the window")
            << QStringList{QStringLiteral("5000=100"), QStringLiteral("7000=104")} << 60000 << 9000
            << QStringList{QStringLiteral("7000=2"), QStringLiteral("9000=1")};
        QTest::addRow("series ends") << QStringList{QStringLiteral("0=0"), QStringLiteral("10000=5"), QStringLiteral("20000:end")}
                                     << 10000 << 50000
                                     << QStringList{QStringLiteral("10000=0.5"), QStringLiteral("20000=0"),
                                                    QStringLiteral("20000:end")};
        QTest::addRow("one point, no rate") << QStringList{QStringLiteral("0=3")} << 10000 << 0 << QStringList{};
    }
    void counterRate()
    {
        QFETCH(QStringList, points);
        QFETCH(int, windowMs);
        QFETCH(int, endMs);
        QFETCH(QStringList, rate);
        std::vector<TimelinePoint> in;
        for (const QString &p : points) {
            if (p.endsWith(QLatin1String(":end")))
                in.push_back({p.section(QLatin1Char(':'), 0, 0).toLongLong(), 0.0, 0.0, false});
            else
                in.push_back({p.section(QLatin1Char('='), 0, 0).toLongLong(), p.section(QLatin1Char('='), 1).toDouble(), 0.0, true});
        }
        QStringList out;
        for (const TimelinePoint &p : promdir::counterRate(in, windowMs, endMs))
            out << (p.present ? QString(QString::number(p.timeMs) + QLatin1Char('=') + QString::number(p.value))
                              : QString(QString::number(p.timeMs) + QLatin1String(":end")));
        QCOMPARE(out, rate);
    }

    // Issue 16.4: with many pids the chart draws the N with the highest
    // values (running ones first) and sums the rest. A line is
    // "pid:ms=value ms=value ms:end", "pid*:..." for a running pid; the sum
    // is written the same way.
    void rankPids_data()
    {
        QTest::addColumn<QStringList>("lines");
        QTest::addColumn<int>("n");
        QTest::addColumn<QStringList>("top");
        QTest::addColumn<QStringList>("others");
        QTest::addColumn<QString>("sum");
        const QStringList five{QStringLiteral("101:0=3"), QStringLiteral("102:0=9"), QStringLiteral("103:0=1"),
                               QStringLiteral("104:0=7"), QStringLiteral("105:0=5")};
        QTest::addRow("highest last values")
            << five << 2 << QStringList{QStringLiteral("102"), QStringLiteral("104")}
            << QStringList{QStringLiteral("101"), QStringLiteral("103"), QStringLiteral("105")} << QStringLiteral("0=9");
        // Ranked by the last value, not the highest ever; the sum steps
        // where any of the rest changes.
        QTest::addRow("sum over time")
            << QStringList{QStringLiteral("1:1000=100 2000=1"), QStringLiteral("2:1000=1 3000=20"),
                           QStringLiteral("3:1000=50")}
            << 1 << QStringList{QStringLiteral("3")} << QStringList{QStringLiteral("1"), QStringLiteral("2")}
            << QStringLiteral("1000=101 2000=2 3000=21");
        QTest::addRow("ties go to the lower pid")
            << QStringList{QStringLiteral("20:0=5"), QStringLiteral("3:0=5"), QStringLiteral("100:0=5"),
                           QStringLiteral("7:0=4")}
            << 2 << QStringList{QStringLiteral("3"), QStringLiteral("20")}
            << QStringList{QStringLiteral("100"), QStringLiteral("7")} << QStringLiteral("0=9");
        QTest::addRow("n at least the pids") << five << 5
                                             << QStringList{QStringLiteral("102"), QStringLiteral("104"), QStringLiteral("105"),
                                                            QStringLiteral("101"), QStringLiteral("103")}
                                             << QStringList{} << QString();
        QTest::addRow("all") << five << -1
                             << QStringList{QStringLiteral("102"), QStringLiteral("104"), QStringLiteral("105"),
                                            QStringLiteral("101"), QStringLiteral("103")}
                             << QStringList{} << QString();
        // A pid whose series ended ranks below every value, however high it
        // was, and leaves the sum where it ended; NaN ranks last too and is
        // left out of the sum.
        QTest::addRow("a pid that is gone")
            << QStringList{QStringLiteral("1:0=1000 5000:end"), QStringLiteral("2:0=2"), QStringLiteral("3:0=3"),
                           QStringLiteral("4:0=nan")}
            << 1 << QStringList{QStringLiteral("3")}
            << QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("4")}
            << QStringLiteral("0=1002 5000=2");
        QTest::addRow("every other one gone")
            << QStringList{QStringLiteral("1:0=4 2000:end"), QStringLiteral("2:0=5")} << 1
            << QStringList{QStringLiteral("2")} << QStringList{QStringLiteral("1")} << QStringLiteral("0=4 2000:end");
        // Running pids before dead ones, whose counters are higher and flat.
        QTest::addRow("running first")
            << QStringList{QStringLiteral("1:0=100"), QStringLiteral("2*:0=1"), QStringLiteral("3*:0=2"),
                           QStringLiteral("4:0=50")}
            << 3 << QStringList{QStringLiteral("3"), QStringLiteral("2"), QStringLiteral("1")}
            << QStringList{QStringLiteral("4")} << QStringLiteral("0=50");
        // Rates that fall to 0 sum to 0, not to rounding left over.
        QTest::addRow("back to zero")
            << QStringList{QStringLiteral("1:0=0.1 1000=0"), QStringLiteral("2:0=0.2 1000=0"), QStringLiteral("3:0=5")}
            << 1 << QStringList{QStringLiteral("3")} << QStringList{QStringLiteral("1"), QStringLiteral("2")}
            << QStringLiteral("0=0.3 1000=0");
    }
    void rankPids()
    {
        QFETCH(QStringList, lines);
        QFETCH(int, n);
        QFETCH(QStringList, top);
        QFETCH(QStringList, others);
        QFETCH(QString, sum);
        std::vector<PidTimeline> in;
        std::vector<bool> running;
        for (const QString &line : lines) {
            PidTimeline t;
            QString pid = line.section(QLatin1Char(':'), 0, 0);
            running.push_back(pid.endsWith(QLatin1Char('*')));
            if (running.back())
                pid.chop(1);
            t.pid = pid.toStdString();
            for (const QString &p : line.section(QLatin1Char(':'), 1).split(QLatin1Char(' '))) {
                if (p.endsWith(QLatin1String(":end")))
                    t.points.push_back({p.section(QLatin1Char(':'), 0, 0).toLongLong(), 0.0, 0.0, false});
                else
                    t.points.push_back({p.section(QLatin1Char('='), 0, 0).toLongLong(),
                                        p.section(QLatin1Char('='), 1) == QLatin1String("nan")
                                            ? std::nan("")
                                            : p.section(QLatin1Char('='), 1).toDouble(),
                                        0.0, true});
            }
            in.push_back(std::move(t));
        }
        const PidRanking r = promdir::rankPids(in, n, running);
        auto pids = [&](const std::vector<std::size_t> &places) {
            QStringList out;
            for (const std::size_t i : places)
                out << QString::fromStdString(in[i].pid);
            return out;
        };
        QCOMPARE(pids(r.top), top);
        QCOMPARE(pids(r.others), others);
        QStringList points;
        for (const TimelinePoint &p : r.othersSum)
            points << (p.present ? QString(QString::number(p.timeMs) + QLatin1Char('=') + QString::number(p.value))
                                 : QString(QString::number(p.timeMs) + QLatin1String(":end")));
        QCOMPARE(points.join(QLatin1Char(' ')), sum);
    }

    void rateable_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("sample");
        QTest::addColumn<bool>("rateable");
        QTest::addRow("counter") << int(MetricType::Counter) << QStringLiteral("c_total") << true;
        QTest::addRow("gauge") << int(MetricType::Gauge) << QStringLiteral("g") << false;
        QTest::addRow("histogram count") << int(MetricType::Histogram) << QStringLiteral("h_count") << true;
        QTest::addRow("histogram sum") << int(MetricType::Histogram) << QStringLiteral("h_sum") << true;
        QTest::addRow("histogram bucket") << int(MetricType::Histogram) << QStringLiteral("h_bucket") << true;
        QTest::addRow("histogram gauge sum") << int(MetricType::Histogram) << QStringLiteral("h_gsum") << false;
        QTest::addRow("summary count") << int(MetricType::Summary) << QStringLiteral("s_count") << true;
        QTest::addRow("summary quantile") << int(MetricType::Summary) << QStringLiteral("s") << false;
    }
    void rateable()
    {
        QFETCH(int, type);
        QFETCH(QString, sample);
        QFETCH(bool, rateable);
        QCOMPARE(isRateable(MetricType(type), sample.toStdString()), rateable);
    }
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }
    void cleanup()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    // Issue 18.6: numbers as people read them, in their locale; sizes in
    // IEC units and times as local date-times with seconds, the exact
    // value in the tooltip; NaN and Inf said.
    void numbersReadable_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("sample");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("tipHas");
        QTest::newRow("integer") << QStringLiteral("en_US") << 65536.0 << QStringLiteral("jobs_total") << QStringLiteral("65,536") << QStringLiteral("65536.0");
        QTest::newRow("integer de") << QStringLiteral("de_DE") << 65536.0 << QStringLiteral("jobs_total") << QStringLiteral("65.536") << QStringLiteral("65536.0");
        QTest::newRow("fraction de") << QStringLiteral("de_DE") << 38.25 << QStringLiteral("g") << QStringLiteral("38,25") << QStringLiteral("38.25");
        QTest::newRow("float like 38.0 de") << QStringLiteral("de_DE") << 38.0 << QStringLiteral("g") << QStringLiteral("38") << QStringLiteral("38.0");
        QTest::newRow("NaN") << QStringLiteral("en_US") << qQNaN() << QStringLiteral("g") << QStringLiteral("NaN") << QStringLiteral("NaN");
        QTest::newRow("+Inf") << QStringLiteral("en_US") << qInf() << QStringLiteral("g") << QStringLiteral("+Inf") << QStringLiteral("+Inf");
        QTest::newRow("bytes") << QStringLiteral("en_US") << 5718016.0 << QStringLiteral("process_resident_memory_bytes") << QStringLiteral("5.5 MiB")
                               << QStringLiteral("5,718,016 bytes");
        QTest::newRow("bytes de") << QStringLiteral("de_DE") << 5718016.0 << QStringLiteral("process_resident_memory_bytes") << QStringLiteral("5,5 MiB")
                                  << QStringLiteral("5.718.016");
        QTest::newRow("bytes sum") << QStringLiteral("en_US") << 2048.0 << QStringLiteral("payload_bytes_sum") << QStringLiteral("2.0 KiB") << QStringLiteral("2,048 bytes");
        QTest::newRow("bucket counts are counts") << QStringLiteral("en_US") << 4.0 << QStringLiteral("payload_bytes_bucket") << QStringLiteral("4") << QStringLiteral("4.0");
    }
    void numbersReadable()
    {
        QFETCH(QString, locale);
        QFETCH(double, value);
        QFETCH(QString, sample);
        QFETCH(QString, text);
        QFETCH(QString, tipHas);
        QLocale::setDefault(QLocale(locale));
        QCOMPARE(sampleValueText(value, sample.toStdString()), text);
        const QString tip = sampleValueTip(value, sample.toStdString());
        QVERIFY2(tip.contains(tipHas), qPrintable(tip));
    }
    void timesWithSeconds()
    {
        const std::int64_t ms = 1795531435964; // 1795531435.963627 s
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
        for (const char *name : {"en_US", "de_DE"}) {
            QLocale::setDefault(QLocale(QString::fromLatin1(name)));
            const QString text = sampleValueText(1795531435.963627, "process_start_time_seconds");
            QCOMPARE(text, dateTimeText(ms));
            QVERIFY2(text.contains(t.toString(QStringLiteral("mm:ss"))), qPrintable(text));
            QVERIFY(!text.contains(QStringLiteral("1795531435")));
            const QString exact = dateTimeExact(ms);
            QVERIFY2(exact.contains(t.toString(QStringLiteral("ss")) + QLocale().decimalPoint() + QStringLiteral("964")),
                     qPrintable(exact));
        }
    }

    void metricsTree()
    {
        MetricsModel model;
        MetricsFilterModel proxy;
        proxy.setSourceModel(&model);
        testerOn(&model);
        testerOn(&proxy);
        const auto snap = snapshotOf(kFixture);
        model.setSnapshot(snap);
        QCOMPARE(model.rowCount(), int(snap->result->families.size()));
        const QStringList rows = flatten(&model, {}, 0, 3);
        QVERIFY(rows.contains(QStringLiteral("g_all | gauge (all) | ")));
        // Issue 16.3: a sample row names its labels, not the metric again
        // (the suffix where the family has several names).
        QVERIFY(rows.contains(QStringLiteral("  kind=x pid=104 |  | 1,234,567")));
        QVERIFY(rows.contains(QStringLiteral("  kind=y |  | 96")));
        QVERIFY(rows.contains(QStringLiteral("  _bucket le=+Inf |  | 4")));
        QVERIFY(rows.contains(QStringLiteral("  _count |  | 4")));
        QVERIFY(rows.contains(QStringLiteral("  app_worker_errors_total |  | 6"))); // nothing else to say

        // Filter by label text: only matching samples (and their family).
        proxy.setFilterFixedString(QStringLiteral("café"));
        QCOMPARE(flatten(&proxy, {}, 0, 1),
                 QStringList({QStringLiteral("jobs"), QStringLiteral("  queue=\"café 日本\" state=done"),
                              QStringLiteral("  queue=\"café 日本\" state=failed")}));
        // A family name keeps all its samples.
        proxy.setFilterFixedString(QStringLiteral("g_livesum"));
        QCOMPARE(flatten(&proxy, {}, 0, 1).size(), 3);
        proxy.setFilterFixedString(QString());

        // Same structure again: values update in place, no reset.
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QPersistentModelIndex keep = model.indexOf(QStringLiteral("g_sum"), 1);
        model.setSnapshot(snapshotOf(kFixture));
        QCOMPARE(resets.count(), 0);
        QVERIFY(keep.isValid());
        QCOMPARE(model.sample(keep)->value, 96.0);
        model.setSnapshot(nullptr);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 0);
    }

    // Issue 16.3: one column per label name of the family (the family row
    // names them), the merged value, sorting by it as a number, a filter on
    // label names and values as the rows show them.
    void metricsLabelColumns()
    {
        MetricsModel model;
        MetricsFilterModel proxy;
        proxy.setSourceModel(&model);
        testerOn(&model);
        testerOn(&proxy);
        model.setSnapshot(snapshotOf(kFixture));
        const QModelIndex jobs = model.indexOf(QStringLiteral("jobs"));
        QCOMPARE(model.labelNames(jobs), QStringList({QStringLiteral("queue"), QStringLiteral("state")}));
        const QString l1 = model.headerData(MetricsModel::FirstLabelColumn, Qt::Horizontal).toString();
        QCOMPARE(l1, QStringLiteral("Label 1"));
        auto row = [&](const QModelIndex &i) {
            QStringList cells;
            for (int c : {int(MetricsModel::NameColumn), int(MetricsModel::ValueColumn), MetricsModel::FirstLabelColumn + 0,
                          MetricsModel::FirstLabelColumn + 1, MetricsModel::FirstLabelColumn + 2})
                cells << i.sibling(i.row(), c).data().toString();
            return cells.join(QLatin1String(" | "));
        };
        QStringList rows{row(jobs)};
        for (int r = 0; r < model.rowCount(jobs); ++r)
            rows << row(model.index(r, 0, jobs));
        QCOMPARE(rows, QStringList({
                           QStringLiteral("jobs |  | queue | state | "),
                           QStringLiteral("queue=plain state=done | 10 | plain | done | "),
                           QStringLiteral("queue=plain state=failed | 5 | plain | failed | "),
                           QStringLiteral("queue=\"café 日本\" state=done | 14 | café 日本 | done | "),
                           QStringLiteral("queue=\"café 日本\" state=failed | 5 | café 日本 | failed | "),
                           QStringLiteral("queue=\"quote\\\"d\" state=done | 18 | quote\"d | done | "),
                           QStringLiteral("queue=\"quote\\\"d\" state=failed | 5 | quote\"d | failed | "),
                           QStringLiteral("queue=back\\slash state=done | 22 | back\\slash | done | "),
                           QStringLiteral("queue=back\\slash state=failed | 5 | back\\slash | failed | "),
                           QStringLiteral("queue=new\\nline state=done | 26 | new\\nline | done | "),
                           QStringLiteral("queue=new\\nline state=failed | 5 | new\\nline | failed | "),
                           QStringLiteral("queue=\"\" state=done | 30 |  | done | "),
                           QStringLiteral("queue=\"\" state=failed | 5 |  | failed | "),
                       }));
        // A histogram with a label: its columns are route and le.
        const QModelIndex latency = model.indexOf(QStringLiteral("latency_seconds"));
        QCOMPARE(model.labelNames(latency), QStringList({QStringLiteral("route"), QStringLiteral("le")}));
        QCOMPARE(row(model.index(1, 0, latency)), QStringLiteral("_bucket le=-1.0 route=/b | 0 | /b | -1.0 | "));

        // Sorting by the merged value: as numbers (30 above 5, 10 below 14).
        proxy.sort(MetricsModel::ValueColumn, Qt::DescendingOrder);
        const QModelIndex pjobs = proxy.mapFromSource(jobs);
        QStringList values;
        for (int r = 0; r < proxy.rowCount(pjobs); ++r)
            values << proxy.index(r, MetricsModel::ValueColumn, pjobs).data().toString();
        QCOMPARE(values.mid(0, 6), QStringList({QStringLiteral("30"), QStringLiteral("26"), QStringLiteral("22"),
                                                QStringLiteral("18"), QStringLiteral("14"), QStringLiteral("10")}));
        QCOMPARE(values.last(), QStringLiteral("5"));
        proxy.sort(-1);

        // The filter: a label value as the row shows it, a label name.
        proxy.setFilterFixedString(QStringLiteral("state=failed"));
        QStringList shown = flatten(&proxy, {}, 0, 1);
        QVERIFY2(shown.contains(QStringLiteral("  queue=plain state=failed")), qPrintable(shown.join(QLatin1Char('\n'))));
        QVERIFY(!shown.contains(QStringLiteral("  queue=plain state=done")));
        proxy.setFilterFixedString(QStringLiteral("route"));
        shown = flatten(&proxy, {}, 0, 1);
        QCOMPARE(shown.first(), QStringLiteral("latency_seconds"));
        QVERIFY(!shown.contains(QStringLiteral("jobs")));
    }

    void gaugeModesEqualTheMergeEngine_data()
    {
        QTest::addColumn<QString>("sourceMode");
        QTest::addColumn<QString>("mode");
        for (const char *source : {"min", "mostrecent", "all"})
            for (GaugeMode m : allGaugeModes())
                QTest::addRow("%s as %s", source, std::string(toString(m)).c_str())
                    << QString::fromLatin1(source) << QString::fromStdString(std::string(toString(m)));
    }
    void gaugeModesEqualTheMergeEngine()
    {
        // The per-pid files of one fixture family, renamed to each mode, and
        // merged by the engine: the model's column for that mode must equal it.
        QFETCH(QString, sourceMode);
        QFETCH(QString, mode);
        const std::string family = "g_" + sourceMode.toStdString();
        QTemporaryDir dir;
        const QDir src(kFixture);
        const QString prefix = QStringLiteral("gauge_") + sourceMode + QLatin1Char('_');
        for (const QString &name : src.entryList({prefix + QStringLiteral("*.db")})) {
            const QString pid = name.mid(prefix.size()).chopped(3);
            QVERIFY(QFile::copy(src.filePath(name),
                                dir.filePath(QStringLiteral("gauge_") + mode + QLatin1Char('_') + pid + QStringLiteral(".db"))));
        }
        MergeEngine engine(dir.path().toStdString());
        const auto merged = engine.refresh();
        const MetricFamily *f = findFamily(*merged, family);
        QVERIFY(f);

        // The model sees the original fixture (the family in its own mode).
        GaugeModesModel model;
        testerOn(&model);
        model.setSnapshot(snapshotOf(kFixture));
        model.setFamily(QString::fromStdString(family));
        QCOMPARE(int(model.actualMode()), int(*gaugeModeFromString(sourceMode.toStdString())));
        const GaugeMode m = *gaugeModeFromString(mode.toStdString());
        const int column = GaugeModesModel::columnOf(m);
        QVERIFY(column > 0);
        QCOMPARE(model.headerData(column, Qt::Horizontal).toString().endsWith(QStringLiteral("(actual)")),
                 mode == sourceMode);

        // Expected per label set (without pid), from the engine's samples.
        std::map<Labels, QStringList> expected;
        for (const auto &s : f->samples) {
            Labels labels;
            QString pid;
            for (const auto &l : s.labels) {
                if (l.first == "pid")
                    pid = QString::fromStdString(l.second);
                else
                    labels.push_back(l);
            }
            expected[labels] << (pid.isEmpty() ? valueText(s.value) : QString(pid + QLatin1Char(':') + valueText(s.value)));
        }
        const auto groups = gaugeGroups(snapshotOf(kFixture)->result->load.files, family);
        QCOMPARE(model.rowCount(), int(groups.size()));
        QVERIFY(model.rowCount() >= 1);
        for (int r = 0; r < model.rowCount(); ++r) {
            const QStringList cell = model.index(r, column).data(GaugeModesModel::ExportRole).toStringList();
            QCOMPARE(cell, expected[groups[std::size_t(r)].labels]);
        }
    }

    void gaugeModesNotes()
    {
        // Dead pids in a live mode: the note says mark_process_dead was not called.
        auto s = std::const_pointer_cast<Snapshot>(snapshotOf(kFixture));
        for (auto &p : s->processes)
            p.liveness = p.pid == "103" ? Liveness::Dead : Liveness::Alive;
        GaugeModesModel model;
        testerOn(&model);
        model.setSnapshot(s);
        model.setFamily(QStringLiteral("g_livesum"));
        const QString notes = model.notes().join(QLatin1Char('\n'));
        QVERIFY2(notes.contains(QStringLiteral("mark_process_dead")) && notes.contains(QStringLiteral("103")),
                 qPrintable(notes));
        model.setFamily(QStringLiteral("g_all"));
        QVERIFY(model.notes().join(QLatin1Char('\n')).contains(QStringLiteral("forever")));
        model.setFamily(QStringLiteral("jobs")); // not a gauge: empty
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.notes().isEmpty());
    }

    void quantiles_data()
    {
        QTest::addColumn<double>("q");
        QTest::addColumn<QList<double>>("bounds");
        QTest::addColumn<QList<double>>("counts");
        QTest::addColumn<double>("expected");
        const double inf = std::numeric_limits<double>::infinity();
        const QList<double> b{1, 2, inf}, c{10, 20, 20};
        QTest::newRow("p50 at a bound") << 0.5 << b << c << 1.0;
        QTest::newRow("p75 interpolated") << 0.75 << b << c << 1.5;
        QTest::newRow("p100") << 1.0 << b << c << 2.0;
        QTest::newRow("in +Inf bucket") << 0.9 << QList<double>{1, inf} << QList<double>{10, 20} << 1.0;
        QTest::newRow("negative lowest bound") << 0.2 << QList<double>{-1, inf} << QList<double>{5, 10} << -1.0;
        QTest::newRow("q above 1") << 1.5 << b << c << inf;
        QTest::newRow("q below 0") << -0.1 << b << c << -inf;
        QTest::newRow("unsorted input") << 0.75 << QList<double>{inf, 2, 1} << QList<double>{20, 20, 10} << 1.5;
    }
    void quantiles()
    {
        QFETCH(double, q);
        QFETCH(QList<double>, bounds);
        QFETCH(QList<double>, counts);
        QFETCH(double, expected);
        std::vector<Bucket> buckets;
        for (int i = 0; i < bounds.size(); ++i)
            buckets.push_back({bounds[i], counts[i]});
        QCOMPARE(histogramQuantile(q, buckets), expected);
    }
    void quantilesUndefined()
    {
        QVERIFY(std::isnan(histogramQuantile(0.5, {{1, 3}, {2, 4}})));                 // no +Inf
        QVERIFY(std::isnan(histogramQuantile(0.5, {{1, 0}, {INFINITY, 0}})));           // no observations
        QVERIFY(std::isnan(histogramQuantile(0.5, {})));
    }

    void histogram()
    {
        HistogramModel model;
        testerOn(&model);
        model.setSnapshot(snapshotOf(kFixture));
        model.setSeries(QStringLiteral("payload_bytes"), {});
        QVERIFY(model.series());
        QCOMPARE(model.rowCount(), 15);
        QCOMPARE(model.series()->count, 4.0);
        QCOMPARE(model.series()->sum, 3.0);
        QCOMPARE(model.index(8, HistogramModel::BoundColumn).data().toString(), QStringLiteral("≤ 0.75"));
        QCOMPARE(model.index(8, HistogramModel::CountColumn).data().toString(), QStringLiteral("1"));
        QCOMPARE(model.index(8, HistogramModel::CumulativeColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(histogramQuantile(0.5, model.series()->buckets), 0.75);
        QCOMPARE(histogramQuantile(0.9, model.series()->buckets), 1.9);
        model.setSeries(QStringLiteral("latency_seconds"), {{"route", "/a"}});
        QCOMPARE(model.rowCount(), 9);
        QCOMPARE(model.series()->count, 14.0);
        const auto snap = snapshotOf(kFixture);
        QCOMPARE(histogramSeries(*findFamily(*snap->result, "latency_seconds")).size(), std::size_t(2));
        model.setSeries(QStringLiteral("nope"), {});
        QVERIFY(!model.series());
        QCOMPARE(model.rowCount(), 0);
    }

    void filesAndEntries()
    {
        FilesModel files;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&files);
        proxy.setSortRole(SnapshotTableModel::SortRole);
        testerOn(&files);
        testerOn(&proxy);
        QTemporaryDir dir;
        for (const QString &n : QDir(kFixture).entryList({QStringLiteral("counter_*.db")}))
            QVERIFY(QFile::copy(QDir(kFixture).filePath(n), dir.filePath(n)));
        QFile junk(dir.filePath(QStringLiteral("counter_105.db")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("\x10\0\0\0\0\0\0\0garbage!", 16);
        junk.close();
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("folder")));
        files.setSnapshot(snapshotOf(dir.path()));
        const QStringList rows = flatten(&files, {}, 0, 5);
        QCOMPARE(rows.first(), QStringLiteral("counter_101.db | counter |  | 101 | 4"));
        QCOMPARE(files.rowCount(), 6); // five files and the folder
        QVERIFY(!files.index(4, FilesModel::ProblemsColumn).data().toString().isEmpty());
        QVERIFY(!files.file(5));
        QVERIFY(files.index(5, FilesModel::NameColumn).data().toString() == QStringLiteral("folder"));
        proxy.sort(FilesModel::PidColumn, Qt::DescendingOrder);

        EntriesModel entries;
        testerOn(&entries);
        entries.setFile(files.file(0));
        QCOMPARE(entries.rowCount(), 13);
        QCOMPARE(entries.index(0, EntriesModel::OffsetColumn).data().toULongLong(), 8ull);
        QCOMPARE(entries.index(0, EntriesModel::MetricColumn).data().toString(), QStringLiteral("app_worker_errors"));
        QVERIFY(entries.index(1, EntriesModel::OffsetColumn).data().toULongLong() > 8);
        entries.setFile(nullptr);
        QCOMPARE(entries.rowCount(), 0);
    }

    void pidValues()
    {
        PidValuesModel model;
        testerOn(&model);
        const auto snap = snapshotOf(kFixture);
        model.setSnapshot(snap);
        const MetricFamily *f = findFamily(*snap->result, "jobs");
        QVERIFY(f);
        const SeriesId id = seriesForSample(*f, f->samples[0]);
        model.setSeries(id);
        QCOMPARE(model.rowCount(), 4);
        double sum = 0;
        for (int r = 0; r < 4; ++r)
            sum += model.index(r, PidValuesModel::ValueColumn).data().toString().toDouble();
        QCOMPARE(sum, f->samples[0].value);
        // gauge all: the pid label is the merge's, not the files'.
        const MetricFamily *g = findFamily(*snap->result, "g_all");
        const SeriesId gid = seriesForSample(*g, g->samples[3]);
        QCOMPARE(gid.labels, (Labels{{"kind", "x"}}));
        model.setSeries(gid);
        QCOMPARE(flatten(&model, {}, 0, 1),
                 QStringList({QStringLiteral("101"), QStringLiteral("102"), QStringLiteral("103"), QStringLiteral("104")}));
        const MetricFamily *h = findFamily(*snap->result, "payload_bytes");
        QVERIFY(!seriesForSample(*h, h->samples.back()).isValid()); // _count is computed
    }

    // Issue 15: the compacted contributions (`promdir compact`) are a row
    // of their own, in the state "compacted": not unknown, not "probably
    // dead" (they have no live gauge files while a dead pid has), not dead,
    // never stale (the dead pid's live gauge is); the tooltip says what they are.
    void processModelCompactedRow()
    {
        QTemporaryDir dir;
        const DbEntry c{"c", "c_total", {}, 1.0, 0.0}, g{"g", "g", {}, 1.0, 0.0};
        QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_compacted.db")), {c}));
        QVERIFY(writeDb(dir.filePath(QStringLiteral("gauge_max_compacted.db")), {g}));
        QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_5000001.db")), {c})); // above any pid_max: dead
        QVERIFY(writeDb(dir.filePath(QStringLiteral("gauge_livesum_5000001.db")), {g}));
        const SnapshotPtr snap = snapshotOf(dir.path(), true);
        QCOMPARE(snap->deadCount(), std::size_t(1));
        ProcessModel model;
        testerOn(&model);
        model.setSnapshot(snap);
        QCOMPARE(model.rowCount(), 2);
        QStringList rows;
        for (int r = 0; r < model.rowCount(); ++r)
            rows << model.index(r, ProcessModel::PidColumn).data().toString() + QLatin1Char(' ')
                        + model.index(r, ProcessModel::StateColumn).data().toString() + QLatin1Char(' ')
                        + model.index(r, ProcessModel::FilesColumn).data().toString() + QLatin1Char(' ')
                        + model.index(r, ProcessModel::StaleColumn).data().toString();
        QCOMPARE(rows, QStringList({QStringLiteral("5000001 dead 2 1"), QStringLiteral("compacted compacted 2 0")}));
        const QString tip = model.index(1, ProcessModel::StateColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.startsWith(QStringLiteral("The compacted contributions of dead processes")), qPrintable(tip));
        QVERIFY(model.process(1)->compacted);
        QCOMPARE(ProcessModel::livenessText(*model.process(1)), QStringLiteral("compacted"));
    }

    // Issue 16.4: a refresh announces only the rows that changed, so a
    // sorted and filtered view of 10,000 processes has nothing to redo when
    // nothing did.
    void refreshAnnouncesChangedRowsOnly()
    {
        auto make = [](std::uint64_t sequence, int filesOf102) {
            auto s = std::make_shared<Snapshot>();
            s->result = std::make_shared<MergeResult>();
            s->sequence = sequence;
            for (const char *pid : {"101", "102", "103", "104"}) {
                ProcessStatus p;
                p.pid = pid;
                p.files = p.pid == "102" ? filesOf102 : 1;
                s->processes.push_back(p);
            }
            return SnapshotPtr(s);
        };
        ProcessModel model;
        testerOn(&model);
        model.setSnapshot(make(1, 1));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
        model.setSnapshot(make(2, 1));
        QCOMPARE(changed.size(), 0);
        model.setSnapshot(make(3, 5));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].toModelIndex().row(), 1);
        QCOMPARE(changed[0][1].toModelIndex().row(), 1);
        QCOMPARE(model.index(1, ProcessModel::FilesColumn).data().toInt(), 5);
        QCOMPARE(layout.size(), 0);
    }

    // Issue 16.4: workers recycled (a pid's files go, another's come) are
    // announced as rows removed and inserted, not as a reset or a new
    // layout, so a sorted, filtered view of 70,000 files places only those;
    // and the model shows then exactly what a model built afresh shows,
    // through the proxies too.
    void recycledWorkersAnnouncedAsRowsRemovedAndInserted()
    {
        QTemporaryDir dir;
        // Pids above any pid_max: dead here.
        auto writePid = [&](int pid, double value) {
            const QString p = QString::number(pid);
            DbEntry c{"c", "c_total", {}, value, 0.0}, g{"g", "g", {}, value, 0.0};
            return writeDb(dir.filePath(QStringLiteral("counter_") + p + QStringLiteral(".db")), {c})
                   && writeDb(dir.filePath(QStringLiteral("gauge_livesum_") + p + QStringLiteral(".db")), {g});
        };
        // Files come in name order (matched by one walk); processes in pid
        // order, which 999999 puts out of the names' order (matched by
        // hashing).
        for (int pid = 5000001; pid <= 5000006; ++pid)
            QVERIFY(writePid(pid, pid % 7));
        QVERIFY(writePid(999999, 1));
        MergeEngine engine(dir.path().toStdString());
        std::uint64_t sequence = 0;
        auto next = [&] {
            auto s = std::make_shared<Snapshot>();
            s->result = engine.refresh();
            s->path = dir.path();
            s->local = true;
            s->sequence = ++sequence;
            s->timeMs = QDateTime::currentMSecsSinceEpoch();
            describeProcesses(*s, std::chrono::milliseconds(0));
            return SnapshotPtr(s);
        };
        FilesModel files;
        ProcessModel processes;
        SnapshotProxyModel fileProxy, processProxy;
        fileProxy.setSourceModel(&files);
        processProxy.setSourceModel(&processes);
        for (QAbstractItemModel *m : std::initializer_list<QAbstractItemModel *>{&files, &processes, &fileProxy,
                                                                                  &processProxy})
            testerOn(m);
        fileProxy.sort(FilesModel::PidColumn, Qt::DescendingOrder);
        fileProxy.setFilterText(QStringLiteral("counter"));
        processProxy.sort(ProcessModel::PidColumn, Qt::DescendingOrder);
        processProxy.setFilterText(QStringLiteral("9"));
        const SnapshotPtr first = next();
        files.setSnapshot(first);
        processes.setSnapshot(first);
        QCOMPARE(files.rowCount(), 14);
        QCOMPARE(processes.rowCount(), 7);

        struct Spies
        {
            explicit Spies(QAbstractItemModel *m)
                : resets(m, &QAbstractItemModel::modelReset), layouts(m, &QAbstractItemModel::layoutChanged),
                  removed(m, &QAbstractItemModel::rowsRemoved), inserted(m, &QAbstractItemModel::rowsInserted),
                  changed(m, &QAbstractItemModel::dataChanged)
            {
            }
            int rows(const QSignalSpy &spy) const
            {
                int n = 0;
                for (const auto &args : spy)
                    n += args[2].toInt() - args[1].toInt() + 1;
                return n;
            }
            QSignalSpy resets, layouts, removed, inserted, changed;
        };
        Spies fileSpies(&files), processSpies(&processes);
        // 5000001 and 5000004 go; 5000007 and 5000010 come; 5000002 changes.
        for (const char *gone : {"5000001", "5000004"})
            for (const char *kind : {"counter_", "gauge_livesum_"})
                QVERIFY(QFile::remove(dir.filePath(QLatin1String(kind) + QLatin1String(gone) + QLatin1String(".db"))));
        QVERIFY(writePid(5000007, 70));
        QVERIFY(writePid(5000010, 100));
        QVERIFY(overwriteDb(dir.filePath(QStringLiteral("counter_5000002.db")), {{"c", "c_total", {}, 99.0, 0.0}}));
        const SnapshotPtr recycled = next();
        const std::uint64_t keysBefore = files.keysMade();
        files.setSnapshot(recycled);
        processes.setSnapshot(recycled);
        // The files shown already are matched as they are: a key is made
        // for each file that comes only, not for all 14 rows.
        QCOMPARE(files.keysMade() - keysBefore, std::uint64_t(4));

        for (const Spies *spies : {&fileSpies, &processSpies}) {
            QCOMPARE(spies->resets.size(), 0);
            QCOMPARE(spies->layouts.size(), 0);
        }
        QCOMPARE(fileSpies.rows(fileSpies.removed), 4);
        QCOMPARE(fileSpies.rows(fileSpies.inserted), 4);
        QCOMPARE(processSpies.rows(processSpies.removed), 2);
        QCOMPARE(processSpies.rows(processSpies.inserted), 2);
        // Only the file read again changed among the rows that stayed.
        QCOMPARE(fileSpies.changed.size(), 1);

        FilesModel freshFiles;
        ProcessModel freshProcesses;
        SnapshotProxyModel freshFileProxy, freshProcessProxy;
        freshFileProxy.setSourceModel(&freshFiles);
        freshProcessProxy.setSourceModel(&freshProcesses);
        freshFiles.setSnapshot(recycled);
        freshProcesses.setSnapshot(recycled);
        freshFileProxy.sort(FilesModel::PidColumn, Qt::DescendingOrder);
        freshFileProxy.setFilterText(QStringLiteral("counter"));
        freshProcessProxy.sort(ProcessModel::PidColumn, Qt::DescendingOrder);
        freshProcessProxy.setFilterText(QStringLiteral("9"));
        QCOMPARE(flatten(&files), flatten(&freshFiles));
        QCOMPARE(flatten(&processes), flatten(&freshProcesses));
        QCOMPARE(flatten(&fileProxy), flatten(&freshFileProxy));
        QCOMPARE(flatten(&processProxy), flatten(&freshProcessProxy));
        QCOMPARE(flatten(&fileProxy, {}, 0, 1),
                 (QStringList{QStringLiteral("counter_5000010.db"), QStringLiteral("counter_5000007.db"),
                              QStringLiteral("counter_5000006.db"), QStringLiteral("counter_5000005.db"),
                              QStringLiteral("counter_5000003.db"), QStringLiteral("counter_5000002.db"),
                              QStringLiteral("counter_999999.db")}));
        QCOMPARE(flatten(&processProxy, {}, 0, 1), QStringList{QStringLiteral("999999")});

        // And again: the rows are matched as they are after a splice.
        QVERIFY(writePid(5000011, 110));
        const SnapshotPtr again = next();
        files.setSnapshot(again);
        freshFiles.setSnapshot(again);
        QCOMPARE(fileSpies.resets.size(), 0);
        QCOMPARE(fileSpies.layouts.size(), 0);
        QCOMPARE(fileSpies.rows(fileSpies.inserted), 6);
        QCOMPARE(files.keysMade() - keysBefore, std::uint64_t(6));
        QCOMPARE(flatten(&files), flatten(&freshFiles));
    }

    // Sorting compares the rows' own fields (pids as numbers, then names),
    // the filter matches pid, state and command, or a file's name, why it
    // is stale and its problems, ignoring case.
    void processesAndFilesSortAndFilter()
    {
        auto s = std::make_shared<Snapshot>();
        s->result = std::make_shared<MergeResult>();
        s->sequence = 1;
        s->local = true;
        const std::pair<const char *, Liveness> pids[] = {
            {"9", Liveness::Alive}, {"10", Liveness::Dead}, {"100", Liveness::Dead}, {"worker-3", Liveness::Unknown}};
        for (const auto &[pid, state] : pids) {
            ProcessStatus p;
            p.pid = pid;
            p.liveness = state;
            p.cmdline = std::string(pid) == "9" ? "gunicorn: worker [App]" : "";
            p.lastWriteMs = std::string(pid).size();
            s->processes.push_back(p);
        }
        ProcessModel processes;
        SnapshotProxyModel proxy;
        proxy.setSourceModel(&processes);
        testerOn(&processes);
        testerOn(&proxy);
        processes.setSnapshot(s);
        auto column = [&](int c) {
            QStringList out;
            for (int r = 0; r < proxy.rowCount(); ++r)
                out << proxy.index(r, c).data().toString();
            return out;
        };
        proxy.sort(ProcessModel::PidColumn, Qt::DescendingOrder);
        QCOMPARE(column(0), (QStringList{QStringLiteral("worker-3"), QStringLiteral("100"), QStringLiteral("10"),
                                         QStringLiteral("9")}));
        proxy.sort(ProcessModel::LastWriteColumn, Qt::AscendingOrder);
        QCOMPARE(column(0), (QStringList{QStringLiteral("9"), QStringLiteral("10"), QStringLiteral("100"),
                                         QStringLiteral("worker-3")}));
        proxy.setFilterText(QStringLiteral("DEAD"));
        QCOMPARE(column(0), (QStringList{QStringLiteral("10"), QStringLiteral("100")}));
        proxy.setFilterText(QStringLiteral("gunicorn"));
        QCOMPARE(column(0), QStringList{QStringLiteral("9")});
        proxy.setFilterText(QStringLiteral("10"));
        QCOMPARE(column(0), (QStringList{QStringLiteral("10"), QStringLiteral("100")}));
        proxy.setFilterText(QString());
        QCOMPARE(proxy.rowCount(), 4);

        QTemporaryDir dir;
        QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_9.db")), {{"c", "c_total", {}, 1.0, 0.0}}));
        QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_10.db")), {{"c", "c_total", {}, 1.0, 0.0}}));
        QVERIFY(writeDb(dir.filePath(QStringLiteral("gauge_livesum_10.db")), {{"g", "g", {}, 1.0, 0.0}}));
        auto fs = std::make_shared<Snapshot>(*snapshotOf(dir.path()));
        fs->sequence = 1;
        fs->fileStale = {0, 0, StaleDeadLiveGauge}; // sorted by name: counter_10, counter_9, gauge_livesum_10
        FilesModel files;
        SnapshotProxyModel fileProxy;
        fileProxy.setSourceModel(&files);
        testerOn(&files);
        testerOn(&fileProxy);
        files.setSnapshot(fs);
        auto names = [&] {
            QStringList out;
            for (int r = 0; r < fileProxy.rowCount(); ++r)
                out << fileProxy.index(r, FilesModel::NameColumn).data().toString();
            return out;
        };
        fileProxy.sort(FilesModel::PidColumn, Qt::AscendingOrder);
        QCOMPARE(names(), (QStringList{QStringLiteral("counter_9.db"), QStringLiteral("counter_10.db"),
                                       QStringLiteral("gauge_livesum_10.db")}));
        fileProxy.setFilterText(QStringLiteral("Live Gauge Of A Dead"));
        QCOMPARE(names(), QStringList{QStringLiteral("gauge_livesum_10.db")});
        fileProxy.setFilterText(QStringLiteral("counter_"));
        QCOMPARE(names(), (QStringList{QStringLiteral("counter_9.db"), QStringLiteral("counter_10.db")}));
        fileProxy.setFilterText(QStringLiteral("COUNTER_9"));
        QCOMPARE(names(), QStringList{QStringLiteral("counter_9.db")});
        fileProxy.setFilterText(QStringLiteral("gauge_livesum_10.dbx"));
        QCOMPARE(names(), QStringList{});
        fileProxy.setFilterText(QStringLiteral("Zähler"));
        QCOMPARE(names(), QStringList{});
    }

    // Sorting by a column's keys (made once per refresh, for speed) orders
    // the rows exactly as comparing them field by field does: every column
    // of processes (odd pids, every state), files (with a folder among them)
    // and pid values.
    void sortKeysAgreeWithLessThan()
    {
        auto sameOrder = [](const SnapshotTableModel &m, int column) {
            std::vector<int> byFields(std::size_t(m.rowCount())), byKeys;
            for (int i = 0; i < m.rowCount(); ++i)
                byFields[std::size_t(i)] = i;
            byKeys = byFields;
            std::stable_sort(byFields.begin(), byFields.end(), [&](int a, int b) { return m.lessThan(a, b, column); });
            std::stable_sort(byKeys.begin(), byKeys.end(), [&](int a, int b) { return m.sortsBefore(a, b, column); });
            return byFields == byKeys;
        };
        auto s = std::make_shared<Snapshot>();
        s->result = std::make_shared<MergeResult>();
        s->sequence = 1;
        const char *pids[] = {"9", "10", "100", "worker-3", "abc", "007", "18446744073709551616", "42"};
        int i = 0;
        for (const char *pid : pids) {
            ProcessStatus p;
            p.pid = pid;
            p.liveness = Liveness(i % 3);
            p.pidReused = i == 4;
            p.files = i % 2;
            p.lastWriteMs = 1000 * (i % 4);
            p.startTimeMs = i == 5 ? 0 : 5000 - i;
            p.staleFiles = i % 3;
            p.series = 7 - i;
            p.cmdline = i % 2 ? "b" : "a";
            s->processes.push_back(p);
            ++i;
        }
        std::sort(s->processes.begin(), s->processes.end(),
                  [](const ProcessStatus &a, const ProcessStatus &b) { return pidLess(a.pid, b.pid); });
        ProcessModel processes;
        processes.setSnapshot(s);
        for (int c = 0; c < ProcessModel::ColumnCount; ++c)
            QVERIFY2(sameOrder(processes, c), qPrintable(QString::number(c)));

        QTemporaryDir dir;
        for (const QString &n : QDir(kFixture).entryList({QStringLiteral("*.db")}))
            QVERIFY(QFile::copy(QDir(kFixture).filePath(n), dir.filePath(n)));
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("folder")));
        auto fs = std::make_shared<Snapshot>(*snapshotOf(dir.path()));
        fs->sequence = 1;
        for (std::size_t f = 0; f < fs->fileStale.size(); ++f)
            fs->fileStale[f] = unsigned(f % 8);
        FilesModel files;
        files.setSnapshot(fs);
        QVERIFY(files.rowCount() > 10);
        for (int c = 0; c < FilesModel::ColumnCount; ++c)
            QVERIFY2(sameOrder(files, c), qPrintable(QString::number(c)));

        PidValuesModel values;
        values.setSnapshot(fs);
        const MetricFamily *f = findFamily(*fs->result, "jobs");
        QVERIFY(f);
        values.setSeries(seriesForSample(*f, f->samples[0]));
        QVERIFY(values.rowCount() > 1);
        for (int c = 0; c < PidValuesModel::ColumnCount; ++c)
            QVERIFY2(sameOrder(values, c), qPrintable(QString::number(c)));
    }

    void processesLiveAndDead()
    {
        QTemporaryDir dir;
        QProcess sleeper;
        const QString live = QString::number(test::startSleeper(sleeper));
        const QString dead = QString::number(test::deadPid());
        QVERIFY(live != QLatin1String("0") && dead != QLatin1String("0"));
        const DbEntry g{"g", "g", {}, 1.0, 0.0};
        QVERIFY(writeDb(dir.filePath(QStringLiteral("gauge_livesum_") + live + QStringLiteral(".db")), {g}));
        QVERIFY(writeDb(dir.filePath(QStringLiteral("gauge_livesum_") + dead + QStringLiteral(".db")), {g}));
        QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_") + dead + QStringLiteral(".db")),
                        {DbEntry{"c", "c_total", {}, 2.0, 0.0}}));

        DirectoryWatcher watcher;
        QSignalSpy spy(&watcher, &DirectoryWatcher::snapshotReady);
        watcher.open(dir.path());
        QVERIFY(spy.wait(30000));
        ProcessModel processes;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&processes);
        proxy.setSortRole(SnapshotTableModel::SortRole);
        testerOn(&processes);
        testerOn(&proxy);
        processes.setSnapshot(watcher.snapshot());
        proxy.sort(ProcessModel::StateColumn);
        QCOMPARE(processes.rowCount(), 2);
        auto rowOf = [&](const QString &pid) {
            for (int r = 0; r < processes.rowCount(); ++r)
                if (processes.index(r, 0).data().toString() == pid)
                    return r;
            return -1;
        };
        const int rl = rowOf(live), rd = rowOf(dead);
        QVERIFY(rl >= 0 && rd >= 0);
        QCOMPARE(processes.index(rl, ProcessModel::StateColumn).data().toString(), QStringLiteral("alive"));
        QCOMPARE(processes.index(rl, ProcessModel::StaleColumn).data().toInt(), 0);
        QCOMPARE(processes.index(rd, ProcessModel::StateColumn).data().toString(), QStringLiteral("dead"));
        QCOMPARE(processes.index(rd, ProcessModel::StaleColumn).data().toInt(), 1);
        QCOMPARE(processes.index(rd, ProcessModel::FilesColumn).data().toInt(), 2);

        FilesModel files;
        testerOn(&files);
        files.setSnapshot(watcher.snapshot());
        const int fr = files.rowOf(QStringLiteral("gauge_livesum_") + dead + QStringLiteral(".db"));
        QCOMPARE(files.index(fr, FilesModel::StaleColumn).data().toString(), QStringLiteral("live gauge of a dead pid"));
        const int fl = files.rowOf(QStringLiteral("gauge_livesum_") + live + QStringLiteral(".db"));
        QCOMPARE(files.index(fl, FilesModel::StaleColumn).data().toString(), QString());
        const int fc = files.rowOf(QStringLiteral("counter_") + dead + QStringLiteral(".db"));
        QCOMPARE(files.index(fc, FilesModel::StaleColumn).data().toString(), QString());
        sleeper.kill();
        sleeper.waitForFinished();
    }
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
