// promdir doctor (issue 4): one directory per problem it knows; each must
// raise exactly its own check, with advice, and nothing else.
#include "testutil.h"
#include "dbbuilder.h"

#include "promdir/diagnostics/doctor.h"
#include "promdir/diagnostics/diff.h"
#include "promdir/format/key.h"
#include "promdir/engine/mergeengine.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <set>

using namespace promdir;
using namespace promdir::test;
namespace fs = std::filesystem;

namespace {

const std::string kDead1 = "999999991"; // above any pid_max: never running
const std::string kDead2 = "999999992";

std::string me()
{
    return std::to_string(QCoreApplication::applicationPid());
}

std::string counterFile(const std::string &metric = "requests", double v = 1.0)
{
    return DbBuilder(16).add(encodeKey(metric, metric + "_total", {}, "Requests."), v).bytes(4096);
}

std::string gaugeFile(const std::string &metric = "temperature", double v = 1.0)
{
    return DbBuilder(16).add(encodeKey(metric, metric, {}, "Temperature."), v).bytes(4096);
}

void ageFile(const std::string &path, std::chrono::hours by)
{
    fs::last_write_time(path, fs::file_time_type::clock::now() - by);
}

std::set<std::string> problemChecks(const DoctorReport &r)
{
    std::set<std::string> s;
    for (const auto &f : r.findings)
        if (f.severity == Severity::Problem)
            s.insert(f.check);
    return s;
}

const Finding &findingOf(const DoctorReport &r, const std::string &check)
{
    static const Finding none;
    const auto it = std::find_if(r.findings.begin(), r.findings.end(), [&](const Finding &f) { return f.check == check; });
    return it == r.findings.end() ? none : *it;
}

} // namespace

class TestDoctor : public QObject
{
    Q_OBJECT
private slots:
    void eachProblem_data()
    {
        QTest::addColumn<QString>("setup");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("healthy") << QStringLiteral("healthy") << QStringList{};
        QTest::newRow("unknown-pid") << QStringLiteral("unknown-pid") << QStringList{};
        QTest::newRow("old-files") << QStringLiteral("old-files") << QStringList{};
        QTest::newRow("corrupt") << QStringLiteral("corrupt") << QStringList{QStringLiteral("corrupt-files")};
        QTest::newRow("empty") << QStringLiteral("empty") << QStringList{QStringLiteral("empty-files")};
        QTest::newRow("foreign") << QStringLiteral("foreign") << QStringList{QStringLiteral("foreign-files")};
        QTest::newRow("generations") << QStringLiteral("generations") << QStringList{QStringLiteral("generations")};
        QTest::newRow("dead-live-gauges") << QStringLiteral("dead-live-gauges") << QStringList{QStringLiteral("dead-live-gauges")};
        QTest::newRow("dead-gauges") << QStringLiteral("dead-gauges") << QStringList{QStringLiteral("dead-gauges")};
        QTest::newRow("pid-reuse") << QStringLiteral("pid-reuse") << QStringList{QStringLiteral("pid-reuse")};
        QTest::newRow("type-conflicts") << QStringLiteral("type-conflicts") << QStringList{QStringLiteral("type-conflicts")};
        QTest::newRow("many-files") << QStringLiteral("many-files") << QStringList{QStringLiteral("file-count")};
        QTest::newRow("free-space") << QStringLiteral("free-space") << QStringList{QStringLiteral("free-space")};
    }

    void eachProblem()
    {
        QFETCH(QString, setup);
        QFETCH(QStringList, expected);
        QTemporaryDir tmp;
        const std::string d = tmp.path().toStdString();
        // Every directory has a healthy counter of this (running) process.
        spit(d + "/counter_" + me() + ".db", counterFile());
        DoctorOptions options;
        if (setup == QLatin1String("unknown-pid")) {
            spit(d + "/counter_worker-a.db", counterFile());
        } else if (setup == QLatin1String("old-files")) {
            spit(d + "/counter_" + kDead1 + ".db", counterFile()); // counters of dead pids must stay
            ageFile(d + "/counter_" + kDead1 + ".db", std::chrono::hours(72));
        } else if (setup == QLatin1String("corrupt")) {
            std::string b = counterFile();
            DbBuilder::setInt(b, 0, 7); // used not a multiple of 8, below the header
            spit(d + "/counter_" + kDead1 + ".db", b);
        } else if (setup == QLatin1String("empty")) {
            spit(d + "/counter_" + kDead1 + ".db", {});
        } else if (setup == QLatin1String("foreign")) {
            spit(d + "/cache.db", "SQLite format 3\0" + std::string(100, '\0'));
            spit(d + "/README.txt", "notes");
        } else if (setup == QLatin1String("generations")) {
            // A generation-3 file (8-byte values) left from client 0.17.
            spit(d + "/counter_" + kDead1 + ".db",
                 DbBuilder(8).add(encodeKey("requests", "requests_total", {}, "Requests."), 3).bytes(4096));
        } else if (setup == QLatin1String("dead-live-gauges")) {
            spit(d + "/gauge_liveall_" + kDead1 + ".db", gaugeFile());
            spit(d + "/gauge_livesum_" + kDead2 + ".db", gaugeFile("inflight"));
        } else if (setup == QLatin1String("dead-gauges")) {
            spit(d + "/gauge_all_" + kDead1 + ".db", gaugeFile());
        } else if (setup == QLatin1String("pid-reuse")) {
            // Written two days ago by an earlier process with this pid.
            ageFile(d + "/counter_" + me() + ".db", std::chrono::hours(48));
        } else if (setup == QLatin1String("type-conflicts")) {
            spit(d + "/gauge_all_" + me() + ".db", gaugeFile("requests"));
        } else if (setup == QLatin1String("many-files")) {
            spit(d + "/counter_" + kDead1 + ".db", counterFile());
            options.manyFiles = 1;
        } else if (setup == QLatin1String("free-space")) {
            options.minFreeFraction = 1.01;
        }

        const LoadResult load = loadPath(d);
        QVERIFY(load.ok);
        const DoctorReport report = runDoctor(d, load, options);
        // Every check reports, in the documented order.
        QCOMPARE(report.findings.size(), doctorChecks().size());
        for (std::size_t i = 0; i < report.findings.size(); ++i)
            QCOMPARE(report.findings[i].check, doctorChecks()[i].first);

        std::set<std::string> want;
        for (const auto &e : expected)
            want.insert(e.toStdString());
        const auto got = problemChecks(report);
        QStringList gotList;
        for (const auto &g : got)
            gotList << QString::fromStdString(g);
        QVERIFY2(got == want, qPrintable(gotList.join(QLatin1Char(','))));
        QCOMPARE(report.healthy(), want.empty());
        for (const auto &f : report.findings) {
            if (f.severity == Severity::Problem) {
                QVERIFY2(!f.advice.empty(), f.check.c_str());
                QVERIFY(!f.summary.empty());
            }
        }
        if (setup == QLatin1String("dead-live-gauges")) {
            const auto &f = findingOf(report, "dead-live-gauges");
            QVERIFY2(f.advice.find("promdir mark-dead " + kDead1 + " --dir " + d) != std::string::npos, f.advice.c_str());
            QCOMPARE(f.details.size(), std::size_t(2));
        }
        if (setup == QLatin1String("unknown-pid")) {
            const auto it = std::find_if(report.findings.begin(), report.findings.end(),
                                         [](const Finding &f) { return f.check == "liveness"; });
            QVERIFY(it->severity == Severity::Info);
        }
        if (setup == QLatin1String("old-files")) {
            const auto it = std::find_if(report.findings.begin(), report.findings.end(),
                                         [](const Finding &f) { return f.check == "stale-files"; });
            QVERIFY(it->severity == Severity::Info);
            QCOMPARE(it->details.size(), std::size_t(1));
        }
    }

    // The checks are one table: each id once, each check run, and the
    // report in the table's order.
    void checkTable()
    {
        std::set<std::string> ids;
        QStringList table;
        for (const auto &[id, description] : doctorChecks()) {
            QVERIFY2(ids.insert(id).second, id.c_str());
            QVERIFY2(!description.empty(), id.c_str());
            table << QString::fromStdString(id);
        }
        QTemporaryDir tmp;
        const std::string d = tmp.path().toStdString();
        spit(d + "/counter_" + me() + ".db", counterFile());
        const DoctorReport report = runDoctor(d, loadPath(d));
        QStringList reported;
        for (const auto &f : report.findings) {
            reported << QString::fromStdString(f.check);
            QVERIFY2(!f.summary.empty(), f.check.c_str());
        }
        QCOMPARE(reported, table);
    }

    // pid-namespace: ok while the pids are taken to be this namespace's;
    // the reason, as info with advice, when they are not.
    void pidNamespace()
    {
        QTemporaryDir tmp;
        const std::string d = tmp.path().toStdString();
        spit(d + "/counter_" + me() + ".db", counterFile());
        spit(d + "/gauge_liveall_" + kDead1 + ".db", gaugeFile());
        const LoadResult load = loadPath(d);
        DoctorReport report = runDoctor(d, load);
        QCOMPARE(findingOf(report, "pid-namespace").check, std::string("pid-namespace"));
        QVERIFY(findingOf(report, "pid-namespace").severity == Severity::Ok);
        QVERIFY(findingOf(report, "dead-live-gauges").severity == Severity::Problem);

        DoctorOptions separate;
        separate.processes.pidsNotVisible = std::string(kPidsSetSeparate);
        report = runDoctor(d, load, separate);
        const Finding &f = findingOf(report, "pid-namespace");
        QVERIFY(f.severity == Severity::Info);
        QCOMPARE(f.summary, std::string(kPidsSetSeparate));
        QVERIFY(!f.advice.empty());
        // Liveness is not checked, so a dead pid's live gauge is no problem.
        QVERIFY(report.healthy());
    }

    // A support tarball cut short: the archive check says so; the files
    // read before the cut are fine.
    void truncatedArchive()
    {
        QTemporaryDir tmp;
        const std::string c = counterFile(); // 4096 bytes, mostly zeros after `used`
        std::string tar = tarMember("m/counter_" + kDead1 + ".db", c) + tarMember("m/counter_" + kDead2 + ".db", c) + tarEnd();
        tar.resize(512 + 4096 + 512 + 2000); // inside the second member's zero tail
        const std::string path = tmp.filePath(QStringLiteral("cut.tar")).toStdString();
        spit(path, tar);
        const LoadResult load = loadPath(path);
        QVERIFY2(load.ok, load.error.c_str());
        QCOMPARE(load.files.size(), std::size_t(2));
        const DoctorReport report = runDoctor(path, load);
        QVERIFY(problemChecks(report) == std::set<std::string>{"archive"});
        QVERIFY2(report.findings[1].details.at(0).find("ends inside a member") != std::string::npos,
                 report.findings[1].details.at(0).c_str());
    }

    void unusablePath()
    {
        const LoadResult load = loadPath("/nonexistent/promdir-test");
        const DoctorReport report = runDoctor("/nonexistent/promdir-test", load);
        QVERIFY(!report.healthy());
        QCOMPARE(report.findings.size(), std::size_t(1));
        QCOMPARE(report.findings[0].check, std::string("path"));
    }

    void processesAndStale()
    {
        QTemporaryDir tmp;
        const std::string d = tmp.path().toStdString();
        spit(d + "/counter_" + kDead1 + ".db", counterFile());
        spit(d + "/gauge_liveall_" + kDead1 + ".db", gaugeFile());
        spit(d + "/gauge_max_" + kDead1 + ".db", gaugeFile());
        spit(d + "/counter_" + me() + ".db", counterFile());
        spit(d + "/gauge_all_" + me() + ".db", gaugeFile());
        ageFile(d + "/gauge_all_" + me() + ".db", std::chrono::hours(30));
        const auto rows = summarizeProcesses(loadPath(d));
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].pid, me()); // numerically first
        QVERIFY(rows[0].info.state == Liveness::Alive);
        QCOMPARE(rows[0].livenessSource, std::string("local"));
        QCOMPARE(rows[0].files.size(), std::size_t(2));
        QCOMPARE(rows[0].stale.size(), std::size_t(1));
        QCOMPARE(rows[0].stale[0].name, "gauge_all_" + me() + ".db");
        QVERIFY2(rows[0].stale[0].reason.starts_with("not written for 1d 6h"), rows[0].stale[0].reason.c_str());
        QVERIFY(!rows[0].pidReuseSuspected); // its newest file is recent
        QVERIFY(rows[1].info.state == Liveness::Dead);
        QCOMPARE(rows[1].stale.size(), std::size_t(2)); // both gauges; the counter is not stale
        QVERIFY(rows[1].liveGauges);

        const auto rm = removeLiveGaugeFiles(kDead1, d);
        QVERIFY(rm);
        QCOMPARE(rm->removed, std::vector<std::string>{"gauge_liveall_" + kDead1 + ".db"});
        QVERIFY(rm->failed.empty());
        QVERIFY(fs::exists(d + "/gauge_max_" + kDead1 + ".db"));
        QVERIFY(fs::exists(d + "/counter_" + kDead1 + ".db"));
    }

    void diff()
    {
        QTemporaryDir a, b;
        spit(a.filePath(QStringLiteral("counter_1.db")).toStdString(), counterFile("requests", 1));
        spit(a.filePath(QStringLiteral("gauge_all_1.db")).toStdString(), gaugeFile("temperature", 5));
        spit(b.filePath(QStringLiteral("counter_1.db")).toStdString(), counterFile("requests", 3));
        spit(b.filePath(QStringLiteral("counter_2.db")).toStdString(), counterFile("errors", 1));
        spit(b.filePath(QStringLiteral("gauge_all_2.db")).toStdString(), gaugeFile("temperature", 5));
        const auto fa = merge(loadPath(a.path().toStdString()).files);
        const auto fb = merge(loadPath(b.path().toStdString()).files);
        QStringList got;
        for (const auto &e : diffFamilies(fa, fb)) {
            std::string labels;
            for (const auto &[n, v] : e.labels)
                labels += n + "=" + v + ";";
            got << QString::fromStdString(std::string(toString(e.kind)) + " " + e.family + " " + e.sample + " " + labels
                                          + " " + std::to_string(e.before) + " " + std::to_string(e.after));
        }
        QCOMPARE(got, (QStringList{
                          QStringLiteral("value-changed requests requests_total  1.000000 3.000000"),
                          QStringLiteral("family-added errors   0.000000 0.000000"),
                          QStringLiteral("series-added errors errors_total  0.000000 1.000000"),
                          QStringLiteral("series-added temperature temperature pid=2; 0.000000 5.000000"),
                          QStringLiteral("series-removed temperature temperature pid=1; 5.000000 0.000000"),
                      }));
        QVERIFY(diffFamilies(fa, fa).empty());
    }
};

QTEST_GUILESS_MAIN(TestDoctor)
#include "tst_doctor.moc"
