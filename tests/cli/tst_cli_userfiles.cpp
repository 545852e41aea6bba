// Every file the user names on promdir's command line that is not a
// metrics file (credentials, certificates, keys, CA files, archives): a
// FIFO or a device there gives a clear error naming it at once, never a
// program blocked forever in open() or reading without end.
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");
const QString kFifo = QStringLiteral("@FIFO@");

} // namespace

class TestCliUserFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusedAtOnce_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says"); // besides the file's name
        auto row = [](const char *name, QStringList args, QString says = QStringLiteral("a FIFO")) {
            QTest::newRow(name) << args << says;
        };
        row("render: archive is a FIFO", {QStringLiteral("render"), kFifo});
        row("render: archive is /dev/zero", {QStringLiteral("render"), QStringLiteral("/dev/zero")},
            QStringLiteral("a character device"));
        row("inspect: archive is a FIFO", {QStringLiteral("inspect"), kFifo});
        row("doctor: archive is a FIFO", {QStringLiteral("doctor"), kFifo});
        row("diff: archive is a FIFO", {QStringLiteral("diff"), kFixture, kFifo});
#ifdef PROMDIR_HAVE_SERVE
        const QStringList push = {QStringLiteral("push"), kFixture, QStringLiteral("--gateway"),
                                  QStringLiteral("127.0.0.1:1"), QStringLiteral("--job"), QStringLiteral("j")};
        row("serve --credentials FIFO", {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral(":0"),
                                         QStringLiteral("--credentials"), kFifo, kFixture});
        row("serve --credentials /dev/zero", {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral(":0"),
                                              QStringLiteral("--credentials"), QStringLiteral("/dev/zero"), kFixture},
            QStringLiteral("a character device"));
        row("serve --tls-cert FIFO", {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral(":0"),
                                      QStringLiteral("--tls-cert"), kFifo, QStringLiteral("--tls-key"),
                                      QStringLiteral("/etc/hostname"), kFixture});
        row("serve --tls-key FIFO", {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral(":0"),
                                     QStringLiteral("--tls-cert"), QStringLiteral("/etc/hostname"),
                                     QStringLiteral("--tls-key"), kFifo, kFixture});
        row("push --credentials FIFO", push + QStringList{QStringLiteral("--credentials"), kFifo});
        row("push --credentials /dev/zero", push + QStringList{QStringLiteral("--credentials"), QStringLiteral("/dev/zero")},
            QStringLiteral("a character device"));
        row("push --ca-file FIFO", push + QStringList{QStringLiteral("--ca-file"), kFifo});
#endif
    }
    void refusedAtOnce()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        QTemporaryDir dir;
        const QString fifo = dir.filePath(QStringLiteral("metrics.tar.gz"));
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
        QString named = args.contains(QStringLiteral("/dev/zero")) ? QStringLiteral("/dev/zero") : fifo;
        args.replaceInStrings(kFifo, fifo);
        QProcess p;
        p.start(QStringLiteral(PROMDIR_CLI), args);
        const bool finished = p.waitForFinished(10000);
        if (!finished) {
            p.kill();
            p.waitForFinished();
        }
        // doctor reports on stdout, the others on stderr.
        const QByteArray err = p.readAllStandardError() + p.readAllStandardOutput();
        QVERIFY2(finished, qPrintable(QStringLiteral("still running after 10 s: ") + QString::fromUtf8(err)));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.contains(QFile::encodeName(named) + ": ") && err.contains(says.toUtf8()), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliUserFiles)
#include "tst_cli_userfiles.moc"
