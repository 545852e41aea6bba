// `promdir serve`: headless, one log line per scrape, clean stop on
// SIGINT/SIGTERM, usage errors.
#include "httpclient.h"

#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>
#include <cstring>
#include <sys/stat.h>

namespace {

const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current");

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Starts `promdir serve ARGS` and waits for its "serving ... at URL" line.
struct Served
{
    QProcess process;
    quint16 port = 0;
    QByteArray stderrText;

    bool start(const QStringList &args)
    {
        process.start(QStringLiteral(PROMDIR_CLI), QStringList{QStringLiteral("serve")} + args);
        if (!process.waitForStarted(testhttp::kWaitMs))
            return false;
        static const QRegularExpression re(QStringLiteral("serving .* at https?://127\\.0\\.0\\.1:(\\d+)/metrics"));
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60000) {
            process.waitForReadyRead(200);
            stderrText += process.readAllStandardError();
            const auto m = re.match(QString::fromUtf8(stderrText));
            if (m.hasMatch()) {
                port = quint16(m.captured(1).toUInt());
                return true;
            }
            if (process.state() != QProcess::Running)
                return false;
        }
        return false;
    }
    QByteArray drainStderr()
    {
        process.waitForReadyRead(100);
        stderrText += process.readAllStandardError();
        return stderrText;
    }
    ~Served()
    {
        if (process.state() == QProcess::Running) {
            process.kill();
            process.waitForFinished(testhttp::kWaitMs);
        }
    }
};

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void servesAndLogsEachScrape()
    {
        Served s;
        QVERIFY2(s.start({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), kFixture + QStringLiteral("/metrics")}),
                 s.stderrText.constData());
        const auto r = testhttp::get(s.port);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, readFile(kFixture + QStringLiteral("/expected.prom")));
        QCOMPARE(testhttp::get(s.port, "/nope").status, 404);
        // "TIME PEER METHOD PATH STATUS BYTES MS"
        QTRY_VERIFY_WITH_TIMEOUT(QString::fromUtf8(s.drainStderr()).contains(QStringLiteral(" 127.0.0.1 GET /nope 404 ")),
                                 testhttp::kWaitMs);
        const QRegularExpression line(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\S+ 127\\.0\\.0\\.1 GET /metrics 200 %1 \\d+\\.\\d\\d$")
                                          .arg(r.body.size()),
                                      QRegularExpression::MultilineOption);
        QVERIFY2(line.match(QString::fromUtf8(s.stderrText)).hasMatch(), s.stderrText.constData());
    }

    // `serve --self-metrics` adds promdir's families; `render --accept` and
    // `--escaping` print what a scraper with that header gets (the
    // client's answer, tests/data/negotiation).
    void utf8NamesAndSelfMetrics()
    {
        const QString golden = QStringLiteral(PROMDIR_TEST_DATA "/negotiation");
        const QString dir = golden + QStringLiteral("/metrics");
        const QByteArray p3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                              "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;"
                              "escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
        Served s;
        QVERIFY2(s.start({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--self-metrics"), dir}),
                 s.stderrText.constData());
        const auto r = testhttp::get(s.port, "/metrics", {"Accept: " + p3});
        QCOMPARE(r.status, 200);
        const QByteArray expected = readFile(golden + QStringLiteral("/bodies/openmetrics-allow-utf-8"));
        QVERIFY(r.body.startsWith(expected.chopped(int(qstrlen("# EOF\n")))));
        QVERIFY(r.body.contains("\npromdir_files 9.0\n"));
        QVERIFY(r.body.endsWith("# EOF\n"));

        const auto render = [&](const QStringList &args) {
            QProcess p;
            p.start(QStringLiteral(PROMDIR_CLI), QStringList{QStringLiteral("render"), QStringLiteral("--no-progress")} + args << dir);
            p.waitForFinished(60000);
            return p.exitCode() == 0 ? p.readAllStandardOutput() : p.readAllStandardError();
        };
        QCOMPARE(render({QStringLiteral("--accept"), QString::fromLatin1(p3)}), expected);
        QCOMPARE(render({QStringLiteral("--format"), QStringLiteral("openmetrics"), QStringLiteral("--escaping"),
                         QStringLiteral("allow-utf-8")}),
                 expected);
        QCOMPARE(render({QStringLiteral("--escaping"), QStringLiteral("dots")}),
                 readFile(golden + QStringLiteral("/bodies/text-dots")));
    }

    // The trust cases of `serve`: a FIFO named *.db hung every scrape; after
    // the directory was removed it answered 200 with the last merge forever;
    // a worker in another pid namespace writing through mmap was frozen at
    // its first value.
    void neverServesWhatStoppedBeingTrue()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + QStringLiteral("/metrics");
        QVERIFY(QDir().mkpath(dir));
        // A pid this machine does not run, written as an mmap writer does.
        const QString worker = dir + QStringLiteral("/counter_3999999.db");
        QVERIFY(QFile::copy(kFixture + QStringLiteral("/metrics/counter_102.db"), worker));
        QFile::setPermissions(worker, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY(::mkfifo(QFile::encodeName(dir + QStringLiteral("/counter_2.db")).constData(), 0600) == 0);

        Served s;
        QVERIFY2(s.start({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--recheck"),
                          QStringLiteral("300ms"), dir}),
                 s.stderrText.constData());
        auto r = testhttp::get(s.port);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("promdir_file_errors"));
        const QByteArray before = r.body;
        testhttp::get(s.port); // now the engine keeps the file unread

        QFile f(worker);
        QVERIFY(f.open(QIODevice::ReadWrite));
        uchar *map = f.map(0, f.size());
        QVERIFY(map);
        // The first entry's value: after the header, the key's length and
        // the key, padded to 8.
        qint32 keyLen;
        std::memcpy(&keyLen, map + 8, 4);
        const std::size_t valueAt = 8 + 4 + std::size_t(keyLen) + (8 - (std::size_t(keyLen) + 4) % 8);
        double v;
        std::memcpy(&v, map + valueAt, 8);
        v += 1000.0;
        std::memcpy(map + valueAt, &v, 8);
        QTest::qWait(700);
        r = testhttp::get(s.port);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body != before);
        QVERIFY2(s.drainStderr().contains("pids here are not visible from this pid namespace"), s.stderrText.constData());
        f.unmap(map);
        f.close();

        QVERIFY(QDir(dir).removeRecursively());
        r = testhttp::get(s.port);
        QCOMPARE(r.status, 503);
        QVERIFY2(r.body.startsWith("promdir: no metrics to serve: "), r.body.constData());
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::copy(kFixture + QStringLiteral("/metrics/counter_102.db"), dir + QStringLiteral("/counter_102.db")));
        r = testhttp::get(s.port);
        QCOMPARE(r.status, 200);
        QVERIFY(QDir(dir).removeRecursively());
        QFile file(dir);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("a file now");
        file.close();
        QCOMPARE(testhttp::get(s.port).status, 503);
    }

    void stopsCleanlyOnSignals_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
    }
    void stopsCleanlyOnSignals()
    {
        QFETCH(int, signal);
        Served s;
        QVERIFY(s.start({QStringLiteral("--listen=127.0.0.1:0"), QStringLiteral("--quiet"), kFixture + QStringLiteral("/metrics")}));
        // An idle keep-alive client must not keep it from stopping.
        const int idle = testhttp::connectTo(s.port);
        QCOMPARE(testhttp::get(s.port).status, 200);
        ::kill(pid_t(s.process.processId()), signal);
        QVERIFY(s.process.waitForFinished(testhttp::kWaitMs));
        QCOMPARE(s.process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(s.process.exitCode(), 0);
        QVERIFY(s.drainStderr().contains("promdir serve: stopping"));
        QVERIFY(!s.stderrText.contains(" GET /metrics 200 ")); // --quiet
        QVERIFY(testhttp::waitClosed(idle, testhttp::kWaitMs));
        ::close(idle);
    }

    void basicAuthFromFile()
    {
        QTemporaryDir tmp;
        QFile creds(tmp.filePath(QStringLiteral("creds")));
        QVERIFY(creds.open(QIODevice::WriteOnly));
        creds.write("scraper:pa55\n");
        creds.close();
        creds.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        Served s;
        QVERIFY(s.start({QStringLiteral("--listen"), QStringLiteral(":0"), QStringLiteral("--credentials"), creds.fileName(),
                         kFixture + QStringLiteral("/metrics")}));
        QCOMPARE(testhttp::get(s.port).status, 401);
        QCOMPARE(testhttp::get(s.port, "/metrics", {"Authorization: Basic " + QByteArray("scraper:pa55").toBase64()}).status, 200);
    }

    void publicAddressWithoutAuthWarns()
    {
        Served s;
        QVERIFY(s.start({QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"), kFixture + QStringLiteral("/metrics")}));
        QVERIFY2(s.stderrText.contains("warning: listening on 0.0.0.0 without authentication"), s.stderrText.constData());
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("bad listen") << QStringList{QStringLiteral("--listen"), QStringLiteral("nohost:1"), kFixture};
        QTest::newRow("bad port") << QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:99999"), kFixture};
        QTest::newRow("missing path") << QStringList{QStringLiteral("/nonexistent/promdir")};
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--password=x"), kFixture};
        QTest::newRow("cert without key") << QStringList{QStringLiteral("--tls-cert"), QStringLiteral("/etc/hostname"), kFixture};
        QTest::newRow("missing credentials") << QStringList{QStringLiteral("--credentials"), QStringLiteral("/nonexistent/c"), kFixture};
        QTest::newRow("bad pid namespace") << QStringList{QStringLiteral("--pid-namespace=host"), kFixture};
        QTest::newRow("pid namespace without value") << QStringList{kFixture, QStringLiteral("--pid-namespace")};
        QTest::newRow("zero recheck") << QStringList{QStringLiteral("--recheck"), QStringLiteral("0s"), kFixture};
        QTest::newRow("bad recheck") << QStringList{QStringLiteral("--recheck=soon"), kFixture};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QProcess p;
        p.start(QStringLiteral(PROMDIR_CLI), QStringList{QStringLiteral("serve")} + args);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().startsWith("promdir serve: "));
    }

    void portInUse()
    {
        Served a;
        QVERIFY(a.start({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), kFixture}));
        QProcess b;
        b.start(QStringLiteral(PROMDIR_CLI), {QStringLiteral("serve"), QStringLiteral("--listen"),
                                              QStringLiteral("127.0.0.1:%1").arg(a.port), kFixture});
        QVERIFY(b.waitForFinished(60000));
        QCOMPARE(b.exitCode(), 2);
        QVERIFY(b.readAllStandardError().contains("cannot listen on 127.0.0.1:"));
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
