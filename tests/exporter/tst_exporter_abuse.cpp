// Clients that misbehave: many idle connections, a byte a second, huge
// headers, garbage, floods. Throughout, a normal scrape is answered and
// the process's memory stays bounded. Each case takes seconds. Nothing
// here bounds how long an answer takes (a loaded machine is slow; speed is
// the benchmarks' business): where "not held up" matters, the scrape must
// be answered before the misbehaving connection is dealt with.
#include "httpclient.h"
#include "serverthread.h"

#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/resource.h>

using namespace promdir;

namespace {

const QString kDir = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");

QByteArray expected()
{
    const std::string s = render(MergeEngine(kDir.toStdString()).refresh()->families);
    return QByteArray::fromStdString(s);
}

std::function<void(Exporter &)> serve(ExporterLimits limits = {})
{
    return [limits](Exporter &e) {
        e.setPath(kDir);
        e.setLimits(limits);
    };
}

// A normal scrape: complete and correct.
#define VERIFY_SCRAPE(server)                                                                   \
    do {                                                                                        \
        const auto r_ = testhttp::get((server).port());                                         \
        QVERIFY2(r_.ok, qPrintable(r_.error));                                                  \
        QCOMPARE(r_.status, 200);                                                               \
        QCOMPARE(r_.body, expected());                                                          \
    } while (false)

std::vector<int> openIdle(quint16 port, int n)
{
    std::vector<int> fds;
    for (int i = 0; i < n; ++i) {
        const int fd = testhttp::connectTo(port, false);
        if (fd >= 0)
            fds.push_back(fd);
    }
    return fds;
}

void closeAll(std::vector<int> &fds)
{
    for (int fd : fds)
        ::close(fd);
    fds.clear();
}

} // namespace

class TestExporterAbuse : public QObject
{
    Q_OBJECT
    std::unique_ptr<QTemporaryDir> m_big; // made by promdir demo, once

private Q_SLOTS:
    void initTestCase()
    {
        // 1,000 clients and 1,000 server sockets live in this process.
        rlimit rl{};
        QCOMPARE(::getrlimit(RLIMIT_NOFILE, &rl), 0);
        if (rl.rlim_cur < 4096) {
            rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 4096);
            QCOMPARE(::setrlimit(RLIMIT_NOFILE, &rl), 0);
        }
        if (rl.rlim_cur < 2200)
            QSKIP("cannot raise the open file limit enough for 1,000 connections");
        expected(); // warm up allocations before memory is measured
    }

    void thousandIdleConnections()
    {
        ExporterLimits limits;
        limits.maxConnections = 2000; // hold them all
        ServerThread s(serve(limits));
        VERIFY_SCRAPE(s);
        const qint64 rss0 = rssKiB();
        std::vector<int> fds = openIdle(s.port(), 1000);
        QCOMPARE(int(fds.size()), 1000);
        QTRY_VERIFY2_WITH_TIMEOUT(s.connectionCount() >= 1000, qPrintable(QString::number(s.connectionCount())), 60000);
        for (int i = 0; i < 5; ++i)
            VERIFY_SCRAPE(s);
        const qint64 grown = rssKiB() - rss0;
        qInfo("1,000 idle connections: RSS grew by %lld KiB", grown);
        QVERIFY2(grown < 32 * 1024, qPrintable(QString::number(grown)));
        closeAll(fds);
        QTRY_COMPARE_WITH_TIMEOUT(s.connectionCount(), 0, 60000);
    }

    void beyondMaxConnectionsTheIdlestGo()
    {
        ExporterLimits limits;
        limits.maxConnections = 50;
        ServerThread s(serve(limits));
        std::vector<int> fds = openIdle(s.port(), 300);
        QTest::qWait(300);
        VERIFY_SCRAPE(s);
        QVERIFY(s.connectionCount() <= 50);
        closeAll(fds);
    }

    void idleConnectionsTimeOut()
    {
        ExporterLimits limits;
        limits.idleTimeout = std::chrono::milliseconds(500);
        ServerThread s(serve(limits));
        const int fd = testhttp::connectTo(s.port());
        // A keep-alive connection that served a request, then nothing.
        QVERIFY(testhttp::sendAll(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
        QCOMPARE(testhttp::readResponse(fd).status, 200);
        QVERIFY(testhttp::waitClosed(fd, testhttp::kWaitMs));
        ::close(fd);
    }

    void oneBytePerSecond()
    {
        const QByteArray request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"; // 35 s at a byte a second
        {
            // Others are not held up: a scrape is answered while a slow
            // request is still being waited for (for a minute here).
            ExporterLimits patient;
            patient.requestTimeout = std::chrono::seconds(60);
            ServerThread s(serve(patient));
            const int slow = testhttp::connectTo(s.port());
            QVERIFY(slow >= 0);
            QVERIFY(testhttp::sendAll(slow, request.left(1)));
            QVERIFY(testhttp::sendAll(slow, request.mid(1, 1)));
            VERIFY_SCRAPE(s);
            QVERIFY2(!testhttp::readable(slow), "the scrape was answered only after the slow request was cut off");
            ::close(slow);
        }
        ExporterLimits limits;
        limits.requestTimeout = std::chrono::milliseconds(3000);
        ServerThread s(serve(limits));
        const int slow = testhttp::connectTo(s.port());
        QVERIFY(slow >= 0);
        QElapsedTimer t;
        t.start();
        QVERIFY(testhttp::sendAll(slow, request.left(1)));
        // A byte a second keeps coming; the request is cut off with 408 all
        // the same, its time counted from its first byte (a timer that each
        // byte restarted would never end it). Scrapes meanwhile are served.
        qsizetype sent = 1;
        while (!testhttp::readable(slow, 1000 - int(t.elapsed() % 1000)) && sent < request.size() - 1) {
            testhttp::sendAll(slow, request.mid(sent, 1)); // may race with the 408: the answer tells
            ++sent;
            if (sent <= 3)
                VERIFY_SCRAPE(s);
        }
        const auto r = testhttp::readResponse(slow);
        QCOMPARE(r.status, 408);
        QVERIFY(t.elapsed() >= 3000);
        QVERIFY2(sent < request.size() - 1, "not cut off while bytes kept coming");
        QVERIFY(testhttp::waitClosed(slow, testhttp::kWaitMs));
        ::close(slow);
        VERIFY_SCRAPE(s);
    }

    void oversizedHeader()
    {
        ServerThread s(serve());
        // Big but allowed: served.
        const auto fine = testhttp::get(s.port(), "/metrics", {"X-Pad: " + QByteArray(32 * 1024, 'a')});
        QCOMPARE(fine.status, 200);
        // Beyond maxRequestBytes (64 KiB): 431 and closed.
        const int fd = testhttp::connectTo(s.port());
        testhttp::sendAll(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(200 * 1024, 'a') + "\r\n\r\n", 3000);
        const auto r = testhttp::readResponse(fd);
        QVERIFY2(r.status == 431 || r.closed, qPrintable(r.error));
        QVERIFY(r.closed || testhttp::waitClosed(fd, testhttp::kWaitMs));
        ::close(fd);
        // Many header lines add up the same way.
        QByteArray many = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 10000; ++i)
            many += "X-H" + QByteArray::number(i) + ": v\r\n";
        const int fd2 = testhttp::connectTo(s.port());
        testhttp::sendAll(fd2, many + "\r\n", 3000);
        const auto r2 = testhttp::readResponse(fd2);
        QVERIFY(r2.status == 431 || r2.closed);
        ::close(fd2);
        VERIFY_SCRAPE(s);
    }

    void garbageInsteadOfHttp_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QByteArray binary(4096, '\0');
        for (int i = 0; i < binary.size(); ++i)
            binary[i] = char((i * 7919 + 13) % 251);
        QTest::newRow("binary") << binary;
        QTest::newRow("words") << QByteArray("HELLO THERE\r\n\r\n");
        QTest::newRow("no version") << QByteArray("GET /metrics\r\n\r\n");
        QTest::newRow("tls hello on plain port") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
        QTest::newRow("megabyte without newline") << QByteArray(1024 * 1024, 'G');
        QTest::newRow("bad chunked body") << QByteArray("POST /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        QTest::newRow("huge content-length") << QByteArray("POST /metrics HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\nabc");
    }
    void garbageInsteadOfHttp()
    {
        QFETCH(QByteArray, bytes);
        ExporterLimits limits;
        limits.requestTimeout = std::chrono::milliseconds(1000);
        ServerThread s(serve(limits));
        const int fd = testhttp::connectTo(s.port());
        testhttp::sendAll(fd, bytes, 2000);
        VERIFY_SCRAPE(s);
        // Whatever it was, that connection ends (at the latest when the
        // request times out) and the server is fine.
        QVERIFY(testhttp::waitClosed(fd, testhttp::kWaitMs));
        ::close(fd);
        VERIFY_SCRAPE(s);
    }

    void pipelinedFloodIsCutOff()
    {
        ServerThread s(serve());
        const int fd = testhttp::connectTo(s.port());
        QByteArray flood;
        for (int i = 0; i < 2000; ++i)
            flood += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
        testhttp::sendAll(fd, flood, 3000); // and never read
        QVERIFY(testhttp::waitClosed(fd, testhttp::kWaitMs));
        ::close(fd);
        VERIFY_SCRAPE(s);
    }

    void stuckReaderIsDropped_data()
    {
        QTest::addColumn<qint64>("maxWriteBuffer");
        QTest::addColumn<int>("writeTimeoutMs");
        QTest::addColumn<int>("maxPipelined");
        const qint64 huge = qint64(1024) * 1024 * 1024;
        QTest::newRow("unread bytes beyond maxWriteBuffer") << qint64(8 * 1024 * 1024) << 60000 << 100000;
        QTest::newRow("no progress for writeTimeout") << huge << 1000 << 100000;
        QTest::newRow("too many requests ahead") << huge << 60000 << 16;
    }
    void stuckReaderIsDropped()
    {
        QFETCH(qint64, maxWriteBuffer);
        QFETCH(int, writeTimeoutMs);
        QFETCH(int, maxPipelined);
        // A big body (150 processes) that a client asks for again and
        // again and never reads: the kernel's buffers fill, the writes stall.
        if (!m_big) {
            // tmpfs where there is one: where such directories live, and
            // fast to create and delete.
            m_big = std::make_unique<QTemporaryDir>(QFileInfo(QStringLiteral("/dev/shm")).isWritable()
                                                        ? QStringLiteral("/dev/shm/promdir-tst-XXXXXX")
                                                        : QDir::tempPath() + QStringLiteral("/promdir-tst-XXXXXX"));
            QVERIFY(m_big->isValid());
            QProcess demo;
            demo.start(QStringLiteral(PROMDIR_CLI), {QStringLiteral("demo"), m_big->path(), QStringLiteral("--processes"),
                                                     QStringLiteral("150"), QStringLiteral("--seconds"), QStringLiteral("0")});
            QVERIFY(demo.waitForFinished(300000));
            QCOMPARE(demo.exitCode(), 0);
        }
        QTemporaryDir &dir = *m_big;
        ExporterLimits limits;
        limits.writeTimeout = std::chrono::milliseconds(writeTimeoutMs);
        limits.maxWriteBuffer = maxWriteBuffer;
        limits.maxPipelined = maxPipelined;
        ServerThread s([&](Exporter &e) {
            e.setPath(dir.path());
            e.setLimits(limits);
        });
        const auto one = testhttp::get(s.port());
        QCOMPARE(one.status, 200);
        QVERIFY(one.body.size() > 30000);
        QElapsedTimer t;
        t.start();
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int small = 4096;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(s.port());
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        const qint64 rss0 = rssKiB();
        // 300 requests: 30 MB of answers, far beyond the kernel's buffers.
        QByteArray requests;
        for (int i = 0; i < 300; ++i)
            requests += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
        QVERIFY(testhttp::sendAll(fd, requests));
        QTest::qWait(300);
        const auto other = testhttp::get(s.port());
        QCOMPARE(other.status, 200); // not held up by the stuck one
        // Dropped (unread bytes beyond maxWriteBuffer, or no progress for
        // writeTimeout), and what it asked for did not pile up here.
        QTRY_COMPARE_WITH_TIMEOUT(s.connectionCount(), 0, 60000);
        if (writeTimeoutMs < 60000)
            QVERIFY(t.elapsed() >= writeTimeoutMs); // it was the timeout
        const qint64 grown = rssKiB() - rss0;
        qInfo("stuck reader of 300 x %lld bytes: dropped after %lld ms, RSS grew by %lld KiB", qint64(one.body.size()), t.elapsed(), grown);
        QVERIFY2(grown < 32 * 1024, qPrintable(QString::number(grown)));
        ::close(fd);
    }

    void memoryStaysBounded()
    {
        ServerThread s(serve());
        VERIFY_SCRAPE(s);
        const qint64 rss0 = rssKiB();
        // 40 clients push 4 MiB each (160 MiB) of header that never ends.
        std::vector<int> fds;
        for (int i = 0; i < 40; ++i)
            fds.push_back(testhttp::connectTo(s.port()));
        const QByteArray chunk = "GET /metrics HTTP/1.1\r\nX: " + QByteArray(4 * 1024 * 1024, 'x');
        for (int fd : fds)
            testhttp::sendAll(fd, chunk, 500);
        VERIFY_SCRAPE(s);
        for (int fd : fds)
            QVERIFY(testhttp::waitClosed(fd, testhttp::kWaitMs));
        closeAll(fds);
        const qint64 grown = rssKiB() - rss0;
        qInfo("160 MiB of endless headers: RSS grew by %lld KiB", grown);
        QVERIFY2(grown < 48 * 1024, qPrintable(QString::number(grown)));
        VERIFY_SCRAPE(s);
    }
};

QTEST_GUILESS_MAIN(TestExporterAbuse)
#include "tst_exporter_abuse.moc"
