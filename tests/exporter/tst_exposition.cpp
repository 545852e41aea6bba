// The exporter's plain helpers: negotiation as the Python client's
// choose_encoder / gzip_accepted, gzip, and the promdir_file_errors family.
#include "promdir/render/exposition.h"

#include <QtTest/QtTest>

#include <boost/iostreams/copy.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <sstream>

using namespace promdir;

Q_DECLARE_METATYPE(promdir::Format)

namespace {

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
    void negotiate_data()
    {
        QTest::addColumn<QString>("accept");
        QTest::addColumn<Format>("format");
        QTest::addColumn<QString>("contentType");
        const QString text = QString::fromLatin1(kTextContentType.data(), kTextContentType.size());
        const QString om = QString::fromLatin1(kOpenMetricsContentType.data(), kOpenMetricsContentType.size());
        const QString text1 = QStringLiteral("text/plain; version=1.0.0; charset=utf-8");
        QTest::newRow("none") << QString() << Format::Text << text;
        QTest::newRow("any") << QStringLiteral("*/*") << Format::Text << text;
        QTest::newRow("text 0.0.4") << QStringLiteral("text/plain;version=0.0.4") << Format::Text << text;
        QTest::newRow("om no version") << QStringLiteral("application/openmetrics-text") << Format::OpenMetrics << om;
        QTest::newRow("om 1.0.0") << QStringLiteral("application/openmetrics-text; version=1.0.0") << Format::OpenMetrics << om;
        QTest::newRow("om 2") << QStringLiteral("application/openmetrics-text;version=2") << Format::OpenMetrics << om;
        QTest::newRow("om 1.0 is older than 1.0.0 in Python") << QStringLiteral("application/openmetrics-text;version=1.0")
                                                             << Format::Text << text;
        QTest::newRow("om 0.0.1 then text") << QStringLiteral("application/openmetrics-text;version=0.0.1,text/plain;version=0.0.4")
                                            << Format::Text << text;
        QTest::newRow("om 0.0.1 then om") << QStringLiteral("application/openmetrics-text;version=0.0.1;q=0.5, application/openmetrics-text;version=1.0.0")
                                          << Format::OpenMetrics << om;
        // q-values are ignored like the reference does: first match wins.
        QTest::newRow("order beats q") << QStringLiteral("text/plain;version=1.0.0;q=0.1,application/openmetrics-text;version=1.0.0;q=0.9")
                                       << Format::Text << text1;
        QTest::newRow("prometheus 3") << QStringLiteral("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
                                                        "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;"
                                                        "escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1")
                                      << Format::OpenMetrics << om;
        QTest::newRow("prometheus 2") << QStringLiteral("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                                                        "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                                      << Format::OpenMetrics << om;
        QTest::newRow("text 1.0.0") << QStringLiteral("text/plain; version=1.0.0") << Format::Text << text1;
        QTest::newRow("garbage version") << QStringLiteral("application/openmetrics-text;version=x.y") << Format::Text << text;
        QTest::newRow("case matters as in Python") << QStringLiteral("Application/OpenMetrics-Text") << Format::Text << text;
    }
    void negotiate()
    {
        QFETCH(QString, accept);
        QFETCH(Format, format);
        QFETCH(QString, contentType);
        const Negotiated n = promdir::negotiate(accept.toStdString());
        QCOMPARE(n.format, format);
        QCOMPARE(QString::fromStdString(n.contentType), contentType);
    }

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
