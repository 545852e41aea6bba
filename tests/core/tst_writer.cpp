// The writer: names, validation, exact file bytes, reopening, growth,
// gauge modes, markProcessDead, close (comparisons with Python itself live
// in tests/interop/writer).
#include "dbbuilder.h"

#include "promdir/diagnostics/processes.h"
#include "promdir/read/directory.h"
#include "promdir/format/key.h"
#include "promdir/merge/merge.h"
#include "promdir/read/reader.h"
#include "promdir/render/render.h"
#include "promdir/writer/writer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace promdir;
using promdir::test::DbBuilder;

namespace {

std::string readAll(const std::filesystem::path &p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeAll(const std::filesystem::path &p, const std::string &bytes)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

WriterOptions optionsFor(const QTemporaryDir &dir, const std::string &pid = "1234")
{
    WriterOptions o;
    o.directory = dir.path().toStdString();
    o.processIdentifier = [pid] { return pid; };
    return o;
}

std::string renderDir(const QTemporaryDir &dir)
{
    auto load = loadDirectory(dir.path().toStdString());
    auto families = merge(load.files);
    return render(families);
}

} // namespace

class TestWriter : public QObject
{
    Q_OBJECT
private slots:
    void names_data()
    {
        QTest::addColumn<int>("type"); // MetricType
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QString>("subsystem");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<QString>("expected"); // empty: an error
        const int C = int(MetricType::Counter), G = int(MetricType::Gauge), H = int(MetricType::Histogram);
        QTest::newRow("plain") << G << "" << "" << "jobs" << "" << "jobs";
        QTest::newRow("namespace+subsystem") << G << "app" << "db" << "jobs" << "" << "app_db_jobs";
        QTest::newRow("subsystem only") << G << "" << "db" << "jobs" << "" << "db_jobs";
        QTest::newRow("counter drops _total") << C << "" << "" << "jobs_total" << "" << "jobs";
        QTest::newRow("counter only one _total") << C << "" << "" << "jobs_total_total" << "" << "jobs_total";
        QTest::newRow("gauge keeps _total") << G << "" << "" << "jobs_total" << "" << "jobs_total";
        QTest::newRow("unit appended") << H << "" << "" << "latency" << "seconds" << "latency_seconds";
        QTest::newRow("unit already there") << H << "" << "" << "latency_seconds" << "seconds" << "latency_seconds";
        QTest::newRow("counter _total then unit") << C << "" << "" << "sent_total" << "bytes" << "sent_bytes";
        QTest::newRow("counter unit then _total") << C << "" << "" << "sent_bytes_total" << "bytes" << "sent_bytes";
        QTest::newRow("namespace makes _total") << C << "x" << "" << "total" << "" << "x";
        QTest::newRow("colon allowed") << G << "" << "" << "a:b" << "" << "a:b";
        QTest::newRow("empty name") << G << "ns" << "" << "" << "" << "";
        QTest::newRow("leading digit") << G << "" << "" << "1abc" << "" << "";
        QTest::newRow("digit after namespace ok") << G << "ns" << "" << "1abc" << "" << "ns_1abc";
        QTest::newRow("dash") << G << "" << "" << "a-b" << "" << "";
        QTest::newRow("space") << G << "" << "" << "a b" << "" << "";
        QTest::newRow("non-ASCII") << G << "" << "" << "caf\u00e9" << "" << "";
    }

    void names()
    {
        QFETCH(int, type);
        QFETCH(QString, ns);
        QFETCH(QString, subsystem);
        QFETCH(QString, name);
        QFETCH(QString, unit);
        QFETCH(QString, expected);
        MetricOptions o{.name = name.toStdString(), .ns = ns.toStdString(), .subsystem = subsystem.toStdString(),
                        .unit = unit.toStdString()};
        auto r = buildMetricName(MetricType(type), o);
        if (expected.isEmpty()) {
            QVERIFY(!r);
            QVERIFY(r.error().code == WriterErrorCode::InvalidName);
            QVERIFY(!r.error().message.empty());
        } else {
            QVERIFY2(r, r ? "" : r.error().message.c_str());
            QCOMPARE(QString::fromStdString(*r), expected);
        }
    }

    void utf8Names()
    {
        MetricOptions o{.name = "caf\xC3\xA9"};
        QVERIFY(!buildMetricName(MetricType::Gauge, o, NameValidation::Legacy));
        auto r = buildMetricName(MetricType::Gauge, o, NameValidation::Utf8);
        QVERIFY(r);
        QCOMPARE(*r, std::string("caf\xC3\xA9"));
        o.name = "bad\xC3";
        QVERIFY(!buildMetricName(MetricType::Gauge, o, NameValidation::Utf8));
    }

    void labelValidation_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QStringList>("labels");
        QTest::addColumn<bool>("ok");
        const int C = int(MetricType::Counter), H = int(MetricType::Histogram), S = int(MetricType::Summary);
        QTest::newRow("fine") << C << QStringList{"method", "_x", "a1"} << true;
        QTest::newRow("reserved __") << C << QStringList{"__name"} << false;
        QTest::newRow("leading digit") << C << QStringList{"1a"} << false;
        QTest::newRow("colon") << C << QStringList{"a:b"} << false;
        QTest::newRow("empty") << C << QStringList{""} << false;
        QTest::newRow("twice") << C << QStringList{"a", "a"} << false;
        QTest::newRow("le on counter") << C << QStringList{"le"} << true;
        QTest::newRow("le on histogram") << H << QStringList{"le"} << false;
        QTest::newRow("quantile on summary") << S << QStringList{"quantile"} << false;
        QTest::newRow("quantile on histogram") << H << QStringList{"quantile"} << true;
    }

    void labelValidation()
    {
        QFETCH(int, type);
        QFETCH(QStringList, labels);
        QFETCH(bool, ok);
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir));
        QVERIFY(w);
        MetricOptions o{.name = "m", .help = "h"};
        for (const auto &l : labels)
            o.labelNames.push_back(l.toStdString());
        bool created = false;
        switch (MetricType(type)) {
        case MetricType::Counter: created = bool(w->counter(o)); break;
        case MetricType::Histogram: created = bool(w->histogram(o)); break;
        case MetricType::Summary: created = bool(w->summary(o)); break;
        case MetricType::Gauge: created = bool(w->gauge(o)); break;
        }
        QCOMPARE(created, ok);
        if (!ok) // a rejected metric leaves no file behind
            QVERIFY(w->files().empty());
    }

    void directoryErrors()
    {
        WriterOptions o;
        o.directory = "/nonexistent/promdir-writer-test";
        auto r = Writer::open(o);
        QVERIFY(!r);
        QVERIFY(r.error().code == WriterErrorCode::BadDirectory);
        QTemporaryDir dir;
        const auto file = std::filesystem::path(dir.path().toStdString()) / "plain";
        writeAll(file, "x");
        o.directory = file;
        r = Writer::open(o);
        QVERIFY(!r);
        QVERIFY(r.error().code == WriterErrorCode::BadDirectory);
        QVERIFY(r.error().message.find("not a directory") != std::string::npos);

        qunsetenv("PROMETHEUS_MULTIPROC_DIR");
        qunsetenv("prometheus_multiproc_dir");
        r = Writer::open();
        QVERIFY(!r);
        QVERIFY(r.error().code == WriterErrorCode::NoDirectory);
        qputenv("prometheus_multiproc_dir", dir.path().toUtf8());
        r = Writer::open();
        QVERIFY(r);
        QCOMPARE(r->directory(), std::filesystem::path(dir.path().toStdString()));
        qunsetenv("prometheus_multiproc_dir");

        WriterOptions bad = optionsFor(dir, "a_b");
        r = Writer::open(bad);
        QVERIFY(!r);
        QVERIFY(r.error().code == WriterErrorCode::InvalidProcessIdentifier);
    }

    void defaultIdentifierIsPid()
    {
        QTemporaryDir dir;
        WriterOptions o;
        o.directory = dir.path().toStdString();
        auto w = Writer::open(o);
        QVERIFY(w);
        QCOMPARE(w->processIdentifier(), std::to_string(::getpid()));
        QVERIFY(w->counter({.name = "c", .help = "h"}));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("counter_%1.db").arg(::getpid()))));
    }

    // The file a labelled counter produces, byte for byte.
    void counterBytes()
    {
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir));
        QVERIFY(w);
        auto c = w->counter({.name = "jobs_total", .help = "Jobs processed.", .labelNames = {"state", "queue"}});
        QVERIFY(c);
        QVERIFY(w->files().empty()); // a parent has no series yet
        QCOMPARE(int(c->inc()), int(WriteStatus::MissingLabelValues));
        auto done = c->labels("done", "caf\xC3\xA9");
        QVERIFY(done);
        QCOMPARE(int(done->inc(2.5)), int(WriteStatus::Ok));
        QCOMPARE(int(done->inc(-1)), int(WriteStatus::NegativeAmount));
        auto again = c->labelsByName({{"queue", "caf\xC3\xA9"}, {"state", "done"}});
        QVERIFY(again);
        QCOMPARE(int(again->inc()), int(WriteStatus::Ok));
        QCOMPARE(done->value(), 3.5);
        auto other = c->labels({"failed", "q"});
        QVERIFY(other);
        QVERIFY(!c->labels("x"));
        QVERIFY(!c->labelsByName({{"state", "x"}, {"nope", "y"}}));
        QVERIFY(!done->labels("a", "b")); // no chaining
        QVERIFY(!c->labels("ok", "bad\xC3"));

        const std::string expected =
            DbBuilder()
                .add(R"(["jobs", "jobs_total", {"queue": "caf\u00e9", "state": "done"}, "Jobs processed."])", 3.5)
                .add(R"(["jobs", "jobs_total", {"queue": "q", "state": "failed"}, "Jobs processed."])", 0.0)
                .bytes(64 * 1024);
        const std::string actual = readAll(std::filesystem::path(dir.path().toStdString()) / "counter_1234.db");
        QCOMPARE(actual.size(), std::size_t(64 * 1024));
        QCOMPARE(QByteArray::fromStdString(actual), QByteArray::fromStdString(expected));
    }

    void histogramAndSummaryKeys()
    {
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir));
        QVERIFY(w);
        auto h = w->histogram({.name = "lat", .help = "L", .unit = "seconds"}, {0.5, 1e6, 2.5e6});
        QVERIFY(h);
        QCOMPARE(h->buckets().size(), std::size_t(4));
        QCOMPARE(int(h->observe(0.5)), int(WriteStatus::Ok));   // le is inclusive
        QCOMPARE(int(h->observe(3e6)), int(WriteStatus::Ok));   // +Inf
        QCOMPARE(int(h->observe(std::nan(""))), int(WriteStatus::Ok)); // only the sum
        QCOMPARE(h->bucketValue(0), 1.0);
        QCOMPARE(h->bucketValue(3), 1.0);
        QVERIFY(std::isnan(h->sum()));
        auto s = w->summary({.name = "size", .help = "S", .labelNames = {"e"}});
        QVERIFY(s);
        QCOMPARE(int(s->labels("/")->observe(10)), int(WriteStatus::Ok));
        QCOMPARE(int(s->labels("/")->observe(5)), int(WriteStatus::Ok));

        const auto hf = readFile(std::filesystem::path(dir.path().toStdString()) / "histogram_1234.db");
        QVERIFY(hf.ok());
        QCOMPARE(hf.generation, 4);
        std::vector<std::string> keys;
        for (const auto &e : hf.entries)
            keys.push_back(e.rawKey());
        const std::vector<std::string> want{
            R"(["lat_seconds", "lat_seconds_sum", {}, "L"])",
            R"(["lat_seconds", "lat_seconds_bucket", {"le": "0.5"}, "L"])",
            R"(["lat_seconds", "lat_seconds_bucket", {"le": "1e+06"}, "L"])",
            R"(["lat_seconds", "lat_seconds_bucket", {"le": "2.5e+06"}, "L"])",
            R"(["lat_seconds", "lat_seconds_bucket", {"le": "+Inf"}, "L"])",
        };
        QCOMPARE(keys, want);
        const auto sf = readFile(std::filesystem::path(dir.path().toStdString()) / "summary_1234.db");
        QVERIFY(sf.ok());
        QCOMPARE(sf.entries.size(), std::size_t(2));
        QCOMPARE(sf.entries[0].rawKey(), std::string(R"(["size", "size_count", {"e": "/"}, "S"])"));
        QCOMPARE(sf.entries[0].value, 2.0);
        QCOMPARE(sf.entries[1].rawKey(), std::string(R"(["size", "size_sum", {"e": "/"}, "S"])"));
        QCOMPARE(sf.entries[1].value, 15.0);
    }

    void bucketValidation()
    {
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir));
        QVERIFY(w);
        QVERIFY(!w->histogram({.name = "a"}, {2, 1}));
        QVERIFY(!w->histogram({.name = "b"}, {1, 1}));
        QVERIFY(!w->histogram({.name = "c"}, {std::nan("")}));
        QVERIFY(!w->histogram({.name = "d"}, {std::numeric_limits<double>::infinity()}));
        QVERIFY(!w->histogram({.name = "e"}, {}));
        auto one = w->histogram({.name = "f"}, {1});
        QVERIFY(one);
        QCOMPARE(one->buckets().size(), std::size_t(2));
        auto def = w->histogram({.name = "g"});
        QVERIFY(def);
        QCOMPARE(def->buckets(), defaultBuckets());
        QCOMPARE(defaultBuckets().size(), std::size_t(15));
    }

    void duplicates()
    {
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir));
        QVERIFY(w);
        QVERIFY(w->counter({.name = "x"}));
        auto again = w->counter({.name = "x_total"});
        QVERIFY(!again);
        QVERIFY(again.error().code == WriterErrorCode::DuplicateMetric);
        QVERIFY(!w->gauge({.name = "x_total"})); // the counter's sample name
        QVERIFY(!w->gauge({.name = "x_created"}));
        QVERIFY(w->histogram({.name = "h"}));
        QVERIFY(!w->gauge({.name = "h_bucket"}));
        QVERIFY(w->gauge({.name = "y"}));
    }

    void gaugeModes()
    {
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir, "77"));
        QVERIFY(w);
        int i = 0;
        for (GaugeMode m : allGaugeModes()) {
            auto g = w->gauge({.name = "g" + std::to_string(i++), .help = "h"}, m);
            QVERIFY(g);
            QCOMPARE(int(g->mode()), int(m));
            const bool recent = m == GaugeMode::MostRecent || m == GaugeMode::LiveMostRecent;
            QCOMPARE(int(g->inc()), int(recent ? WriteStatus::NotInThisMode : WriteStatus::Ok));
            QCOMPARE(int(g->dec(3)), int(recent ? WriteStatus::NotInThisMode : WriteStatus::Ok));
            if (!recent)
                QCOMPARE(g->value(), -2.0);
            const double before = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
            QCOMPARE(int(g->set(4.25)), int(WriteStatus::Ok));
            QCOMPARE(g->value(), 4.25);
            if (recent) {
                QVERIFY(g->timestamp() >= before - 1 && g->timestamp() < before + 60);
            } else {
                QCOMPARE(g->timestamp(), 0.0);
            }
            QVERIFY(QFile::exists(dir.filePath(QStringLiteral("gauge_%1_77.db").arg(QString::fromUtf8(toString(m))))));
        }
        auto t = w->gauge({.name = "t"});
        QVERIFY(t);
        QCOMPARE(int(t->setToCurrentTime()), int(WriteStatus::Ok));
        QVERIFY(std::abs(t->value() - double(QDateTime::currentMSecsSinceEpoch()) / 1000.0) < 5);
        {
            auto inProgress = t->trackInProgress();
            QVERIFY(std::abs(t->value() - double(QDateTime::currentMSecsSinceEpoch()) / 1000.0) < 6);
        }
        QVERIFY(!w->gauge({.name = "bad"}, GaugeMode::None));
    }

    void reopenContinues()
    {
        QTemporaryDir dir;
        {
            auto w = Writer::open(optionsFor(dir));
            auto c = w->counter({.name = "c", .help = "h", .labelNames = {"l"}});
            QCOMPARE(int(c->labels("a")->inc(5)), int(WriteStatus::Ok));
            auto g = w->gauge({.name = "g", .help = "h"}, GaugeMode::MostRecent);
            QCOMPARE(int(g->set(9)), int(WriteStatus::Ok));
        }
        const auto path = std::filesystem::path(dir.path().toStdString()) / "counter_1234.db";
        const std::string before = readAll(path);
        auto w = Writer::open(optionsFor(dir));
        auto c = w->counter({.name = "c", .help = "h", .labelNames = {"l"}});
        auto a = c->labels("a");
        QCOMPARE(a->value(), 5.0);
        QCOMPARE(readAll(path), before); // reopening alone changes nothing
        QCOMPARE(int(a->inc()), int(WriteStatus::Ok));
        QCOMPARE(int(c->labels("b")->inc()), int(WriteStatus::Ok));
        auto g = w->gauge({.name = "g", .help = "h"}, GaugeMode::MostRecent);
        QCOMPARE(g->value(), 9.0);
        QVERIFY(g->timestamp() > 0);

        const auto f = readFile(path);
        QVERIFY(f.ok());
        QCOMPARE(f.entries.size(), std::size_t(2)); // no duplicate entry
        QCOMPARE(f.entries[0].value, 6.0);
        QCOMPARE(f.entries[1].value, 1.0);

        // Other help text is another key (as in Python): a new entry.
        auto w2 = Writer::open(optionsFor(dir));
        QVERIFY(w2->counter({.name = "c", .help = "other", .labelNames = {"l"}})->labels("a"));
        QCOMPARE(readFile(path).entries.size(), std::size_t(3));
    }

    void foreignFileRefused()
    {
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "counter_1234.db";
        // A generation 3 file (8-byte values, client 0.16/0.17).
        const std::string gen3 = DbBuilder(8).add(R"(["c", "c_total", {}, "h"])", 3).add(R"(["d", "d_total", {}, "h"])", 4).bytes(64 * 1024);
        writeAll(path, gen3);
        auto w = Writer::open(optionsFor(dir));
        QVERIFY(w);
        auto c = w->counter({.name = "c", .help = "h"});
        QVERIFY(!c);
        QVERIFY(c.error().code == WriterErrorCode::ForeignFile);
        QVERIFY(c.error().message.find("counter_1234.db") != std::string::npos);
        QCOMPARE(readAll(path), gen3); // untouched
        // Garbage, and an SQLite database under a writer's name.
        writeAll(path, std::string("SQLite format 3\0", 16) + std::string(100, 'x'));
        QVERIFY(!w->counter({.name = "c2", .help = "h"}));
        writeAll(path, "abc");
        QVERIFY(!w->counter({.name = "c3", .help = "h"}));
        QCOMPARE(readAll(path), std::string("abc"));
    }

    // The documented idiom `*requests->labels(...)` never throws: on an
    // error it gives an invalid handle (updates say InvalidHandle).
    void failedResultNeverThrows()
    {
        static_assert(noexcept(*std::declval<Result<Counter> &>()));
        static_assert(noexcept(std::declval<Result<Counter> &>().operator->()));
        static_assert(noexcept(std::declval<const Result<Gauge> &>().value()));
        static_assert(noexcept(std::declval<Result<Writer> &>().error()));
        // Updates say they never throw.
        static_assert(noexcept(std::declval<const Counter &>().inc()));
        static_assert(noexcept(std::declval<const Counter &>().reset()));
        static_assert(noexcept(std::declval<const Gauge &>().set(1.0)));
        static_assert(noexcept(std::declval<const Gauge &>().dec()));
        static_assert(noexcept(std::declval<const Gauge &>().setToCurrentTime()));
        static_assert(noexcept(std::declval<const Gauge &>().trackInProgress()));
        static_assert(noexcept(std::declval<const Histogram &>().observe(1.0)));
        static_assert(noexcept(std::declval<const Summary &>().observe(1.0)));
        static_assert(noexcept(std::declval<const Summary &>().count()));
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir));
        QVERIFY(w);
        QCOMPARE(w.error().message, std::string()); // error() of an ok result
        auto requests = w->counter({.name = "http_requests", .help = "h", .labelNames = {"method", "endpoint"}});
        QVERIFY(requests);
        const auto wrong = requests->labels("get");
        QVERIFY(!wrong);
        QVERIFY(wrong.error().code == WriterErrorCode::InvalidLabelValues);
        QCOMPARE(nameOf(wrong.error().code), std::string_view("InvalidLabelValues"));
        const Counter h = *requests->labels("get");
        QVERIFY(h.inc() == WriteStatus::InvalidHandle);
        // A failed metric, then its labels, then an update: still no throw.
        auto dup = w->counter({.name = "http_requests", .help = "h", .labelNames = {"method"}});
        QVERIFY(!dup);
        QVERIFY(dup.error().code == WriterErrorCode::DuplicateMetric);
        QVERIFY(!dup->labels("get"));
        QVERIFY((*dup->labels("get")).inc(2) == WriteStatus::InvalidHandle);
        QCOMPARE(nameOf(WriteStatus::NegativeAmount), std::string_view("NegativeAmount"));
        QCOMPARE(nameOf(WriterErrorCode::FileInUse), std::string_view("FileInUse"));
        // Nothing was written for the failed ones.
        QVERIFY(renderDir(dir).find("http_requests_total{") == std::string::npos);
    }

    // A gauge mode must be one of the ten; None and values that are no mode
    // are refused as such, and no file named after them is made.
    void gaugeModeValidated()
    {
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir));
        for (GaugeMode bad : {GaugeMode::None, static_cast<GaugeMode>(99)}) {
            auto g = w->gauge({.name = "g", .help = "h"}, bad);
            QVERIFY(!g);
            QVERIFY(g.error().code == WriterErrorCode::InvalidGaugeMode);
        }
        QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
        QVERIFY(w->gauge({.name = "g", .help = "h"}, GaugeMode::LiveMostRecent));
    }

    // A link planted under a writer's file name (counter_<pid>.db -> a file
    // of the writer's user, or root's) is refused, never written through.
    void plantedLinkNotFollowed()
    {
        QTemporaryDir dir;
        const std::filesystem::path d = dir.path().toStdString();
        const auto target = d / "precious.txt";
        writeAll(target, "do not touch");
        std::filesystem::create_symlink(target, d / "counter_1234.db");
        std::filesystem::create_symlink(d / "nowhere", d / "gauge_all_1234.db");
        auto w = Writer::open(optionsFor(dir));
        QVERIFY(w);
        auto c = w->counter({.name = "c", .help = "h"});
        QVERIFY(!c);
        QVERIFY(c.error().code == WriterErrorCode::FileError);
        QVERIFY2(c.error().message.find("is a symbolic link") != std::string::npos, c.error().message.c_str());
        auto g = w->gauge({.name = "g", .help = "h"}, GaugeMode::All);
        QVERIFY(!g);
        QCOMPARE(readAll(target), std::string("do not touch"));
        QVERIFY(!std::filesystem::exists(d / "nowhere"));
    }

    // Two processes with the same identifier on one directory (a pid reused
    // across containers sharing a volume): the second is told, instead of
    // both appending entries to one file over each other.
    void secondProcessOnSameFileRefused()
    {
        QTemporaryDir dir;
        int ready[2], done[2];
        QCOMPARE(::pipe(ready), 0);
        QCOMPARE(::pipe(done), 0);
        const pid_t child = ::fork();
        if (child == 0) {
            auto w = Writer::open(optionsFor(dir, "777"));
            bool ok = w && w->counter({.name = "c", .help = "h"});
            char c = ok ? 1 : 0;
            [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
            n = ::read(done[0], &c, 1); // hold the file until told
            ::_exit(0);
        }
        char c = 0;
        QCOMPARE(::read(ready[0], &c, 1), ssize_t(1));
        QCOMPARE(c, char(1));
        auto w = Writer::open(optionsFor(dir, "777"));
        QVERIFY(w);
        auto counter = w->counter({.name = "c2", .help = "h"});
        QVERIFY(!counter);
        QVERIFY(counter.error().code == WriterErrorCode::FileInUse);
        QVERIFY2(counter.error().message.find("counter_777.db") != std::string::npos, counter.error().message.c_str());
        // Other identifiers are fine, and the file again once it is free.
        QVERIFY(Writer::open(optionsFor(dir, "778"))->counter({.name = "c", .help = "h"}));
        [[maybe_unused]] auto n = ::write(done[1], &c, 1);
        ::waitpid(child, nullptr, 0);
        auto again = Writer::open(optionsFor(dir, "777"));
        QVERIFY(again->counter({.name = "c3", .help = "h"}));
    }

    void oddSizedFileIsExtended()
    {
        // A copied file of exactly `used` bytes is reopened and grows in pages.
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "counter_1234.db";
        writeAll(path, DbBuilder().add(R"(["c", "c_total", {}, "h"])", 3).bytes());
        auto w = Writer::open(optionsFor(dir));
        auto c = w->counter({.name = "c", .help = "h"});
        QVERIFY(c);
        QCOMPARE(int(c->inc()), int(WriteStatus::Ok));
        QCOMPARE(readFile(path).entries.at(0).value, 4.0);
        QCOMPARE(std::filesystem::file_size(path), std::uintmax_t(64 * 1024));
    }

    void growthKeepsValues()
    {
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir));
        auto c = w->counter({.name = "c", .help = std::string(200, 'h'), .labelNames = {"i"}});
        std::vector<Counter> series;
        for (int i = 0; i < 2000; ++i) {
            auto s = c->labels(std::to_string(i));
            QVERIFY(s);
            s->inc(i);
            series.push_back(*s);
        }
        for (int i = 0; i < 2000; ++i)
            series[std::size_t(i)].inc(1);
        const auto path = std::filesystem::path(dir.path().toStdString()) / "counter_1234.db";
        const auto size = std::filesystem::file_size(path);
        QVERIFY(size > 64 * 1024);
        QCOMPARE(size & (size - 1), std::uintmax_t(0)); // doubled: a power of two
        const auto f = readFile(path);
        QVERIFY(f.ok());
        QCOMPARE(f.entries.size(), std::size_t(2000));
        for (int i = 0; i < 2000; ++i)
            QCOMPARE(f.entries[std::size_t(i)].value, double(i + 1));
    }

    void renderMerged()
    {
        QTemporaryDir dir;
        for (const char *pid : {"11", "12"}) {
            auto w = Writer::open(optionsFor(dir, pid));
            auto c = w->counter({.name = "req_total", .help = "Requests.", .labelNames = {"code"}});
            c->labels("200")->inc(3);
            auto g = w->gauge({.name = "inprogress", .help = "In progress."}, GaugeMode::LiveSum);
            g->inc(2);
            auto m = w->gauge({.name = "mem", .help = "Memory."}, GaugeMode::All);
            m->set(100);
            auto h = w->histogram({.name = "lat", .help = "Latency."}, {1, 2});
            h->observe(1.5);
        }
        // Families in first-seen order over the sorted file names.
        const std::string expected =
            "# HELP req_total Requests.\n# TYPE req_total counter\nreq_total{code=\"200\"} 6.0\n"
            "# HELP mem Memory.\n# TYPE mem gauge\nmem{pid=\"11\"} 100.0\nmem{pid=\"12\"} 100.0\n"
            "# HELP inprogress In progress.\n# TYPE inprogress gauge\ninprogress 4.0\n"
            "# HELP lat Latency.\n# TYPE lat histogram\nlat_sum 3.0\nlat_bucket{le=\"1.0\"} 0.0\n"
            "lat_bucket{le=\"2.0\"} 2.0\nlat_bucket{le=\"+Inf\"} 2.0\nlat_count 2.0\n";
        QCOMPARE(QString::fromStdString(renderDir(dir)), QString::fromStdString(expected));

        QCOMPARE(*markProcessDead("11", dir.path().toStdString()), 1);
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("gauge_livesum_11.db"))));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("gauge_all_11.db"))));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("counter_11.db"))));
        QCOMPARE(*markProcessDead("11", dir.path().toStdString()), 0);
        QVERIFY(!markProcessDead("a_b", dir.path().toStdString()));
        QVERIFY(QString::fromStdString(renderDir(dir)).contains(QStringLiteral("inprogress 2.0\n")));
    }

    void markProcessDeadAllLiveModes()
    {
        QTemporaryDir dir;
        const std::filesystem::path d = dir.path().toStdString();
        for (const char *n : {"gauge_liveall_5.db", "gauge_livemin_5.db", "gauge_livemax_5.db", "gauge_livesum_5.db",
                              "gauge_livemostrecent_5.db", "gauge_all_5.db", "gauge_livesum_55.db", "counter_5.db"})
            writeAll(d / n, "");
        QCOMPARE(*markProcessDead(std::int64_t(5), d), 5);
        QStringList left = QDir(dir.path()).entryList(QDir::Files, QDir::Name);
        QCOMPARE(left, (QStringList{"counter_5.db", "gauge_all_5.db", "gauge_livesum_55.db"}));
        qputenv("PROMETHEUS_MULTIPROC_DIR", dir.path().toUtf8());
        QCOMPARE(*markProcessDead("55"), 1);
        qunsetenv("PROMETHEUS_MULTIPROC_DIR");
    }

    // mark-dead removes a link planted under a live gauge's name, never
    // what it points to, and never a folder of that name.
    void markProcessDeadFollowsNoLink()
    {
        QTemporaryDir dir;
        const std::filesystem::path d = dir.path().toStdString();
        std::filesystem::create_directory(d / "keep");
        writeAll(d / "keep" / "gauge_livesum_6.db", "precious");
        std::filesystem::create_symlink(d / "keep" / "gauge_livesum_6.db", d / "gauge_livesum_6.db");
        std::filesystem::create_directory(d / "gauge_livemax_6.db");
        writeAll(d / "gauge_livemin_6.db", "");
        const auto r = markProcessDead(std::int64_t(6), d);
        QVERIFY(r);
        QCOMPARE(*r, 2);
        QVERIFY(!std::filesystem::exists(std::filesystem::symlink_status(d / "gauge_livesum_6.db")));
        QCOMPARE(readAll(d / "keep" / "gauge_livesum_6.db"), std::string("precious"));
        QVERIFY(std::filesystem::is_directory(d / "gauge_livemax_6.db"));
        QVERIFY(!std::filesystem::exists(d / "gauge_livemin_6.db"));
    }

    // The removal under it: what was deleted, what was not and why, and a
    // directory that cannot be opened is an error of its own.
    void removalSaysWhatItDid()
    {
        QTemporaryDir dir;
        const std::filesystem::path d = dir.path().toStdString();
        std::filesystem::create_directory(d / "gauge_livemax_7.db");
        writeAll(d / "gauge_livemin_7.db", "");
        const auto r = removeLiveGaugeFiles("7", d);
        QVERIFY(r);
        QCOMPARE(r->removed, std::vector<std::string>{"gauge_livemin_7.db"});
        QCOMPARE(r->failed.size(), std::size_t(1));
        QVERIFY(r->failed[0].code == RemoveErrorCode::IsAFolder);
        QCOMPARE(r->failed[0].message, (d / "gauge_livemax_7.db").string() + ": is a folder; not removed");
        const auto missing = removeLiveGaugeFiles("7", d / "missing");
        QVERIFY(!missing);
        QVERIFY(missing.error().code == RemoveErrorCode::CannotOpenDirectory);
        QCOMPARE(nameOf(missing.error().code), std::string_view("CannotOpenDirectory"));
        const auto viaWriter = markProcessDead("7", d / "missing");
        QVERIFY(viaWriter.error().code == WriterErrorCode::FileError);
        QCOMPARE(viaWriter.error().message, missing.error().message);
    }

    void closeDiscards()
    {
        QTemporaryDir dir;
        auto w = Writer::open(optionsFor(dir));
        auto c = w->counter({.name = "c", .help = "h"});
        QCOMPARE(int(c->inc(2)), int(WriteStatus::Ok));
        QVERIFY(w->flush());
        w->close();
        QVERIFY(w->isClosed());
        QCOMPARE(int(c->inc()), int(WriteStatus::Closed));
        QVERIFY(!w->counter({.name = "d"}));
        const auto f = readFile(std::filesystem::path(dir.path().toStdString()) / "counter_1234.db");
        QCOMPARE(f.entries.at(0).value, 2.0);
        Counter invalid;
        QCOMPARE(int(invalid.inc()), int(WriteStatus::InvalidHandle));
        QVERIFY(!invalid.labels("x"));
    }

    // A library and the application, each with its own Writer on the same
    // directory: they append through one file, never over each other.
    void twoWritersShareFiles()
    {
        QTemporaryDir dir;
        auto app = Writer::open(optionsFor(dir));
        auto lib = Writer::open(optionsFor(dir));
        QVERIFY(app && lib);
        auto a = app->counter({.name = "app_jobs", .help = "h", .labelNames = {"i"}});
        auto b = lib->counter({.name = "lib_calls", .help = "h", .labelNames = {"i"}});
        for (int i = 0; i < 300; ++i) { // grows the file past 64 KiB, alternating writers
            QCOMPARE(int(a->labels(std::to_string(i))->inc(i)), int(WriteStatus::Ok));
            QCOMPARE(int(b->labels(std::to_string(i))->inc(2 * i)), int(WriteStatus::Ok));
        }
        // The same metric in both: one entry, both writers add to it.
        auto shared1 = app->counter({.name = "shared", .help = "h"});
        auto shared2 = lib->counter({.name = "shared", .help = "h"});
        shared1->inc(1);
        shared2->inc(2);
        lib->close();
        QCOMPARE(int(shared2->inc()), int(WriteStatus::Closed));
        QCOMPARE(int(shared1->inc(4)), int(WriteStatus::Ok)); // the other writer goes on
        const auto f = readFile(std::filesystem::path(dir.path().toStdString()) / "counter_1234.db");
        QVERIFY(f.ok());
        QCOMPARE(f.entries.size(), std::size_t(601));
        for (int i = 0; i < 300; ++i) {
            QCOMPARE(f.entries[std::size_t(2 * i)].value, double(i));
            QCOMPARE(f.entries[std::size_t(2 * i + 1)].value, double(2 * i));
        }
        QCOMPARE(f.entries.back().value, 7.0);
    }

    void refreshIdentifier()
    {
        QTemporaryDir dir;
        std::string id = "100";
        WriterOptions o;
        o.directory = dir.path().toStdString();
        o.processIdentifier = [&id] { return id; };
        auto w = Writer::open(o);
        auto c = w->counter({.name = "c", .help = "h"});
        c->inc(3);
        id = "200";
        QCOMPARE(w->processIdentifier(), std::string("100"));
        auto r = w->refreshProcessIdentifier();
        QVERIFY(r);
        QVERIFY(*r);
        c->inc(1);
        QCOMPARE(readFile(std::filesystem::path(o.directory) / "counter_100.db").entries.at(0).value, 3.0);
        QCOMPARE(readFile(std::filesystem::path(o.directory) / "counter_200.db").entries.at(0).value, 1.0);
    }
};

QTEST_GUILESS_MAIN(TestWriter)
#include "tst_writer.moc"
