// The exporter's plain helpers: gzip_accepted as the Python client's, gzip,
// and the promdir_file_errors family (negotiation: tst_negotiation).
#include "../core/dbbuilder.h"
#include "../qt/testpids.h"

#include "promdir/render/exposition.h"

#include <QtTest/QtTest>

#include <boost/iostreams/copy.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>

#include <sstream>

#include <zlib.h>

using namespace promdir;

namespace {

void writeFile(const QString &path, const std::string &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes.data(), qint64(bytes.size())), qint64(bytes.size()));
}

// The value of the line `series value` in an exposition, NaN when absent.
double valueOf(const std::string &body, const std::string &series)
{
    const std::size_t at = body.find("\n" + series + ' ');
    if (at == std::string::npos)
        return std::nan("");
    return std::stod(body.substr(at + series.size() + 2));
}

std::string gunzip(const std::string &data)
{
    namespace io = boost::iostreams;
    std::istringstream in(data);
    io::filtering_istream f;
    f.push(io::gzip_decompressor());
    f.push(in);
    std::ostringstream out;
    io::copy(f, out);
    return out.str();
}

} // namespace

class TestExposition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gzipAccepted_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<bool>("gzip");
        QTest::newRow("none") << QString() << false;
        QTest::newRow("gzip") << QStringLiteral("gzip") << true;
        QTest::newRow("list") << QStringLiteral("deflate, br, GZip;q=0.5") << true;
        QTest::newRow("x-gzip") << QStringLiteral("x-gzip") << false;
        QTest::newRow("identity") << QStringLiteral("identity") << false;
    }
    void gzipAccepted()
    {
        QFETCH(QString, header);
        QFETCH(bool, gzip);
        QCOMPARE(acceptsGzip(header.toStdString()), gzip);
    }

    void gzipRoundTrip()
    {
        std::string data;
        for (int i = 0; i < 10000; ++i)
            data += "metric_total{pid=\"" + std::to_string(i) + "\"} 1.0\n";
        const std::string z = gzipCompress(data);
        QVERIFY(z.size() < data.size() / 5);
        QCOMPARE(static_cast<unsigned char>(z[0]), 0x1f); // gzip magic
        QCOMPARE(static_cast<unsigned char>(z[1]), 0x8b);
        QVERIFY(gunzip(z) == data);
        QVERIFY(gunzip(gzipCompress("")).empty());
    }

    // A kept head and a new tail: one gzip member (zlib's inflate ends the
    // stream exactly at the end, no second member a client might ignore),
    // decompressing to head + tail, compressed as well as in one go.
    void gzipHeadAndTail_data()
    {
        QTest::addColumn<int>("headLines");
        QTest::addColumn<QByteArray>("tail");
        QTest::newRow("big head, small tail") << 20000 << QByteArray("promdir_files 7.0\n# EOF\n");
        QTest::newRow("empty tail") << 100 << QByteArray();
        QTest::newRow("empty head") << 0 << QByteArray("promdir_files 7.0\n");
        QTest::newRow("both empty") << 0 << QByteArray();
    }
    void gzipHeadAndTail()
    {
        QFETCH(int, headLines);
        QFETCH(QByteArray, tail);
        std::string head;
        for (int i = 0; i < headLines; ++i)
            head += "metric_total{pid=\"" + std::to_string(i) + "\"} " + std::to_string(i * 7 % 1000) + ".0\n";
        const GzipHead kept = gzipHead(head);
        for (int round = 0; round < 2; ++round) { // the head is used again as it is
            const std::string t = tail.toStdString() + std::string(round, '\n');
            const std::string z = gzipWithTail(kept, t);
            z_stream zs{};
            QCOMPARE(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
            std::string out(head.size() + t.size() + 16, '\0');
            zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(z.data()));
            zs.avail_in = static_cast<uInt>(z.size());
            zs.next_out = reinterpret_cast<Bytef *>(out.data());
            zs.avail_out = static_cast<uInt>(out.size());
            const int rc = inflate(&zs, Z_FINISH);
            out.resize(out.size() - zs.avail_out);
            const uInt left = zs.avail_in;
            inflateEnd(&zs);
            QCOMPARE(rc, Z_STREAM_END); // CRC and length checked by zlib
            QCOMPARE(left, uInt(0));
            QVERIFY(out == head + t);
            QVERIFY(gunzip(z) == head + t);
            QVERIFY(z.size() <= gzipCompress(head + t).size() + 64);
        }
    }

    void fileErrorsFamily()
    {
        LoadResult load;
        load.ok = true;
        QVERIFY(!promdir::fileErrorsFamily(load));
        auto bad = std::make_shared<ParsedFile>();
        bad->path = "dir/counter_1.db";
        bad->problems.push_back({"dir/counter_1.db", 8, ProblemKind::Truncated, "x"});
        bad->problems.push_back({"dir/counter_1.db", 40, ProblemKind::Truncated, "y"}); // same file: counted once
        bad->problems.push_back({"dir/counter_1.db", 80, ProblemKind::BadJson, "z"});
        load.files.push_back(bad);
        load.problems.push_back({"dir/notes.txt", 0, ProblemKind::ForeignFile, "not a .db file"});
        load.problems.push_back({"dir/x.db", 0, ProblemKind::ForeignFile, "bad name"});
        const auto fam = promdir::fileErrorsFamily(load);
        QVERIFY(fam);
        MergeResult result;
        result.load = load;
        const std::string text = renderScrape(result, {});
        QCOMPARE(QString::fromStdString(text),
                 QStringLiteral("# HELP promdir_file_errors Files promdir could not read completely, by kind of "
                                "problem; everything readable is served.\n"
                                "# TYPE promdir_file_errors gauge\n"
                                "promdir_file_errors{kind=\"bad_json\"} 1.0\n"
                                "promdir_file_errors{kind=\"foreign_file\"} 1.0\n"
                                "promdir_file_errors{kind=\"truncated\"} 1.0\n"));
        const std::string om = renderScrape(result, {Format::OpenMetrics, {}});
        QVERIFY(om.ends_with("promdir_file_errors{kind=\"truncated\"} 1.0\n# EOF\n"));
        QCOMPARE(std::count(om.begin(), om.end(), '#'), 3); // HELP, TYPE, one EOF
        // name[] filtering applies to it as to every family.
        QVERIFY(renderScrape(result, {Format::Text, {"other_total"}}).empty());
        QCOMPARE(renderScrape(result, {Format::OpenMetrics, {"other_total"}}), std::string("# EOF\n"));
        QVERIFY(renderScrape(result, {Format::Text, {"promdir_file_errors"}}) == text);
    }

    // A directory with a running process (this test), a dead one whose live
    // gauge file was never removed, and a corrupt file.
    void selfMetrics()
    {
        const qint64 dead = test::deadPid();
        QVERIFY(dead > 0);
        const QString self = QString::number(QCoreApplication::applicationPid());
        QTemporaryDir dir;
        const auto path = [&](const QString &name) { return dir.filePath(name); };
        const std::string key = R"(["c", "c_total", {}, "h"])";
        const std::string gaugeKey = R"(["g", "g", {}, "h"])";
        writeFile(path(QStringLiteral("counter_%1.db").arg(self)), test::DbBuilder().add(key, 1).bytes(4096));
        writeFile(path(QStringLiteral("counter_%1.db").arg(dead)), test::DbBuilder().add(key, 2).bytes(4096));
        writeFile(path(QStringLiteral("gauge_livesum_%1.db").arg(dead)), test::DbBuilder().add(gaugeKey, 5).bytes(4096));
        writeFile(path(QStringLiteral("summary_%1.db").arg(self)), "\xff\xff\x00\x00garbage!");
        qint64 bytes = 0;
        for (const QFileInfo &fi : QDir(dir.path()).entryInfoList(QDir::Files))
            bytes += fi.size();

        MergeEngine engine(dir.path().toStdString());
        const auto result = engine.refresh();
        const std::string off = renderScrape(*result, {});
        QVERIFY(off.find("promdir_file_errors{") != std::string::npos);
        QVERIFY(off.find("promdir_files") == std::string::npos);
        const std::string on = renderScrape(*result, {}, SelfMetrics::On);
        QVERIFY(on.starts_with(off));
        QCOMPARE(valueOf(on, "c_total"), 3.0);
        QCOMPARE(valueOf(on, "promdir_file_errors{kind=\"bad_header\"}"), 1.0);
        QCOMPARE(valueOf(on, "promdir_files"), 4.0);
        QCOMPARE(valueOf(on, "promdir_files_size_bytes"), double(bytes));
        QCOMPARE(valueOf(on, "promdir_processes{state=\"alive\"}"), 1.0);
        QCOMPARE(valueOf(on, "promdir_processes{state=\"dead\"}"), 1.0);
        QCOMPARE(valueOf(on, "promdir_processes{state=\"unknown\"}"), 0.0);
        QCOMPARE(valueOf(on, "promdir_stale_files"), 1.0);
        QCOMPARE(valueOf(on, "promdir_last_merge_files_read"), 4.0);
        const double seconds = valueOf(on, "promdir_last_merge_duration_seconds");
        QVERIFY2(seconds > 0 && seconds < 60, qPrintable(QString::number(seconds)));
        for (const char *family : {"promdir_files", "promdir_files_size_bytes", "promdir_processes",
                                   "promdir_stale_files", "promdir_last_merge_duration_seconds",
                                   "promdir_last_merge_files_read"}) {
            QVERIFY2(on.find(std::string("\n# TYPE ") + family + " gauge\n") != std::string::npos, family);
            QVERIFY2(on.find(std::string("\n# HELP ") + family + ' ') != std::string::npos, family);
        }
        // OpenMetrics: one # EOF, at the end; name[] applies to them too.
        const std::string om = renderScrape(*result, {Format::OpenMetrics, {}}, SelfMetrics::On);
        QVERIFY(om.ends_with("promdir_last_merge_files_read 4.0\n# EOF\n"));
        QCOMPARE(std::count(om.begin(), om.end(), '#'), 2 * 9 + 1); // c, g, errors, six of promdir
        QCOMPARE(renderScrape(*result, {Format::Text, {"promdir_stale_files"}}, SelfMetrics::On),
                 std::string("# HELP promdir_stale_files Files that still change the output though their process "
                             "is gone, or that were not written for 24 hours.\n# TYPE promdir_stale_files gauge\n"
                             "promdir_stale_files 1.0\n"));
    }

    void scrapeAppendsAfterFamilies()
    {
        MergeResult result;
        result.load.ok = true;
        MetricFamily c;
        c.name = "c";
        c.help = "h";
        c.samples.push_back({"c_total", {}, 2.0});
        result.families.push_back(c);
        QCOMPARE(renderScrape(result, {}), render(result.families, {}));
        result.load.problems.push_back({"d/counter_1.db", 0, ProblemKind::Empty, "empty"});
        const std::string om = renderScrape(result, {Format::OpenMetrics, {}});
        QVERIFY(om.starts_with("# HELP c h\n# TYPE c counter\nc_total 2.0\n# HELP promdir_file_errors"));
        QVERIFY(om.ends_with("promdir_file_errors{kind=\"empty\"} 1.0\n# EOF\n"));
    }
};

QTEST_GUILESS_MAIN(TestExposition)
#include "tst_exposition.moc"
