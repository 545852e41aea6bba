// Promdir::Exporter over real loopback sockets: every HTTP behaviour of
// spec section 10, bodies checked against promdir::render and the Python
// client's own output and parser, coalescing, auth, TLS, problem files.
#include "httpclient.h"
#include "serverthread.h"

#include "promdir/render/exposition.h"
#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"

#include <QtCore/QDir>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QNetworkProxy>
#include <QtNetwork/QSslSocket>
#include <QtTest/QtTest>

#include <boost/iostreams/copy.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <sstream>
#include <thread>

using namespace promdir;

namespace {

const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current");

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray rendered(const QString &dir, Format format = Format::Text, std::vector<std::string> names = {})
{
    MergeEngine engine(dir.toStdString());
    const auto result = engine.refresh();
    const std::string s = render(result->families, {format, std::move(names)});
    return QByteArray(s.data(), qsizetype(s.size()));
}

QByteArray gunzip(const QByteArray &data)
{
    namespace io = boost::iostreams;
    std::istringstream in(data.toStdString());
    io::filtering_istream f;
    f.push(io::gzip_decompressor());
    f.push(in);
    std::ostringstream out;
    io::copy(f, out);
    return QByteArray::fromStdString(out.str());
}

std::function<void(Exporter &)> servePath(const QString &path)
{
    return [path](Exporter &e) { e.setPath(path); };
}

// Number of samples the Python client's parser reads from `body`
// (-1 when it fails to parse).
int pythonSampleCount(const QByteArray &body, bool openMetrics)
{
    const QString script = openMetrics
        ? QStringLiteral("import sys\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families as p\n"
                         "print(sum(len(f.samples) for f in p(sys.stdin.buffer.read().decode('utf-8'))))\n")
        : QStringLiteral("import sys\nfrom prometheus_client.parser import text_string_to_metric_families as p\n"
                         "print(sum(len(f.samples) for f in p(sys.stdin.buffer.read().decode('utf-8'))))\n");
    QProcess py;
    py.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), script});
    if (!py.waitForStarted(60000))
        return -1;
    py.write(body);
    py.closeWriteChannel();
    if (!py.waitForFinished(120000) || py.exitCode() != 0) {
        qWarning() << py.readAllStandardError();
        return -1;
    }
    return py.readAllStandardOutput().trimmed().toInt();
}

int sampleLines(const QByteArray &body)
{
    int n = 0;
    for (const QByteArray &line : body.split('\n'))
        if (!line.isEmpty() && !line.startsWith('#'))
            ++n;
    return n;
}

} // namespace

class TestExporter : public QObject
{
    Q_OBJECT
    std::unique_ptr<ServerThread> m_shared; // serves the fixture, for tests that only read

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(kFixture + QStringLiteral("/metrics")), "fixture missing");
        m_shared = std::make_unique<ServerThread>(servePath(kFixture + QStringLiteral("/metrics")));
        QVERIFY(m_shared->ok());
    }
    void cleanupTestCase() { m_shared.reset(); }

    void textBodyIsTheRenderersAndThePythonClients()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        QVERIFY(s.ok());
        QVERIFY(s.port() != 0);
        const auto r = testhttp::get(s.port());
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        QVERIFY(!r.hasHeader("Content-Encoding"));
        QCOMPARE(r.header("Content-Length").toLongLong(), r.body.size());
        QCOMPARE(r.body, rendered(kFixture + QStringLiteral("/metrics")));
        QCOMPARE(r.body, readFile(kFixture + QStringLiteral("/expected.prom")));
    }

    void openMetricsByAccept()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        // What Prometheus 2.33 to 2.48 send (Debian 12's 2.42 among them).
        const auto r = testhttp::get(s.port(), "/metrics",
                                     {"Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                                      "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"),
                 QByteArray("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores"));
        QCOMPARE(r.body, rendered(kFixture + QStringLiteral("/metrics"), Format::OpenMetrics));
        QCOMPARE(r.body, readFile(kFixture + QStringLiteral("/expected.om")));
        QVERIFY(r.body.endsWith("# EOF\n"));
        // Old OpenMetrics versions fall through to text, as in the reference.
        const auto old = testhttp::get(s.port(), "/metrics", {"Accept: application/openmetrics-text;version=0.0.1"});
        QCOMPARE(old.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        QCOMPARE(old.body, readFile(kFixture + QStringLiteral("/expected.prom")));
    }

    // Prometheus 3's default Accept on UTF-8 names: the client's answer
    // (tests/data/negotiation), over HTTP.
    void prometheus3Utf8Names()
    {
        const QString golden = QStringLiteral(PROMDIR_TEST_DATA "/negotiation");
        ServerThread s(servePath(golden + QStringLiteral("/metrics")));
        const auto r = testhttp::get(s.port(), "/metrics",
                                     {"Accept: application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                                      "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;"
                                      "escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"),
                 QByteArray("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8"));
        QCOMPARE(r.body, readFile(golden + QStringLiteral("/bodies/openmetrics-allow-utf-8")));
        QVERIFY(r.body.contains("\n{\"my.gauge\",\"lbl.x\"=\"y\"} 3.0\n"));
        const auto text = testhttp::get(s.port(), "/metrics", {"Accept: text/plain;version=1.0.0;escaping=values"});
        QCOMPARE(text.header("Content-Type"), QByteArray("text/plain; version=1.0.0; charset=utf-8; escaping=values"));
        QCOMPARE(text.body, readFile(golden + QStringLiteral("/bodies/text-values")));
        // The same format with another scheme is another cached answer.
        const auto dots = testhttp::get(s.port(), "/metrics", {"Accept: application/openmetrics-text;version=1.0.0;escaping=dots"});
        QCOMPARE(dots.body, readFile(golden + QStringLiteral("/bodies/openmetrics-dots")));
        QCOMPARE(testhttp::get(s.port(), "/metrics", {"Accept: " + r.header("Content-Type")}).body, r.body);
    }

    // Off by default; on, every scrape has promdir's own families, from
    // that scrape's merge.
    void selfMetrics()
    {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(kFixture + QStringLiteral("/metrics/counter_101.db"), dir.filePath(QStringLiteral("counter_101.db"))));
        ServerThread plain(servePath(dir.path()));
        QVERIFY(!testhttp::get(plain.port()).body.contains("promdir_"));
        ServerThread s([&](Exporter &e) {
            e.setPath(dir.path());
            e.setSelfMetrics(true);
        });
        auto r = testhttp::get(s.port());
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.startsWith(testhttp::get(plain.port()).body));
        QVERIFY2(r.body.contains("\npromdir_files 1.0\n"), r.body.constData());
        QVERIFY(r.body.contains("\npromdir_last_merge_files_read 1.0\n"));
        QVERIFY(QFile::copy(kFixture + QStringLiteral("/metrics/counter_101.db"), dir.filePath(QStringLiteral("counter_102.db"))));
        r = testhttp::get(s.port());
        QVERIFY2(r.body.contains("\npromdir_files 2.0\n"), r.body.constData());
    }

    // A scrape whose merge found nothing changed serves the merged
    // families' body from the cache, with self-metrics too: only the
    // self-metrics are rendered again, since they change with every merge
    // (promdir_last_merge_files_read: 1 file read, then none) and caching
    // them would serve values that stopped being true. Identity and gzip.
    void selfMetricsBodyCachedPerContent_data()
    {
        QTest::addColumn<bool>("gzip");
        QTest::addColumn<bool>("openMetrics");
        QTest::newRow("text") << false << false;
        QTest::newRow("text, gzip") << true << false;
        QTest::newRow("openmetrics, gzip") << true << true;
    }
    void selfMetricsBodyCachedPerContent()
    {
        QFETCH(bool, gzip);
        QFETCH(bool, openMetrics);
        QTemporaryDir dir;
        // Pids above any pid_max: never a running process, whose files would be read on every merge.
        QVERIFY(QFile::copy(kFixture + QStringLiteral("/metrics/counter_101.db"), dir.filePath(QStringLiteral("counter_999999901.db"))));
        ServerThread s([&](Exporter &e) {
            e.setPath(dir.path());
            e.setSelfMetrics(true);
        });
        QList<QByteArray> headers;
        if (gzip)
            headers << "Accept-Encoding: gzip";
        if (openMetrics)
            headers << "Accept: application/openmetrics-text";
        auto scrape = [&] {
            const auto r = testhttp::get(s.port(), "/metrics", headers);
            return r.header("Content-Encoding") == "gzip" ? gunzip(r.body) : (gzip ? QByteArray("not gzip") : r.body);
        };
        auto stats = [&] {
            ExporterRenderStats st;
            s.call([&] { st = s.exporter()->renderStats(); });
            return st;
        };
        // All but what the last merge did (its time, the files it read).
        auto stable = [](const QByteArray &body) {
            QByteArrayList lines = body.split('\n');
            lines.removeIf([](const QByteArray &l) {
                return l.startsWith("promdir_last_merge_duration_seconds ") || l.startsWith("promdir_last_merge_files_read ");
            });
            return lines.join('\n');
        };
        const QByteArray first = scrape();
        const ExporterRenderStats afterFirst = stats();
        QVERIFY2(first.contains("\npromdir_files 1.0\n"), first.constData());
        QVERIFY2(first.contains("\npromdir_last_merge_files_read 1.0\n"), first.constData());
        QCOMPARE(first.endsWith("# EOF\n"), openMetrics);
        QCOMPARE(first.count("# EOF"), openMetrics ? 1 : 0);
        const QByteArray second = scrape();
        const ExporterRenderStats afterSecond = stats();
        QVERIFY2(second.contains("\npromdir_last_merge_files_read 0.0\n"), second.constData());
        QCOMPARE(stable(second), stable(first));
        QCOMPARE(afterSecond.bodies, afterFirst.bodies); // the merged families came from the cache
        QCOMPARE(afterSecond.selfMetrics, afterFirst.selfMetrics + 1);
        // A change: the body is rendered again.
        QVERIFY(QFile::copy(kFixture + QStringLiteral("/metrics/counter_101.db"), dir.filePath(QStringLiteral("counter_999999902.db"))));
        const QByteArray third = scrape();
        QVERIFY2(third.contains("\npromdir_files 2.0\n"), third.constData());
        QCOMPARE(stats().bodies, afterSecond.bodies + 1);
        // What is served is what renderScrape makes of one merge.
        auto engine = std::make_shared<MergeEngine>(dir.path().toStdString());
        const auto result = engine->refresh();
        const std::string expected =
            renderScrape(*result, {openMetrics ? Format::OpenMetrics : Format::Text, {}}, SelfMetrics::On);
        QCOMPARE(stable(third), stable(QByteArray::fromStdString(expected)));
    }

    void gzipWhenAccepted_data()
    {
        QTest::addColumn<bool>("openMetrics");
        QTest::newRow("text") << false;
        QTest::newRow("openmetrics") << true;
    }
    void gzipWhenAccepted()
    {
        QFETCH(bool, openMetrics);
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        QList<QByteArray> headers{"Accept-Encoding: br, gzip;q=0.8"};
        if (openMetrics)
            headers << "Accept: application/openmetrics-text";
        const auto r = testhttp::get(s.port(), "/metrics", headers);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Encoding"), QByteArray("gzip"));
        QCOMPARE(r.header("Content-Length").toLongLong(), r.body.size());
        QVERIFY(r.body.startsWith("\x1f\x8b"));
        QCOMPARE(gunzip(r.body),
                 rendered(kFixture + QStringLiteral("/metrics"), openMetrics ? Format::OpenMetrics : Format::Text));
    }

    void nameFilter_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QStringList>("names");
        QTest::newRow("one") << QByteArray("name[]=jobs_total") << QStringList{QStringLiteral("jobs_total")};
        QTest::newRow("two, encoded brackets") << QByteArray("name%5B%5D=g_all&name%5B%5D=app_worker_errors_total")
                                               << QStringList{QStringLiteral("g_all"), QStringLiteral("app_worker_errors_total")};
        QTest::newRow("family name is not a sample name") << QByteArray("name[]=jobs") << QStringList{QStringLiteral("jobs")};
        QTest::newRow("other params ignored") << QByteArray("x=1&name[]=g_all") << QStringList{QStringLiteral("g_all")};
    }
    void nameFilter()
    {
        QFETCH(QByteArray, query);
        QFETCH(QStringList, names);
        std::vector<std::string> n;
        for (const QString &name : names)
            n.push_back(name.toStdString());
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        const auto r = testhttp::get(s.port(), "/metrics?" + query);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, rendered(kFixture + QStringLiteral("/metrics"), Format::Text, n));
        QVERIFY(r.body != rendered(kFixture + QStringLiteral("/metrics")));
    }

    // With self-metrics the body goes out in two parts (the kept head, this
    // merge's self-metrics): HEAD still sends neither, GET both, counted.
    void headHasHeadersOnlyWithSelfMetrics()
    {
        ServerThread s([](Exporter &e) {
            e.setPath(kFixture + QStringLiteral("/metrics"));
            e.setSelfMetrics(true);
        });
        const int fd = testhttp::connectTo(s.port());
        QVERIFY(fd >= 0);
        QVERIFY(testhttp::sendAll(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nHEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                                      "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
        const auto first = testhttp::readResponse(fd, false);
        const auto head = testhttp::readResponse(fd, true, testhttp::kWaitMs, first.rest);
        const auto get = testhttp::readResponse(fd, false, testhttp::kWaitMs, head.rest);
        ::close(fd);
        QCOMPARE(first.status, 200);
        QCOMPARE(head.status, 200);
        QCOMPARE(get.status, 200);
        QVERIFY(get.rest.isEmpty());
        QCOMPARE(get.header("Content-Length").toLongLong(), get.body.size());
        QVERIFY(get.body.startsWith(rendered(kFixture + QStringLiteral("/metrics"))));
        QVERIFY2(get.body.endsWith("\n") && get.body.contains("\npromdir_last_merge_files_read "), get.body.constData());
    }

    void headHasHeadersOnly()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        const int fd = testhttp::connectTo(s.port());
        QVERIFY(fd >= 0);
        // HEAD then GET on one connection: HEAD must send no body at all,
        // or the GET's response would be misread.
        QVERIFY(testhttp::sendAll(fd, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
        const auto head = testhttp::readResponse(fd, true);
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        const auto get = testhttp::readResponse(fd, false, testhttp::kWaitMs, head.rest);
        ::close(fd);
        QCOMPARE(get.status, 200);
        QCOMPARE(head.header("Content-Length").toLongLong(), get.body.size());
        QCOMPARE(get.body, rendered(kFixture + QStringLiteral("/metrics")));
    }

    void optionsGivesAllow()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        for (const QByteArray path : {"/metrics", "/"}) {
            const auto r = testhttp::request(s.port(), "OPTIONS", path);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("Allow"), QByteArray("OPTIONS,GET,HEAD"));
            QVERIFY(r.body.isEmpty());
        }
    }

    void otherMethods405_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        for (const char *m : {"POST", "PUT", "DELETE", "PATCH", "TRACE", "BREW"})
            for (const char *p : {"/metrics", "/", "/favicon.ico"})
                QTest::addRow("%s %s", m, p) << QByteArray(m) << QByteArray(p);
    }
    void otherMethods405()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        const auto r = testhttp::request(m_shared->port(), method, path, {"Content-Length: 0"});
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("Allow"), QByteArray("OPTIONS,GET,HEAD"));
    }

    void unknownPaths404()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        for (const QByteArray path : {"/nope", "/metrics/", "/metricsx", "/index.html", "/metrics/../x"}) {
            const auto r = testhttp::get(s.port(), path);
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.status, 404);
        }
        QCOMPARE(testhttp::request(s.port(), "POST", "/nope", {"Content-Length: 0"}).status, 404);
    }

    void indexAndFavicon()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        const auto index = testhttp::get(s.port(), "/");
        QCOMPARE(index.status, 200);
        QVERIFY(index.header("Content-Type").startsWith("text/html"));
        QVERIFY(index.body.contains("<a href=\"/metrics\">"));
        const auto icon = testhttp::get(s.port(), "/favicon.ico");
        QCOMPARE(icon.status, 200);
        QVERIFY(icon.body.isEmpty());
        QCOMPARE(icon.header("Content-Length"), QByteArray("0"));
    }

    void pythonParserReadsItBack()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        const auto text = testhttp::get(s.port());
        QCOMPARE(text.status, 200);
        QCOMPARE(pythonSampleCount(text.body, false), sampleLines(text.body));
        // The fixture's latency_seconds histogram has negative observations,
        // which the Python client writes but its own OpenMetrics parser
        // refuses ("Cannot have _sum with negative buckets"), for its output
        // as for ours. Ask for every other sample by name[].
        QByteArray query;
        QSet<QByteArray> seen;
        for (const QByteArray &line : text.body.split('\n')) {
            if (line.isEmpty() || line.startsWith('#') || line.startsWith("latency_seconds"))
                continue;
            const QByteArray name = line.left(std::min(line.indexOf('{') < 0 ? line.size() : line.indexOf('{'),
                                                       line.indexOf(' ')));
            if (!seen.contains(name)) {
                seen.insert(name);
                query += (query.isEmpty() ? "?" : "&") + QByteArray("name[]=") + name;
            }
        }
        QVERIFY(seen.size() > 5);
        const auto om = testhttp::get(s.port(), "/metrics" + query, {"Accept: application/openmetrics-text"});
        QCOMPARE(om.status, 200);
        QVERIFY(!om.body.contains("latency_seconds"));
        QCOMPARE(pythonSampleCount(om.body, true), sampleLines(om.body));
        QVERIFY(sampleLines(om.body) > 20);
        QVERIFY(sampleLines(text.body) > 20);
    }

    void pipelinedResponsesKeepOrder()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        const int fd = testhttp::connectTo(s.port());
        QVERIFY(testhttp::sendAll(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                                      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                                      "OPTIONS /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                                      "GET /metrics?name[]=g_all HTTP/1.1\r\nHost: x\r\n\r\n"));
        const auto a = testhttp::readResponse(fd);
        const auto b = testhttp::readResponse(fd, false, testhttp::kWaitMs, a.rest);
        const auto c = testhttp::readResponse(fd, false, testhttp::kWaitMs, b.rest);
        const auto d = testhttp::readResponse(fd, false, testhttp::kWaitMs, c.rest);
        ::close(fd);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body, rendered(kFixture + QStringLiteral("/metrics")));
        QCOMPARE(b.status, 404);
        QCOMPARE(c.status, 200);
        QCOMPARE(c.header("Allow"), QByteArray("OPTIONS,GET,HEAD"));
        QCOMPARE(d.status, 200);
        QCOMPARE(d.body, rendered(kFixture + QStringLiteral("/metrics"), Format::Text, {"g_all"}));
    }

    void connectionCloseIsHonoured()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        // Asked to close, and HTTP/1.0, which closes unless asked to keep alive.
        for (const char *request : {"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                    "GET /metrics HTTP/1.0\r\n\r\n"}) {
            const int fd = testhttp::connectTo(s.port());
            QVERIFY(testhttp::sendAll(fd, request));
            const auto r = testhttp::readResponse(fd);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("Connection"), QByteArray("close"));
            QVERIFY(testhttp::waitClosed(fd, testhttp::kWaitMs));
            ::close(fd);
        }
        const int ka = testhttp::connectTo(s.port());
        QVERIFY(testhttp::sendAll(ka, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
        const auto k1 = testhttp::readResponse(ka);
        QCOMPARE(k1.header("Connection"), QByteArray("keep-alive"));
        QVERIFY(testhttp::sendAll(ka, "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n"));
        const auto k2 = testhttp::readResponse(ka);
        QCOMPARE(k2.status, 200);
        QVERIFY(!k2.hasHeader("Connection"));
        ::close(ka);
    }

    void simultaneousScrapesShareOneMerge()
    {
        const auto result = MergeEngine((kFixture + QStringLiteral("/metrics")).toStdString()).refresh();
        std::atomic<int> calls{0};
        std::atomic<bool> release{false};
        const auto unblock = qScopeGuard([&] { release = true; });
        ServerThread s([&](Exporter &e) {
            e.setProvider([&]() -> std::shared_ptr<const MergeResult> {
                ++calls;
                // The merge lasts until every scrape has arrived (at most a minute).
                for (int i = 0; i < 6000 && !release; ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                return result;
            });
        });
        // Eight scrapers at once, on eight connections.
        std::vector<int> fds;
        for (int i = 0; i < 8; ++i) {
            fds.push_back(testhttp::connectTo(s.port()));
            QVERIFY(fds.back() >= 0);
            QVERIFY(testhttp::sendAll(fds.back(), i % 2 ? QByteArray("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                                                        : QByteArray("GET /metrics HTTP/1.1\r\nHost: x\r\n"
                                                                     "Accept: application/openmetrics-text\r\n\r\n")));
        }
        // All eight requests read by the server (the kernel holds nothing
        // unread for it: each was parsed in the read that took it), and the
        // merge running; then the merge ends.
        QTRY_VERIFY_WITH_TIMEOUT(s.connectionCount() == 8 && testhttp::serverSide(s.port()).connections == 8
                                     && testhttp::serverSide(s.port()).unread == 0,
                                 30000);
        QTRY_COMPARE_WITH_TIMEOUT(calls.load(), 1, 30000);
        release = true;
        for (int i = 0; i < 8; ++i) {
            const auto r = testhttp::readResponse(fds[i]);
            ::close(fds[i]);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, rendered(kFixture + QStringLiteral("/metrics"), i % 2 ? Format::Text : Format::OpenMetrics));
        }
        QCOMPARE(calls.load(), 1);
        // The next scrape looks again.
        QCOMPARE(testhttp::get(s.port()).status, 200);
        QCOMPARE(calls.load(), 2);
    }

    void slowMergeDoesNotBlockTheServer()
    {
        std::atomic<bool> merging{false}, release{false};
        const auto unblock = qScopeGuard([&] { release = true; });
        ServerThread s([&](Exporter &e) {
            e.setProvider([&]() -> std::shared_ptr<const MergeResult> {
                merging = true;
                // Lasts until the test has been answered (at most a minute).
                for (int i = 0; i < 6000 && !release; ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                return MergeEngine((kFixture + QStringLiteral("/metrics")).toStdString()).refresh();
            });
        });
        const int fd = testhttp::connectTo(s.port());
        QVERIFY(testhttp::sendAll(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
        QTRY_VERIFY_WITH_TIMEOUT(merging.load(), 30000);
        // While the merge runs, the server answers other requests: the
        // merge ends only after this answer came.
        const auto index = testhttp::get(s.port(), "/");
        QCOMPARE(index.status, 200);
        QVERIFY(!testhttp::readable(fd)); // the scrape is still waiting
        release = true;
        const auto r = testhttp::readResponse(fd);
        ::close(fd);
        QCOMPARE(r.status, 200);
    }

    void providerServesWhatItReturns()
    {
        // The inspector's case: serve exactly the result it shows.
        auto result = std::make_shared<MergeResult>();
        result->load.ok = true;
        MetricFamily g;
        g.name = "shown";
        g.type = MetricType::Gauge;
        g.help = "what the view shows";
        g.samples.push_back({"shown", {{"pid", "7"}}, 1.5});
        result->families.push_back(g);
        std::shared_ptr<const MergeResult> current = result;
        ServerThread s([&](Exporter &e) { e.setProvider([&] { return current; }); });
        const auto r = testhttp::get(s.port());
        QCOMPARE(r.body, QByteArray("# HELP shown what the view shows\n# TYPE shown gauge\nshown{pid=\"7\"} 1.5\n"));
        // A provider with nothing yet answers 503.
        s.call([&] { s.exporter()->setProvider([] { return std::shared_ptr<const MergeResult>(); }); });
        QCOMPARE(testhttp::get(s.port()).status, 503);
    }

    void sourceChangesWhileRunning()
    {
        QTemporaryDir empty;
        ServerThread s(servePath(empty.path()));
        const auto before = testhttp::get(s.port());
        QCOMPARE(before.status, 200);
        QVERIFY(before.body.isEmpty());
        s.call([&] { s.exporter()->setPath(kFixture + QStringLiteral("/metrics")); });
        QCOMPARE(testhttp::get(s.port()).body, rendered(kFixture + QStringLiteral("/metrics")));
    }

    void missingDirectoryIs503()
    {
        ServerThread s(servePath(QStringLiteral("/nonexistent/promdir-test")));
        const auto r = testhttp::get(s.port());
        QCOMPARE(r.status, 503);
        QVERIFY(r.body.startsWith("promdir: no metrics to serve"));
        QCOMPARE(testhttp::get(s.port(), "/").status, 200);
    }

    void problemFilesStillServedWithErrorMetric()
    {
        QTemporaryDir dir;
        const QDir src(kFixture + QStringLiteral("/metrics"));
        for (const QString &name : src.entryList(QDir::Files))
            QVERIFY(QFile::copy(src.filePath(name), dir.filePath(name)));
        const QByteArray clean = rendered(dir.path());
        {
            QFile junk(dir.filePath(QStringLiteral("notes.txt")));
            QVERIFY(junk.open(QIODevice::WriteOnly));
            junk.write("not metrics\n");
        }
        {
            QFile bad(dir.filePath(QStringLiteral("counter_999.db")));
            QVERIFY(bad.open(QIODevice::WriteOnly));
            bad.write(QByteArray(3, 'x')); // shorter than a header
        }
        ServerThread s(servePath(dir.path()));
        const auto r = testhttp::get(s.port());
        QCOMPARE(r.status, 200);
        // Everything readable, then the problems (kind names from
        // promdir::toString(ProblemKind)).
        const QByteArray merged = rendered(dir.path());
        QCOMPARE(merged, clean);
        QVERIFY(r.body.startsWith(merged));
        const QByteArray tail = r.body.mid(merged.size());
        QVERIFY2(tail.startsWith("# HELP promdir_file_errors Files promdir could not read completely, by kind of problem; "
                                 "everything readable is served.\n# TYPE promdir_file_errors gauge\n"),
                 tail.constData());
        // The short .db only: notes.txt is ignored, as the Python client does.
        QVERIFY2(tail.contains("promdir_file_errors{kind=\"bad_header\"} 1.0\n"), tail.constData());
        QCOMPARE(tail.count("promdir_file_errors{kind="), 1);
        QCOMPARE(pythonSampleCount(r.body, false), sampleLines(r.body));
        // And in the log, once.
        QTRY_COMPARE_WITH_TIMEOUT(s.warnings().filter(QStringLiteral("problem files")).size(), 1, 30000);
        QCOMPARE(testhttp::get(s.port()).body, r.body);
        QCOMPARE(s.warnings().filter(QStringLiteral("problem files")).size(), 1);
        // Filtering by name keeps the problems out unless asked for.
        QCOMPARE(testhttp::get(s.port(), "/metrics?name[]=g_all").body,
                 rendered(dir.path(), Format::Text, {"g_all"}));
        QVERIFY(testhttp::get(s.port(), "/metrics?name[]=promdir_file_errors").body.startsWith("# HELP promdir_file_errors"));
    }

    void basicAuth()
    {
        QTemporaryDir tmp;
        const QString creds = tmp.filePath(QStringLiteral("creds"));
        {
            QFile f(creds);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("# scrapers\nprometheus:s3cr:et\nother:pw\n");
            f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        ServerThread s([&](Exporter &e) {
            e.setPath(kFixture + QStringLiteral("/metrics"));
            QString error;
            QVERIFY2(e.setCredentialsFile(creds, &error), qPrintable(error));
        });
        const auto none = testhttp::get(s.port());
        QCOMPARE(none.status, 401);
        QVERIFY(none.header("WWW-Authenticate").startsWith("Basic realm="));
        auto basic = [](const QByteArray &userPass) { return "Authorization: Basic " + userPass.toBase64(); };
        QCOMPARE(testhttp::get(s.port(), "/metrics", {basic("prometheus:wrong")}).status, 401);
        QCOMPARE(testhttp::get(s.port(), "/metrics", {basic("nobody:s3cr:et")}).status, 401);
        QCOMPARE(testhttp::get(s.port(), "/metrics", {"Authorization: Bearer x"}).status, 401);
        const auto ok = testhttp::get(s.port(), "/metrics", {basic("prometheus:s3cr:et")});
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.body, rendered(kFixture + QStringLiteral("/metrics")));
        QCOMPARE(testhttp::get(s.port(), "/", {basic("other:pw")}).status, 200);
        QCOMPARE(testhttp::get(s.port(), "/").status, 401);

        Exporter e;
        QString error;
        QVERIFY(!e.setCredentialsFile(tmp.filePath(QStringLiteral("missing")), &error));
        QVERIFY(!error.isEmpty());
        QFile empty(tmp.filePath(QStringLiteral("empty")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.write("# nobody\n");
        empty.close();
        QVERIFY(!e.setCredentialsFile(empty.fileName(), &error));
        QVERIFY(!e.hasCredentials());
        // The core's parser (auth/credentials.h): the line named; a file others may read works, with a warning.
        QFile bad(tmp.filePath(QStringLiteral("bad")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("u:p\nno colon here\n");
        bad.close();
        QVERIFY(!e.setCredentialsFile(bad.fileName(), &error));
        QCOMPARE(error, bad.fileName() + QStringLiteral(":2: expected user:password"));
        QFile shared(tmp.filePath(QStringLiteral("shared")));
        QVERIFY(shared.open(QIODevice::WriteOnly));
        shared.write("u:p\n");
        shared.close();
        QVERIFY(shared.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup));
        QSignalSpy warned(&e, &Exporter::warning);
        QVERIFY(e.setCredentialsFile(shared.fileName(), &error));
        QVERIFY(e.hasCredentials());
        QCOMPARE(warned.size(), 1);
        QVERIFY(warned.at(0).at(0).toString().contains(QStringLiteral("readable by others")));
    }

    void warnsOnPublicAddressWithoutAuth()
    {
        {
            ServerThread s([](Exporter &e) {
                e.setPath(kFixture + QStringLiteral("/metrics"));
                e.setListenAddress(QHostAddress(QHostAddress::AnyIPv4));
            });
            QVERIFY(s.ok());
            QCOMPARE(s.warnings().filter(QStringLiteral("without authentication")).size(), 1);
            QCOMPARE(testhttp::get(s.port()).status, 200); // still serves
        }
        {
            ServerThread s([](Exporter &e) {
                e.setPath(kFixture + QStringLiteral("/metrics"));
                e.setListenAddress(QHostAddress(QHostAddress::AnyIPv4));
                e.setCredentials(QStringLiteral("u"), QStringLiteral("p"));
            });
            QCOMPARE(s.warnings().filter(QStringLiteral("without authentication")).size(), 0);
        }
        ServerThread local(servePath(kFixture + QStringLiteral("/metrics")));
        QCOMPARE(local.warnings().size(), 0);
    }

    void signalsAndBoundUrl()
    {
        Exporter e;
        QSignalSpy started(&e, &Exporter::started);
        QSignalSpy stopped(&e, &Exporter::stopped);
        QSignalSpy errors(&e, &Exporter::error);
        e.setPath(kFixture + QStringLiteral("/metrics"));
        QVERIFY(!e.isRunning());
        QVERIFY(e.boundUrl().isEmpty());
        QVERIFY(e.start());
        QCOMPARE(started.size(), 1);
        const QUrl url = e.boundUrl();
        QCOMPARE(url.scheme(), QStringLiteral("http"));
        QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(url.port(), int(e.boundPort()));
        QCOMPARE(url.path(), QStringLiteral("/metrics"));
        QCOMPARE(started.first().first().toUrl(), url);

        // A second exporter on the same port fails with error().
        Exporter clash;
        QSignalSpy clashErrors(&clash, &Exporter::error);
        clash.setPort(e.boundPort());
        QVERIFY(!clash.start());
        QCOMPARE(clashErrors.size(), 1);
        QVERIFY(!clash.isRunning());

        e.stop();
        QCOMPARE(stopped.size(), 1);
        QVERIFY(!e.isRunning());
        QCOMPARE(errors.size(), 0);
        QCOMPARE(testhttp::connectTo(url.port(), true, 500), -1); // really closed
    }

    void requestServedSignal()
    {
        ServerThread s(servePath(kFixture + QStringLiteral("/metrics")));
        const auto r = testhttp::get(s.port());
        QTRY_COMPARE_WITH_TIMEOUT(s.served.load(), 1, 30000);
        QCOMPARE(s.lastStatus.load(), 200);
        QCOMPARE(s.lastBytes.load(), r.body.size());
        testhttp::get(s.port(), "/nope");
        QTRY_COMPARE_WITH_TIMEOUT(s.served.load(), 2, 30000);
        QCOMPARE(s.lastStatus.load(), 404);
        // The log line follows the signal, from the server's thread.
        QTRY_COMPARE_WITH_TIMEOUT(s.log().size(), 2, 30000);
        const QStringList log = s.log();
        QVERIFY2(log[0].startsWith(QStringLiteral("127.0.0.1 GET /metrics 200 %1 ").arg(r.body.size())),
                 qPrintable(log[0]));
        QVERIFY2(log[1].startsWith(QStringLiteral("127.0.0.1 GET /nope 404 ")), qPrintable(log[1]));
    }

    void tls()
    {
        if (!QSslSocket::supportsSsl())
            QSKIP("no TLS backend");
        QTemporaryDir tmp;
        const QString cert = tmp.filePath(QStringLiteral("cert.pem")), key = tmp.filePath(QStringLiteral("key.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert, QStringLiteral("-days"),
                       QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")});
        if (!openssl.waitForFinished(120000) || openssl.exitCode() != 0)
            QSKIP("openssl could not make a test certificate");
        ServerThread s([&](Exporter &e) {
            e.setPath(kFixture + QStringLiteral("/metrics"));
            QString error;
            QVERIFY2(e.setTlsFiles(cert, key, &error), qPrintable(error));
        });
        QVERIFY(s.ok());
        QUrl url;
        s.call([&] { url = s.exporter()->boundUrl(); });
        QCOMPARE(url.scheme(), QStringLiteral("https"));

        QSslSocket client;
        client.setProxy(QNetworkProxy::NoProxy); // straight to 127.0.0.1, whatever proxy settings say
        client.setPeerVerifyMode(QSslSocket::VerifyNone);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), s.port());
        QVERIFY2(client.waitForEncrypted(testhttp::kWaitMs), qPrintable(client.errorString()));
        client.write("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QByteArray all;
        // Until the server closes (Connection: close), however slowly it comes.
        while (client.waitForReadyRead(testhttp::kWaitMs))
            all += client.readAll();
        all += client.readAll();
        QVERIFY2(all.startsWith("HTTP/1.1 200 OK\r\n"), all.left(200).constData());
        QVERIFY(all.endsWith(rendered(kFixture + QStringLiteral("/metrics"))));

        // A plain-text client gets nothing served over the TLS port.
        const auto plain = testhttp::get(s.port());
        QVERIFY(!plain.ok);

        Exporter e;
        QString error;
        QVERIFY(!e.setTlsFiles(key, key, &error)); // a key is no certificate
        QVERIFY(!e.isTlsEnabled());
    }
};

QTEST_GUILESS_MAIN(TestExporter)
#include "tst_exporter.moc"
