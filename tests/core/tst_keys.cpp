// Keys, JSON and numbers: the rules as a table (bulk comparisons against
// Python live in tests/interop).
#include "promdir/format/filename.h"
#include "promdir/format/floatformat.h"
#include "promdir/format/json.h"
#include "promdir/format/key.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace promdir;

class TestKeys : public QObject
{
    Q_OBJECT
private slots:
    // File names as the reference splits them: type, [mode,] pid.
    void fileNames()
    {
        FileName f = parseFileName("counter_123.db");
        QVERIFY(f.valid);
        QVERIFY(f.type == MetricType::Counter);
        QCOMPARE(f.pid, std::string("123"));
        f = parseFileName("gauge_livesum_a1b2c3d4e5f6a7b8c9.db"); // a pid longer than a short string
        QVERIFY(f.valid);
        QVERIFY(f.type == MetricType::Gauge && f.mode == GaugeMode::LiveSum);
        QCOMPARE(f.pid, std::string("a1b2c3d4e5f6a7b8c9"));
        const std::pair<const char *, const char *> bad[] = {
            {"counter_1.txt", "not a .db file"},
            {"app.sqlite.db", "name does not start with counter_, gauge_, histogram_ or summary_"},
            {"counter_1_2.db", "expected counter_<pid>.db"},
            {"histogram.db", "expected histogram_<pid>.db"},
            {"gauge_1.db", "expected gauge_<mode>_<pid>.db"},
            {"gauge_max_1_2_3_4.db", "expected gauge_<mode>_<pid>.db"},
            {"gauge_median_1.db", "unknown gauge mode 'median'"},
            {"summary_.db", "empty process id"},
        };
        for (const auto &[name, reason] : bad) {
            f = parseFileName(name);
            QVERIFY2(!f.valid, name);
            QCOMPARE(problemText(f.reason), std::string(reason));
        }
    }

    void encodeKey_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QStringList>("labels"); // name, value, name, value...
        QTest::addColumn<QString>("help");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << "jobs" << QStringList{"state", "done", "queue", "caf\u00e9"} << "Jobs processed."
                               << QByteArray(R"(["jobs", "jobs_total", {"queue": "caf\u00e9", "state": "done"}, "Jobs processed."])");
        QTest::newRow("no labels") << "c" << QStringList{} << "" << QByteArray(R"(["c", "c_total", {}, ""])");
        QTest::newRow("escapes") << "c" << QStringList{"a", QString::fromUtf8("\"\\/\n\r\t\b\f\x01\x7f")} << "h"
                                 << QByteArray("[\"c\", \"c_total\", {\"a\": \"\\\"\\\\/\\n\\r\\t\\b\\f\\u0001\\u007f\"}, \"h\"]");
        QTest::newRow("non-BMP") << "c" << QStringList{"e", QString::fromUtf8("\xF0\x9F\x98\x80")} << "h"
                                 << QByteArray(R"(["c", "c_total", {"e": "\ud83d\ude00"}, "h"])");
        QTest::newRow("sorted by code point") << "c" << QStringList{"b", "1", "B", "2", "\u00e4", "3", "a", "4"} << "h"
                                              << QByteArray(R"(["c", "c_total", {"B": "2", "a": "4", "b": "1", "\u00e4": "3"}, "h"])");
    }

    void encodeKey()
    {
        QFETCH(QString, metric);
        QFETCH(QStringList, labels);
        QFETCH(QString, help);
        QFETCH(QByteArray, expected);
        Labels l;
        for (int i = 0; i + 1 < labels.size(); i += 2)
            l.emplace_back(labels[i].toStdString(), labels[i + 1].toStdString());
        const std::string key = promdir::encodeKey(metric.toStdString(), metric.toStdString() + "_total", l, help.toStdString());
        QCOMPARE(QByteArray::fromStdString(key), expected);
        // and it parses back to the same parts
        const auto parsed = parseKey(key);
        QVERIFY(parsed);
        QCOMPARE(parsed->shape, 3);
        QCOMPARE(parsed->labels.size(), std::size_t(labels.size() / 2));
        QCOMPARE(promdir::encodeKey(parsed->metric, parsed->sample, parsed->labels, parsed->help), key);
    }

    void parseAnyJson()
    {
        // Raw UTF-8, odd spacing, escaped slash, duplicate names (last wins).
        const auto r = parseKey("[ \"m\",\"m_total\" ,{\"a\":\"x\\/y\",\"a\":\"\xC3\xA9\"} ,\"h\\u00e9\"]\n");
        QVERIFY(r);
        QCOMPARE(r->labels, (Labels{{"a", "\xC3\xA9"}}));
        QCOMPARE(r->help, std::string("h\xC3\xA9"));
        // Lone surrogates survive as generalised UTF-8 and encode back.
        const auto s = json::parse(R"("\ud800x\udfff")");
        QVERIFY(s);
        QCOMPARE(json::pythonString(s->str()), std::string(R"("\ud800x\udfff")"));
        // Python's extra numbers
        QVERIFY(json::parse("[NaN, -Infinity, 1e400, -0.0]").ok());
        for (const char *bad : {"", "[", "[1,]", "{\"a\" 1}", "\"\\x\"", "[1] 2", "\"a\nb\"", "tru", "01"})
            QVERIFY2(!json::parse(bad).ok(), bad);
    }

    // Why a text is not a key: the problem's kind, code, arguments, offset
    // in the text, and its English sentence.
    void whyNotAKey_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("code");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<qulonglong>("offset");
        QTest::addColumn<QString>("message");
        auto row = [](const char *name, const char *text, ProblemKind kind, ProblemCode code, QStringList args,
                      qulonglong offset, const char *message) {
            QTest::newRow(name) << QByteArray(text) << int(kind) << int(code) << args << offset
                                << QString::fromUtf8(message);
        };
        row("unterminated", "[\"m\", \"m_total\", {\"a\": \"x", ProblemKind::BadJson, ProblemCode::KeyNotJson,
            {QStringLiteral("JsonUnterminatedString")}, 25, "key is not JSON: unterminated string");
        row("trailing", "[\"m\", \"m\", {}, \"h\"] x", ProblemKind::BadJson, ProblemCode::KeyNotJson,
            {QStringLiteral("JsonExtraData")}, 20, "key is not JSON: extra data after the JSON value");
        row("object", "{\"a\": 1}", ProblemKind::BadKeyShape, ProblemCode::KeyNotArray, {}, 0,
            "key is not a JSON array");
        row("two elements", "[\"m\", \"m\"]", ProblemKind::BadKeyShape, ProblemCode::KeyWrongLength,
            {QStringLiteral("2")}, 0, "key array has 2 elements, expected 3 or 4");
        row("label value", "[\"m\", \"m\", {\"le\": 1}, \"h\"]", ProblemKind::BadKeyShape,
            ProblemCode::KeyLabelValueNotString, {QStringLiteral("le")}, 0,
            "value of label 'le' in the key is not a string");
        row("gen 1 counts", "[\"m\", \"m\", [\"a\", \"b\"], [\"x\"]]", ProblemKind::BadKeyShape,
            ProblemCode::KeyLabelCountMismatch, {QStringLiteral("2"), QStringLiteral("1")}, 0,
            "key has 2 label names but 1 values");
    }
    void whyNotAKey()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, kind);
        QFETCH(int, code);
        QFETCH(QStringList, args);
        QFETCH(qulonglong, offset);
        QFETCH(QString, message);
        const auto r = parseKey(text.toStdString());
        QVERIFY(!r);
        const Problem &p = r.error();
        QCOMPARE(int(p.kind), kind);
        QCOMPARE(int(p.code), code);
        QStringList got; // a nested phrase by its code's name, text as it is
        for (const Phrase &a : p.args)
            got << QString::fromStdString(a.code == ProblemCode::Verbatim ? a.text : std::string(nameOf(a.code)));
        QCOMPARE(got, args);
        QCOMPARE(qulonglong(p.offset), offset);
        QVERIFY(p.file.empty());
        QCOMPARE(QString::fromStdString(p.message), message);
    }

    void floatToGoString_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("repr");
        const double inf = std::numeric_limits<double>::infinity();
        QTest::newRow("1") << 1.0 << "1.0" << "1.0";
        QTest::newRow("0.1") << 0.1 << "0.1" << "0.1";
        QTest::newRow("1e-07") << 1e-07 << "1e-07" << "1e-07";
        QTest::newRow("0.0001") << 0.0001 << "0.0001" << "0.0001";
        QTest::newRow("1e16") << 1e16 << "1e+16" << "1e+16";
        QTest::newRow("1e15") << 1e15 << "1e+15" << "1000000000000000.0";
        QTest::newRow("123.456") << 123.456 << "123.456" << "123.456";
        QTest::newRow("999999") << 999999.0 << "999999.0" << "999999.0";
        QTest::newRow("1234567") << 1234567.0 << "1.234567e+06" << "1234567.0";
        QTest::newRow("2500000") << 2500000.0 << "2.5e+06" << "2500000.0";
        QTest::newRow("1e6") << 1e6 << "1e+06" << "1000000.0";
        QTest::newRow("12345678901.5") << 12345678901.5 << "1.23456789015e+10" << "12345678901.5";
        QTest::newRow("negative big") << -1234567.0 << "-1234567.0" << "-1234567.0";
        QTest::newRow("zero") << 0.0 << "0.0" << "0.0";
        QTest::newRow("minus zero") << -0.0 << "-0.0" << "-0.0";
        QTest::newRow("+Inf") << inf << "+Inf" << "inf";
        QTest::newRow("-Inf") << -inf << "-Inf" << "-inf";
        QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << "NaN" << "nan";
        QTest::newRow("min subnormal") << 5e-324 << "5e-324" << "5e-324";
        QTest::newRow("max") << 1.7976931348623157e308 << "1.7976931348623157e+308" << "1.7976931348623157e+308";
        QTest::newRow("sum") << 1.0000000000400002e+17 << "1.0000000000400002e+17" << "1.0000000000400002e+17";
    }

    void floatToGoString()
    {
        QFETCH(double, value);
        QFETCH(QString, expected);
        QFETCH(QString, repr);
        QCOMPARE(QString::fromStdString(promdir::floatToGoString(value)), expected);
        QCOMPARE(QString::fromStdString(promdir::pythonRepr(value)), repr);
    }

    void pythonFloat()
    {
        QCOMPARE(promdir::pythonFloat("+Inf").value(), std::numeric_limits<double>::infinity());
        QCOMPARE(promdir::pythonFloat(" 2.5e+06 ").value(), 2.5e6);
        QCOMPARE(promdir::pythonFloat("1_000.5").value(), 1000.5);
        QCOMPARE(promdir::pythonFloat("-infinity").value(), -std::numeric_limits<double>::infinity());
        QVERIFY(std::isnan(promdir::pythonFloat("NaN").value()));
        QCOMPARE(promdir::pythonFloat("1e999").value(), std::numeric_limits<double>::infinity());
        for (const char *bad : {"", "abc", "1__0", "_1", "1e", "--1", "0x10"})
            QVERIFY2(!promdir::pythonFloat(bad).has_value(), bad);
    }
};

QTEST_GUILESS_MAIN(TestKeys)
#include "tst_keys.moc"
