// The torture test: promdir's writer (promdir_stresswriter) and the Python
// client in multiprocess mode (stress_writer.py, Debian's 0.16) write one
// directory at once, some as long-running processes and some as recycled
// workers that exit mid-run (then marked dead, as gunicorn's child_exit hook
// does), while this process merges it over and over with one MergeEngine and
// now and then with a fresh `promdir render`.
//
// One writer operation: the "busy" gauges (modes sum and livesum) go to 1;
// stress_ops{series} += 1..5; stress_items{item} += 1 for item number
// (operation number % 4000) with long label values, so files keep growing;
// stress_size{series} observes an integer 0..25; every "set" gauge (modes
// all, liveall, min, livemin, max, livemax, and mostrecent, livemostrecent
// for promdir's writer only) is set to one of kValues; the busy gauges go
// back to 0. Both writers use the same metric names, help and labels, so
// their series are summed into the same samples.
//
// Each writer prints a report when it is done: "ops N", then per series
// "counter sK TOTAL" and "hist sK C0 .. C5 SUM" (per-bucket counts, not
// cumulative), and "last MODE VALUE" (and "stamp MODE TIMESTAMP" for the
// mostrecent modes) for the set gauges: what it asked for, counted by itself.
//
// Checked on every merge while they write: counters, histogram buckets,
// counts and sums never decrease and never disappear (also between the
// engine and the promdir render run in between); every value is one a
// writer could have produced (counts and sums are whole numbers, set gauges
// hold one of kValues or the initial 0, busy sums are whole numbers between
// 0 and the number of writers started); only the problems a live directory
// legitimately shows (see transientProblem). At the end: the sums equal the
// writers' reports exactly, every gauge mode gives what the reports say,
// and the incremental engine, a fresh engine and `promdir render` agree
// byte for byte.
//
// PROMDIR_STRESS_SECONDS sets how long the writers run (default 8).
#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"
#include "promdir/writer/writer.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <set>

#include <sys/wait.h>
#include <unistd.h>

using namespace promdir;

namespace {

constexpr int kSeries = 4;
constexpr int kItems = 4000;
constexpr int kBuckets = 6;
const char *const kLe[kBuckets] = {"1.0", "2.0", "5.0", "10.0", "20.0", "+Inf"};
const char *const kSetModes[] = {"all", "liveall", "min", "livemin", "max", "livemax", "mostrecent", "livemostrecent"};

// What the set gauges are set to. Both halves of each value's 8 bytes
// differ from those of the others, so a value read half before and half
// after a write is not in the set.
const QStringList kValues = {QStringLiteral("0.1"),      QStringLiteral("-1.5"),
                             QStringLiteral("123456.789"), QStringLiteral("4398046511105"),
                             QStringLiteral("-2.2e-05"), QStringLiteral("1e+300"),
                             QStringLiteral("7"),        QStringLiteral("0.3333333333333333")};

std::string itemName(int i) // as the writers spell it
{
    char head[16];
    std::snprintf(head, sizeof head, "item-%04d-", i);
    return head + std::string(static_cast<std::size_t>(i % 40), 'x');
}

bool isWhole(double v)
{
    return std::isfinite(v) && v >= 0 && v == std::floor(v);
}

// One sample of a merge, keyed by name and sorted labels.
struct FlatSample
{
    std::string family;
    double value = 0;
};
using Flat = std::map<std::string, FlatSample>;

std::string sampleKey(const std::string &name, const Labels &labels)
{
    std::string key = name + '{';
    for (const auto &[k, v] : labels)
        key += k + '=' + v + ',';
    return key + '}';
}

Flat flatten(const std::vector<MetricFamily> &families)
{
    Flat out;
    for (const auto &f : families)
        for (const auto &s : f.samples)
            out[sampleKey(s.name, s.labels)] = {f.name, s.value};
    return out;
}

// The text exposition as `promdir render` prints it. Label values here
// never need escaping; one that does is reported as unparsable.
bool parseText(const QByteArray &text, Flat &out, QString &error)
{
    std::string family;
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty())
            continue;
        if (line.startsWith("# TYPE ")) {
            // A counter's TYPE line names its samples (x_total), not the family.
            const QList<QByteArray> words = line.split(' ');
            QByteArray name = words.value(2);
            if (words.value(3) == "counter" && name.endsWith("_total"))
                name.chop(6);
            family = name.toStdString();
            continue;
        }
        if (line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        const qsizetype brace = line.indexOf('{');
        if (space < 0 || line.contains('\\')) {
            error = QString::fromUtf8("unparsable line: " + line);
            return false;
        }
        const QByteArray lhs = line.left(space);
        Labels labels;
        std::string name = (brace < 0 ? lhs : lhs.left(brace)).toStdString();
        if (brace >= 0) {
            const QByteArray inner = lhs.mid(brace + 1, lhs.size() - brace - 2);
            for (const QByteArray &pair : inner.split(',')) {
                const qsizetype eq = pair.indexOf("=\"");
                if (eq < 0 || !pair.endsWith('"')) {
                    error = QString::fromUtf8("unparsable labels: " + line);
                    return false;
                }
                labels.emplace_back(pair.left(eq).toStdString(), pair.mid(eq + 2, pair.size() - eq - 3).toStdString());
            }
            std::sort(labels.begin(), labels.end());
        }
        out[sampleKey(name, labels)] = {family, std::strtod(line.mid(space + 1).constData(), nullptr)};
    }
    return true;
}

// Problems a directory being written shows for a moment, and which are
// expected here: a Python client's file caught between its creation and
// its first truncate; a live gauge file removed by markProcessDead between
// listing and reading; a file whose values changed under every re-read.
bool transientProblem(ProblemKind kind)
{
    return kind == ProblemKind::Empty || kind == ProblemKind::Vanished || kind == ProblemKind::Unstable;
}
bool transientProblem(const QByteArray &stderrLine)
{
    return stderrLine.endsWith("file is empty (0 bytes)") || stderrLine.endsWith("file vanished before it could be read")
        || stderrLine.endsWith("file kept changing while being read; values may be from different moments");
}

double sampleValue(const MergeResult &r, const std::string &name)
{
    for (const auto &f : r.families)
        for (const auto &s : f.samples)
            if (s.name == name)
                return s.value;
    return std::nan("");
}

bool touch(const QString &path)
{
    return QFile(path).open(QIODevice::WriteOnly);
}

enum class Kind { Cpp, Python };

struct Report
{
    long ops = 0;
    std::array<double, kSeries> counter{};
    std::array<std::array<double, kBuckets>, kSeries> buckets{};
    std::array<double, kSeries> sum{};
    std::map<std::string, double> last;
    std::map<std::string, double> stamp;
};

bool parseReport(const QByteArray &out, Report &r)
{
    bool sawOps = false;
    for (const QByteArray &line : out.split('\n')) {
        const QList<QByteArray> w = line.split(' ');
        auto num = [&](qsizetype i) { return std::strtod(w.value(i).constData(), nullptr); };
        const int s = w.value(1).startsWith('s') ? w.value(1).mid(1).toInt() : -1;
        if (w[0] == "ops" && w.size() == 2) {
            r.ops = w[1].toLong(&sawOps);
        } else if (w[0] == "counter" && w.size() == 3 && s >= 0 && s < kSeries) {
            r.counter[s] = num(2);
        } else if (w[0] == "hist" && w.size() == 3 + kBuckets && s >= 0 && s < kSeries) {
            for (int b = 0; b < kBuckets; ++b)
                r.buckets[s][b] = num(2 + b);
            r.sum[s] = num(2 + kBuckets);
        } else if (w[0] == "last" && w.size() == 3) {
            r.last[w[1].toStdString()] = num(2);
        } else if (w[0] == "stamp" && w.size() == 3) {
            r.stamp[w[1].toStdString()] = num(2);
        } else if (!line.isEmpty()) {
            return false;
        }
    }
    return sawOps && r.ops > 0;
}

struct WriterProcess
{
    std::unique_ptr<QProcess> process;
    Kind kind = Kind::Cpp;
    bool recycled = false;
    qint64 pid = 0;
    Report report;
};

} // namespace

class TestStress : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void deadWritersLastWritesAreMerged();
    void writersAndReaders();

private:
    bool start(Kind kind, long maxOps, bool recycled);
    bool collect(WriterProcess &w);
    void checkValues(const Flat &now, const char *who);
    void checkGrowth(const Flat &before, const Flat &after, const char *who);
    void checkFinal(const Flat &final, const char *who);
    void fail(const QString &message);

    QTemporaryDir m_tmp;
    QString m_dir;
    QString m_stop;
    QProcessEnvironment m_env;
    std::set<double> m_allowed;
    std::set<qint64> m_pidsUsed;
    std::vector<WriterProcess> m_running;
    std::vector<WriterProcess> m_done;
    std::mt19937_64 m_rng{12};
    unsigned m_seed = 1000;
    QStringList m_failures;
    int m_failureCount = 0;
};

void TestStress::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_dir = m_tmp.filePath(QStringLiteral("metrics"));
    m_stop = m_tmp.filePath(QStringLiteral("stop"));
    QVERIFY(QDir().mkpath(m_dir));
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(QStringLiteral("PROMETHEUS_MULTIPROC_DIR"), m_dir);
    m_env.remove(QStringLiteral("prometheus_multiproc_dir"));
    m_env.remove(QStringLiteral("PYTHONPATH")); // Debian's own client
    for (const QString &v : kValues)
        m_allowed.insert(std::strtod(v.toUtf8().constData(), nullptr));
    m_allowed.insert(0.0); // a gauge's value from its creation to its first set()

    QProcess probe;
    probe.start(QStringLiteral(PROMDIR_PYTHON), {QStringLiteral("-c"), QStringLiteral("import prometheus_client")});
    QVERIFY2(probe.waitForFinished() && probe.exitCode() == 0,
             PROMDIR_PYTHON " cannot import prometheus_client (Debian: python3-prometheus-client; scripts/test installs it)");
}

// A process's last writes, made after the engine read its file and before
// the process exited, are merged once it is gone, also when other files
// came meanwhile. Writes through a shared mapping do not change the file's
// stamp (the time moves, if at all, when a clean page is first written), so
// only reading the file once more can tell.
void TestStress::deadWritersLastWritesAreMerged()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    WriterOptions options;
    options.directory = tmp.path().toStdString();
    int toChild[2], toParent[2];
    QVERIFY(::pipe(toChild) == 0 && ::pipe(toParent) == 0);
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        // No QtTest macros in here: the exit status says what went wrong.
        auto w = Writer::open(options);
        auto jobs = w ? w->counter({.name = "jobs", .help = "Jobs."}) : Result<Counter>(Error{});
        char b = 0;
        if (!jobs || jobs->inc() != WriteStatus::Ok || ::write(toParent[1], &b, 1) != 1 || ::read(toChild[0], &b, 1) != 1)
            ::_exit(1);
        ::_exit(jobs->inc() == WriteStatus::Ok ? 0 : 2); // the same page as before
    }
    char b = 0;
    QCOMPARE(::read(toParent[0], &b, 1), ssize_t(1));
    MergeEngine engine(options.directory);
    QCOMPARE(sampleValue(*engine.refresh(), "jobs_total"), 1.0); // read while the child runs
    QCOMPARE(::write(toChild[1], &b, 1), ssize_t(1));
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (int fd : {toChild[0], toChild[1], toParent[0], toParent[1]})
        ::close(fd);

    // Meanwhile this process's file appears: the listing changed.
    auto w = Writer::open(options);
    QVERIFY(w);
    QVERIFY(w->counter({.name = "jobs", .help = "Jobs."})->inc(10) == WriteStatus::Ok);
    QCOMPARE(sampleValue(*engine.refresh(), "jobs_total"), 12.0);
    MergeEngine fresh(options.directory);
    QCOMPARE(sampleValue(*fresh.refresh(), "jobs_total"), 12.0);
}

void TestStress::fail(const QString &message)
{
    if (++m_failureCount <= 20) {
        m_failures << message;
        qWarning("%s", qPrintable(message)); // QVERIFY2 shows only the start of a long message
    }
}

// Starts a writer. It waits for "go" on stdin, so that one whose pid an
// earlier writer of this test had (pids are reused) can be turned away
// before it opens that writer's files: the reports would no longer say
// what each file holds, and Debian 12's client (format generation 3) and
// promdir's writer (generation 4) cannot continue each other's files.
bool TestStress::start(Kind kind, long maxOps, bool recycled)
{
    for (int attempt = 0; attempt < 100; ++attempt) {
        WriterProcess w;
        w.kind = kind;
        w.recycled = recycled;
        w.process = std::make_unique<QProcess>();
        w.process->setProcessEnvironment(m_env);
        QStringList args = {QString::number(m_seed++), QString::number(maxOps), m_stop};
        args += kValues;
        if (kind == Kind::Cpp) {
            w.process->start(QStringLiteral(PROMDIR_STRESS_WRITER), args);
        } else {
            args.prepend(QStringLiteral(PROMDIR_STRESS_PY));
            w.process->start(QStringLiteral(PROMDIR_PYTHON), args);
        }
        if (!w.process->waitForStarted()) {
            fail(QStringLiteral("cannot start a writer: ") + w.process->errorString());
            return false;
        }
        w.pid = w.process->processId();
        const bool fresh = m_pidsUsed.insert(w.pid).second;
        w.process->write(fresh ? "go\n" : "no\n");
        w.process->waitForBytesWritten();
        w.process->closeWriteChannel();
        if (fresh) {
            m_running.push_back(std::move(w));
            return true;
        }
        w.process->waitForFinished();
    }
    fail(QStringLiteral("100 new processes in a row had pids of earlier writers"));
    return false;
}

// Takes a finished writer's report; false when it failed.
bool TestStress::collect(WriterProcess &w)
{
    const QByteArray out = w.process->readAllStandardOutput();
    const QByteArray err = w.process->readAllStandardError();
    if (w.process->exitStatus() != QProcess::NormalExit || w.process->exitCode() != 0 || !parseReport(out, w.report)) {
        fail(QStringLiteral("writer %1 (%2) failed: exit %3\n%4%5")
                 .arg(w.pid)
                 .arg(w.kind == Kind::Cpp ? QStringLiteral("promdir") : QStringLiteral("python"))
                 .arg(w.process->exitCode())
                 .arg(QString::fromUtf8(out.left(500)), QString::fromUtf8(err.left(2000))));
        return false;
    }
    return true;
}

void TestStress::checkValues(const Flat &now, const char *who)
{
    const double started = static_cast<double>(m_running.size() + m_done.size());
    for (const auto &[key, s] : now) {
        auto where = [&] { // only on a failure: checked for every sample of every merge
            return QString::fromUtf8(who) + QStringLiteral(": ") + QString::fromStdString(key) + QStringLiteral(" = ")
                + QString::number(s.value, 'g', 17);
        };
        if (s.family == "stress_ops" || s.family == "stress_items" || s.family == "stress_size") {
            // Whole increments and observations: any sum of them is whole.
            if (!isWhole(s.value))
                fail(where() + QStringLiteral(" is not a whole number"));
        } else if (s.family == "stress_g_sum" || s.family == "stress_g_livesum") {
            if (!isWhole(s.value) || s.value > started)
                fail(where() + QStringLiteral(", not a whole number from 0 to the %1 writers started").arg(started));
        } else if (s.family.starts_with("stress_g_")) {
            if (!m_allowed.count(s.value))
                fail(where() + QStringLiteral(", a value no writer sets"));
        } else {
            fail(where() + QStringLiteral(": a family no writer writes"));
        }
    }
}

// Counters and histograms only grow, and a series once seen stays (their
// files are never removed); so do the per-pid samples of gauge mode all.
void TestStress::checkGrowth(const Flat &before, const Flat &after, const char *who)
{
    for (const auto &[key, s] : before) {
        const bool grows = s.family == "stress_ops" || s.family == "stress_items" || s.family == "stress_size";
        if (!grows && s.family != "stress_g_all")
            continue;
        const auto it = after.find(key);
        if (it == after.end()) {
            fail(QString::fromUtf8(who) + QStringLiteral(": ") + QString::fromStdString(key) + QStringLiteral(" disappeared"));
        } else if (grows && it->second.value < s.value) {
            fail(QString::fromUtf8(who) + QStringLiteral(": ") + QString::fromStdString(key)
                 + QStringLiteral(" went back from %1 to %2").arg(s.value, 0, 'g', 17).arg(it->second.value, 0, 'g', 17));
        }
    }
}

void TestStress::checkFinal(const Flat &final, const char *who)
{
    const QString prefix = QString::fromUtf8(who) + QStringLiteral(": ");
    Flat expected;
    auto expect = [&](const std::string &family, const std::string &name, const Labels &labels, double value) {
        expected[sampleKey(name, labels)] = {family, value};
    };
    std::array<double, kSeries> ops{}, sums{};
    std::array<std::array<double, kBuckets>, kSeries> buckets{};
    std::vector<double> items(kItems, 0.0);
    for (const auto &w : m_done) {
        for (int s = 0; s < kSeries; ++s) {
            ops[s] += w.report.counter[s];
            sums[s] += w.report.sum[s];
            for (int b = 0; b < kBuckets; ++b)
                buckets[s][b] += w.report.buckets[s][b];
        }
        // Operation k increments item k % kItems.
        for (int i = 0; i < kItems; ++i)
            items[i] += static_cast<double>(w.report.ops / kItems + (i < w.report.ops % kItems ? 1 : 0));
    }
    for (int s = 0; s < kSeries; ++s) {
        const std::string series = "s" + std::to_string(s);
        if (ops[s] > 0)
            expect("stress_ops", "stress_ops_total", {{"series", series}}, ops[s]);
        double cumulative = 0;
        for (int b = 0; b < kBuckets; ++b) {
            cumulative += buckets[s][b];
            expect("stress_size", "stress_size_bucket", {{"le", kLe[b]}, {"series", series}}, cumulative);
        }
        expect("stress_size", "stress_size_count", {{"series", series}}, cumulative);
        expect("stress_size", "stress_size_sum", {{"series", series}}, sums[s]);
    }
    for (int i = 0; i < kItems; ++i)
        if (items[i] > 0)
            expect("stress_items", "stress_items_total", {{"item", itemName(i)}}, items[i]);

    // Gauges. Recycled writers were marked dead, so the live modes see
    // only the long-running ones; the others see every writer's last value.
    for (const char *mode : kSetModes) {
        const std::string m = mode;
        const std::string family = "stress_g_" + m;
        std::vector<std::pair<double, double>> lasts; // value, timestamp
        for (const auto &w : m_done) {
            if ((m.starts_with("live") && w.recycled) || !w.report.last.count(m))
                continue;
            const double v = w.report.last.at(m);
            if (m == "all" || m == "liveall")
                expect(family, family, {{"pid", std::to_string(w.pid)}}, v);
            else
                lasts.emplace_back(v, w.report.stamp.count(m) ? w.report.stamp.at(m) : 0.0);
        }
        if (lasts.empty())
            continue;
        double v = lasts.front().first;
        for (const auto &[value, stamp] : lasts)
            v = m.ends_with("min") ? std::min(v, value) : std::max(v, value);
        if (m.ends_with("mostrecent")) {
            // The latest timestamp wins; of values set at the same instant
            // any one may.
            const double latest = std::max_element(lasts.begin(), lasts.end(), [](auto &a, auto &b) {
                                      return a.second < b.second;
                                  })->second;
            const auto got = final.find(sampleKey(family, {}));
            v = std::nan("");
            for (const auto &[value, stamp] : lasts)
                if (stamp == latest && (std::isnan(v) || (got != final.end() && got->second.value == value)))
                    v = value;
        }
        expect(family, family, {}, v);
    }
    expect("stress_g_sum", "stress_g_sum", {}, 0.0);
    expect("stress_g_livesum", "stress_g_livesum", {}, 0.0);

    for (const auto &[key, s] : expected) {
        const auto it = final.find(key);
        if (it == final.end())
            fail(prefix + QString::fromStdString(key) + QStringLiteral(" is missing"));
        else if (it->second.value != s.value)
            fail(prefix + QString::fromStdString(key)
                 + QStringLiteral(" is %1, the writers' reports say %2").arg(it->second.value, 0, 'g', 17).arg(s.value, 0, 'g', 17));
    }
    for (const auto &[key, s] : final)
        if (!expected.count(key))
            fail(prefix + QString::fromStdString(key) + QStringLiteral(" is not in any writer's report"));
}

void TestStress::writersAndReaders()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("PROMDIR_STRESS_SECONDS", &ok);
    const auto runFor = std::chrono::seconds(ok && seconds > 0 ? seconds : 8);

    // Whatever happens below, no writer outlives the test.
    struct StopAll
    {
        TestStress *t;
        ~StopAll()
        {
            touch(t->m_stop);
            for (auto &w : t->m_running)
                if (!w.process->waitForFinished(10000))
                    w.process->kill();
        }
    } stopAll{this};

    // Two long-running writers of each kind, and one recycled worker of each.
    const auto recycledOps = [this](Kind kind) {
        return kind == Kind::Cpp ? static_cast<long>(20000 + m_rng() % 80000) : static_cast<long>(100 + m_rng() % 900);
    };
    for (Kind kind : {Kind::Cpp, Kind::Python}) {
        QVERIFY(start(kind, 0, false));
        QVERIFY(start(kind, 0, false));
        QVERIFY(start(kind, recycledOps(kind), true));
    }

    MergeEngine engine(m_dir.toStdString());
    Flat last;
    long merges = 0, renders = 0, recycled = 0, transient = 0;
    const auto deadline = std::chrono::steady_clock::now() + runFor;
    while (std::chrono::steady_clock::now() < deadline && m_failureCount == 0) {
        const auto result = engine.refresh();
        ++merges;
        for (const Problem &p : result->load.allProblems()) {
            if (transientProblem(p.kind))
                ++transient;
            else
                fail(QStringLiteral("merge %1: ").arg(merges) + QString::fromStdString(p.describe()));
        }
        Flat now = flatten(result->families);
        checkValues(now, "engine");
        checkGrowth(last, now, "engine");

        // Now and then a fresh process merges too: it must land between
        // the engine's merge before it and the one after it.
        if (merges % 10 == 0) {
            QProcess render;
            render.start(QStringLiteral(PROMDIR_CLI), {QStringLiteral("render"), m_dir});
            Flat rendered;
            QString error;
            if (!render.waitForFinished(60000) || render.exitStatus() != QProcess::NormalExit || render.exitCode() > 1) {
                fail(QStringLiteral("promdir render failed: ") + QString::fromUtf8(render.readAllStandardError()));
            } else if (!parseText(render.readAllStandardOutput(), rendered, error)) {
                fail(QStringLiteral("promdir render: ") + error);
            } else {
                for (const QByteArray &line : render.readAllStandardError().split('\n')) {
                    if (line.isEmpty())
                        continue;
                    if (transientProblem(line))
                        ++transient;
                    else
                        fail(QStringLiteral("promdir render: ") + QString::fromUtf8(line));
                }
                checkValues(rendered, "promdir render");
                checkGrowth(now, rendered, "promdir render after the engine");
                MergeEngine fresh(m_dir.toStdString());
                checkGrowth(rendered, flatten(fresh.refresh()->families), "a fresh engine after promdir render");
                now = flatten(engine.refresh()->families);
                ++merges;
                checkValues(now, "engine");
                checkGrowth(rendered, now, "the engine after promdir render");
            }
            ++renders;
        }
        last = std::move(now);

        // Recycled workers: when one is done, it is marked dead (its live
        // gauge files go) and another takes its place.
        for (std::size_t i = 0; i < m_running.size(); ++i) {
            WriterProcess &w = m_running[i];
            if (!w.recycled || !w.process->waitForFinished(0))
                continue;
            collect(w);
            const auto marked = markProcessDead(w.pid, m_dir.toStdString());
            if (!marked)
                fail(QString::fromStdString(marked.error().message));
            const Kind kind = w.kind;
            m_done.push_back(std::move(w));
            m_running.erase(m_running.begin() + static_cast<std::ptrdiff_t>(i));
            ++recycled;
            start(kind, recycledOps(kind), true);
            break; // m_running changed
        }
    }

    // Stop the writers; the long-running ones are not marked dead.
    QVERIFY(touch(m_stop));
    for (auto &w : m_running) {
        QVERIFY2(w.process->waitForFinished(120000), "a writer did not stop");
        collect(w);
        if (w.recycled)
            QVERIFY(markProcessDead(w.pid, m_dir.toStdString()));
        m_done.push_back(std::move(w));
    }
    m_running.clear();
    QVERIFY2(m_failures.isEmpty(), qPrintable(m_failures.join(QLatin1Char('\n'))));

    // The exact totals, from a fresh engine; the incremental one (dead
    // processes folded, plans reused) and a fresh process give the same bytes.
    const auto warm = engine.refresh();
    MergeEngine cold(m_dir.toStdString());
    const auto coldResult = cold.refresh();
    for (const auto *r : {warm.get(), coldResult.get()})
        for (const Problem &p : r->load.allProblems())
            fail(QStringLiteral("final merge: ") + QString::fromStdString(p.describe()));
    const Flat final = flatten(coldResult->families);
    checkGrowth(last, final, "the final merge");
    checkFinal(final, "final merge");
    QVERIFY2(m_failures.isEmpty(), qPrintable(m_failures.join(QLatin1Char('\n'))));

    const std::string text = render(coldResult->families);
    QProcess cli;
    cli.start(QStringLiteral(PROMDIR_CLI), {QStringLiteral("render"), m_dir});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
    QCOMPARE(cli.readAllStandardOutput().toStdString(), text);
    QCOMPARE(render(warm->families), text);

    long ops = 0;
    for (const auto &w : m_done)
        ops += w.report.ops;
    qInfo("%ld merges and %ld promdir renders while writing; %zu writer processes (%ld recycled) did %ld operations; "
          "%zu files; %ld transient problems seen",
          merges, renders, m_done.size(), recycled, ops, coldResult->load.files.size(), transient);
}

QTEST_GUILESS_MAIN(TestStress)
#include "tst_stress.moc"
