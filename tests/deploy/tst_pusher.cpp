// Promdir::Pusher, the push mode for Qt applications: the request it sends
// (method, path, headers, body byte for byte the rendering), against
// Debian's prometheus-pushgateway (values back, delete, 401 from a gateway
// with basic auth), and the loop's retry delays and stop().
#include "gateway.h"

#include "promdir/pusher.h"
#include "promdir/render/render.h"

#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpSocket>
#include <QtTest>

using namespace deploytest;
using namespace std::chrono_literals;

namespace {

const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// One HTTP request as a server receives it; answers `status`.
struct Captured
{
    QByteArray head, body;
};

class OneShotServer : public QTcpServer
{
public:
    explicit OneShotServer(QByteArray answer) : m_answer(std::move(answer))
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *s = nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, this, [this, s] {
                m_bytes += s->readAll();
                const qsizetype end = m_bytes.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                captured.head = m_bytes.left(end);
                const QRegularExpression length(QStringLiteral("(?i)\r\ncontent-length: *(\\d+)"));
                const auto m = length.match(QString::fromLatin1(captured.head));
                const qsizetype want = m.hasMatch() ? m.captured(1).toLongLong() : 0;
                if (m_bytes.size() - end - 4 < want)
                    return;
                captured.body = m_bytes.mid(end + 4, want);
                s->write(m_answer);
                s->disconnectFromHost();
                done = true;
            });
        });
    }
    Captured captured;
    bool done = false;

private:
    QByteArray m_answer, m_bytes;
};

// Pushes once and waits for the outcome.
promdir::PushOutcome pushOnce(promdir::Pusher &pusher)
{
    QSignalSpy finished(&pusher, &promdir::Pusher::finished);
    pusher.pushNow();
    if (!finished.wait(20'000))
        return {promdir::PushOutcome::Status::Unreachable, 0, QStringLiteral("no outcome"), nullptr};
    return finished.first().first().value<promdir::PushOutcome>();
}
} // namespace

class TestPusher : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;

private Q_SLOTS:
    // What goes on the wire: PUT to the group's path, the 0.0.4 content
    // type, basic auth, and the body exactly what `promdir render` prints
    // for the fixture (its expected-current.prom).
    void sendsTheRendering()
    {
        OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        promdir::Pusher pusher;
        pusher.setPath(kFixture);
        QVERIFY(pusher.setTarget({QStringLiteral("127.0.0.1:%1").arg(server.serverPort()).toStdString(), "nightly",
                                  {{"path", "/srv/a"}, {"host", "db1"}}}));
        pusher.setCredentials(QStringLiteral("u"), QStringLiteral("p:w"));
        const promdir::PushOutcome outcome = pushOnce(pusher);
        QVERIFY2(outcome.ok(), qPrintable(outcome.message));
        QCOMPARE(outcome.httpStatus, 200);
        QVERIFY(outcome.result && outcome.result->load.ok);
        QVERIFY(server.done);
        const QList<QByteArray> head = server.captured.head.split('\n');
        QCOMPARE(head.first().trimmed(), QByteArray("PUT /metrics/job/nightly/host/db1/path@base64/L3Nydi9h HTTP/1.1"));
        QVERIFY(server.captured.head.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
        QVERIFY(server.captured.head.contains("\r\nAuthorization: Basic dTpwOnc=\r\n"));
        const QByteArray expected = readFile(QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/expected-current.prom"));
        QVERIFY(!expected.isEmpty());
        QCOMPARE(server.captured.body, expected);
    }

    void againstTheGateway()
    {
        QVERIFY2(!Gateway::program().isEmpty(), "prometheus-pushgateway is not installed (scripts/deps.sh)");
        Gateway gateway;
        QString why;
        QVERIFY2(gateway.start(0, {}, {}, {}, &why), qPrintable(why));
        promdir::Pusher pusher;
        pusher.setPath(kFixture);
        QVERIFY(pusher.setTarget({gateway.address().toStdString(), "qt app", {{"empty", ""}}}));
        QVERIFY(pushOnce(pusher).ok());
        auto engine = promdir::MergeEngine(kFixture.toStdString());
        const auto rendered = parseExposition(QByteArray::fromStdString(promdir::render(engine.refresh()->families)));
        const auto got = parseExposition(gateway.metrics(), {{QStringLiteral("job"), QStringLiteral("qt app")},
                                                             {QStringLiteral("empty"), QString()}});
        QVERIFY(rendered.samples.size() > 20);
        const QString diff = difference(got.samples, rendered.samples);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        pusher.setMethod(promdir::PushMethod::Delete);
        const promdir::PushOutcome deleted = pushOnce(pusher);
        QVERIFY2(deleted.ok(), qPrintable(deleted.message));
        QVERIFY(!deleted.result);
        QVERIFY(!gateway.metrics().contains("job=\"qt app\""));
    }

    void unauthorized()
    {
        QVERIFY(m_tmp.isValid());
        const SecureSetup setup = makeSecureSetup(m_tmp.path());
        QVERIFY2(setup.error.isEmpty(), qPrintable(setup.error));
        Gateway gateway;
        QString why;
        QVERIFY2(gateway.start(0, setup.webConfig, setup.authorization, setup.ca, &why), qPrintable(why));
        promdir::Pusher pusher;
        pusher.setPath(kFixture);
        QVERIFY(pusher.setTarget({gateway.address().toStdString(), "qt", {}}));
        QVERIFY(pusher.setCaFile(setup.caFile));
        QVERIFY(pusher.setCredentialsFile(setup.wrongCredentialsFile));
        promdir::PushOutcome o = pushOnce(pusher);
        QVERIFY(o.status == promdir::PushOutcome::Status::Unauthorized);
        QCOMPARE(o.httpStatus, 401);
        QVERIFY(pusher.setCredentialsFile(setup.credentialsFile));
        o = pushOnce(pusher);
        QVERIFY2(o.ok(), qPrintable(o.message));
        QVERIFY(gateway.metrics().contains("job=\"qt\""));
    }

    void loadFailureSendsNothing()
    {
        OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        promdir::Pusher pusher;
        pusher.setPath(m_tmp.filePath(QStringLiteral("missing")));
        QVERIFY(pusher.setTarget({QStringLiteral("127.0.0.1:%1").arg(server.serverPort()).toStdString(), "j", {}}));
        const promdir::PushOutcome o = pushOnce(pusher);
        QVERIFY(o.status == promdir::PushOutcome::Status::LoadFailed);
        QVERIFY(!o.message.isEmpty());
        QVERIFY(!server.done);
    }

    // start() against a port where nothing listens: the retries wait
    // first, 2 first, 4 first, then the longest; stop() ends the loop.
    void retriesBackOff()
    {
        promdir::Pusher pusher;
        pusher.setPath(kFixture);
        QVERIFY(pusher.setTarget({QStringLiteral("127.0.0.1:%1").arg(freePort()).toStdString(), "j", {}}));
        pusher.setInterval(10ms);
        pusher.setRetryDelays(20ms, 100ms);
        QSignalSpy retries(&pusher, &promdir::Pusher::retryScheduled);
        pusher.start();
        QVERIFY(pusher.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(retries.size() >= 5, 20'000);
        pusher.stop();
        QVERIFY(!pusher.isRunning());
        QList<qint64> delays;
        for (int i = 0; i < 5; ++i) {
            delays << retries.at(i).at(0).value<std::chrono::milliseconds>().count();
            QCOMPARE(retries.at(i).at(1).toInt(), i + 1);
        }
        QCOMPARE(delays, (QList<qint64>{20, 40, 80, 100, 100}));
        const qsizetype after = retries.size();
        QTest::qWait(300);
        QCOMPARE(retries.size(), after);
    }
};

QTEST_GUILESS_MAIN(TestPusher)
#include "tst_pusher.moc"
