// Responsiveness of promdir-inspector on big directories. Prints figures;
// fails only when the worst steady-state stall exceeds the target.
//
// A 5 ms timer on the GUI thread measures how late it fires: the
// event-loop stall. Each figure is printed beside the merge engine's own.
//
// 1. Opening: `promdir demo --seconds 0` writes 1,000 processes' files
//    (7,000), and `promdir pack` makes a .tar.zst of them; a new window
//    (offscreen) opens each, up to the first complete display (the first
//    snapshot shown, then half a second for the chart and what follows).
// 2. Idle: every process is dead, nothing changes, the 5 ms timer is off;
//    the process's CPU share is what the inspector itself costs while
//    watching a directory in which nothing happens.
// 3. Refreshing: the window watches the directory with a 1 s refresh while
//    a writer thread changes values in 10% of the files every second, like
//    live workers.
// 4. Large: a 10,000-process directory (70,000 files): the engine alone,
//    then the window opening it; sorting every column and typing a filter
//    in the Processes and Files views; and workers recycling (every second
//    a process's files go, another's come) while it refreshes.
//
// Options: --processes N (1000), --seconds S (20), --changed F (0.1),
//          --view NAME (series), --target MS (50), --idle-seconds S (20),
//          --large N (10000; 0 skips), --large-dir DIR (kept between runs:
//          made once when missing), --large-seconds S (10)
#include "mainwindow.h"

#include "promdir/filesview.h"
#include "promdir/processview.h"
#include "promdir/read/reader.h"
#include "promdir/serieshistory.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QProcess>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <map>
#include <cstdio>
#include <random>
#include <thread>

#include <sys/resource.h>
#include <time.h>

using namespace promdir;

namespace {

double cpuSeconds()
{
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double pct(std::vector<double> v, double p)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::size_t(p * double(v.size() - 1))];
}

double maxOf(const std::vector<double> &v)
{
    return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
}

struct Slot
{
    QString path;
    qint64 offset; // of the first entry's value
};

// Where each file's first value lives, to change it in place.
std::vector<Slot> valueSlots(const QString &dir)
{
    std::vector<Slot> out;
    const QStringList names = QDir(dir).entryList({QStringLiteral("*.db")}, QDir::Files, QDir::Name);
    for (const QString &n : names) {
        const QString path = QDir(dir).filePath(n);
        const ParsedFile f = readFile(path.toStdString());
        if (f.entries.empty())
            continue;
        const Entry &e = f.entries.front();
        const auto len = qint64(e.rawKey().size());
        out.push_back({path, qint64(e.offset) + 4 + len + (8 - (len + 4) % 8)});
    }
    return out;
}

bool makeDemo(const QString &dir, int processes)
{
    QProcess demo;
    demo.start(QStringLiteral(PROMDIR_CLI), {QStringLiteral("demo"), dir, QStringLiteral("--processes"),
                                             QString::number(processes), QStringLiteral("--seconds"), QStringLiteral("0")});
    if (!demo.waitForFinished(1800000) || demo.exitCode() != 0) {
        std::fprintf(stderr, "bench_inspector: promdir demo failed: %s\n", demo.readAllStandardError().constData());
        return false;
    }
    return true;
}

// Runs a step every second on a thread of its own, while on: what live
// workers do to a directory.
class EverySecond
{
public:
    // Subclasses stop() in their own destructor: step() uses their members.
    virtual ~EverySecond() { stop(); }
    void start()
    {
        m_stop = false;
        m_thread = std::thread([this] {
            while (!m_stop && step()) {
                for (int i = 0; i < 10 && !m_stop; ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
    }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

protected:
    // One second's work; false ends the thread.
    virtual bool step() = 0;

private:
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// Changes values in place, like live workers.
class Writer : public EverySecond
{
public:
    Writer(std::vector<Slot> places, double changed)
        : m_places(std::move(places))
        , m_changed(changed)
    {
    }
    ~Writer() override { stop(); }

private:
    bool step() override
    {
        const auto n = std::size_t(double(m_places.size()) * m_changed);
        for (std::size_t i = 0; i < n && !m_places.empty(); ++i) {
            const Slot &s = m_places[m_rng() % m_places.size()];
            QFile f(s.path);
            if (f.open(QIODevice::ReadWrite) && f.seek(s.offset))
                f.write(reinterpret_cast<const char *>(&m_value), sizeof m_value);
        }
        m_value += 1.0;
        return true;
    }

    std::vector<Slot> m_places;
    double m_changed;
    double m_value = 1.0;
    std::mt19937 m_rng{1};
};

// Recycles workers, as gunicorn does: every second the oldest process's
// files go and a new process's appear (copies of the newest one's, under a
// pid above the system's range, so dead). No file of a process that is gone
// changes, so the engine keeps trusting liveness.
class Recycler : public EverySecond
{
public:
    explicit Recycler(const QString &dir)
        : m_dir(dir)
    {
        std::map<qint64, QStringList> byPid;
        for (const QString &n : QDir(dir).entryList({QStringLiteral("*_*.db")}, QDir::Files)) {
            const qint64 pid = n.section(QLatin1Char('_'), -1).chopped(3).toLongLong();
            byPid[pid] << n;
        }
        for (auto &[pid, names] : byPid)
            m_pids.push_back({pid, names});
        m_next = m_pids.empty() ? 0 : m_pids.back().first + 1;
    }
    ~Recycler() override { stop(); }

private:
    bool step() override
    {
        if (m_pids.size() <= 2)
            return false;
        const auto [oldPid, oldNames] = m_pids.front();
        m_pids.erase(m_pids.begin());
        for (const QString &n : oldNames)
            QFile::remove(QDir(m_dir).filePath(n));
        const auto &[templatePid, templateNames] = m_pids.back();
        QStringList names;
        for (const QString &n : templateNames) {
            const QString name = n.section(QLatin1Char('_'), 0, -2) + QLatin1Char('_') + QString::number(m_next)
                                 + QStringLiteral(".db");
            QFile::copy(QDir(m_dir).filePath(n), QDir(m_dir).filePath(name));
            names << name;
        }
        m_pids.push_back({m_next++, names});
        return true;
    }

    QString m_dir;
    std::vector<std::pair<qint64, QStringList>> m_pids; // oldest first
    qint64 m_next = 0;
};

// The calling thread's CPU time, in ms.
double threadCpuMs()
{
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// How late a 5 ms timer on the GUI thread fires (the stall), and the GUI
// thread's own CPU time between two ticks (its work): on a machine shared
// with other builds the first also counts the time the thread waited for a
// core, the second does not.
class StallMeter
{
public:
    StallMeter()
    {
        m_tick.setTimerType(Qt::PreciseTimer);
        m_tick.setInterval(5);
        QObject::connect(&m_tick, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double cpu = threadCpuMs();
            if (m_last >= 0) {
                m_lateness.push_back(double(now - m_last) / 1e6 - 5.0);
                m_work.push_back(cpu - m_lastCpu);
            }
            m_last = now;
            m_lastCpu = cpu;
        });
    }
    void start()
    {
        m_lateness.clear();
        m_work.clear();
        m_last = -1;
        m_clock.start();
        m_tick.start();
    }
    std::vector<double> stop()
    {
        m_tick.stop();
        return std::move(m_lateness);
    }
    // The most CPU the GUI thread spent between two ticks, since start().
    double worstWork() const { return m_work.empty() ? 0.0 : *std::max_element(m_work.begin(), m_work.end()); }

private:
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    double m_lastCpu = 0.0;
    std::vector<double> m_lateness;
    std::vector<double> m_work;
};

// Runs the event loop for `ms`.
void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Runs the event loop until `n` snapshots arrived (or `timeoutMs`).
bool waitSnapshots(MainWindow &w, int n, int timeoutMs)
{
    QEventLoop loop;
    int seen = 0;
    const auto c = QObject::connect(w.watcher(), &DirectoryWatcher::snapshotReady, &loop, [&] {
        if (++seen >= n)
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(c);
    return seen >= n;
}

// One user action on a table, painted: the ms it took.
template<typename F>
double timed(QTableView *table, F &&action)
{
    QElapsedTimer t;
    t.start();
    action();
    QCoreApplication::processEvents();
    table->viewport()->repaint();
    return double(t.nsecsElapsed()) / 1e6;
}

// Sorting by every column, each way, and typing a filter one key at a time
// then clearing it; prints the figures.
void tableFigures(const char *name, QTableView *table, QLineEdit *filter, const QString &typed)
{
    std::vector<double> sorts;
    QString worstColumn;
    double worst = 0.0;
    const int columns = table->model()->columnCount();
    for (int c = 0; c < columns; ++c) {
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            const double ms = timed(table, [&] { table->sortByColumn(c, order); });
            sorts.push_back(ms);
            if (ms > worst) {
                worst = ms;
                worstColumn = table->model()->headerData(c, Qt::Horizontal).toString();
            }
        }
    }
    std::printf("  %s, %d rows: sorting by a column (%d columns, both ways) median %.1f ms, max %.1f ms (%s)\n", name,
                table->model()->rowCount(), columns, pct(sorts, 0.5), worst, qPrintable(worstColumn));
    if (!filter) {
        std::printf("  %s: no filter box\n", name);
        return;
    }
    // Sorted by the first column, as a user finding a name would have it.
    table->sortByColumn(0, Qt::AscendingOrder);
    std::vector<double> keys;
    for (qsizetype i = 1; i <= typed.size(); ++i)
        keys.push_back(timed(table, [&] { filter->setText(typed.left(i)); }));
    const int matching = table->model()->rowCount();
    const double clear = timed(table, [&] { filter->clear(); });
    std::printf("  %s: typing \"%s\" in the filter, per key median %.1f ms, max %.1f ms (%d rows match); clearing "
                "%.1f ms\n",
                name, qPrintable(typed), pct(keys, 0.5), maxOf(keys), matching, clear);
}

double engineMs(const Snapshot &s)
{
    return s.result ? double((s.result->stats.loadTime + s.result->stats.mergeTime).count()) / 1000.0 : 0.0;
}

struct Figures
{
    std::vector<double> costs;       // the watcher's whole refresh
    std::vector<double> engineCosts; // the merge engine's own part of it
    void add(const Snapshot &s)
    {
        costs.push_back(double(s.cost.count()) / 1000.0);
        engineCosts.push_back(engineMs(s));
    }
};

// A window as a user has it, on the given view.
std::unique_ptr<MainWindow> newWindow(const QString &view)
{
    auto window = std::make_unique<MainWindow>();
    window->resize(1280, 800);
    window->show();
    window->showView(view);
    runFor(200);
    return window;
}

// Opens `path` in `window` as a user does, up to the first complete
// display: the first snapshot shown, then half a second for what follows it
// (the chart of the series chosen, deferred layouts). Prints the worst
// event-loop stall in that time beside the engine's own load + merge of
// that snapshot; returns the stall.
double openingFigures(const char *what, MainWindow &window, const QString &path, double target)
{
    double engine = 0.0;
    const auto c = QObject::connect(window.watcher(), &DirectoryWatcher::snapshotReady, &window,
                                    [&](const SnapshotPtr &s) {
                                        if (engine == 0.0)
                                            engine = engineMs(*s);
                                    });
    StallMeter stall;
    stall.start();
    QElapsedTimer t;
    t.start();
    window.openPath(path);
    const bool shown = waitSnapshots(window, 1, 600000);
    const double first = double(t.nsecsElapsed()) / 1e6;
    runFor(500);
    const std::vector<double> lateness = stall.stop();
    QObject::disconnect(c);
    std::printf("  opening %s: first snapshot shown after %.0f ms%s (the engine's own load + merge %.0f ms); "
                "event-loop stall median %.2f ms, max %.1f ms (target < %.0f ms; the GUI thread's own work between "
                "two ticks at most %.1f ms)\n",
                what, first, shown ? "" : " (timed out)", engine, pct(lateness, 0.5), maxOf(lateness), target,
                stall.worstWork());
    std::fflush(stdout);
    return maxOf(lateness);
}

bool pack(const QString &dir, const QString &archive)
{
    QProcess p;
    p.start(QStringLiteral(PROMDIR_CLI), {QStringLiteral("pack"), dir, QStringLiteral("-o"), archive});
    if (!p.waitForFinished(600000) || p.exitCode() != 0) {
        std::fprintf(stderr, "bench_inspector: promdir pack failed: %s\n", p.readAllStandardError().constData());
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen")
                                                                      : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("promdir-bench"));
    QCommandLineParser parser;
    auto option = [](const char *name, const char *value, const char *def) {
        return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(name), QString::fromLatin1(value),
                                  QString::fromLatin1(def));
    };
    const QCommandLineOption processesOpt = option("processes", "N", "1000");
    const QCommandLineOption secondsOpt = option("seconds", "S", "20");
    const QCommandLineOption changedOpt = option("changed", "F", "0.1");
    const QCommandLineOption viewOpt = option("view", "NAME", "series");
    const QCommandLineOption targetOpt = option("target", "MS", "50");
    const QCommandLineOption idleOpt = option("idle-seconds", "S", "20");
    const QCommandLineOption largeOpt = option("large", "N", "10000");
    const QCommandLineOption largeDirOpt = option("large-dir", "DIR", "");
    const QCommandLineOption largeSecondsOpt = option("large-seconds", "S", "10");
    parser.addOptions({processesOpt, secondsOpt, changedOpt, viewOpt, targetOpt, idleOpt, largeOpt, largeDirOpt,
                       largeSecondsOpt});
    parser.process(app);
    const int processes = parser.value(processesOpt).toInt();
    const int seconds = parser.value(secondsOpt).toInt();
    const double changed = parser.value(changedOpt).toDouble();
    const double target = parser.value(targetOpt).toDouble();
    const int idleSeconds = parser.value(idleOpt).toInt();
    const int large = parser.value(largeOpt).toInt();
    const int largeSeconds = parser.value(largeSecondsOpt).toInt();

    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("metrics"));
    if (!makeDemo(dir, processes))
        return 2;
    std::printf("directory: %d processes, %zu files\n", processes,
                size_t(QDir(dir).entryList({QStringLiteral("*.db")}, QDir::Files).size()));

    const QString archive = tmp.filePath(QStringLiteral("metrics.tar.zst"));
    if (!pack(dir, archive))
        return 2;
    std::printf("opening (%d processes; the Series view, a series chosen as for a user):\n", processes);
    openingFigures("the directory", *newWindow(parser.value(viewOpt)), dir, target);
    openingFigures(qPrintable(QStringLiteral("the .tar.zst (%1 KiB)").arg(QFileInfo(archive).size() / 1024)),
                   *newWindow(parser.value(viewOpt)), archive, target);

    int worstCode = 0;
    {
        const auto window = newWindow(parser.value(viewOpt));
        Writer writer(valueSlots(dir), changed);

        Figures refreshing, idle;
        Figures *current = nullptr;
        int snapshots = 0;
        QObject::connect(window->watcher(), &DirectoryWatcher::snapshotReady, [&](const SnapshotPtr &s) {
            ++snapshots;
            if (current)
                current->add(*s);
            // Follow a series, as a user would, so the chart redraws too.
            if (snapshots == 1)
                window->metricsView()->select(QString::fromStdString(s->result->families.front().name), 0);
        });
        StallMeter stall;
        window->openPath(dir);
        constexpr int kWarmup = 3; // snapshots before the steady state
        waitSnapshots(*window, kWarmup, 300000);

        // 2. Idle: nothing changes (before any file of a dead process was
        // written, which would make the engine read every file, see
        // HACKING.md), nothing but the inspector runs.
        current = &idle;
        double cpu = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        runFor(idleSeconds * 1000);
        const double idleShare = (cpuSeconds() - cpu) / (double(wall.nsecsElapsed()) / 1e9);
        current = nullptr;

        // 3. Refreshing while 10% of the files change every second.
        writer.start();
        runFor(2000); // the first changes' refreshes
        current = &refreshing;
        stall.start();
        cpu = cpuSeconds();
        wall.restart();
        runFor(seconds * 1000);
        // The whole process (GUI, watcher, engine, the 5 ms timer, the
        // writer) over the steady state, as a share of one core.
        const double cpuShare = (cpuSeconds() - cpu) / (double(wall.nsecsElapsed()) / 1e9);
        const std::vector<double> lateness = stall.stop();
        current = nullptr;
        writer.stop();

        const double worst = maxOf(lateness);
        const double cost = pct(refreshing.costs, 0.5), engine = pct(refreshing.engineCosts, 0.5);
        std::printf("refreshing (%.0f%% of the files changing every second, %d s):\n", changed * 100, seconds);
        std::printf("  worker refresh median %.1f ms, max %.1f ms; the engine's own (load + merge) median %.1f ms: "
                    "%.1f times that\n",
                    cost, maxOf(refreshing.costs), engine, engine > 0 ? cost / engine : 0.0);
        std::printf("  CPU %.1f %% of one core (the whole process, the writer included)\n", cpuShare * 100.0);
        std::printf("  event-loop stall: median %.2f ms, p99 %.2f ms, max %.2f ms (target < %.0f ms; the GUI "
                    "thread's own work between two ticks at most %.1f ms)\n",
                    pct(lateness, 0.5), pct(lateness, 0.99), worst, target, stall.worstWork());
        const double idleCost = pct(idle.costs, 0.5), idleEngine = pct(idle.engineCosts, 0.5);
        std::printf("idle (%d dead processes, nothing changing, %d s):\n", processes, idleSeconds);
        std::printf("  CPU %.1f %% of one core (target < 4 %%); %zu refreshes, worker median %.1f ms, the engine's "
                    "own median %.1f ms\n",
                    idleShare * 100.0, idle.costs.size(), idleCost, idleEngine);
        std::fflush(stdout);
        worstCode = worst < target ? 0 : 1;
    }

    if (large <= 0)
        return worstCode;

    // 4. Large directories.
    QTemporaryDir largeTmp;
    QString bigDir = parser.value(largeDirOpt);
    if (bigDir.isEmpty())
        bigDir = largeTmp.filePath(QStringLiteral("metrics"));
    if (!QFileInfo::exists(bigDir) && !makeDemo(bigDir, large))
        return 2;
    const auto files = QDir(bigDir).entryList({QStringLiteral("*.db")}, QDir::Files).size();
    std::printf("large directory: %d processes, %lld files\n", large, qlonglong(files));
    {
        MergeEngine engine(bigDir.toStdString());
        QElapsedTimer t;
        t.start();
        const auto first = engine.refresh();
        const double cold = double(t.nsecsElapsed()) / 1e6;
        std::vector<double> warm;
        for (int i = 0; i < 5; ++i) {
            t.restart();
            engine.refresh();
            warm.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        std::printf("  the engine alone: cold %.0f ms, then nothing changed median %.1f ms\n", cold, pct(warm, 0.5));
        // What the watcher's worker adds to the engine's first result before
        // it is shown: the processes described, every entry's first point.
        Snapshot s;
        s.result = first;
        s.timeMs = QDateTime::currentMSecsSinceEpoch();
        t.restart();
        double cpu = threadCpuMs();
        describeProcesses(s, std::chrono::hours(1));
        const double describe = double(t.nsecsElapsed()) / 1e6, describeCpu = threadCpuMs() - cpu;
        SeriesHistory history;
        t.restart();
        cpu = threadCpuMs();
        history.update(*first, s.timeMs);
        const double recorded = double(t.nsecsElapsed()) / 1e6, recordedCpu = threadCpuMs() - cpu;
        std::printf("  the watcher's own part of the first snapshot: processes described %.0f ms (CPU %.0f ms), "
                    "history's first points %.0f ms (CPU %.0f ms, %zu tracks)\n",
                    describe, describeCpu, recorded, recordedCpu, history.trackCount());
    }
    {
        const auto windowPtr = newWindow(QStringLiteral("processes"));
        MainWindow &window = *windowPtr;
        openingFigures(qPrintable(QStringLiteral("the directory of %1 processes (the Processes view)").arg(large)),
                       window, bigDir, target);
        window.watcher()->setPaused(true);
        runFor(500);
        QTableView *processTable = window.processView()->tableView();
        QTableView *filesTable = nullptr; // the list, not the entries below it
        for (QTableView *t : window.filesView()->findChildren<QTableView *>())
            if (t->model()->columnCount() == FilesModel::ColumnCount)
                filesTable = t;
        tableFigures("Processes", processTable, window.processView()->findChild<QLineEdit *>(), QStringLiteral("4217"));
        window.showView(QStringLiteral("files"));
        runFor(500);
        tableFigures("Files", filesTable, window.filesView()->filterEdit(),
                     QStringLiteral("gauge_livesum_4217"));
        {
            // Sorted by pid, a filter hides rows here and there (each
            // process's other files): the case where a filter change made
            // row by row cost the headers a pass per run of hidden rows.
            filesTable->sortByColumn(FilesModel::PidColumn, Qt::AscendingOrder);
            const double hide = timed(filesTable, [&] { window.filesView()->filterEdit()->setText(QStringLiteral("counter")); });
            const int shown = filesTable->model()->rowCount();
            const double clear = timed(filesTable, [&] { window.filesView()->filterEdit()->clear(); });
            std::printf("  Files sorted by PID: the filter \"counter\" at once %.1f ms (%d rows match, the others "
                        "hidden in runs between them); clearing %.1f ms\n",
                        hide, shown, clear);
        }

        // Workers recycle: refreshing while a process's rows go and
        // another's come, each view sorted by a column other than its order
        // and (for Files) filtered.
        StallMeter stall;
        Recycler writer(bigDir);
        writer.start();
        for (const QString &view : {QStringLiteral("processes"), QStringLiteral("files")}) {
            window.showView(view);
            QTableView *table = view == QLatin1String("processes") ? processTable : filesTable;
            table->sortByColumn(view == QLatin1String("processes") ? 4 : 3, Qt::DescendingOrder);
            if (view == QLatin1String("files"))
                window.filesView()->filterEdit()->setText(QStringLiteral("counter"));
            window.watcher()->setPaused(false);
            Figures figures;
            const auto c = QObject::connect(window.watcher(), &DirectoryWatcher::snapshotReady,
                                            [&](const SnapshotPtr &s) { figures.add(*s); });
            waitSnapshots(window, 1, 60000);
            stall.start();
            runFor(largeSeconds * 1000);
            const auto lateness = stall.stop();
            QObject::disconnect(c);
            window.watcher()->setPaused(true);
            std::printf("  workers recycle at %d processes (one every second, %d s, %zu refreshes), %s sorted by %s%s: "
                        "event-loop stall median %.2f ms, max %.1f ms (target < %.0f ms; the GUI thread's own work "
                        "between two ticks at most %.1f ms); worker refresh median %.0f ms, the engine's own %.0f ms\n",
                        large, largeSeconds, figures.costs.size(), qPrintable(view),
                        qPrintable(table->model()->headerData(table->horizontalHeader()->sortIndicatorSection(),
                                                              Qt::Horizontal).toString()),
                        view == QLatin1String("files") ? " and filtered" : "", pct(lateness, 0.5), maxOf(lateness),
                        target, stall.worstWork(), pct(figures.costs, 0.5), pct(figures.engineCosts, 0.5));
            std::fflush(stdout);
            window.filesView()->filterEdit()->clear();
        }
        writer.stop();
    }
    return worstCode;
}
