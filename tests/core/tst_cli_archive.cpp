// The command line of issue 4, end to end through the promdir binary:
// archives in render/inspect, --subdir, limits, pack, doctor, diff,
// mark-dead, exit codes and --json.
#include "testutil.h"
#include "dbbuilder.h"

#include "promdir/format/key.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace promdir;
using namespace promdir::test;
namespace fs = std::filesystem;

namespace {

QString fixtureMetrics()
{
    return QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");
}

std::string gaugeFile(double v = 1.0)
{
    return DbBuilder(16).add(encodeKey("temperature", "temperature", {}, "Temperature."), v).bytes(4096);
}

std::string counterFile(double v = 1.0)
{
    return DbBuilder(16).add(encodeKey("requests", "requests_total", {}, "Requests."), v).bytes(4096);
}

} // namespace

class TestCliArchive : public QObject
{
    Q_OBJECT
private slots:
    void helpForEveryCommand_data()
    {
        QTest::addColumn<QString>("command");
        for (const char *c : {"render", "inspect", "doctor", "diff", "pack", "mark-dead"})
            QTest::newRow(c) << QString::fromLatin1(c);
    }

    void helpForEveryCommand()
    {
        QFETCH(QString, command);
        const CliRun o = cli({command, QStringLiteral("--help")});
        QCOMPARE(o.code, 0);
        QVERIFY(o.out.contains("Usage: promdir " + command.toUtf8()));
        QVERIFY(o.out.contains("Exit status"));
        QCOMPARE(cli({command, QStringLiteral("--bogus-option")}).code, 2);
    }

    void renderAndSubdir()
    {
        QTemporaryDir tmp;
        const CliRun dir = cli({QStringLiteral("render"), fixtureMetrics()});
        QCOMPARE(dir.code, 0);
        // Two copies of the metrics in one archive: the folder must be chosen.
        const QString base = tmp.filePath(QStringLiteral("case"));
        fs::create_directories((base + QStringLiteral("/host1")).toStdString());
        fs::create_directories((base + QStringLiteral("/host2")).toStdString());
        fs::copy(fixtureMetrics().toStdString(), (base + QStringLiteral("/host1/metrics")).toStdString());
        fs::copy(fixtureMetrics().toStdString(), (base + QStringLiteral("/host2/metrics")).toStdString());
        fs::remove((base + QStringLiteral("/host2/metrics/counter_101.db")).toStdString());
        const QString arc = tmp.filePath(QStringLiteral("case.tar.zst"));
        QCOMPARE(run(QStringLiteral("tar"), {QStringLiteral("--zstd"), QStringLiteral("-C"), tmp.path(), QStringLiteral("-cf"), arc,
                                             QStringLiteral("case")}),
                 0);
        CliRun o = cli({QStringLiteral("render"), arc});
        QCOMPARE(o.code, 2);
        QVERIFY2(o.err.contains("--subdir"), o.err.constData());
        QVERIFY2(o.err.contains("case/host1/metrics/ (42 metrics files)"), o.err.constData());
        QVERIFY2(o.err.contains("case/host2/metrics/ (41 metrics files)"), o.err.constData());
        o = cli({QStringLiteral("render"), QStringLiteral("--subdir"), QStringLiteral("case/host1/metrics"), arc});
        QCOMPARE(o.code, 0);
        QCOMPARE(o.out, dir.out);
        o = cli({QStringLiteral("inspect"), QStringLiteral("--subdir=case/host2/metrics"), QStringLiteral("--json"), arc});
        QCOMPARE(o.code, 0);
        const QJsonObject j = QJsonDocument::fromJson(o.out).object();
        QCOMPARE(j[QStringLiteral("summary")].toObject()[QStringLiteral("files")].toInt(), 41);
        QCOMPARE(j[QStringLiteral("archive")].toObject()[QStringLiteral("folder")].toString(), QStringLiteral("case/host2/metrics"));
        QCOMPARE(j[QStringLiteral("processes")].toArray().size(), 4);
        QCOMPARE(j[QStringLiteral("processes")].toArray()[0].toObject()[QStringLiteral("liveness_source")].toString(),
                 QStringLiteral("none")); // no manifest

        o = cli({QStringLiteral("render"), QStringLiteral("--subdir"), QStringLiteral("case/host1/metrics"),
                 QStringLiteral("--max-members"), QStringLiteral("3"), arc});
        QCOMPARE(o.code, 2);
        QVERIFY2(o.err.contains("more than 3 members"), o.err.constData());
        o = cli({QStringLiteral("render"), QStringLiteral("--max-total-size"), QStringLiteral("lots"), arc});
        QCOMPARE(o.code, 2);
    }

    void compressionBomb()
    {
        QTemporaryDir tmp;
        const std::string head = tmp.filePath(QStringLiteral("h")).toStdString();
        spit(head, tarHeader("m/counter_1.db", '0', 896ULL << 20)); // 896 MiB of zeros follow
        spit(head + "0", std::string(1 << 20, '\0'));
        QCOMPARE(run(QStringLiteral("gzip"), {QStringLiteral("-c"), QString::fromStdString(head)}, QString::fromStdString(head + ".gz")), 0);
        QCOMPARE(run(QStringLiteral("gzip"), {QStringLiteral("-c"), QString::fromStdString(head + "0")}, QString::fromStdString(head + "0.gz")), 0);
        std::string bomb = slurp(head + ".gz");
        const std::string z = slurp(head + "0.gz");
        for (int i = 0; i < 200; ++i)
            bomb += z;
        const std::string path = tmp.filePath(QStringLiteral("bomb.tgz")).toStdString();
        spit(path, bomb);
        const CliRun o = cli({QStringLiteral("render"), QStringLiteral("--max-total-size"), QStringLiteral("64M"),
                           QString::fromStdString(path)});
        QCOMPARE(o.code, 2);
        QVERIFY2(o.err.contains("expands to more than 64 MiB of uncompressed data"), o.err.constData());
        QVERIFY(o.out.isEmpty());
    }

    void packRenderInspect()
    {
        QTemporaryDir tmp;
        const std::string d = tmp.filePath(QStringLiteral("prom")).toStdString();
        fs::create_directories(d);
        const std::string me = std::to_string(QCoreApplication::applicationPid());
        for (const auto &e : fs::directory_iterator(fixtureMetrics().toStdString())) {
            std::string n = e.path().filename().string();
            if (const auto p = n.find("_102.db"); p != std::string::npos)
                n = n.substr(0, p) + "_" + me + ".db";
            fs::copy_file(e.path(), d + "/" + n);
        }
        const QString arc = tmp.filePath(QStringLiteral("support.tar.xz"));
        CliRun o = cli({QStringLiteral("pack"), QString::fromStdString(d), QStringLiteral("-o"), arc});
        QCOMPARE(o.code, 0);
        QVERIFY2(o.out.contains("42 files"), o.out.constData());
        QVERIFY2(o.out.contains("(1 alive, 3 dead)"), o.out.constData());
        QCOMPARE(cli({QStringLiteral("pack"), QString::fromStdString(d), QStringLiteral("-o"), arc}).code, 2); // exists
        QCOMPARE(cli({QStringLiteral("pack"), QString::fromStdString(d), QStringLiteral("-o"), tmp.filePath(QStringLiteral("x.zip"))}).code, 2);

        const CliRun rd = cli({QStringLiteral("render"), QString::fromStdString(d)});
        const CliRun ra = cli({QStringLiteral("render"), arc});
        QCOMPARE(ra.code, 0);
        QCOMPARE(ra.out, rd.out);
        const CliRun om = cli({QStringLiteral("render"), QStringLiteral("--format"), QStringLiteral("openmetrics"), arc});
        QCOMPARE(om.out, cli({QStringLiteral("render"), QStringLiteral("--format=openmetrics"), QString::fromStdString(d)}).out);

        o = cli({QStringLiteral("inspect"), QStringLiteral("--json"), arc});
        QCOMPARE(o.code, 0);
        const QJsonObject j = QJsonDocument::fromJson(o.out).object();
        QVERIFY(!j.isEmpty());
        const QJsonArray procs = j[QStringLiteral("processes")].toArray();
        QCOMPARE(procs.size(), 4);
        int alive = 0;
        for (const auto &v : procs) {
            const QJsonObject p = v.toObject();
            QCOMPARE(p[QStringLiteral("liveness_source")].toString(), QStringLiteral("manifest"));
            if (p[QStringLiteral("pid")].toString() == QString::fromStdString(me)) {
                QCOMPARE(p[QStringLiteral("state")].toString(), QStringLiteral("alive"));
                QVERIFY(p[QStringLiteral("cmdline")].toString().contains(QStringLiteral("tst_cli_archive")));
                QVERIFY(!p[QStringLiteral("start_time")].isNull());
                ++alive;
            } else {
                QCOMPARE(p[QStringLiteral("state")].toString(), QStringLiteral("dead"));
                QVERIFY(p[QStringLiteral("stale")].toArray().size() > 0); // their gauges
            }
        }
        QCOMPARE(alive, 1);
        QVERIFY(!j[QStringLiteral("archive")].toObject()[QStringLiteral("manifest")].isNull());
        o = cli({QStringLiteral("inspect"), arc});
        QVERIFY2(o.out.contains("PROCESSES"), o.out.constData());
        QVERIFY2(o.out.contains("manifest: packed on"), o.out.constData());
    }

    void doctorAndMarkDead()
    {
        QTemporaryDir tmp;
        const std::string d = tmp.path().toStdString();
        const std::string me = std::to_string(QCoreApplication::applicationPid());
        spit(d + "/counter_" + me + ".db", counterFile());
        CliRun o = cli({QStringLiteral("doctor"), tmp.path()});
        QCOMPARE(o.code, 0);
        QVERIFY2(o.out.contains("Healthy."), o.out.constData());

        const std::string dead = "999999993";
        spit(d + "/gauge_liveall_" + dead + ".db", gaugeFile());
        spit(d + "/counter_" + dead + ".db", counterFile());
        o = cli({QStringLiteral("doctor"), tmp.path()});
        QCOMPARE(o.code, 1);
        QVERIFY2(o.out.contains("[PROBLEM] dead-live-gauges"), o.out.constData());
        QVERIFY2(o.out.contains("what to do:"), o.out.constData());
        o = cli({QStringLiteral("doctor"), QStringLiteral("--json"), tmp.path()});
        QCOMPARE(o.code, 1);
        const QJsonObject j = QJsonDocument::fromJson(o.out).object();
        QCOMPARE(j[QStringLiteral("healthy")].toBool(true), false);
        // One finding per check, pid-namespace included.
        QCOMPARE(j[QStringLiteral("findings")].toArray().size(), 15);

        // mark-dead: refuses a running pid, deletes only the live gauge.
        spit(d + "/gauge_livesum_" + me + ".db", gaugeFile());
        QCOMPARE(cli({QStringLiteral("mark-dead"), QString::fromStdString(me), QStringLiteral("--dir"), tmp.path()}).code, 2);
        QVERIFY(fs::exists(d + "/gauge_livesum_" + me + ".db"));
        fs::remove(d + "/gauge_livesum_" + me + ".db");
        o = cli({QStringLiteral("mark-dead"), QString::fromStdString(dead), QStringLiteral("--dir"), tmp.path(), QStringLiteral("--dry-run")});
        QCOMPARE(o.code, 0);
        QVERIFY(fs::exists(d + "/gauge_liveall_" + dead + ".db"));
        o = cli({QStringLiteral("mark-dead"), QString::fromStdString(dead), QStringLiteral("--dir"), tmp.path()});
        QCOMPARE(o.code, 0);
        QVERIFY2(o.out.contains("deleted gauge_liveall_" + QByteArray::fromStdString(dead) + ".db"), o.out.constData());
        QVERIFY(!fs::exists(d + "/gauge_liveall_" + dead + ".db"));
        QVERIFY(fs::exists(d + "/counter_" + dead + ".db"));
        QCOMPARE(cli({QStringLiteral("doctor"), tmp.path()}).code, 0);

        QCOMPARE(cli({QStringLiteral("doctor"), tmp.filePath(QStringLiteral("missing"))}).code, 2);
        QCOMPARE(cli({QStringLiteral("mark-dead"), QStringLiteral("../x"), QStringLiteral("--dir"), tmp.path()}).code, 2);
    }

    void diff()
    {
        QTemporaryDir a, b;
        spit(a.filePath(QStringLiteral("counter_1.db")).toStdString(), counterFile(1));
        spit(b.filePath(QStringLiteral("counter_1.db")).toStdString(), counterFile(4));
        spit(b.filePath(QStringLiteral("gauge_all_1.db")).toStdString(), gaugeFile(2));
        CliRun o = cli({QStringLiteral("diff"), a.path(), b.path()});
        QCOMPARE(o.code, 1);
        QCOMPARE(o.out, QByteArray("~ requests_total 1.0 -> 4.0 (+3.0)\n"
                                   "+ family temperature\n"
                                   "+ temperature{pid=\"1\"} 2.0\n"));
        o = cli({QStringLiteral("diff"), QStringLiteral("--json"), a.path(), b.path()});
        QCOMPARE(o.code, 1);
        QCOMPARE(QJsonDocument::fromJson(o.out).object()[QStringLiteral("changes")].toArray().size(), 3);
        o = cli({QStringLiteral("diff"), a.path(), a.path()});
        QCOMPARE(o.code, 0);
        QCOMPARE(o.out, QByteArray("no differences\n"));
        QCOMPARE(cli({QStringLiteral("diff"), a.path()}).code, 2);
    }

    void hostileNamesShownSafely()
    {
        QTemporaryDir tmp;
        const std::string c = counterFile();
        const std::string tar = tarMember(std::string("m/counter_\x1b]0;pwned\x07.db"), c) + tarMember("../../x/counter_2.db", c)
                                + tarMember("m/link.db", {}, '2', "/etc/shadow") + tarEnd();
        const std::string path = tmp.filePath(QStringLiteral("h.tar")).toStdString();
        spit(path, tar);
        const CliRun o = cli({QStringLiteral("inspect"), QString::fromStdString(path)});
        QVERIFY(!o.out.contains('\x1b'));
        QVERIFY2(o.out.contains("counter_\\x1b]0;pwned\\x07.db"), o.out.constData());
        QVERIFY2(o.out.contains("skipped: ../../x/counter_2.db: unsafe name"), o.out.constData());
        QVERIFY2(o.out.contains("skipped: m/link.db: symbolic link to '/etc/shadow'"), o.out.constData());
        QVERIFY(!o.err.contains('\x1b'));
        QVERIFY(!o.err.contains('\x07'));
    }
};

QTEST_GUILESS_MAIN(TestCliArchive)
#include "tst_cli_archive.moc"
