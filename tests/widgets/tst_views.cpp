// The views of Promdir::Widgets as a user drives them: what the user did
// (expanded families, the selected row, a find) survives refreshes.
#include "promdir/expositionview.h"
#include "promdir/filesview.h"
#include "promdir/metricsview.h"
#include "promdir/processview.h"
#include "promdir/serieschartview.h"
#include "promdir/tableactions.h"
#include "promdir/translations.h"
#include "../qt/testdb.h"
#include "../qt/testpids.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QImage>
#include <QValueAxis>
#include <QGuiApplication>
#include <QProcess>
#include <QLineEdit>
#include <QListWidget>
#include <QSet>
#include <QSignalSpy>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace promdir;
using namespace promdir::test;

namespace {
// A snapshot of `dir` as the watcher's refresh number `sequence` would
// make it.
SnapshotPtr snapshotOf(const QString &dir, std::uint64_t sequence, bool local = true)
{
    auto s = std::make_shared<Snapshot>();
    MergeEngine engine(dir.toStdString());
    s->result = engine.refresh();
    s->sequence = sequence;
    s->path = dir;
    s->local = local;
    s->timeMs = QDateTime::currentMSecsSinceEpoch();
    describeProcesses(*s, std::chrono::milliseconds(0));
    return s;
}

QModelIndex familyIndex(MetricsView &view, const QString &family, int sample = -1)
{
    auto *proxy = view.treeView()->model();
    for (int r = 0; r < proxy->rowCount(); ++r) {
        const QModelIndex f = proxy->index(r, 0);
        if (f.data().toString() == family)
            return sample < 0 ? f : proxy->index(sample, 0, f);
    }
    return {};
}
} // namespace

class TestViews : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        promdir::installTranslations(QStringLiteral("en")); // plural forms: "2 pids", not "2 pid(s)"
    }

    // Issue 18.1: a refresh in which a series, a family and a pid appear
    // keeps the expanded family, the selected sample, the selected pid (and
    // Mark Dead with it) and the Exposition view's find.
    void stateSurvivesRefresh()
    {
        QTemporaryDir dir;
        const QString dead = QString::number(deadPid());
        QVERIFY(dead != QLatin1String("0"));
        auto file = [&](const QString &name) { return dir.filePath(name); };
        QVERIFY(writeDb(file(QStringLiteral("counter_") + dead + QStringLiteral(".db")),
                        {{"c", "c_total", {{"a", "1"}}, 1.0, 0.0}, {"d", "d_total", {}, 1.0, 0.0}}));
        QVERIFY(writeDb(file(QStringLiteral("gauge_livesum_") + dead + QStringLiteral(".db")),
                        {{"g", "g", {}, 1.0, 0.0}}));
        const SnapshotPtr first = snapshotOf(dir.path(), 1);

        MetricsView metrics;
        metrics.resize(600, 400);
        metrics.show();
        metrics.setSnapshot(first);
        QModelIndex c = familyIndex(metrics, QStringLiteral("c"));
        QVERIFY(c.isValid());
        metrics.treeView()->expand(c);
        QVERIFY(metrics.select(QStringLiteral("d"), 0));

        ProcessView processes;
        processes.show();
        processes.setSnapshot(first);
        QVERIFY(processes.selectPid(dead));
        QVERIFY(processes.markDeadAction()->isEnabled());

        ExpositionView exposition;
        exposition.resize(600, 400);
        exposition.show();
        exposition.setSnapshot(first);
        exposition.findEdit()->setText(QStringLiteral("d_total"));
        QVERIFY(exposition.findNext());
        QCOMPARE(exposition.editor()->textCursor().selectedText(), QStringLiteral("d_total"));

        // A new pid (sorted first), a new series of c, a new family.
        QVERIFY(writeDb(file(QStringLiteral("counter_2.db")),
                        {{"c", "c_total", {{"a", "2"}}, 1.0, 0.0}, {"b", "b_total", {}, 3.0, 0.0}}));
        const SnapshotPtr second = snapshotOf(dir.path(), 2);
        metrics.setSnapshot(second);
        processes.setSnapshot(second);
        exposition.setSnapshot(second);

        c = familyIndex(metrics, QStringLiteral("c"));
        QVERIFY(c.isValid());
        QCOMPARE(metrics.treeView()->model()->rowCount(c), 2);
        QVERIFY(metrics.treeView()->isExpanded(c));
        const QModelIndex cur = metrics.treeView()->currentIndex();
        QCOMPARE(cur.parent().data().toString(), QStringLiteral("d"));
        QVERIFY(metrics.treeView()->selectionModel()->isSelected(cur));
        QCOMPARE(processes.currentPid(), dead);
        QVERIFY(processes.markDeadAction()->isEnabled());
        QCOMPARE(processes.tableView()->selectionModel()->selectedRows().size(), 1);
        QVERIFY(exposition.editor()->toPlainText().contains(QStringLiteral("b_total")));
        QCOMPARE(exposition.editor()->textCursor().selectedText(), QStringLiteral("d_total"));

        // Another source: nothing is carried over.
        QTemporaryDir other;
        QVERIFY(writeDb(other.filePath(QStringLiteral("counter_") + dead + QStringLiteral(".db")),
                        {{"c", "c_total", {{"a", "1"}}, 1.0, 0.0}}));
        const SnapshotPtr fresh = snapshotOf(other.path(), 1);
        processes.setSnapshot(fresh);
        QCOMPARE(processes.currentPid(), QString());
    }

    // Issue 18.5: an archive packed an hour after its files were last
    // written is judged by its own newest file, not today's clock; without
    // a manifest liveness is unknown and the tooltip says why, and a pid
    // without the live gauge files others have is probably dead.
    void archiveJudgedByItsOwnTime()
    {
        QTemporaryDir dir;
        const QString metrics = dir.filePath(QStringLiteral("metrics"));
        QVERIFY(QDir().mkpath(metrics));
        const QString a = metrics + QStringLiteral("/counter_101.db"), b = metrics + QStringLiteral("/counter_102.db"),
                      g = metrics + QStringLiteral("/gauge_livesum_101.db");
        QVERIFY(writeDb(a, {{"c", "c_total", {}, 1.0, 0.0}}));
        QVERIFY(writeDb(b, {{"c", "c_total", {}, 2.0, 0.0}}));
        QVERIFY(writeDb(g, {{"g", "g", {}, 1.0, 0.0}}));
        // Written three and two hours ago: stale next to each other only
        // when apart by more than the threshold (one hour).
        const QDateTime now = QDateTime::currentDateTime();
        for (const auto &[path, age] : {std::pair{a, 2}, std::pair{b, 3}, std::pair{g, 2}}) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(now.addSecs(-3600 * age), QFileDevice::FileModificationTime));
        }
        QProcess tar;
        const QString tgz = dir.filePath(QStringLiteral("case.tgz"));
        tar.start(QStringLiteral("tar"), {QStringLiteral("-czf"), tgz, QStringLiteral("-C"), dir.path(),
                                          QStringLiteral("metrics")});
        QVERIFY(tar.waitForFinished(60000) && tar.exitCode() == 0);

        auto s = std::make_shared<Snapshot>();
        MergeEngine engine(tgz.toStdString());
        s->result = engine.refresh();
        QVERIFY(s->result->load.ok);
        s->sequence = 1;
        s->path = tgz;
        s->local = false;
        s->timeMs = QDateTime::currentMSecsSinceEpoch();
        describeProcesses(*s, std::chrono::hours(1));
        QCOMPARE(s->staleFileCount(), std::size_t(0));
        QCOMPARE(s->referenceMs / 1000, now.addSecs(-7200).toMSecsSinceEpoch() / 1000);
        describeProcesses(*s, std::chrono::minutes(30));
        QCOMPARE(s->staleFileCount(), std::size_t(1)); // counter_102.db, an hour older than the newest

        ProcessModel model;
        model.setSnapshot(s);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, ProcessModel::StateColumn).data().toString(), QStringLiteral("unknown"));
        QCOMPARE(model.index(1, ProcessModel::StateColumn).data().toString(), QStringLiteral("unknown (probably dead)"));
        const QString why = model.index(1, ProcessModel::StateColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(why.contains(QStringLiteral("no manifest")), qPrintable(why));
        QVERIFY(why.contains(QStringLiteral("no live gauge files")));
    }

    // Issue 16.2: the merged value in its own small chart (one value axis
    // per chart), axes from zero for data that is never negative, a dead
    // pid's line ending where it last wrote, a rate mode for counters that
    // takes a drop as a restart, and hovering saying pid, time and value.
    void chartRateMergedAndDeadEnds()
    {
        SeriesChartView view;
        view.resize(900, 600);
        view.show();
        auto snap = std::make_shared<Snapshot>();
        snap->result = std::make_shared<MergeResult>();
        ProcessStatus dead;
        dead.pid = "101";
        dead.liveness = Liveness::Dead;
        dead.lastWriteMs = 3000;
        ProcessStatus alive;
        alive.pid = "102";
        alive.liveness = Liveness::Alive;
        snap->processes = {dead, alive};
        view.setSnapshot(snap);
        const SeriesId id{"c", "c_total", {}};
        view.setSeries(id, QStringLiteral("c_total"), MetricType::Counter);
        QVERIFY(view.rateAvailable());
        QVERIFY(view.modeBox()->isEnabled());
        auto tl = std::make_shared<SeriesTimeline>();
        tl->series = id;
        tl->type = MetricType::Counter;
        tl->fromMs = 1000;
        tl->toMs = 10000;
        tl->pids.push_back({"101", {{1000, 0.0, 0.0, true}, {2000, 10.0, 0.0, true}}});
        // 102 restarted at 4000 (its counter from 0 again).
        tl->pids.push_back({"102", {{1000, 0.0, 0.0, true}, {2000, 10.0, 0.0, true}, {4000, 2.0, 0.0, true},
                                    {6000, 6.0, 0.0, true}}});
        tl->merged = {{1000, 0.0, 0.0, true}, {2000, 20.0, 0.0, true}, {4000, 12.0, 0.0, true}, {6000, 16.0, 0.0, true}};
        view.setTimeline(tl);

        QCOMPARE(view.chart()->series().size(), 2);
        QCOMPARE(view.chart()->axes(Qt::Vertical).size(), 1);
        QCOMPARE(view.mergedChart()->series().size(), 1);
        QCOMPARE(view.mergedChart()->axes(Qt::Vertical).size(), 1);
        QVERIFY(view.mergedChartView()->isVisible());
        QCOMPARE(view.valueAxis()->min(), 0.0);
        QCOMPARE(view.mergedValueAxis()->min(), 0.0);
        QCOMPARE(view.mergedTimeAxis()->min(), view.timeAxis()->min());
        QCOMPARE(view.mergedTimeAxis()->max(), view.timeAxis()->max());
        // The dead pid's line ends at its last write; the live one's at now.
        QCOMPARE(view.linePoints(QStringLiteral("101")).last(), QPointF(3000, 10));
        QCOMPARE(view.linePoints(QStringLiteral("102")).last(), QPointF(10000, 6));

        // Hovering: pid, clock time, value of the step under the pointer.
        const QString tip = view.hoverText(QStringLiteral("102"), QPointF(2500, 7));
        QVERIFY2(tip.contains(QStringLiteral("pid 102")), qPrintable(tip));
        QVERIFY2(tip.contains(QDateTime::fromMSecsSinceEpoch(2500).toString(QStringLiteral("HH:mm:ss"))), qPrintable(tip));
        QVERIFY2(tip.endsWith(QStringLiteral("10")), qPrintable(tip));
        QVERIFY(view.hoverText(QString(), QPointF(4500, 0)).contains(QStringLiteral("12")));

        // Rate over 30 s: never negative through the restart, on both charts.
        view.setRateWindow(30000);
        QVERIFY(view.showingRate());
        QVERIFY(view.valueAxis()->titleText().contains(QStringLiteral("Rate")));
        for (const QString &line : {QStringLiteral("101"), QStringLiteral("102"), QString()}) {
            const QList<QPointF> pts = view.linePoints(line);
            QVERIFY2(!pts.isEmpty(), qPrintable(line));
            for (const QPointF &p : pts)
                QVERIFY2(p.y() >= 0, qPrintable(line + QLatin1Char(' ') + QString::number(p.y())));
        }
        // 102 at 6000: 10 + 2 + 4 = 16 over the 5 s it has: 3.2 per second.
        bool seen = false;
        for (const QPointF &p : view.linePoints(QStringLiteral("102")))
            seen = seen || (p.x() == 6000 && qFuzzyCompare(p.y(), 3.2));
        QVERIFY(seen);
        QCOMPARE(view.linePoints(QStringLiteral("101")).last().x(), 3000.0);
        QVERIFY(view.hoverText(QStringLiteral("102"), QPointF(6500, 0)).contains(QStringLiteral("per second")));
        QCOMPARE(view.valueAxis()->min(), 0.0);

        // A gauge: raw values only.
        const SeriesId g{"g", "g", {}};
        view.setSeries(g, QStringLiteral("g"), MetricType::Gauge);
        QVERIFY(!view.rateAvailable());
        QVERIFY(!view.modeBox()->isEnabled());
        QVERIFY(!view.showingRate());
    }

    // Issue 16.1: a refresh that found nothing new moves only the clock;
    // the chart follows it every few seconds, not on every refresh; a new
    // value is drawn at once.
    void chartFollowsTheClockLazily()
    {
        SeriesChartView view;
        view.resize(900, 600);
        view.show();
        view.setClockStep(3600 * 1000); // never within this test
        const SeriesId id{"c", "c_total", {}};
        view.setSeries(id, QStringLiteral("c_total"), MetricType::Counter);
        auto timeline = [&](std::int64_t toMs, bool newValue) {
            auto tl = std::make_shared<SeriesTimeline>();
            tl->series = id;
            tl->type = MetricType::Counter;
            tl->fromMs = toMs - 60000;
            tl->toMs = toMs;
            tl->pids.push_back({"101", {{1000, 1.0, 0.0, true}}});
            if (newValue)
                tl->pids.back().points.push_back({11500, 2.0, 0.0, true});
            tl->merged = tl->pids.back().points;
            return TimelinePtr(tl);
        };
        view.setTimeline(timeline(10000, false));
        QCOMPARE(view.timeAxis()->max().toMSecsSinceEpoch(), 10000);
        view.setTimeline(timeline(11000, false));
        QCOMPARE(view.timeAxis()->max().toMSecsSinceEpoch(), 10000);
        QCOMPARE(view.linePoints(QStringLiteral("101")).last().x(), 10000.0);
        view.setTimeline(timeline(12000, true));
        QCOMPARE(view.timeAxis()->max().toMSecsSinceEpoch(), 12000);
        QCOMPARE(view.linePoints(QStringLiteral("101")).last(), QPointF(12000, 2));
        // Only the clock again; then a change of mode draws the newest.
        view.setTimeline(timeline(13000, true));
        QCOMPARE(view.timeAxis()->max().toMSecsSinceEpoch(), 12000);
        view.setRateWindow(30000);
        QCOMPARE(view.timeAxis()->max().toMSecsSinceEpoch(), 13000);
    }

    // Issue 18.7: every pid its own colour, a legend that scrolls and lists
    // new pids, NaN said.
    void legendDistinctAndScrollable()
    {
        SeriesChartView view;
        view.resize(900, 500);
        view.show();
        const SeriesId id{"c", "c_total", {}};
        view.setSeries(id, QStringLiteral("c_total"));
        auto timeline = [&](int pids) {
            auto tl = std::make_shared<SeriesTimeline>();
            tl->series = id;
            tl->fromMs = 1000;
            tl->toMs = 5000;
            for (int i = 0; i < pids; ++i)
                tl->pids.push_back({std::to_string(100 + i),
                                    {{1000, double(i), 0.0, true}, {3000, i == 3 ? std::nan("") : double(i + 1), 0.0, true}}});
            tl->merged = {{1000, 1.0, 0.0, true}};
            return TimelinePtr(tl);
        };
        view.setTopCount(-1); // every pid its line
        view.setTimeline(timeline(12));
        QListWidget *legend = view.legend();
        QCOMPARE(legend->count(), 13); // merged and 12 pids
        QVERIFY(legend->verticalScrollBarPolicy() != Qt::ScrollBarAlwaysOff);
        QSet<QRgb> colours;
        for (int i = 0; i < 12; ++i)
            colours.insert(view.colourOf(QString::number(100 + i)).rgb());
        QCOMPARE(colours.size(), 12);
        const auto nan = legend->findItems(QStringLiteral("pid 103"), Qt::MatchStartsWith);
        QVERIFY(nan.size() == 1);
        QVERIFY2(nan.first()->text().contains(QStringLiteral("NaN")), qPrintable(nan.first()->text()));
        // A new pid is listed; colours already given stay.
        const QRgb before = view.colourOf(QStringLiteral("105")).rgb();
        view.setTimeline(timeline(30));
        QCOMPARE(legend->count(), 31);
        QCOMPARE(view.colourOf(QStringLiteral("105")).rgb(), before);
        QVERIFY(legend->findItems(QStringLiteral("pid 129"), Qt::MatchStartsWith).size() == 1);
        // Zoomed in, the ranges stay through refreshes until Reset Zoom.
        const double span = view.valueAxis()->max() - view.valueAxis()->min();
        view.chart()->zoom(2.0);
        view.setFollowing(false);
        view.setTimeline(timeline(30));
        QVERIFY(view.valueAxis()->max() - view.valueAxis()->min() < span);
        view.resetZoom();
        QVERIFY(view.isFollowing());
        QVERIFY(view.valueAxis()->max() - view.valueAxis()->min() >= span);
        QTemporaryDir out;
        const QString png = out.filePath(QStringLiteral("chart.png"));
        QVERIFY(view.saveChart(png));
        QVERIFY(!QImage(png).isNull());
        // Unticking hides the line.
        legend->item(1)->setCheckState(Qt::Unchecked);
        view.setTimeline(timeline(30));
        QCOMPARE(legend->item(1)->checkState(), Qt::Unchecked);
    }

    // Issue 16.4: with many pids, lines for the N with the highest values
    // (N chosen by the user; running pids first), the rest summed in one
    // "others" line in the small chart above, said in the legend and a
    // note; a dead pid among the highest keeps its line, ending where it
    // last wrote; in rate mode the highest rates win.
    void chartTopPidsAndOthers()
    {
        SeriesChartView view;
        view.resize(900, 600);
        view.show();
        auto snap = std::make_shared<Snapshot>();
        snap->result = std::make_shared<MergeResult>();
        for (int i = 0; i < 12; ++i) {
            ProcessStatus p;
            p.pid = std::to_string(100 + i);
            p.liveness = i == 0 ? Liveness::Alive : Liveness::Dead;
            p.lastWriteMs = 4000;
            snap->processes.push_back(p);
        }
        view.setSnapshot(snap);
        const SeriesId id{"c", "c_total", {}};
        view.setSeries(id, QStringLiteral("c_total"), MetricType::Counter);
        QCOMPARE(view.topCount(), int(SeriesChartView::kDefaultTopCount));
        // pid 100+i holds 10 * i from 1000 on; 100 also grows fast late.
        auto tl = std::make_shared<SeriesTimeline>();
        tl->series = id;
        tl->type = MetricType::Counter;
        tl->fromMs = 1000;
        tl->toMs = 10000;
        double total = 0;
        for (int i = 0; i < 12; ++i) {
            PidTimeline p{std::to_string(100 + i), {{1000, 10.0 * i, 0.0, true}}};
            if (i == 0)
                p.points.push_back({9000, 5.0, 0.0, true});
            total += p.points.back().value;
            tl->pids.push_back(p);
        }
        tl->merged = {{1000, total, 0.0, true}};
        view.setTimeline(tl);

        // 10 lines: 100 (running) first, then the dead 111 down to 103;
        // 101 (10) and 102 (20) summed.
        QCOMPARE(view.chart()->series().size(), 10);
        QCOMPARE(view.mergedChart()->series().size(), 2);
        QCOMPARE(view.legend()->count(), 12);
        QVERIFY2(view.legend()->item(1)->text().startsWith(QStringLiteral("others (2 pids) = 30")),
                 qPrintable(view.legend()->item(1)->text()));
        QVERIFY2(view.legend()->item(2)->text().startsWith(QStringLiteral("pid 100 = 5")),
                 qPrintable(view.legend()->item(2)->text()));
        QVERIFY2(view.legend()->item(3)->text().startsWith(QStringLiteral("pid 111 (dead) = 110")),
                 qPrintable(view.legend()->item(3)->text()));
        QVERIFY(view.legend()->findItems(QStringLiteral("pid 102"), Qt::MatchStartsWith).isEmpty());
        QVERIFY(!view.legend()->findItems(QStringLiteral("pid 103"), Qt::MatchStartsWith).isEmpty());
        QVERIFY2(view.note().contains(QStringLiteral("the other 2")), qPrintable(view.note()));
        QCOMPARE(view.linePoints(SeriesChartView::othersLine()).last(), QPointF(10000, 30));
        QCOMPARE(view.linePoints(QStringLiteral("111")).last(), QPointF(4000, 110));
        QVERIFY(view.hoverText(SeriesChartView::othersLine(), QPointF(9500, 0)).startsWith(QStringLiteral("others (2 pids)")));
        QVERIFY(view.mergedValueAxis()->max() >= total);
        QCOMPARE(view.mergedValueAxis()->min(), 0.0);

        view.setTopCount(5);
        QCOMPARE(view.chart()->series().size(), 5);
        QVERIFY(view.legend()->item(1)->text().startsWith(QStringLiteral("others (7 pids) = 280")));
        view.setTopCount(-1);
        QCOMPARE(view.chart()->series().size(), 12);
        QCOMPARE(view.mergedChart()->series().size(), 1);
        QVERIFY(view.note().isEmpty());
        QVERIFY(view.linePoints(SeriesChartView::othersLine()).isEmpty());

        // By rate: only 100 changed (a restart to 5 within the window); it
        // runs, and the dead ones tie at 0.
        view.setTopCount(5);
        view.setRateWindow(30000);
        QVERIFY(view.showingRate());
        QVERIFY2(view.legend()->item(2)->text().startsWith(QStringLiteral("pid 100")),
                 qPrintable(view.legend()->item(2)->text()));
        QVERIFY(view.note().contains(QStringLiteral("highest rates")));
    }

    // Every table: Copy Rows (tab-separated, with the header) and Export
    // as CSV in its context menu.
    // A filter that hides rows here and there changes the table in one
    // step: removed row by row (one rowsRemoved per run of hidden rows),
    // each run cost the table's headers a pass over every row, which at
    // 70,000 files made QHeaderView::isSectionHidden a third of a
    // keystroke's work. The rows shown and the selected file stay right.
    void filterChangesTheTableInOneStep()
    {
        QTemporaryDir dir;
        for (int pid = 100; pid < 140; ++pid)
            QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_%1.db").arg(pid)), {{"c", "c_total", {}, 1.0, 0.0}}));
        FilesView view;
        view.show();
        view.setSnapshot(snapshotOf(dir.path(), 1, false));
        QVERIFY(view.selectFile(QStringLiteral("counter_115.db")));
        QAbstractItemModel *proxy = view.tableView()->model();
        QCOMPARE(proxy->rowCount(), 40);
        QSignalSpy removed(proxy, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(proxy, &QAbstractItemModel::rowsInserted);
        QSignalSpy layout(proxy, &QAbstractItemModel::layoutChanged);
        view.filterEdit()->setText(QStringLiteral("5")); // 105, 115, 125, 135: five runs hidden
        QCOMPARE(proxy->rowCount(), 4);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(layout.count(), 1);
        QCOMPARE(view.tableView()->currentIndex().data().toString(), QStringLiteral("counter_115.db"));
        view.filterEdit()->setText(QString());
        QCOMPARE(proxy->rowCount(), 40);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(layout.count(), 2);
        QCOMPARE(view.tableView()->currentIndex().data().toString(), QStringLiteral("counter_115.db"));
    }

    void tablesCopyAndExport()
    {
        QTemporaryDir dir;
        QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_101.db")), {{"c", "c_total", {}, 1.0, 0.0}}));
        QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_102.db")), {{"c", "c_total", {}, 2.0, 0.0}}));
        ProcessView view;
        view.show();
        view.setSnapshot(snapshotOf(dir.path(), 1, false));
        QTableView *table = view.tableView();
        // The filter box finds a pid; selecting one it hides clears it.
        view.filterEdit()->setText(QStringLiteral("101"));
        QCOMPARE(table->model()->rowCount(), 1);
        QVERIFY(view.selectPid(QStringLiteral("102")));
        QCOMPARE(view.filterEdit()->text(), QString());
        QCOMPARE(table->model()->rowCount(), 2);
        QAction *copy = table->findChild<QAction *>(QStringLiteral("copyRows"));
        QVERIFY(copy && table->actions().contains(copy));
        QVERIFY(table->actions().contains(view.markDeadAction()));
        QVERIFY(table->findChild<QAction *>(QStringLiteral("exportCsv")));
        copy->trigger();
        const QStringList lines = QGuiApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith(QStringLiteral("PID\tState")));
        QVERIFY(lines[1].startsWith(QStringLiteral("102\tunknown")));
        const QString csv = dir.filePath(QStringLiteral("t.csv"));
        QVERIFY(exportTableCsv(table, csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = f.readAll().split('\n');
        QCOMPARE(rows.size(), 4); // header, two rows, the final newline
        QVERIFY(rows[0].startsWith("PID,State,"));
        QVERIFY(rows[1].startsWith("101,unknown,"));
    }

    // Issue 18: the Metrics tree has the tables' Copy Rows and Export as
    // CSV; each row names its family, series of collapsed families are
    // exported too.
    void metricsTreeCopyAndExport()
    {
        QTemporaryDir dir;
        QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_101.db")),
                        {{"c", "c_total", {{"a", "1"}}, 1.0, 0.0}, {"c", "c_total", {{"a", "2"}}, 2.0, 0.0},
                         {"d", "d_total", {}, 3.0, 0.0}}));
        MetricsView view;
        view.resize(700, 400);
        view.show();
        view.setSnapshot(snapshotOf(dir.path(), 1, false));
        QTreeView *tree = view.treeView();
        QAction *copy = tree->findChild<QAction *>(QStringLiteral("copyRows"));
        QVERIFY(copy && tree->actions().contains(copy));
        QVERIFY(tree->actions().contains(tree->findChild<QAction *>(QStringLiteral("exportCsv"))));
        QCOMPARE(tree->contextMenuPolicy(), Qt::ActionsContextMenu);
        QVERIFY(view.select(QStringLiteral("c"), 1));
        copy->trigger();
        const QStringList lines = QGuiApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].startsWith(QStringLiteral("Family\tName\tType\tMerged value")), qPrintable(lines[0]));
        QVERIFY2(lines[1].startsWith(QStringLiteral("c\ta=2\t\t2")), qPrintable(lines[1]));
        // A family and one of its series, both selected: both, in order.
        tree->selectionModel()->select(familyIndex(view, QStringLiteral("d")),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
        copy->trigger();
        const QStringList two = QGuiApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(two.size(), 3);
        QVERIFY2(two[2].startsWith(QStringLiteral("d\td\tcounter")), qPrintable(two[2]));

        tree->collapseAll();
        const QString csv = dir.filePath(QStringLiteral("m.csv"));
        QVERIFY(exportTableCsv(tree, csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = f.readAll().split('\n');
        QCOMPARE(rows.size(), 7); // header, c, its two series, d, its series, the final newline
        QVERIFY(rows[0].startsWith("Family,Name,Type,Merged value"));
        QVERIFY2(rows[1].startsWith("c,c,counter,"), rows[1].constData());
        QVERIFY2(rows[2].startsWith("c,a=1,,1"), rows[2].constData());
        QVERIFY2(rows[5].startsWith("d,d_total,,3"), rows[5].constData());
    }
};

QTEST_MAIN(TestViews)
#include "tst_views.moc"
