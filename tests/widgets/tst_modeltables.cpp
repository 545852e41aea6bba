// The models of Promdir::Widgets on the client_python fixture, flattened
// to text (header, then every row and column as shown, a tree's children
// indented by depth) and compared whole with a table written here, so that
// any change in what a model shows is a readable diff.
//
// Nothing in the tables depends on the machine or the clock: the fixture is
// copied with fixed modification times, liveness comes from a manifest (as
// for an archive packed elsewhere) instead of this machine's processes,
// and the locale (en_US) and time zone (UTC) are set here.
//
// The tables were checked row by row against what they show, not only
// taken from the models: values against the fixture's expected-current.prom
// (printed by the Python client), file sizes and entries against the files,
// gauge modes against the reference's rules (tests/core/referencemerge.h).
// When a model changes on purpose, the failure prints the new table as C++.
#include "promdir/filesmodel.h"
#include "promdir/gaugemodesmodel.h"
#include "promdir/histogrammodel.h"
#include "promdir/metricsmodel.h"
#include "promdir/pidvaluesmodel.h"
#include "promdir/processmodel.h"
#include "promdir/archive/manifest.h"
#include "promdir/engine/mergeengine.h"
#include "promdir/snapshot.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>

using namespace promdir;

namespace {

const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");
// 2026-12-01 12:00:00 UTC: the fixture's files are written a minute apart
// per pid from then on, and the snapshot is taken an hour later.
constexpr std::int64_t kBase = 1796126400;

// One line a row: "cell | cell | ...", children indented two spaces per
// depth, a line break inside a cell shown as " ⏎ ".
void appendRows(QStringList &out, const QAbstractItemModel *model, const QModelIndex &parent, int depth)
{
    for (int r = 0; r < model->rowCount(parent); ++r) {
        QStringList cells;
        for (int c = 0; c < model->columnCount(parent); ++c)
            cells << model->index(r, c, parent).data().toString().replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
        out << QString(depth * 2, QLatin1Char(' ')) + cells.join(QLatin1String(" | "));
        const QModelIndex child = model->index(r, 0, parent);
        if (model->hasChildren(child))
            appendRows(out, model, child, depth + 1);
    }
}

QStringList table(const QAbstractItemModel *model)
{
    QStringList header;
    for (int c = 0; c < model->columnCount(); ++c)
        header << model->headerData(c, Qt::Horizontal).toString();
    QStringList out{header.join(QLatin1String(" | "))};
    appendRows(out, model, {}, 0);
    return out;
}

// The table as the C++ this file holds, to paste after checking it.
QString asCpp(const QStringList &lines)
{
    QString out;
    for (QString l : lines)
        out += QLatin1String("        QStringLiteral(\"")
               + l.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""))
               + QLatin1String("\"),\n");
    return out;
}

template<typename M>
void testerOn(M *model)
{
    new QAbstractItemModelTester(model, QAbstractItemModelTester::FailureReportingMode::QtTest, model);
}

// A copy of the fixture whose files were last written at fixed times, and
// its snapshot with the liveness a manifest gives: 101 and 103 running,
// 102 and 104 gone (the fixture's client marked them dead).
class FixtureSnapshot
{
public:
    bool make()
    {
        if (!m_dir.isValid())
            return false;
        const QDir src(kFixture);
        for (const QString &name : src.entryList(QDir::Files)) {
            const QString to = m_dir.filePath(name);
            if (!QFile::copy(src.filePath(name), to))
                return false;
            const std::int64_t pid = name.section(QLatin1Char('_'), -1).chopped(3).toLongLong();
            const struct timespec t[2] = {{kBase + (pid - 100) * 60, 0}, {kBase + (pid - 100) * 60, 0}};
            if (utimensat(AT_FDCWD, QFile::encodeName(to).constData(), t, 0) != 0)
                return false;
        }
        MergeEngine engine(m_dir.path().toStdString());
        auto result = std::make_shared<MergeResult>(*engine.refresh());
        Manifest manifest;
        const double started = double(kBase) - 7200;
        manifest.processes = {
            {"101", Liveness::Alive, started, "gunicorn: worker [app]", ""},
            {"102", Liveness::Dead, std::nullopt, "", ""},
            {"103", Liveness::Alive, started + 5.5, "gunicorn: worker [app]", ""},
            {"104", Liveness::Dead, std::nullopt, "", "exited"},
        };
        result->load.manifest = manifest;
        auto s = std::make_shared<Snapshot>();
        s->sequence = 1;
        s->path = m_dir.path();
        s->local = false;
        s->timeMs = (kBase + 3600) * 1000;
        s->result = result;
        describeProcesses(*s, std::chrono::milliseconds(0));
        m_snapshot = s;
        return true;
    }
    SnapshotPtr snapshot() const { return m_snapshot; }
    std::shared_ptr<const ParsedFile> file(const std::string &name) const
    {
        for (const auto &f : m_snapshot->result->load.files)
            if (f->name == name)
                return f;
        return nullptr;
    }

private:
    QTemporaryDir m_dir;
    SnapshotPtr m_snapshot;
};

} // namespace

class TestModelTables : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qputenv("TZ", "UTC");
        tzset();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(m_fixture.make());
    }

    void processes()
    {
        ProcessModel model;
        testerOn(&model);
        model.setSnapshot(m_fixture.snapshot());
        compare(table(&model),
                {
                    QStringLiteral("PID | State | Started | Files | Last write | Stale files | Series | Command"),
                    QStringLiteral("101 | alive | 12/1/26 10:00:00 AM | 13 | 12/1/26 12:01:00 PM | 0 | 69 | gunicorn: worker [app]"),
                    QStringLiteral("102 | dead |  | 8 | 12/1/26 12:02:00 PM | 5 | 60 | "),
                    QStringLiteral("103 | alive | 12/1/26 10:00:05 AM | 13 | 12/1/26 12:03:00 PM | 0 | 69 | gunicorn: worker [app]"),
                    QStringLiteral("104 | dead |  | 8 | 12/1/26 12:04:00 PM | 5 | 60 | "),
                });
    }

    void files()
    {
        FilesModel model;
        testerOn(&model);
        model.setSnapshot(m_fixture.snapshot());
        compare(table(&model),
                {
                    QStringLiteral("File | Type | Mode | PID | Generation | Size | Used | Entries | Stale | Problems"),
                    QStringLiteral("counter_101.db | counter |  | 101 | 4 | 64.0 KiB | 1.7 KiB | 13 |  | "),
                    QStringLiteral("counter_102.db | counter |  | 102 | 4 | 64.0 KiB | 1.7 KiB | 13 |  | "),
                    QStringLiteral("counter_103.db | counter |  | 103 | 4 | 64.0 KiB | 1.7 KiB | 13 |  | "),
                    QStringLiteral("counter_104.db | counter |  | 104 | 4 | 64.0 KiB | 1.7 KiB | 13 |  | "),
                    QStringLiteral("gauge_all_101.db | gauge | all | 101 | 4 | 64.0 KiB | 88 bytes | 1 |  | "),
                    QStringLiteral("gauge_all_102.db | gauge | all | 102 | 4 | 64.0 KiB | 88 bytes | 1 | gauge of a dead pid | "),
                    QStringLiteral("gauge_all_103.db | gauge | all | 103 | 4 | 64.0 KiB | 88 bytes | 1 |  | "),
                    QStringLiteral("gauge_all_104.db | gauge | all | 104 | 4 | 64.0 KiB | 88 bytes | 1 | gauge of a dead pid | "),
                    QStringLiteral("gauge_liveall_101.db | gauge | liveall | 101 | 4 | 64.0 KiB | 96 bytes | 1 |  | "),
                    QStringLiteral("gauge_liveall_103.db | gauge | liveall | 103 | 4 | 64.0 KiB | 96 bytes | 1 |  | "),
                    QStringLiteral("gauge_livemax_101.db | gauge | livemax | 101 | 4 | 64.0 KiB | 184 bytes | 2 |  | "),
                    QStringLiteral("gauge_livemax_103.db | gauge | livemax | 103 | 4 | 64.0 KiB | 184 bytes | 2 |  | "),
                    QStringLiteral("gauge_livemin_101.db | gauge | livemin | 101 | 4 | 64.0 KiB | 184 bytes | 2 |  | "),
                    QStringLiteral("gauge_livemin_103.db | gauge | livemin | 103 | 4 | 64.0 KiB | 184 bytes | 2 |  | "),
                    QStringLiteral("gauge_livemostrecent_101.db | gauge | livemostrecent | 101 | 4 | 64.0 KiB | 232 bytes | 2 |  | "),
                    QStringLiteral("gauge_livemostrecent_103.db | gauge | livemostrecent | 103 | 4 | 64.0 KiB | 232 bytes | 2 |  | "),
                    QStringLiteral("gauge_livesum_101.db | gauge | livesum | 101 | 4 | 64.0 KiB | 184 bytes | 2 |  | "),
                    QStringLiteral("gauge_livesum_103.db | gauge | livesum | 103 | 4 | 64.0 KiB | 184 bytes | 2 |  | "),
                    QStringLiteral("gauge_max_101.db | gauge | max | 101 | 4 | 64.0 KiB | 168 bytes | 2 |  | "),
                    QStringLiteral("gauge_max_102.db | gauge | max | 102 | 4 | 64.0 KiB | 168 bytes | 2 | gauge of a dead pid | "),
                    QStringLiteral("gauge_max_103.db | gauge | max | 103 | 4 | 64.0 KiB | 168 bytes | 2 |  | "),
                    QStringLiteral("gauge_max_104.db | gauge | max | 104 | 4 | 64.0 KiB | 168 bytes | 2 | gauge of a dead pid | "),
                    QStringLiteral("gauge_min_101.db | gauge | min | 101 | 4 | 64.0 KiB | 168 bytes | 2 |  | "),
                    QStringLiteral("gauge_min_102.db | gauge | min | 102 | 4 | 64.0 KiB | 168 bytes | 2 | gauge of a dead pid | "),
                    QStringLiteral("gauge_min_103.db | gauge | min | 103 | 4 | 64.0 KiB | 168 bytes | 2 |  | "),
                    QStringLiteral("gauge_min_104.db | gauge | min | 104 | 4 | 64.0 KiB | 168 bytes | 2 | gauge of a dead pid | "),
                    QStringLiteral("gauge_mostrecent_101.db | gauge | mostrecent | 101 | 4 | 64.0 KiB | 200 bytes | 2 |  | "),
                    QStringLiteral("gauge_mostrecent_102.db | gauge | mostrecent | 102 | 4 | 64.0 KiB | 200 bytes | 2 | gauge of a dead pid | "),
                    QStringLiteral("gauge_mostrecent_103.db | gauge | mostrecent | 103 | 4 | 64.0 KiB | 200 bytes | 2 |  | "),
                    QStringLiteral("gauge_mostrecent_104.db | gauge | mostrecent | 104 | 4 | 64.0 KiB | 200 bytes | 2 | gauge of a dead pid | "),
                    QStringLiteral("gauge_sum_101.db | gauge | sum | 101 | 4 | 64.0 KiB | 168 bytes | 2 |  | "),
                    QStringLiteral("gauge_sum_102.db | gauge | sum | 102 | 4 | 64.0 KiB | 168 bytes | 2 | gauge of a dead pid | "),
                    QStringLiteral("gauge_sum_103.db | gauge | sum | 103 | 4 | 64.0 KiB | 168 bytes | 2 |  | "),
                    QStringLiteral("gauge_sum_104.db | gauge | sum | 104 | 4 | 64.0 KiB | 168 bytes | 2 | gauge of a dead pid | "),
                    QStringLiteral("histogram_101.db | histogram |  | 101 | 4 | 64.0 KiB | 4.0 KiB | 36 |  | "),
                    QStringLiteral("histogram_102.db | histogram |  | 102 | 4 | 64.0 KiB | 4.0 KiB | 36 |  | "),
                    QStringLiteral("histogram_103.db | histogram |  | 103 | 4 | 64.0 KiB | 4.0 KiB | 36 |  | "),
                    QStringLiteral("histogram_104.db | histogram |  | 104 | 4 | 64.0 KiB | 4.0 KiB | 36 |  | "),
                    QStringLiteral("summary_101.db | summary |  | 101 | 4 | 64.0 KiB | 216 bytes | 2 |  | "),
                    QStringLiteral("summary_102.db | summary |  | 102 | 4 | 64.0 KiB | 216 bytes | 2 |  | "),
                    QStringLiteral("summary_103.db | summary |  | 103 | 4 | 64.0 KiB | 216 bytes | 2 |  | "),
                    QStringLiteral("summary_104.db | summary |  | 104 | 4 | 64.0 KiB | 216 bytes | 2 |  | "),
                });
    }

    void entries()
    {
        EntriesModel model;
        testerOn(&model);
        model.setFile(m_fixture.file("gauge_mostrecent_101.db"));
        compare(table(&model),
                {
                    QStringLiteral("Offset | Metric | Sample | Labels | Value | Timestamp"),
                    QStringLiteral("8 | g_mostrecent | g_mostrecent | kind=\"x\" | NaN | 11/24/26 2:43:55 PM"),
                    QStringLiteral("104 | g_mostrecent | g_mostrecent | kind=\"y\" | 8 | 11/24/26 2:43:55 PM"),
                });
    }

    void metricsTree()
    {
        MetricsModel model;
        testerOn(&model);
        model.setSnapshot(m_fixture.snapshot());
        compare(table(&model),
                {
                    QStringLiteral("Name | Type | Merged value | Label 1 | Label 2 | Label 3 | Label 4 | Series | Help"),
                    QStringLiteral("app_worker_errors | counter |  |  |  |  |  | 1 | Errors"),
                    QStringLiteral("  app_worker_errors_total |  | 6 |  |  |  |  |  | "),
                    QStringLiteral("jobs | counter |  | queue | state |  |  | 12 | Jobs processed. ⏎ Second line with back\\slash"),
                    QStringLiteral("  queue=plain state=done |  | 10 | plain | done |  |  |  | "),
                    QStringLiteral("  queue=plain state=failed |  | 5 | plain | failed |  |  |  | "),
                    QStringLiteral("  queue=\"café 日本\" state=done |  | 14 | café 日本 | done |  |  |  | "),
                    QStringLiteral("  queue=\"café 日本\" state=failed |  | 5 | café 日本 | failed |  |  |  | "),
                    QStringLiteral("  queue=\"quote\\\"d\" state=done |  | 18 | quote\"d | done |  |  |  | "),
                    QStringLiteral("  queue=\"quote\\\"d\" state=failed |  | 5 | quote\"d | failed |  |  |  | "),
                    QStringLiteral("  queue=back\\slash state=done |  | 22 | back\\slash | done |  |  |  | "),
                    QStringLiteral("  queue=back\\slash state=failed |  | 5 | back\\slash | failed |  |  |  | "),
                    QStringLiteral("  queue=new\\nline state=done |  | 26 | new\\nline | done |  |  |  | "),
                    QStringLiteral("  queue=new\\nline state=failed |  | 5 | new\\nline | failed |  |  |  | "),
                    QStringLiteral("  queue=\"\" state=done |  | 30 |  | done |  |  |  | "),
                    QStringLiteral("  queue=\"\" state=failed |  | 5 |  | failed |  |  |  | "),
                    QStringLiteral("g_all | gauge (all) |  | kind | pid |  |  | 4 | Gauge in mode all"),
                    QStringLiteral("  kind=x pid=101 |  | 1 | x | 101 |  |  |  | "),
                    QStringLiteral("  kind=x pid=102 |  | 0 | x | 102 |  |  |  | "),
                    QStringLiteral("  kind=x pid=103 |  | -3.5 | x | 103 |  |  |  | "),
                    QStringLiteral("  kind=x pid=104 |  | 1,234,567 | x | 104 |  |  |  | "),
                    QStringLiteral("g_liveall | gauge (liveall) |  | kind | pid |  |  | 2 | Gauge in mode liveall"),
                    QStringLiteral("  kind=x pid=101 |  | 0 | x | 101 |  |  |  | "),
                    QStringLiteral("  kind=x pid=103 |  | 1,234,567 | x | 103 |  |  |  | "),
                    QStringLiteral("g_livemax | gauge (livemax) |  | kind |  |  |  | 2 | Gauge in mode livemax"),
                    QStringLiteral("  kind=x |  | 1E-07 | x |  |  |  |  | "),
                    QStringLiteral("  kind=y |  | 22 | y |  |  |  |  | "),
                    QStringLiteral("g_livemin | gauge (livemin) |  | kind |  |  |  | 2 | Gauge in mode livemin"),
                    QStringLiteral("  kind=x |  | 1,234,567 | x |  |  |  |  | "),
                    QStringLiteral("  kind=y |  | 3 | y |  |  |  |  | "),
                    QStringLiteral("g_livemostrecent | gauge (livemostrecent) |  | kind |  |  |  | 2 | Gauge in mode livemostrecent"),
                    QStringLiteral("  kind=x |  | +Inf | x |  |  |  |  | "),
                    QStringLiteral("  kind=y |  | 24 | y |  |  |  |  | "),
                    QStringLiteral("g_livesum | gauge (livesum) |  | kind |  |  |  | 2 | Gauge in mode livesum"),
                    QStringLiteral("  kind=x |  | -Inf | x |  |  |  |  | "),
                    QStringLiteral("  kind=y |  | 30 | y |  |  |  |  | "),
                    QStringLiteral("g_max | gauge (max) |  | kind |  |  |  | 2 | Gauge in mode max"),
                    QStringLiteral("  kind=x |  | +Inf | x |  |  |  |  | "),
                    QStringLiteral("  kind=y |  | 36 | y |  |  |  |  | "),
                    QStringLiteral("g_min | gauge (min) |  | kind |  |  |  | 2 | Gauge in mode min"),
                    QStringLiteral("  kind=x |  | -Inf | x |  |  |  |  | "),
                    QStringLiteral("  kind=y |  | 7 | y |  |  |  |  | "),
                    QStringLiteral("g_mostrecent | gauge (mostrecent) |  | kind |  |  |  | 2 | Gauge in mode mostrecent"),
                    QStringLiteral("  kind=x |  | 0 | x |  |  |  |  | "),
                    QStringLiteral("  kind=y |  | 38 | y |  |  |  |  | "),
                    QStringLiteral("g_sum | gauge (sum) |  | kind |  |  |  | 2 | Gauge in mode sum"),
                    QStringLiteral("  kind=x |  | 39.5 | x |  |  |  |  | "),
                    QStringLiteral("  kind=y |  | 96 | y |  |  |  |  | "),
                    QStringLiteral("payload_bytes | histogram |  | le |  |  |  | 17 | Payload sizes (default buckets)"),
                    QStringLiteral("  _sum |  | 3 bytes |  |  |  |  |  | "),
                    QStringLiteral("  _bucket le=0.005 |  | 0 | 0.005 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=0.01 |  | 0 | 0.01 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=0.025 |  | 0 | 0.025 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=0.05 |  | 0 | 0.05 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=0.075 |  | 0 | 0.075 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=0.1 |  | 0 | 0.1 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=0.25 |  | 0 | 0.25 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=0.5 |  | 1 | 0.5 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=0.75 |  | 2 | 0.75 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=1.0 |  | 3 | 1.0 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=2.5 |  | 4 | 2.5 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=5.0 |  | 4 | 5.0 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=7.5 |  | 4 | 7.5 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=10.0 |  | 4 | 10.0 |  |  |  |  | "),
                    QStringLiteral("  _bucket le=+Inf |  | 4 | +Inf |  |  |  |  | "),
                    QStringLiteral("  _count |  | 4 |  |  |  |  |  | "),
                    QStringLiteral("latency_seconds | histogram |  | route | le |  |  | 22 | Latency"),
                    QStringLiteral("  _sum route=/b |  | 1.0000000000400002E+17 | /b |  |  |  |  | "),
                    QStringLiteral("  _bucket le=-1.0 route=/b |  | 0 | /b | -1.0 |  |  |  | "),
                    QStringLiteral("  _bucket le=0.0005 route=/b |  | 4 | /b | 0.0005 |  |  |  | "),
                    QStringLiteral("  _bucket le=0.1 route=/b |  | 4 | /b | 0.1 |  |  |  | "),
                    QStringLiteral("  _bucket le=1.0 route=/b |  | 8 | /b | 1.0 |  |  |  | "),
                    QStringLiteral("  _bucket le=2.5 route=/b |  | 8 | /b | 2.5 |  |  |  | "),
                    QStringLiteral("  _bucket le=1e+06 route=/b |  | 11 | /b | 1e+06 |  |  |  | "),
                    QStringLiteral("  _bucket le=2.5e+07 route=/b |  | 13 | /b | 2.5e+07 |  |  |  | "),
                    QStringLiteral("  _bucket le=1.5e+16 route=/b |  | 13 | /b | 1.5e+16 |  |  |  | "),
                    QStringLiteral("  _bucket le=+Inf route=/b |  | 14 | /b | +Inf |  |  |  | "),
                    QStringLiteral("  _count route=/b |  | 14 | /b |  |  |  |  | "),
                    QStringLiteral("  _sum route=/a |  | 61,500,006.2 | /a |  |  |  |  | "),
                    QStringLiteral("  _bucket le=-1.0 route=/a |  | 1 | /a | -1.0 |  |  |  | "),
                    QStringLiteral("  _bucket le=0.0005 route=/a |  | 1 | /a | 0.0005 |  |  |  | "),
                    QStringLiteral("  _bucket le=0.1 route=/a |  | 5 | /a | 0.1 |  |  |  | "),
                    QStringLiteral("  _bucket le=1.0 route=/a |  | 5 | /a | 1.0 |  |  |  | "),
                    QStringLiteral("  _bucket le=2.5 route=/a |  | 9 | /a | 2.5 |  |  |  | "),
                    QStringLiteral("  _bucket le=1e+06 route=/a |  | 12 | /a | 1e+06 |  |  |  | "),
                    QStringLiteral("  _bucket le=2.5e+07 route=/a |  | 12 | /a | 2.5e+07 |  |  |  | "),
                    QStringLiteral("  _bucket le=1.5e+16 route=/a |  | 14 | /a | 1.5e+16 |  |  |  | "),
                    QStringLiteral("  _bucket le=+Inf route=/a |  | 14 | /a | +Inf |  |  |  | "),
                    QStringLiteral("  _count route=/a |  | 14 | /a |  |  |  |  | "),
                    QStringLiteral("request_size_bytes | summary |  | route |  |  |  | 2 | Request size"),
                    QStringLiteral("  _count route=/a |  | 4 | /a |  |  |  |  | "),
                    QStringLiteral("  _sum route=/a |  | 1,000 bytes | /a |  |  |  |  | "),
                });
    }

    void gaugeModes()
    {
        GaugeModesModel model;
        testerOn(&model);
        model.setSnapshot(m_fixture.snapshot());
        model.setFamily(QStringLiteral("g_mostrecent"));
        QStringList shown = table(&model);
        for (const QString &note : model.notes())
            shown << QLatin1String("note: ") + note;
        compare(shown,
                {
                    QStringLiteral("Labels | all | liveall | min | livemin | max | livemax | sum | livesum | mostrecent (actual) | livemostrecent"),
                    QStringLiteral("kind=\"x\" | 101: NaN ⏎ 102: 42 ⏎ 103: 1 ⏎ 104: 0 | 101: NaN ⏎ 102: 42 ⏎ 103: 1 ⏎ 104: 0 | NaN | NaN | NaN | NaN | NaN | NaN | 0 | 0"),
                    QStringLiteral("kind=\"y\" | 101: 8 ⏎ 102: 18 ⏎ 103: 28 ⏎ 104: 38 | 101: 8 ⏎ 102: 18 ⏎ 103: 28 ⏎ 104: 38 | 8 | 8 | 38 | 38 | 92 | 92 | 38 | 38"),
                    QStringLiteral("note: Dead pid(s) 102, 104 still take part in mostrecent: their files stay until the directory is wiped."),
                    QStringLiteral("note: Mode mostrecent folds 6 per-pid value(s) into one series per label set."),
                });
    }

    void histogram()
    {
        HistogramModel model;
        testerOn(&model);
        model.setSnapshot(m_fixture.snapshot());
        model.setSeries(QStringLiteral("latency_seconds"), {{"route", "/a"}});
        compare(table(&model),
                {
                    QStringLiteral("Upper bound (le) | In bucket | Cumulative"),
                    QStringLiteral("≤ -1 | 1 | 1"),
                    QStringLiteral("≤ 5E-04 | 0 | 1"),
                    QStringLiteral("≤ 0.1 | 4 | 5"),
                    QStringLiteral("≤ 1 | 0 | 5"),
                    QStringLiteral("≤ 2.5 | 4 | 9"),
                    QStringLiteral("≤ 1,000,000 | 3 | 12"),
                    QStringLiteral("≤ 25,000,000 | 0 | 12"),
                    QStringLiteral("≤ 1.5E+16 | 2 | 14"),
                    QStringLiteral("≤ +Inf | 0 | 14"),
                });
    }

    void pidValues()
    {
        PidValuesModel model;
        testerOn(&model);
        model.setSnapshot(m_fixture.snapshot());
        model.setSeries({"g_mostrecent", "g_mostrecent", {{"kind", "x"}}});
        compare(table(&model),
                {
                    QStringLiteral("PID | State | Value | Timestamp | File"),
                    QStringLiteral("101 | alive | NaN | 11/24/26 2:43:55 PM | gauge_mostrecent_101.db"),
                    QStringLiteral("102 | dead | 42 | 11/24/26 2:43:55 PM | gauge_mostrecent_102.db"),
                    QStringLiteral("103 | alive | 1 | 11/24/26 2:43:56 PM | gauge_mostrecent_103.db"),
                    QStringLiteral("104 | dead | 0 | 11/24/26 2:43:56 PM | gauge_mostrecent_104.db"),
                });
    }

private:
    void compare(const QStringList &actual, const QStringList &expected)
    {
        if (actual != expected)
            qInfo().noquote() << QString(QLatin1String("the table now, as C++:\n") + asCpp(actual));
        QCOMPARE(actual, expected);
    }

    FixtureSnapshot m_fixture;
};

QTEST_MAIN(TestModelTables)
#include "tst_modeltables.moc"
