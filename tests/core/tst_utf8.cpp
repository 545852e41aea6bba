// UTF-8 in the core has one decoder (format/utf8_p.h) with the callers'
// choices: the key JSON refuses what is not UTF-8 (as Python's json.loads
// would), archive member names show each such byte as \xNN, and the
// renderer and the JSON encoder take each such byte as one code point,
// U+DC80..U+DCFF, as Python's surrogateescape error handler holds it. The expected outputs are what Python 3.11
// printed for such strings (repr(), json.dumps(), and one '_' per code
// point that is not a legacy name rune).
//
// Files never give the renderer such bytes (a key that is not UTF-8 is a
// problem, not a sample); a program using the library may.
#include "promdir/archive/archive.h"
#include "promdir/format/json.h"
#include "promdir/render/render.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace promdir;

namespace {

std::vector<MetricFamily> gaugeWith(std::string sampleName, Labels labels)
{
    MetricFamily fam{"g", MetricType::Gauge, "h", GaugeMode::None, {}};
    fam.samples.push_back({std::move(sampleName), std::move(labels), 1.0});
    return {fam};
}

QByteArray bytes(const std::string &s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

} // namespace

class TestUtf8 : public QObject
{
    Q_OBJECT

private slots:
    void strictOffsets_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<qsizetype>("firstBad"); // -1: valid
        QTest::newRow("ASCII") << QByteArray("abc") << qsizetype(-1);
        QTest::newRow("2, 3 and 4 bytes") << QByteArray("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80") << qsizetype(-1);
        QTest::newRow("U+10FFFF") << QByteArray("\xf4\x8f\xbf\xbf") << qsizetype(-1);
        QTest::newRow("continuation byte alone") << QByteArray("ab\x80") << qsizetype(2);
        QTest::newRow("cut short at the end") << QByteArray("a\xe2\x82") << qsizetype(1);
        QTest::newRow("ASCII where a continuation must be") << QByteArray("a\xc3z") << qsizetype(1);
        QTest::newRow("overlong NUL") << QByteArray("\xc0\x80") << qsizetype(0);
        QTest::newRow("overlong 3 bytes") << QByteArray("x\xe0\x80\xaf") << qsizetype(1);
        QTest::newRow("surrogate") << QByteArray("ab\xed\xa0\x80") << qsizetype(2);
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << qsizetype(0);
        QTest::newRow("byte starting no sequence") << QByteArray("\xf8\x88\x80\x80\x80") << qsizetype(0);
    }
    void strictOffsets()
    {
        QFETCH(QByteArray, input);
        QFETCH(qsizetype, firstBad);
        const std::size_t at = json::findInvalidUtf8(std::string_view(input.constData(), std::size_t(input.size())));
        QCOMPARE(at == std::string_view::npos ? qsizetype(-1) : qsizetype(at), firstBad);
    }

    // A key's JSON string must be UTF-8, a lone surrogate escape aside.
    void keyJsonRefusesWhatIsNotUtf8()
    {
        const auto bad = json::parse("[\"a\xc3z\"]");
        QVERIFY(!bad);
        QVERIFY(bad.error().code == ProblemCode::JsonInvalidUtf8);
        QCOMPARE(bad.error().offset, std::uint64_t(3));
        const auto escaped = json::parse("[\"\\ud800\"]");
        QVERIFY(escaped);
        QCOMPARE(bytes(escaped->array().at(0).str()), QByteArray("\xed\xa0\x80"));
    }

    // json.dumps(b'\xc3A'.decode('utf-8', 'surrogateescape')) and of the
    // WTF-8 lone surrogate.
    void encoderEscapesBytesAsSurrogates()
    {
        QCOMPARE(bytes(json::pythonString("\xc3" "A")), QByteArray("\"\\udcc3A\""));
        QCOMPARE(bytes(json::pythonString("\xed\xa0\x80")), QByteArray("\"\\ud800\""));
        QCOMPARE(bytes(json::pythonString("\xf4\x90\x80\x80")), QByteArray("\"\\udcf4\\udc90\\udc80\\udc80\""));
    }

    // One '_' per byte that is not UTF-8; a following character is its own.
    void namesUnderscoreEachBadByte()
    {
        const auto label = render(gaugeWith("g", {{"a\xc3z", "v"}}));
        QVERIFY2(label.find("g{a_z=\"v\"} 1.0\n") != std::string::npos, label.c_str());
        const auto overlong = render(gaugeWith("g\xc0\x80", {}));
        QVERIFY2(overlong.find("\ng__ 1.0\n") != std::string::npos, overlong.c_str());
        const auto om = render(gaugeWith("g\xc0\x80", {}), {Format::OpenMetrics, {}});
        QVERIFY2(om.find("\ng__ 1.0\n") != std::string::npos, om.c_str());
    }

    // repr(b'\xc3\n'.decode('utf-8', 'surrogateescape')) is '\udcc3\n':
    // the newline stays escaped, the table one sample a line.
    void sampleTableReprEscapesBadBytes()
    {
        QCOMPARE(bytes(renderSampleTable(gaugeWith("g", {{"a", "\xc3\n"}}))),
                 QByteArray("g\tgauge\tg\t[('a', '\\udcc3\\n')]\t1.0\n"));
        QCOMPARE(bytes(renderSampleTable(gaugeWith("g", {{"a", "\xed\xa0\x80"}}))),
                 QByteArray("g\tgauge\tg\t[('a', '\\ud800')]\t1.0\n"));
        QCOMPARE(bytes(renderSampleTable(gaugeWith("g", {{"a", "caf\xc3\xa9"}}))),
                 QByteArray("g\tgauge\tg\t[('a', 'caf\xc3\xa9')]\t1.0\n"));
    }

    // Member names: UTF-8 as it is, every other byte as \xNN (C0 and C1
    // controls too, which would move a terminal's cursor).
    void memberNamesEscapeWhatIsNotUtf8_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("shown");
        QTest::newRow("UTF-8 up to U+10FFFF") << QByteArray("caf\xc3\xa9 \xf4\x8f\xbf\xbf")
                                             << QByteArray("caf\xc3\xa9 \xf4\x8f\xbf\xbf");
        QTest::newRow("above U+10FFFF") << QByteArray("\xf5\x80\x80\x80") << QByteArray("\\xf5\\x80\\x80\\x80");
        QTest::newRow("byte starting no sequence") << QByteArray("\xff\x80\x80") << QByteArray("\\xff\\x80\\x80");
        QTest::newRow("overlong") << QByteArray("\xe0\x80\xaf") << QByteArray("\\xe0\\x80\\xaf");
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << QByteArray("\\xed\\xa0\\x80");
        QTest::newRow("C1 control") << QByteArray("a\xc2\x85") << QByteArray("a\\xc2\\x85");
        QTest::newRow("C0 control, backslash") << QByteArray("\x1b\\") << QByteArray("\\x1b\\x5c");
    }
    void memberNamesEscapeWhatIsNotUtf8()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, shown);
        QCOMPARE(bytes(escapeMemberName(std::string_view(raw.constData(), std::size_t(raw.size())))), shown);
    }
};

QTEST_GUILESS_MAIN(TestUtf8)
#include "tst_utf8.moc"
