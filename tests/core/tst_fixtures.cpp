// Golden files: every fixture written by a real Python client renders
// byte for byte like the current client (tests/data/client_python/*).
#include "testutil.h"

#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"

#include <QtTest>

using namespace promdir;
using promdir::test::slurp;

namespace {

std::string fixture(const QString &version)
{
    return std::string(PROMDIR_TEST_DATA) + "/client_python/" + version.toStdString();
}

// Sorted lines: older clients wrote the accumulate=False table in their
// own (older) group order.
std::string sortedLines(const std::string &text)
{
    std::vector<std::string> lines;
    std::stringstream ss(text);
    for (std::string l; std::getline(ss, l);)
        lines.push_back(l);
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto &l : lines)
        out += l + '\n';
    return out;
}

} // namespace

class TestFixtures : public QObject
{
    Q_OBJECT
private slots:
    void render_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<int>("generation");
        QTest::newRow("v0.15.0") << QStringLiteral("v0.15.0") << 2;
        QTest::newRow("v0.17.1") << QStringLiteral("v0.17.1") << 3;
        QTest::newRow("v0.21.1") << QStringLiteral("v0.21.1") << 4;
        QTest::newRow("current") << QStringLiteral("current") << 4;
    }

    void render()
    {
        QFETCH(QString, version);
        QFETCH(int, generation);
        const std::string dir = fixture(version);
        MergeEngine engine(dir + "/metrics");
        const auto result = engine.refresh();
        QVERIFY(result->load.ok);
        QCOMPARE(result->load.allProblems().size(), std::size_t(0));
        QCOMPARE(result->load.files.size(), std::size_t(version == QLatin1String("v0.15.0") || version == QLatin1String("v0.17.1") ? 36 : 42));
        for (const auto &f : result->load.files)
            QCOMPARE(f->generation, generation);

        const std::string text = promdir::render(result->families);
        QCOMPARE(text, slurp(dir + "/expected-current.prom"));
        const std::string om = promdir::render(result->families, {Format::OpenMetrics, {}});
        QCOMPARE(om, slurp(dir + "/expected-current.om"));
    }

    void noAccumulate_data() { render_data(); }

    void noAccumulate()
    {
        QFETCH(QString, version);
        const std::string dir = fixture(version);
        MergeEngine engine(dir + "/metrics", {MergeOptions{false}, {}});
        const std::string table = renderSampleTable(engine.refresh()->families);
        const std::string expected = slurp(dir + "/expected-noacc.txt");
        if (version == QLatin1String("current"))
            QCOMPARE(table, expected);
        else
            QCOMPARE(sortedLines(table), sortedLines(expected));
    }
};

QTEST_GUILESS_MAIN(TestFixtures)
#include "tst_fixtures.moc"
