// The Compact Dead Processes dialog (issue 15 item 5), offscreen: the
// preview is the core's dry run and changes nothing; Compact runs the same
// options and the merged output stays the same; refusals and errors are
// said in the dialog; closing it while a preview computes is safe.
#include "promdir/compactdialog.h"

#include "promdir/merge/merge.h"
#include "promdir/read/directory.h"
#include "promdir/render/render.h"
#include "promdir/translations.h"
#include "../qt/testdb.h"

#include <QCheckBox>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QtTest>

#include <set>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace promdir;
using namespace promdir::test;

namespace {

const std::set<std::string, std::less<>> kDead{"100", "200", "400"};

// Pids 100, 200 and 400 are dead, 300 runs (the hook, not the system, says
// so).
Liveness fakeLiveness(std::string_view pid)
{
    return kDead.count(pid) ? Liveness::Dead : Liveness::Alive;
}

// Counters and max gauges of two dead processes and a running one, with the
// same series in the same order in each file (so that the compacted file's
// place changes no order and the output is byte for byte the same), a
// gauge_all and a live gauge of a dead process (kept).
bool writeDirectory(const QString &dir)
{
    auto counters = [](double v) {
        return std::vector<DbEntry>{{"requests", "requests_total", {{"path", "/a"}}, v},
                                    {"requests", "requests_total", {{"path", "/b"}}, 2 * v}};
    };
    auto gauge = [](double v) { return std::vector<DbEntry>{{"temperature", "temperature", {}, v}}; };
    bool ok = true;
    for (const char *pid : {"100", "200", "300"}) {
        const QString p = QString::fromLatin1(pid);
        ok = ok && writeDb(dir + QStringLiteral("/counter_") + p + QStringLiteral(".db"), counters(p.toDouble()));
        ok = ok && writeDb(dir + QStringLiteral("/gauge_max_") + p + QStringLiteral(".db"), gauge(p.toDouble() / 10));
    }
    ok = ok && writeDb(dir + QStringLiteral("/gauge_all_100.db"), {{"queue", "queue", {}, 7.0}});
    ok = ok && writeDb(dir + QStringLiteral("/gauge_livesum_200.db"), {{"busy", "busy", {}, 1.0}});
    return ok;
}

// Every name, size and content hash under `dir`, recursively: any change
// on disk changes it.
QStringList fingerprint(const QString &dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        QByteArray hash;
        if (it.fileInfo().isFile() && f.open(QIODevice::ReadOnly))
            hash = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
        out << QDir(dir).relativeFilePath(path) + QLatin1Char(' ') + QString::number(it.fileInfo().size())
                   + QLatin1Char(' ') + QString::fromLatin1(hash);
    }
    out.sort();
    return out;
}

std::string rendered(const QString &dir)
{
    const LoadResult load = loadDirectory(dir.toStdString());
    return render(merge(load.files));
}

CompactOptions hooks()
{
    CompactOptions o;
    o.liveness = fakeLiveness;
    return o;
}

// Whether the dialog's preview or compaction finished in time.
bool waitIdle(CompactDialog &d)
{
    return QTest::qWaitFor([&] { return !d.isBusy(); }, 30000);
}

QStringList rows(const QTableWidget *t)
{
    QStringList out;
    for (int r = 0; r < t->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < t->columnCount(); ++c)
            cells << (t->item(r, c) ? t->item(r, c)->text() : QString());
        out << cells.join(QLatin1String(" | "));
    }
    return out;
}

} // namespace

class TestCompactDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        installTranslations(QStringLiteral("en")); // plural forms: "4 files", not "4 file(s)"
    }

    void previewIsTheDryRunAndChangesNothing()
    {
        QTemporaryDir dir;
        QVERIFY(writeDirectory(dir.path()));
        const QStringList before = fingerprint(dir.path());
        CompactDialog d(dir.path());
        d.setBaseOptions(hooks());
        d.setGrace(std::chrono::seconds(0));
        QVERIFY(waitIdle(d));
        QVERIFY(d.errorText().isEmpty());
        QVERIFY(d.preview().has_value());

        // What the core's dry run says, row by row.
        CompactOptions o = d.options();
        QCOMPARE(o.grace.count(), 0);
        o.dryRun = true;
        const auto expected = compactDirectory(dir.path().toStdString(), o);
        QVERIFY(expected.ok());
        QStringList want;
        for (const CompactFile &f : expected->files)
            want << QString::fromStdString(f.name) + QLatin1Char(' ') + QString::fromLatin1(toString(f.action).data());
        want.sort();
        QStringList got;
        const QTableWidget *t = d.fileTable();
        const QMap<QString, QString> actions{{QStringLiteral("fold"), QStringLiteral("fold")},
                                             {QStringLiteral("remove"), QStringLiteral("remove")},
                                             {QStringLiteral("keep"), QStringLiteral("keep")}};
        for (int r = 0; r < t->rowCount(); ++r)
            got << t->item(r, 1)->text() + QLatin1Char(' ') + actions.value(t->item(r, 0)->text());
        got.sort();
        QCOMPARE(got, want);
        QVERIFY(got.contains(QStringLiteral("counter_100.db fold")));
        QVERIFY(got.contains(QStringLiteral("gauge_all_100.db keep")));
        QVERIFY(got.contains(QStringLiteral("gauge_livesum_200.db keep")));
        QVERIFY(!got.join(QLatin1Char('\n')).contains(QStringLiteral("_300.db"))); // running: not listed
        // The reasons in the inspector's words, by the core's codes.
        const QString table = rows(t).join(QLatin1Char('\n'));
        QVERIFY2(table.contains(QStringLiteral("keep | gauge_all_100.db | 100 | 4.0 KiB | gauge_all: its pid label is "
                                               "in the output (the option above removes it)")),
                 qPrintable(table));
        QVERIFY(table.contains(QStringLiteral("fold | counter_200.db | 200 | 4.0 KiB | folded into counter_compacted.db")));
        QVERIFY(table.contains(QStringLiteral("keep | gauge_livesum_200.db | 200 | 4.0 KiB | live gauge of a dead "
                                              "process: not compacted; Mark Dead in the Processes view removes it")));

        QCOMPARE(d.outputTable()->rowCount(), int(expected->outputs.size()));
        QVERIFY(rows(d.outputTable()).join(QLatin1Char('\n')).contains(QStringLiteral("counter_compacted.db | 2 | 2")));
        QVERIFY2(d.summaryText().contains(QStringLiteral("4 files")), qPrintable(d.summaryText()));
        QVERIFY(d.summaryText().contains(QStringLiteral("2 dead processes")));
        QVERIFY(d.summaryText().contains(QStringLiteral("%1 → %2").arg(expected->filesBefore).arg(expected->filesAfter)));
        QVERIFY(d.compactButton()->isEnabled());
        QVERIFY(!d.compactButton()->isDefault());
        QCOMPARE(d.compactButton()->text(), QStringLiteral("&Compact 4 Files"));

        // An option changed: the preview is computed again (gauge_all is
        // removed now).
        QSignalSpy previews(&d, &CompactDialog::previewFinished);
        d.dropDeadAllBox()->setChecked(true);
        QVERIFY(d.isBusy() || previews.count() > 0);
        QVERIFY(waitIdle(d));
        QVERIFY(rows(d.fileTable()).join(QLatin1Char('\n')).contains(QStringLiteral("remove | gauge_all_100.db")));
        QCOMPARE(d.compactButton()->text(), QStringLiteral("&Compact 5 Files"));

        // Sortable: by size, descending, the largest first.
        d.fileTable()->sortByColumn(3, Qt::DescendingOrder);
        QCOMPARE(d.fileTable()->horizontalHeader()->sortIndicatorSection(), 3);

        QCOMPARE(fingerprint(dir.path()), before);

        // Another process wrote and died after the preview: Refresh
        // Preview reads the directory again.
        QVERIFY(writeDb(dir.filePath(QStringLiteral("counter_400.db")), {{"c", "c_total", {}, 1.0}}));
        QTest::qWait(50);
        QVERIFY(!rows(d.fileTable()).join(QLatin1Char('\n')).contains(QStringLiteral("counter_400.db")));
        d.refreshButton()->click();
        QVERIFY(waitIdle(d));
        QVERIFY(rows(d.fileTable()).join(QLatin1Char('\n')).contains(QStringLiteral("fold | counter_400.db | 400")));
        QCOMPARE(d.compactButton()->text(), QStringLiteral("&Compact 6 Files"));
    }

    void compactFoldsAndKeepsTheOutput()
    {
        QTemporaryDir dir;
        QVERIFY(writeDirectory(dir.path()));
        const std::string before = rendered(dir.path());
        QVERIFY(before.find("requests_total{path=\"/a\"} 600.0") != std::string::npos);
        CompactDialog d(dir.path());
        d.setBaseOptions(hooks());
        d.setGrace(std::chrono::seconds(0));
        QVERIFY(waitIdle(d));
        QSignalSpy done(&d, &CompactDialog::compacted);
        QSignalSpy failed(&d, &CompactDialog::compactionFailed);
        d.compactButton()->click();
        QVERIFY(d.isBusy());
        QVERIFY(!d.compactButton()->isEnabled());
        QVERIFY(done.wait(30000));
        QCOMPARE(failed.count(), 0);
        const auto report = done.at(0).at(0).value<CompactReport>();
        QVERIFY(!report.dryRun);
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("counter_compacted.db"))));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("gauge_max_compacted.db"))));
        for (const char *gone : {"counter_100.db", "counter_200.db", "gauge_max_100.db", "gauge_max_200.db"})
            QVERIFY2(!QFile::exists(dir.filePath(QString::fromLatin1(gone))), gone);
        for (const char *kept : {"counter_300.db", "gauge_all_100.db", "gauge_livesum_200.db"})
            QVERIFY2(QFile::exists(dir.filePath(QString::fromLatin1(kept))), kept);
        QCOMPARE(rendered(dir.path()), before);
        QCOMPARE(d.result(), int(QDialog::Accepted));
        const QString message = CompactDialog::resultMessage(report);
        QVERIFY2(message.startsWith(QStringLiteral("Compacted 4 files of 2 dead processes into 2 files; ")),
                 qPrintable(message));
        QVERIFY(message.endsWith(QStringLiteral(" saved.")));
    }

    // Every pid runs: nothing to do, and Compact cannot be pressed.
    void nothingToDoWhenAllAlive()
    {
        QTemporaryDir dir;
        QVERIFY(writeDirectory(dir.path()));
        CompactDialog d(dir.path());
        CompactOptions o;
        o.liveness = [](std::string_view) { return Liveness::Alive; };
        d.setBaseOptions(o);
        d.setGrace(std::chrono::seconds(0));
        QVERIFY(waitIdle(d));
        QVERIFY(d.preview().has_value());
        QCOMPARE(d.fileTable()->rowCount(), 0);
        QVERIFY(!d.compactButton()->isEnabled());
        QVERIFY(d.summaryText().startsWith(QStringLiteral("Nothing to compact")));
        // Within the grace period, likewise (the default, 10 minutes).
        d.setBaseOptions(hooks());
        d.setGrace(std::chrono::minutes(10));
        QVERIFY(waitIdle(d));
        QVERIFY(!d.compactButton()->isEnabled());
        QVERIFY(rows(d.fileTable()).join(QLatin1Char('\n')).contains(QStringLiteral("within the grace period")));
    }

    // Pids not visible: the core's refusal, said in the dialog; assuming
    // dead when unchanged lifts it.
    void pidsNotVisibleIsSaid()
    {
        QTemporaryDir dir;
        QVERIFY(writeDirectory(dir.path()));
        CompactDialog d(dir.path());
        d.setBaseOptions(hooks());
        d.setGrace(std::chrono::seconds(0));
        d.setPidNamespace(PidNamespace::Separate);
        QVERIFY(waitIdle(d));
        QVERIFY2(d.errorText().contains(QStringLiteral("cannot be checked from here")), qPrintable(d.errorText()));
        QVERIFY(!d.compactButton()->isEnabled());
        QVERIFY(d.assumeDeadBox()->isEnabled());
        d.assumeDeadBox()->setChecked(true);
        QVERIFY(waitIdle(d));
        QVERIFY(d.errorText().isEmpty());
        QVERIFY(d.compactButton()->isEnabled()); // every pid, 300 too, counts as dead now
    }

    // The directory removed under the dialog: a message, no crash, and
    // Compact is disabled until a preview succeeds again.
    void vanishedDirectoryIsAnError()
    {
        QTemporaryDir parent;
        const QString path = parent.filePath(QStringLiteral("metrics"));
        QVERIFY(QDir().mkpath(path));
        QVERIFY(writeDirectory(path));
        CompactDialog d(path);
        d.setBaseOptions(hooks());
        d.setGrace(std::chrono::seconds(0));
        QVERIFY(waitIdle(d));
        QVERIFY(d.compactButton()->isEnabled());
        QVERIFY(QDir(path).removeRecursively());
        QSignalSpy failed(&d, &CompactDialog::compactionFailed);
        d.compactButton()->click();
        QVERIFY(failed.wait(30000));
        QVERIFY2(d.errorText().startsWith(QStringLiteral("The directory cannot be read.")), qPrintable(d.errorText()));
        QVERIFY(d.errorText().contains(path));
        QVERIFY(waitIdle(d)); // the preview computed again, failing too
        QVERIFY(!d.compactButton()->isEnabled());
        QVERIFY(!d.errorText().isEmpty());
        QVERIFY(d.isVisible() || d.result() != int(QDialog::Accepted));
    }

    // The run refused by what holds the directory: another compaction
    // (the compaction folder locked: Busy, at once) or a reader (the
    // readers' lock held shared past the dialog's lockWait: ReadersHold).
    // Said in the dialog by the code's meaning; nothing changed.
    void compactionErrorsAreSaid_data()
    {
        QTest::addColumn<bool>("readers");
        QTest::addColumn<QString>("said");
        QTest::newRow("Busy") << false << QStringLiteral("Another compaction is running on this directory");
        QTest::newRow("ReadersHold") << true << QStringLiteral("Readers kept the directory locked; nothing was changed.");
    }
    void compactionErrorsAreSaid()
    {
        QFETCH(bool, readers);
        QFETCH(QString, said);
        QTemporaryDir dir;
        QVERIFY(writeDirectory(dir.path()));
        CompactDialog d(dir.path());
        CompactOptions o = hooks();
        o.lockWait = std::chrono::milliseconds(200);
        d.setBaseOptions(o);
        d.setGrace(std::chrono::seconds(0));
        QVERIFY(waitIdle(d));
        QVERIFY(d.compactButton()->isEnabled());
        QString held = dir.path();
        if (!readers) {
            held = dir.filePath(QStringLiteral(".promdir-compaction"));
            QVERIFY(QDir().mkdir(held));
        }
        const int fd = ::open(held.toLocal8Bit().constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, readers ? LOCK_SH : LOCK_EX), 0);
        QStringList before = fingerprint(dir.path());
        QSignalSpy failed(&d, &CompactDialog::compactionFailed);
        d.compactButton()->click();
        const bool gotFailure = failed.wait(30000);
        ::close(fd);
        QVERIFY(gotFailure);
        QVERIFY2(d.errorText().startsWith(said), qPrintable(d.errorText()));
        QVERIFY(d.errorText().contains(dir.path())); // the core's words name the directory
        // The metrics as they were; of the compaction's folder (made by the
        // run that gave up) only empty folders.
        QStringList after = fingerprint(dir.path());
        after.removeIf([](const QString &line) {
            return line.startsWith(QLatin1String(".promdir-compaction")) && line.endsWith(QLatin1Char(' ')); // no hash: a folder
        });
        before.removeIf([](const QString &line) { return line.startsWith(QLatin1String(".promdir-compaction")); });
        QCOMPARE(after, before);
        QVERIFY(waitIdle(d)); // the preview again: Compact can be tried again
        QVERIFY(d.compactButton()->isEnabled());
    }

    // Closing (and deleting) the dialog while its preview computes neither
    // crashes nor waits for the worker; the worker finishes on its own.
    void closingWhilePreviewComputesIsSafe()
    {
        QTemporaryDir dir;
        QVERIFY(writeDirectory(dir.path()));
        const QStringList before = fingerprint(dir.path());
        auto slowDead = std::make_shared<std::atomic<int>>(0);
        CompactOptions o;
        o.liveness = [slowDead](std::string_view pid) {
            ++*slowDead;
            std::this_thread::sleep_for(std::chrono::milliseconds(1000));
            return fakeLiveness(pid);
        };
        auto *d = new CompactDialog(dir.path());
        d->setBaseOptions(o);
        d->show();
        QTRY_VERIFY_WITH_TIMEOUT(*slowDead > 0, 30000); // the worker is in the hook
        QVERIFY(d->isBusy());
        QVERIFY(d->busyIndicator()->isVisible());
        QElapsedTimer t;
        t.start();
        d->close();
        delete d;
        // Waiting for the worker would take seconds (a second per pid).
        QVERIFY2(t.elapsed() < 500, qPrintable(QString::number(t.elapsed())));
        QVERIFY(QThreadPool::globalInstance()->waitForDone(30000));
        QCoreApplication::processEvents();
        QCOMPARE(fingerprint(dir.path()), before);
    }
};

QTEST_MAIN(TestCompactDialog)
#include "tst_compactdialog.moc"
