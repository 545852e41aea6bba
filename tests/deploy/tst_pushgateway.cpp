// `promdir push` against Debian's prometheus-pushgateway on loopback: what
// the gateway serves back for the group equals `promdir render` of the same
// directory (samples, HELP, TYPE); PUT replaces the group, POST merges by
// family, --delete removes it; grouping values with '/', spaces, '%', UTF-8
// and empty ones arrive intact; TLS with --ca-file and basic auth from a
// file, and each failure's documented exit status; --every retries with
// backoff until the gateway is there, and stops cleanly on SIGTERM.
#include "gateway.h"

#include "promdir/writer/writer.h"

#include <QtCore/QTemporaryDir>
#include <QtTest>

using namespace deploytest;

namespace {

const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");

struct Run
{
    int code = -1;
    QByteArray out, err;
};

Run runPromdir(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(PROMDIR_CLI), args);
    Run r;
    if (!p.waitForFinished(60'000)) {
        p.kill();
        p.waitForFinished();
        r.err = "did not finish";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// A directory written by promdir's writer as process 1: one counter per entry.
QString counters(const QTemporaryDir &tmp, const QString &name, const QList<QPair<QString, double>> &values)
{
    const QString dir = tmp.filePath(name);
    QDir().mkpath(dir);
    auto writer = promdir::Writer::open({.directory = dir.toStdString(), .processIdentifier = [] { return std::string("1"); }});
    for (const auto &[metric, value] : values)
        writer->counter({.name = metric.toStdString(), .help = "A counter."})->inc(value);
    return dir;
}

} // namespace

class TestPushGateway : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    Gateway m_gateway;       // plain http, no auth
    Gateway m_secure;        // https and basic auth
    SecureSetup m_setup;

    QMap<QString, QString> group(const QString &job, QMap<QString, QString> grouping = {})
    {
        grouping[QStringLiteral("job")] = job;
        return grouping;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!Gateway::program().isEmpty(), "prometheus-pushgateway is not installed (scripts/deps.sh)");
        QVERIFY(m_tmp.isValid());
        QString why;
        QVERIFY2(m_gateway.start(0, {}, {}, {}, &why), qPrintable(why));
        m_setup = makeSecureSetup(m_tmp.path());
        QVERIFY2(m_setup.error.isEmpty(), qPrintable(m_setup.error));
        QVERIFY2(m_secure.start(0, m_setup.webConfig, m_setup.authorization, m_setup.ca, &why), qPrintable(why));
    }

    // The group's samples, HELP and TYPE as the gateway serves them are
    // those of the rendering; the grouping labels come back as given.
    void putEqualsRendering()
    {
        const QMap<QString, QString> grouping{{QStringLiteral("path"), QStringLiteral("/var/lib/app 2")},
                                              {QStringLiteral("empty"), QString()},
                                              {QStringLiteral("odd"), QStringLiteral("50%+x?&#~")},
                                              {QStringLiteral("utf"), QStringLiteral("gr\u00fc\u00df")}};
        QStringList args{QStringLiteral("push"), kFixture, QStringLiteral("--gateway"), m_gateway.address(),
                         QStringLiteral("--job"), QStringLiteral("batch/nightly")};
        for (auto it = grouping.begin(); it != grouping.end(); ++it)
            args << QStringLiteral("--grouping") << it.key() + u'=' + it.value();
        const Run push = runPromdir(args);
        QVERIFY2(push.code == 0, push.err.constData());
        QVERIFY(push.err.isEmpty());
        const Run render = runPromdir({QStringLiteral("render"), kFixture});
        QCOMPARE(render.code, 0);
        const Exposition expected = parseExposition(render.out);
        const Exposition got = parseExposition(m_gateway.metrics(), group(QStringLiteral("batch/nightly"), grouping));
        QVERIFY(expected.samples.size() > 20);
        const QString diff = difference(got.samples, expected.samples);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        for (auto it = expected.type.begin(); it != expected.type.end(); ++it) {
            QCOMPARE(got.type.value(it.key()), it.value());
            QCOMPARE(got.help.value(it.key()), expected.help.value(it.key()));
        }
    }

    void putReplacesPostMergesDeleteRemoves()
    {
        const QString a = counters(m_tmp, QStringLiteral("a"), {{QStringLiteral("deploy_a"), 1}, {QStringLiteral("deploy_b"), 2}});
        const QString b = counters(m_tmp, QStringLiteral("b"), {{QStringLiteral("deploy_c"), 3}});
        const QString a2 = counters(m_tmp, QStringLiteral("a2"), {{QStringLiteral("deploy_a"), 5}});
        const QStringList to{QStringLiteral("--gateway"), m_gateway.address(), QStringLiteral("--job"),
                             QStringLiteral("methods"), QStringLiteral("--grouping"), QStringLiteral("instance=i1")};
        auto samples = [&] {
            return parseExposition(m_gateway.metrics(), {{QStringLiteral("job"), QStringLiteral("methods")},
                                                         {QStringLiteral("instance"), QStringLiteral("i1")}})
                .samples;
        };
        using Samples = QMap<QString, QString>;
        QCOMPARE(runPromdir(QStringList{QStringLiteral("push"), a} + to).code, 0);
        QCOMPARE(samples(), (Samples{{QStringLiteral("deploy_a_total{}"), QStringLiteral("1")},
                                     {QStringLiteral("deploy_b_total{}"), QStringLiteral("2")}}));
        QCOMPARE(runPromdir(QStringList{QStringLiteral("push"), b} + to).code, 0); // PUT: the group is b's now
        QCOMPARE(samples(), (Samples{{QStringLiteral("deploy_c_total{}"), QStringLiteral("3")}}));
        QCOMPARE(runPromdir(QStringList{QStringLiteral("push"), a} + to + QStringList{QStringLiteral("--method"), QStringLiteral("post")}).code, 0);
        QCOMPARE(samples(), (Samples{{QStringLiteral("deploy_a_total{}"), QStringLiteral("1")},
                                     {QStringLiteral("deploy_b_total{}"), QStringLiteral("2")},
                                     {QStringLiteral("deploy_c_total{}"), QStringLiteral("3")}}));
        // POST replaces the families it pushes, and only those.
        QCOMPARE(runPromdir(QStringList{QStringLiteral("push"), a2} + to + QStringList{QStringLiteral("--method"), QStringLiteral("post")}).code, 0);
        QCOMPARE(samples(), (Samples{{QStringLiteral("deploy_a_total{}"), QStringLiteral("5")},
                                     {QStringLiteral("deploy_b_total{}"), QStringLiteral("2")},
                                     {QStringLiteral("deploy_c_total{}"), QStringLiteral("3")}}));
        const Run del = runPromdir(QStringList{QStringLiteral("push"), QStringLiteral("--delete")} + to);
        QVERIFY2(del.code == 0, del.err.constData());
        QVERIFY(samples().isEmpty());
        QVERIFY(!m_gateway.metrics().contains("job=\"methods\""));
    }

    // Rejected by the gateway: a family of another type than the same
    // family in another group.
    void rejectedPushExitsFive()
    {
        const QString dir = m_tmp.filePath(QStringLiteral("clash"));
        QDir().mkpath(dir);
        {
            auto writer = promdir::Writer::open({.directory = dir.toStdString(), .processIdentifier = [] { return std::string("1"); }});
            writer->gauge({.name = "deploy_a_total", .help = "A gauge now."})->set(1);
        }
        QCOMPARE(runPromdir({QStringLiteral("push"), counters(m_tmp, QStringLiteral("clash0"), {{QStringLiteral("deploy_a"), 1}}),
                          QStringLiteral("--gateway"), m_gateway.address(), QStringLiteral("--job"), QStringLiteral("first")})
                     .code,
                 0);
        const Run r = runPromdir({QStringLiteral("push"), dir, QStringLiteral("--gateway"), m_gateway.address(),
                               QStringLiteral("--job"), QStringLiteral("second")});
        QCOMPARE(r.code, 5);
        QVERIFY2(r.err.contains("HTTP 400"), r.err.constData());
    }

    void tlsAndAuth_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<int>("code");
        QTest::addColumn<QByteArray>("says");
        const QString ok = m_setup.credentialsFile, wrong = m_setup.wrongCredentialsFile, ca = m_setup.caFile;
        QTest::newRow("credentials and CA") << QStringList{QStringLiteral("--credentials"), ok, QStringLiteral("--ca-file"), ca} << 0 << QByteArray();
        QTest::newRow("wrong password") << QStringList{QStringLiteral("--credentials"), wrong, QStringLiteral("--ca-file"), ca} << 4 << QByteArray("HTTP 401");
        QTest::newRow("no credentials") << QStringList{QStringLiteral("--ca-file"), ca} << 4 << QByteArray("HTTP 401");
        QTest::newRow("certificate not trusted") << QStringList{QStringLiteral("--credentials"), ok} << 3 << QByteArray("certificate");
        QTest::newRow("no credentials file") << QStringList{QStringLiteral("--credentials"), m_tmp.filePath(QStringLiteral("none"))} << 2 << QByteArray("cannot read credentials file");
        QTest::newRow("CA file without certificate") << QStringList{QStringLiteral("--ca-file"), ok, QStringLiteral("--credentials"), ok} << 2 << QByteArray("no PEM certificate");
        // Several users: the first is sent, the others never (docs/cli.md).
        QFile f(ok);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray right = f.readAll();
        const QString firstOfTwo = m_tmp.filePath(QStringLiteral("first.auth")), second = m_tmp.filePath(QStringLiteral("second.auth"));
        for (const auto &[path, text] : {std::pair{firstOfTwo, right + "other:x\n"}, std::pair{second, "other:x\n" + right}}) {
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly) && out.write(text) == text.size());
            out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        QTest::newRow("first of several users") << QStringList{QStringLiteral("--credentials"), firstOfTwo, QStringLiteral("--ca-file"), ca} << 0 << QByteArray();
        QTest::newRow("second user not sent") << QStringList{QStringLiteral("--credentials"), second, QStringLiteral("--ca-file"), ca} << 4 << QByteArray("HTTP 401");
    }
    void tlsAndAuth()
    {
        QFETCH(QStringList, extra);
        QFETCH(int, code);
        QFETCH(QByteArray, says);
        const Run r = runPromdir(QStringList{QStringLiteral("push"), kFixture, QStringLiteral("--gateway"), m_secure.address(),
                                          QStringLiteral("--job"), QStringLiteral("secure")} + extra);
        QVERIFY2(r.code == code, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(QString::fromUtf8(r.err))));
        QVERIFY2(r.err.contains(says), r.err.constData());
        QVERIFY(!r.err.contains("pa:ss w0rd") && !r.err.contains("not-the-password"));
        const bool there = m_secure.metrics().contains("job=\"secure\"");
        QCOMPARE(there, code == 0);
        if (code == 0) { // for the next row
            const Run removed = runPromdir(QStringList{QStringLiteral("push"), QStringLiteral("--delete"), QStringLiteral("--gateway"),
                                                       m_secure.address(), QStringLiteral("--job"), QStringLiteral("secure")}
                                           + extra);
            QVERIFY2(removed.code == 0, qPrintable(QStringLiteral("exit %1: %2").arg(removed.code).arg(QString::fromUtf8(removed.err))));
        }
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("says");
        QTest::newRow("credentials in the URL") << QStringList{QStringLiteral("--gateway"), QStringLiteral("http://u:p@127.0.0.1:1"), QStringLiteral("--job"), QStringLiteral("j")} << QByteArray("credentials");
        QTest::newRow("grouping without =") << QStringList{QStringLiteral("--gateway"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--job"), QStringLiteral("j"), QStringLiteral("--grouping"), QStringLiteral("x")} << QByteArray("NAME=VALUE");
        QTest::newRow("bad label name") << QStringList{QStringLiteral("--gateway"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--job"), QStringLiteral("j"), QStringLiteral("--grouping"), QStringLiteral("a-b=1")} << QByteArray("not a label name");
        QTest::newRow("empty job") << QStringList{QStringLiteral("--gateway"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--job="), QStringLiteral("--delete")} << QByteArray("job name is empty");
        QTest::newRow("no gateway") << QStringList{QStringLiteral("--job"), QStringLiteral("j")} << QByteArray("--gateway");
        QTest::newRow("delete and method") << QStringList{QStringLiteral("--gateway"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--job"), QStringLiteral("j"), QStringLiteral("--delete"), QStringLiteral("--method"), QStringLiteral("post")} << QByteArray("--method");
        QTest::newRow("missing PATH") << QStringList{QStringLiteral("/nonexistent/metrics"), QStringLiteral("--gateway"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--job"), QStringLiteral("j")} << QByteArray("/nonexistent/metrics");
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, says);
        const Run r = runPromdir(QStringList{QStringLiteral("push")} + args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(says), r.err.constData());
    }

    void unreachableExitsThree()
    {
        const Run r = runPromdir({QStringLiteral("push"), kFixture, QStringLiteral("--gateway"),
                               QStringLiteral("127.0.0.1:%1").arg(freePort()), QStringLiteral("--job"), QStringLiteral("j")});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("Connection refused"), r.err.constData());
    }

    // --every: the first pushes fail (nothing listens), the retries back
    // off (1 s, 2 s), the gateway comes up and gets the metrics; SIGTERM
    // ends it with exit status 0.
    void everyRetriesUntilTheGatewayIsThere()
    {
        const quint16 port = freePort();
        QProcess push;
        push.start(QStringLiteral(PROMDIR_CLI), {QStringLiteral("push"), kFixture, QStringLiteral("--gateway"),
                                                 QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--job"),
                                                 QStringLiteral("looping"), QStringLiteral("--every"), QStringLiteral("1s")});
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += push.readAllStandardError()).contains("retrying in 1 s (1 failure)"), 10'000);
        Gateway late;
        QString why;
        QVERIFY2(late.start(port, {}, {}, {}, &why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(late.metrics().contains("job=\"looping\""), 15'000);
        push.terminate();
        QVERIFY(push.waitForFinished(10'000));
        err += push.readAllStandardError();
        QCOMPARE(push.exitStatus(), QProcess::NormalExit);
        QCOMPARE(push.exitCode(), 0);
        QVERIFY2(err.contains("Connection refused"), err.constData());
        QVERIFY2(err.contains(": HTTP 200"), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestPushGateway)
#include "tst_pushgateway.moc"
