// The command line of `promdir`: every --help is generated from the options
// each sub-command declares, a usage error names the option and exits 2
// before anything is done, and the forms of giving an option all work.
#include <QtCore/QDir>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace {

const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");

struct Run
{
    int code = -1;
    QByteArray out, err;
};

Run promdir(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PROMDIR_CLI), args);
    Run r;
    if (!p.waitForFinished(120000))
        return r;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

// Options shared by the commands that read a PATH, declared once.
const QStringList kLoadOptions = {QStringLiteral("--subdir DIR"), QStringLiteral("--max-total-size SIZE"),
                                  QStringLiteral("--max-member-size SIZE"), QStringLiteral("--max-members N"),
                                  QStringLiteral("--no-progress")};
const QStringList kLivenessOptions = {QStringLiteral("--pid-namespace MODE"), QStringLiteral("--recheck DURATION")};

} // namespace

class TestCliUsage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpListsEveryOption_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("options");
        QTest::newRow("render") << QStringLiteral("render")
                                << (QStringList{QStringLiteral("PATH"), QStringLiteral("--format FORMAT"),
                                                QStringLiteral("--no-accumulate"), QStringLiteral("--name SAMPLE_NAME")}
                                    + kLoadOptions + kLivenessOptions);
        QTest::newRow("inspect") << QStringLiteral("inspect")
                                 << (QStringList{QStringLiteral("PATH"), QStringLiteral("--json"),
                                                 QStringLiteral("--stale-after DURATION")}
                                     + kLoadOptions + kLivenessOptions);
        QTest::newRow("doctor") << QStringLiteral("doctor")
                                << (QStringList{QStringLiteral("PATH"), QStringLiteral("--json"),
                                                QStringLiteral("--stale-after DURATION"), QStringLiteral("--max-files N"),
                                                QStringLiteral("dead-live-gauges"), QStringLiteral("pid-namespace")}
                                    + kLoadOptions + kLivenessOptions);
        QTest::newRow("diff") << QStringLiteral("diff")
                              << (QStringList{QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("--json"),
                                              QStringLiteral("--subdir-a DIR"), QStringLiteral("--subdir-b DIR")}
                                  + kLoadOptions);
        QTest::newRow("pack") << QStringLiteral("pack")
                              << QStringList{QStringLiteral("DIR"), QStringLiteral("-o,--output FILE"),
                                             QStringLiteral("--force"), QStringLiteral("--folder NAME")};
        QTest::newRow("mark-dead") << QStringLiteral("mark-dead")
                                   << QStringList{QStringLiteral("PID"), QStringLiteral("--dir DIR"),
                                                  QStringLiteral("--force"), QStringLiteral("-n,--dry-run")};
        QTest::newRow("compact") << QStringLiteral("compact")
                                 << QStringList{QStringLiteral("PATH"), QStringLiteral("--grace DURATION"),
                                                QStringLiteral("-n,--dry-run"), QStringLiteral("--json"),
                                                QStringLiteral("--recover"), QStringLiteral("--drop-dead-all"),
                                                QStringLiteral("--pid-namespace MODE"),
                                                QStringLiteral("--assume-dead-when-unchanged")};
        QTest::newRow("demo") << QStringLiteral("demo")
                              << QStringList{QStringLiteral("DIR"), QStringLiteral("--processes N"),
                                             QStringLiteral("--endpoints N"), QStringLiteral("--seconds S"),
                                             QStringLiteral("--recycle-every S"), QStringLiteral("--rate R"),
                                             QStringLiteral("--requests N"), QStringLiteral("--seed N")};
#ifdef PROMDIR_HAVE_SERVE
        QTest::newRow("serve") << QStringLiteral("serve")
                               << (QStringList{QStringLiteral("PATH"), QStringLiteral("--listen ADDR:PORT"),
                                               QStringLiteral("--credentials FILE"), QStringLiteral("--tls-cert FILE"),
                                               QStringLiteral("--tls-key FILE"), QStringLiteral("--no-accumulate"),
                                               QStringLiteral("--max-connections N"), QStringLiteral("-q,--quiet"),
                                               QStringLiteral("--compact-dead-after DURATION"),
                                               QStringLiteral("--assume-dead-when-unchanged")}
                                   + kLivenessOptions);
#endif
    }

    void helpListsEveryOption()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, options);
        const Run r = promdir({command, QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.isEmpty());
        const QString help = QString::fromUtf8(r.out);
        QVERIFY2(help.startsWith(QStringLiteral("Usage: promdir ") + command + QLatin1Char(' ')), qPrintable(help));
        // The help flag is the library's, as is the rest.
        QVERIFY2(help.contains(QStringLiteral("\n  -h,--help ")), qPrintable(help));
        for (const QString &option : options)
            QVERIFY2(help.contains(QStringLiteral("\n  ") + option), qPrintable(option + QStringLiteral(" in:\n") + help));
        // Shared options under their own headings.
        QCOMPARE(help.contains(QStringLiteral("\nArchives (")), options.contains(kLoadOptions.front()));
        QCOMPARE(help.contains(QStringLiteral("\nLiveness (directories):")), options.contains(kLivenessOptions.front()));
        QVERIFY(help.contains(QStringLiteral("\nExit status: 0 ")));
        QCOMPARE(promdir({command, QStringLiteral("-h")}).out, r.out);
        QCOMPARE(promdir({QStringLiteral("help"), command}).out, r.out);
    }

    void programHelp()
    {
        const Run r = promdir({QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("Usage: promdir "));
        QStringList commands = {QStringLiteral("render"), QStringLiteral("inspect"), QStringLiteral("demo"),
                                QStringLiteral("doctor"), QStringLiteral("diff"), QStringLiteral("pack"),
                                QStringLiteral("mark-dead"), QStringLiteral("compact")};
#ifdef PROMDIR_HAVE_SERVE
        commands << QStringLiteral("serve");
#endif
        for (const QString &c : commands)
            QVERIFY2(r.out.contains("\n  " + c.toUtf8() + ' '), qPrintable(c));
        QCOMPARE(promdir({QStringLiteral("help")}).out, r.out);

        const Run none = promdir({});
        QCOMPARE(none.code, 2);
        QVERIFY(none.out.isEmpty());
        QCOMPARE(none.err, r.out); // the same usage, on stderr

        const Run unknown = promdir({QStringLiteral("frobnicate"), kFixture});
        QCOMPARE(unknown.code, 2);
        QVERIFY2(unknown.err.startsWith("promdir: unknown command 'frobnicate'\n"), unknown.err.constData());

        const Run version = promdir({QStringLiteral("--version")});
        QCOMPARE(version.code, 0);
        QVERIFY(version.out.startsWith("promdir "));
        QCOMPARE(promdir({QStringLiteral("-V")}).out, version.out);
    }

    // Each row: the arguments and what the message must name. Nothing is
    // done: the directory the command would write or read is left alone.
    void usageErrorNamesTheOption_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        const QString fixture = kFixture;
        const QString target = QStringLiteral("@TARGET@"); // a path that must not come to exist
        auto row = [](const char *name, const QStringList &args, const QString &named) {
            QTest::newRow(name) << args << named;
        };
        row("unknown option", {QStringLiteral("render"), QStringLiteral("--bogus-option"), fixture}, QStringLiteral("--bogus-option"));
        row("two paths", {QStringLiteral("inspect"), fixture, QStringLiteral("second")}, QStringLiteral("second"));
        row("bad choice", {QStringLiteral("render"), QStringLiteral("--format"), QStringLiteral("yaml"), fixture}, QStringLiteral("--format"));
        row("missing value", {QStringLiteral("render"), fixture, QStringLiteral("--format")}, QStringLiteral("--format"));
        row("bad size", {QStringLiteral("render"), QStringLiteral("--max-total-size=lots"), fixture}, QStringLiteral("--max-total-size"));
        row("zero size", {QStringLiteral("inspect"), QStringLiteral("--max-members"), QStringLiteral("0"), fixture}, QStringLiteral("--max-members"));
        row("missing subdir", {QStringLiteral("inspect"), fixture, QStringLiteral("--subdir")}, QStringLiteral("--subdir"));
        row("bad duration", {QStringLiteral("inspect"), QStringLiteral("--stale-after"), QStringLiteral("soon"), fixture}, QStringLiteral("--stale-after"));
        row("bad number", {QStringLiteral("doctor"), QStringLiteral("--max-files"), QStringLiteral("many"), fixture}, QStringLiteral("--max-files"));
        row("bad namespace", {QStringLiteral("doctor"), QStringLiteral("--pid-namespace=host"), fixture}, QStringLiteral("--pid-namespace"));
        row("bad recheck", {QStringLiteral("render"), QStringLiteral("--recheck"), QStringLiteral("0s"), fixture}, QStringLiteral("--recheck"));
        row("one of two", {QStringLiteral("diff"), fixture}, QStringLiteral("B"));
        row("no output", {QStringLiteral("pack"), fixture}, QStringLiteral("--output"));
        row("pack bad option", {QStringLiteral("pack"), fixture, QStringLiteral("-o"), target + QStringLiteral(".tar.gz"), QStringLiteral("--level=9")}, QStringLiteral("--level=9"));
        row("no pid", {QStringLiteral("mark-dead"), QStringLiteral("--dir"), fixture}, QStringLiteral("PID"));
        row("no dir", {QStringLiteral("demo"), QStringLiteral("--processes"), QStringLiteral("2")}, QStringLiteral("DIR"));
        row("not a number", {QStringLiteral("demo"), target, QStringLiteral("--processes"), QStringLiteral("zero")}, QStringLiteral("--processes"));
        row("below minimum", {QStringLiteral("demo"), target, QStringLiteral("--endpoints=0")}, QStringLiteral("--endpoints"));
#ifdef PROMDIR_HAVE_SERVE
        row("bad listen", {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("nohost:1"), fixture}, QStringLiteral("--listen"));
        row("no connections", {QStringLiteral("serve"), QStringLiteral("--max-connections=0"), fixture}, QStringLiteral("--max-connections"));
        row("cert without key", {QStringLiteral("serve"), QStringLiteral("--tls-cert"), fixture, fixture}, QStringLiteral("--tls-key"));
#endif
    }

    void usageErrorNamesTheOption()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        QTemporaryDir tmp;
        const QString target = tmp.filePath(QStringLiteral("untouched"));
        args.replaceInStrings(QStringLiteral("@TARGET@"), target);
        const Run r = promdir(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.startsWith(QStringLiteral("promdir ") + args.front() + QStringLiteral(": ")), qPrintable(err));
        QVERIFY2(err.contains(named), qPrintable(err));
        QVERIFY2(err.endsWith(QStringLiteral("(see --help)\n")), qPrintable(err));
        QCOMPARE(err.count(QLatin1Char('\n')), 1);
        QVERIFY(QDir(tmp.path()).isEmpty());
    }

    // --opt=value and --opt value are one; given twice, the last counts;
    // "--opt=" is an empty value; a value never swallows PATH.
    void optionForms()
    {
        const QByteArray openMetrics = promdir({QStringLiteral("render"), QStringLiteral("--format"), QStringLiteral("openmetrics"), kFixture}).out;
        QVERIFY(openMetrics.endsWith("# EOF\n"));
        QCOMPARE(promdir({QStringLiteral("render"), QStringLiteral("--format=openmetrics"), kFixture}).out, openMetrics);
        QCOMPARE(promdir({QStringLiteral("render"), QStringLiteral("--format=text"), kFixture, QStringLiteral("--format"), QStringLiteral("openmetrics")}).out,
                 openMetrics);

        const Run one = promdir({QStringLiteral("render"), QStringLiteral("--name"), QStringLiteral("jobs_total"), kFixture});
        QCOMPARE(one.code, 0);
        QVERIFY2(one.out.contains("# TYPE jobs_total counter"), one.out.constData());
        QVERIFY(!one.out.contains("# TYPE g_all"));
        const Run two = promdir({QStringLiteral("render"), QStringLiteral("--name=jobs_total"), QStringLiteral("--name"),
                                 QStringLiteral("g_all"), kFixture});
        QCOMPARE(two.code, 0);
        QVERIFY(two.out.contains("# TYPE jobs_total counter"));
        QVERIFY(two.out.contains("# TYPE g_all gauge"));

        // "--subdir=" is the archive's top level.
        QTemporaryDir tmp;
        const QString archive = tmp.filePath(QStringLiteral("top.tar"));
        QProcess tar;
        tar.setWorkingDirectory(kFixture);
        tar.start(QStringLiteral("tar"), {QStringLiteral("-cf"), archive, QStringLiteral("counter_101.db")});
        QVERIFY(tar.waitForFinished(60000) && tar.exitCode() == 0);
        const Run top = promdir({QStringLiteral("inspect"), QStringLiteral("--subdir="), archive});
        QCOMPARE(top.code, 0);
        QVERIFY2(top.out.contains("counter_101.db"), top.out.constData());

        // PATH from the environment when none is given.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PROMETHEUS_MULTIPROC_DIR"), kFixture);
        QCOMPARE(promdir({QStringLiteral("render"), QStringLiteral("--format=openmetrics")}, env).out, openMetrics);
        env.remove(QStringLiteral("PROMETHEUS_MULTIPROC_DIR"));
        env.remove(QStringLiteral("prometheus_multiproc_dir"));
        const Run unset = promdir({QStringLiteral("render")}, env);
        QCOMPARE(unset.code, 2);
        QVERIFY2(unset.err.contains("PROMETHEUS_MULTIPROC_DIR is not set"), unset.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliUsage)
#include "tst_cli_usage.moc"
