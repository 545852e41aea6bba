// The inspector window end to end (offscreen): empty states, the exporter
// toggle serving exactly the Exposition view, Mark dead on live and dead
// pids, and a screenshot of every view.
#include "exportercontrol.h"
#include "mainwindow.h"

#include "promdir/compactdialog.h"
#include "promdir/expositionview.h"
#include "promdir/processview.h"
#include "promdir/processmodel.h"
#include "promdir/filesview.h"
#include "promdir/filesmodel.h"
#include "promdir/translations.h"
#include "banner.h"
#include "promdir/serieschartview.h"
#include "../qt/testdb.h"
#include "../qt/testpids.h"

#include <QImage>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThreadPool>
#include <QMenuBar>
#include <QMenu>
#include <QAction>
#include <QStatusBar>
#include <QTreeView>
#include <QLineEdit>
#include <QTableView>
#include <QTabWidget>
#include <QAbstractProxyModel>
#include <QLabel>
#include <QPushButton>
#include <QProgressBar>
#include <QPointer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTranslator>
#include <QtTest>

#include <unistd.h>

using namespace promdir;

namespace {
const QString kFixture = QStringLiteral(PROMDIR_TEST_DATA "/client_python/current/metrics");

// The fixture packed as a .tgz by tar (no manifest), or its first `keep`
// bytes.
QString packFixture(const QTemporaryDir &dir, const QString &name, qint64 keep = -1)
{
    const QString out = dir.filePath(name);
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-czf"), out, QStringLiteral("-C"),
                                      QStringLiteral(PROMDIR_TEST_DATA "/client_python/current"),
                                      QStringLiteral("metrics")});
    if (!tar.waitForFinished(60000) || tar.exitCode() != 0)
        return {};
    if (keep >= 0) {
        QFile f(out);
        if (!f.open(QIODevice::ReadWrite) || !f.resize(keep))
            return {};
    }
    return out;
}

bool waitForSnapshot(MainWindow &w)
{
    QSignalSpy spy(w.watcher(), &DirectoryWatcher::snapshotReady);
    return spy.wait(30000);
}

QByteArray get(const QUrl &url, const QByteArray &accept = {})
{
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy); // straight to 127.0.0.1, whatever proxy settings say
    QNetworkRequest req(url);
    if (!accept.isEmpty())
        req.setRawHeader("Accept", accept);
    QNetworkReply *reply = nam.get(req);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(30000))
        return "(timeout)";
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}
} // namespace

class TestInspector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // keep the user's settings out
    }

    void emptyStates()
    {
        MainWindow w;
        QCOMPARE(w.emptyStateTitle(), QStringLiteral("No directory open"));
        QTemporaryDir dir;
        w.openPath(dir.path());
        QVERIFY(waitForSnapshot(w));
        QCOMPARE(w.emptyStateTitle(), QStringLiteral("The directory is empty"));
        // The first file appears: the views replace the empty page.
        QVERIFY(test::writeDb(dir.filePath(QStringLiteral("counter_1.db")), {{"c", "c_total", {}, 1.0, 0.0}}));
        w.watcher()->refresh();
        // A refresh already running may still report the empty directory.
        QTRY_COMPARE_WITH_TIMEOUT(w.emptyStateTitle(), QString(), 30000);
        // A path that does not exist: a banner, no dialog.
        w.openPath(dir.filePath(QStringLiteral("missing")));
        QVERIFY(w.bannerText().contains(QStringLiteral("does not exist")));
    }

    void exporterServesTheExposition()
    {
        MainWindow w;
        w.openPath(kFixture);
        QVERIFY(waitForSnapshot(w));
        ExporterControl *ec = w.exporterControl();
        ec->setAddress(QStringLiteral("127.0.0.1"));
        ec->setPort(0);
        ec->toggleButton()->click();
        QVERIFY(ec->isRunning());
        QVERIFY(ec->toggleButton()->isChecked());
        const QUrl url = ec->url();
        QVERIFY(url.isValid() && url.port() > 0);
        QCOMPARE(ec->urlButton()->text(), url.toString());

        ExpositionView *view = w.expositionView();
        view->setFormat(Format::Text);
        const QByteArray text = get(url);
        QVERIFY(text.startsWith("# HELP"));
        QCOMPARE(text, view->text().toUtf8());
        view->setFormat(Format::OpenMetrics);
        const QByteArray om = get(url, "application/openmetrics-text; version=1.0.0");
        QVERIFY(om.endsWith("# EOF\n"));
        QCOMPARE(om, view->text().toUtf8());
        // A Prometheus 3 set to metric_name_escaping_scheme: dots.
        view->setEscaping(NameEscaping::Dots);
        const QByteArray dots = get(url, "application/openmetrics-text;version=1.0.0;escaping=dots");
        QCOMPARE(dots, view->text().toUtf8());
        QVERIFY(dots != om);
        QTRY_COMPARE_WITH_TIMEOUT(ec->requestCount(), qint64(3), 30000);

        ec->toggleButton()->click();
        QVERIFY(!ec->isRunning());
    }

    void markDeadRefusesLivePids()
    {
        QTemporaryDir dir;
        QProcess sleeper;
        const QString live = QString::number(test::startSleeper(sleeper));
        const QString dead = QString::number(test::deadPid());
        QVERIFY(live != QLatin1String("0") && dead != QLatin1String("0"));
        const test::DbEntry g{"g", "g", {}, 1.0, 0.0};
        auto file = [&](const QString &name) { return dir.filePath(name); };
        QVERIFY(test::writeDb(file(QStringLiteral("gauge_livesum_") + live + QStringLiteral(".db")), {g}));
        QVERIFY(test::writeDb(file(QStringLiteral("gauge_livesum_") + dead + QStringLiteral(".db")), {g}));
        QVERIFY(test::writeDb(file(QStringLiteral("counter_") + dead + QStringLiteral(".db")),
                              {{"c", "c_total", {}, 2.0, 0.0}}));

        MainWindow w;
        w.openPath(dir.path());
        QVERIFY(waitForSnapshot(w));
        ProcessView *pv = w.processView();
        int asked = 0;
        pv->setConfirm([&](const QString &, const QString &) {
            ++asked;
            return true;
        });
        QSignalSpy errors(pv, &ProcessView::errorOccurred);
        QSignalSpy marked(pv, &ProcessView::markedDead);

        QVERIFY(pv->selectPid(live));
        QVERIFY(!pv->markDeadAction()->isEnabled());
        pv->markSelectedDead(); // even when forced
        QCOMPARE(errors.count(), 1);
        QCOMPARE(asked, 0);
        QVERIFY(QFile::exists(file(QStringLiteral("gauge_livesum_") + live + QStringLiteral(".db"))));

        QVERIFY(pv->selectPid(dead));
        QVERIFY(pv->markDeadAction()->isEnabled());
        pv->markDeadAction()->trigger();
        QCOMPARE(asked, 1);
        QCOMPARE(marked.count(), 1);
        QVERIFY(!QFile::exists(file(QStringLiteral("gauge_livesum_") + dead + QStringLiteral(".db"))));
        QVERIFY(QFile::exists(file(QStringLiteral("counter_") + dead + QStringLiteral(".db"))));
        // Refused at confirmation: nothing happens.
        pv->setConfirm([](const QString &, const QString &) { return false; });
        QVERIFY(test::writeDb(file(QStringLiteral("gauge_livemax_") + dead + QStringLiteral(".db")), {g}));
        QVERIFY(pv->selectPid(dead));
        pv->markSelectedDead();
        QVERIFY(QFile::exists(file(QStringLiteral("gauge_livemax_") + dead + QStringLiteral(".db"))));
        sleeper.kill();
        sleeper.waitForFinished();
    }

    // The Processes view off screen takes no work per snapshot: its model
    // is not touched while another tab is shown, and showing it brings it
    // to the newest snapshot in one update (the same rows and cells as a
    // fresh model of that snapshot), the selection kept.
    void hiddenProcessesViewWaitsUntilShown()
    {
        QTemporaryDir dir;
        const QString dead = QString::number(test::deadPid());
        auto counter = [&](const QString &pid, double v) {
            return test::writeDb(dir.filePath(QStringLiteral("counter_") + pid + QStringLiteral(".db")),
                                 {{"c", "c_total", {}, v, 0.0}});
        };
        QVERIFY(counter(dead, 1.0));
        MainWindow w;
        w.resize(900, 600);
        w.show();
        w.openPath(dir.path());
        QVERIFY(waitForSnapshot(w));
        auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("views"));
        QVERIFY(tabs);
        tabs->setCurrentWidget(w.processView());
        QVERIFY(w.processView()->isVisible());
        QVERIFY(w.processView()->selectPid(dead));
        tabs->setCurrentWidget(w.filesView());
        QVERIFY(!w.processView()->isVisible());

        // Every change the model could signal, counted without asking the
        // view for its model (which would bring it up to date).
        auto *proxy = qobject_cast<QAbstractProxyModel *>(w.processView()->tableView()->model());
        QVERIFY(proxy);
        QAbstractItemModel *source = proxy->sourceModel();
        int updates = 0;
        auto count = [&] { ++updates; };
        connect(source, &QAbstractItemModel::dataChanged, this, count);
        connect(source, &QAbstractItemModel::rowsInserted, this, count);
        connect(source, &QAbstractItemModel::rowsRemoved, this, count);
        connect(source, &QAbstractItemModel::modelReset, this, count);
        connect(source, &QAbstractItemModel::layoutChanged, this, count);

        for (int i = 0; i < 3; ++i) {
            QVERIFY(counter(QString::number(4000000 + i), 1.0 + i)); // a new (dead) pid each time
            QSignalSpy spy(w.watcher(), &DirectoryWatcher::snapshotReady);
            w.watcher()->refresh();
            QVERIFY(spy.wait(30000));
        }
        QCOMPARE(updates, 0);

        tabs->setCurrentWidget(w.processView());
        QVERIFY(updates > 0);
        ProcessModel fresh;
        fresh.setSnapshot(w.watcher()->snapshot());
        QCOMPARE(fresh.rowCount(), 4);
        QCOMPARE(source->rowCount(), fresh.rowCount());
        QCOMPARE(source->columnCount(), fresh.columnCount());
        for (int r = 0; r < fresh.rowCount(); ++r)
            for (int c = 0; c < fresh.columnCount(); ++c)
                QCOMPARE(source->index(r, c).data(), fresh.index(r, c).data());
        QCOMPARE(w.processView()->currentPid(), dead);
        QVERIFY(w.processView()->markDeadAction()->isEnabled() == false); // no live gauge files
    }

    // Issue 15 item 5: Tools > Compact Dead Processes… for a directory
    // only; the dialog's compaction changes the files, not the output; the
    // status bar says what was done, and the watcher's next snapshot shows
    // the compacted row instead of the dead pid. The watcher refreshes
    // every 20 ms meanwhile: its reads and the compaction's exclusive hold
    // of the readers' lock take turns (no deadlock, no ReadersHold).
    void compactDeadProcesses()
    {
        QTranslator english; // plural forms: "2 files", not "2 file(s)"
        QVERIFY(english.load(QStringLiteral("promdir_en"), QStringLiteral(":/i18n/")));
        QCoreApplication::installTranslator(&english);
        MainWindow w;
        QAction *compact = w.compactAction();
        QVERIFY(compact);
        QVERIFY(!compact->isEnabled());
        QVERIFY(compact->statusTip().startsWith(QStringLiteral("Open a metrics directory")));
        QStringList tools;
        for (QAction *a : w.menuBar()->actions())
            if (a->menu() && a->text() == QStringLiteral("&Tools"))
                tools = QStringList{a->menu()->actions().value(0) == compact ? QStringLiteral("compact") : QString()};
        QCOMPARE(tools, QStringList{QStringLiteral("compact")});

        QTemporaryDir tmp;
        const QString tgz = packFixture(tmp, QStringLiteral("case.tgz"));
        w.openPath(tgz);
        QVERIFY(waitForSnapshot(w));
        QVERIFY(!compact->isEnabled());
        QVERIFY2(compact->statusTip().contains(QStringLiteral("not for an archive")), qPrintable(compact->statusTip()));
        compact->trigger(); // even when forced: no dialog
        QVERIFY(!w.compactDialog());

        QTemporaryDir dir;
        const QString dead = QString::number(test::deadPid());
        const QString self = QString::number(QCoreApplication::applicationPid());
        QVERIFY(dead != QLatin1String("0"));
        const std::vector<test::DbEntry> counters{{"c", "c_total", {{"k", "a"}}, 3.0, 0.0},
                                                  {"c", "c_total", {{"k", "b"}}, 4.0, 0.0}};
        for (const QString &pid : {dead, self}) {
            QVERIFY(test::writeDb(dir.filePath(QStringLiteral("counter_") + pid + QStringLiteral(".db")), counters));
            QVERIFY(test::writeDb(dir.filePath(QStringLiteral("gauge_max_") + pid + QStringLiteral(".db")),
                                  {{"g", "g", {}, pid.toDouble(), 0.0}}));
        }
        w.openPath(dir.path());
        QVERIFY(waitForSnapshot(w));
        QVERIFY(compact->isEnabled());
        const QString before = w.expositionView()->text();
        QVERIFY(before.contains(QStringLiteral("c_total{k=\"a\"} 6.0")));
        QVERIFY(w.processView()->selectPid(dead));

        w.watcher()->setInterval(std::chrono::milliseconds(20));
        compact->trigger();
        QPointer<CompactDialog> d = w.compactDialog();
        QVERIFY(d);
        QVERIFY(d->isVisible());
        QCOMPARE(d->directory(), dir.path());
        d->setGrace(std::chrono::seconds(0));
        QTRY_VERIFY_WITH_TIMEOUT(!d->isBusy(), 30000);
        QVERIFY2(d->errorText().isEmpty(), qPrintable(d->errorText()));
        QVERIFY(d->compactButton()->isEnabled());
        compact->trigger(); // a second time: the same dialog
        QCOMPARE(w.compactDialog(), d.data());
        d->compactButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!d, 30000); // accepted and deleted
        const QString message = w.statusBar()->currentMessage();
        QVERIFY2(message.startsWith(QStringLiteral("Compacted 2 files of 1 dead process into 2 files; ")),
                 qPrintable(message));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("counter_compacted.db"))));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("counter_") + dead + QStringLiteral(".db"))));

        // The watcher sees the renames: a compacted row, the dead pid gone,
        // the same exposition.
        ProcessModel *pm = w.processView()->model();
        auto rowsNow = [&] {
            QStringList out;
            for (int r = 0; r < pm->rowCount(); ++r)
                out << pm->index(r, ProcessModel::PidColumn).data().toString() + QLatin1Char(' ')
                           + pm->index(r, ProcessModel::StateColumn).data().toString();
            out.sort();
            return out;
        };
        QTRY_COMPARE_WITH_TIMEOUT(rowsNow(), QStringList({self + QStringLiteral(" alive"),
                                                          QStringLiteral("compacted compacted")}),
                                  30000);
        QCOMPARE(w.expositionView()->text(), before);
    }

    // Issue 18.2: progress and Cancel show at once, whatever the status bar
    // says meanwhile.
    void loadingShowsProgressAndCancel()
    {
        QTemporaryDir tmp;
        const QString tgz = packFixture(tmp, QStringLiteral("case.tgz"));
        QVERIFY(!tgz.isEmpty());
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openPath(tgz);
        QVERIFY(w.watcher()->isLoading());
        QVERIFY(w.loadingProgress()->isVisible());
        QVERIFY(w.cancelButton()->isVisible());
        // A menu's status tip is a temporary message.
        w.statusBar()->showMessage(QStringLiteral("a status tip"));
        QVERIFY(w.loadingProgress()->isVisible());
        QVERIFY(w.cancelButton()->isVisible());
        w.statusBar()->clearMessage();
        QVERIFY(waitForSnapshot(w));
        QVERIFY(!w.loadingProgress()->isVisible());
        QVERIFY(!w.cancelButton()->isVisible());
    }

    // Issue 18.4: nothing of the last source stays; Cancel and a failed
    // open go back to the source open before.
    void changeOfSourceClearsState()
    {
        QTemporaryDir tmp;
        const QString other = tmp.filePath(QStringLiteral("other"));
        QVERIFY(QDir().mkpath(other));
        QVERIFY(test::writeDb(other + QStringLiteral("/counter_7.db"), {{"other", "other_total", {}, 1.0, 0.0}}));

        MainWindow w;
        w.show();
        w.openPath(kFixture);
        QVERIFY(waitForSnapshot(w));
        QCOMPARE(w.windowTitle(), QDir::toNativeSeparators(kFixture));
        const QString firstTitle = w.seriesView()->title();
        QVERIFY(!firstTitle.isEmpty());
        w.metricsView()->filterEdit()->setText(QStringLiteral("jobs"));

        w.openPath(other);
        QCOMPARE(w.windowTitle(), QString()); // not the new name before it loads
        QVERIFY(waitForSnapshot(w));
        QCOMPARE(w.metricsView()->filterEdit()->text(), QString());
        QTRY_VERIFY(w.seriesView()->title().contains(QStringLiteral("other_total")));
        QCOMPARE(w.metricsView()->treeView()->model()->rowCount(), 1);
        QCOMPARE(w.windowTitle(), QDir::toNativeSeparators(other));

        // Not an archive: the banner says why, the window is back on `other`.
        const QString bad = tmp.filePath(QStringLiteral("notes.tgz"));
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        w.openPath(bad);
        QVERIFY(waitForSnapshot(w)); // the failure
        QTRY_COMPARE(w.watcher()->path(), other);
        QTRY_VERIFY_WITH_TIMEOUT(w.watcher()->snapshot(), 30000);
        QTRY_COMPARE(w.emptyStateTitle(), QString());
        QVERIFY2(w.bannerText().contains(QStringLiteral("notes.tgz")), qPrintable(w.bannerText()));
        QCOMPARE(w.windowTitle(), QDir::toNativeSeparators(other));

        // Cancel while an archive loads: back to `other`.
        const QString tgz = packFixture(tmp, QStringLiteral("case.tgz"));
        w.openPath(tgz);
        QVERIFY(w.cancelButton()->isVisible());
        w.cancelButton()->click();
        QCOMPARE(w.watcher()->path(), other);
        QVERIFY(waitForSnapshot(w));
        QCOMPARE(w.emptyStateTitle(), QString());
        QCOMPARE(w.windowTitle(), QDir::toNativeSeparators(other));
        QCOMPARE(w.metricsView()->treeView()->model()->rowCount(), 1);
    }

    // Issue 18.3: an archive cut short says so in the banner and in the
    // archive panel, and "Show in Files" shows that problem.
    void truncatedArchiveSaysWhy()
    {
        QTemporaryDir tmp;
        const QString whole = packFixture(tmp, QStringLiteral("whole.tgz"));
        QVERIFY(!whole.isEmpty());
        const qint64 size = QFileInfo(whole).size();
        const QString cut = packFixture(tmp, QStringLiteral("case.tgz"), size * 2 / 3);
        QVERIFY(!cut.isEmpty());

        MainWindow w;
        w.show();
        w.openPath(cut);
        QVERIFY(waitForSnapshot(w));
        const SnapshotPtr s = w.watcher()->snapshot();
        QVERIFY(s && s->result->load.ok);
        QVERIFY(!s->result->load.archive.complete);
        QString problem;
        for (const auto &p : s->result->load.problems)
            if (p.kind == ProblemKind::Truncated || p.kind == ProblemKind::Unreadable)
                problem = QString::fromStdString(p.message);
        QVERIFY(!problem.isEmpty());
        QVERIFY2(w.bannerText().contains(problem), qPrintable(w.bannerText()));

        FilesView *files = w.filesView();
        const QString summary = files->archivePanel()->text();
        QVERIFY2(summary.contains(QStringLiteral("gzip")), qPrintable(summary));
        QVERIFY(summary.contains(QStringLiteral("members")));
        QVERIFY(summary.contains(QStringLiteral("Folder read: metrics")));
        QVERIFY(summary.contains(QStringLiteral("Manifest: none")));
        QVERIFY(summary.contains(QStringLiteral("Incomplete: ") + problem));
        w.banner()->actionButton()->click();
        QVERIFY(files->isVisible());
        QVERIFY(files->archivePanel()->isVisible());
        QVERIFY2(files->problemsText().contains(problem), qPrintable(files->problemsText()));

        // A whole archive says it is complete; a directory has no panel.
        w.openPath(whole);
        QVERIFY(waitForSnapshot(w));
        QVERIFY(files->archivePanel()->text().contains(QStringLiteral("Complete")));
        w.openPath(kFixture);
        QVERIFY(waitForSnapshot(w));
        QVERIFY(!files->archivePanel()->isVisible());
    }

    // Issue 13: a German window says the core's problems in German, in the
    // banner, the Files view and the archive panel.
    void problemsInGerman()
    {
        QVERIFY(installTranslations(QStringLiteral("de")));
        QTemporaryDir tmp;
        {
            QFile shortFile(tmp.filePath(QStringLiteral("counter_1.db")));
            QVERIFY(shortFile.open(QIODevice::WriteOnly));
            shortFile.write("\x10\0\0", 3);
        }
        const QString fileProblem = QStringLiteral("Datei hat 3 Bytes, kürzer als der 8-Byte-Kopf");
        {
            MainWindow w;
            w.show();
            w.openPath(tmp.path());
            QVERIFY(waitForSnapshot(w));
            QVERIFY2(w.bannerText().contains(fileProblem), qPrintable(w.bannerText()));
            QVERIFY(!w.bannerText().contains(QStringLiteral("shorter than")));
            FilesView *files = w.filesView();
            w.banner()->actionButton()->click();
            QVERIFY2(files->problemsText().contains(QStringLiteral("counter_1.db: Offset 0: ") + fileProblem),
                     qPrintable(files->problemsText()));
            const QAbstractItemModel *model = files->model();
            QModelIndex cell;
            for (int row = 0; row < model->rowCount(); ++row)
                if (model->index(row, FilesModel::NameColumn).data().toString() == QStringLiteral("counter_1.db"))
                    cell = model->index(row, FilesModel::ProblemsColumn);
            QCOMPARE(cell.data().toString(), fileProblem);
            // The filter finds a file by the words shown, not the core's English.
            files->filterEdit()->setText(QStringLiteral("kürzer als"));
            QTRY_COMPARE(files->tableView()->model()->rowCount(), 1);
            files->filterEdit()->setText(QStringLiteral("shorter than"));
            QTRY_COMPARE(files->tableView()->model()->rowCount(), 0);
        }

        // An archive cut short: why, in German, in the banner and the panel.
        const QString whole = packFixture(tmp, QStringLiteral("whole.tgz"));
        QVERIFY(!whole.isEmpty());
        const QString cut = packFixture(tmp, QStringLiteral("case.tgz"), QFileInfo(whole).size() * 2 / 3);
        MainWindow w;
        w.show();
        w.openPath(cut);
        QVERIFY(waitForSnapshot(w));
        const QString summary = w.filesView()->archivePanel()->text();
        QVERIFY2(summary.contains(QStringLiteral("angehalten bei Byte")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("die zuvor gelesenen Dateien bleiben erhalten")), qPrintable(summary));
        QVERIFY2(w.bannerText().contains(QStringLiteral("angehalten bei Byte")), qPrintable(w.bannerText()));
        QVERIFY(!summary.contains(QStringLiteral("stopped at byte")));

        // Back to the source language for the other tests.
        for (QTranslator *t : QCoreApplication::instance()->findChildren<QTranslator *>()) {
            QCoreApplication::removeTranslator(t);
            delete t;
        }
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    // Issue 18.8: quitting (closing the window) is prompt whatever runs: a
    // directory being read with the exporter on, an archive loading. The
    // exporter stops listening, the watcher's thread ends, no pooled work
    // is left; how long it takes is measured by hand (README).
    void quittingStopsEverything_data()
    {
        QTest::addColumn<bool>("archive");
        QTest::addRow("directory being read, exporter on") << false;
        QTest::addRow("archive loading, exporter on") << true;
    }
    void quittingStopsEverything()
    {
        QFETCH(bool, archive);
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("metrics"));
        QProcess demo;
        demo.start(QStringLiteral(PROMDIR_CLI), {QStringLiteral("demo"), dir, QStringLiteral("--processes"),
                                                 QStringLiteral("300"), QStringLiteral("--seconds"), QStringLiteral("0")});
        QVERIFY(demo.waitForFinished(300000) && demo.exitCode() == 0);
        QString path = dir;
        if (archive) {
            path = tmp.filePath(QStringLiteral("case.tgz"));
            QProcess tar;
            tar.start(QStringLiteral("tar"), {QStringLiteral("-czf"), path, QStringLiteral("-C"), tmp.path(),
                                              QStringLiteral("metrics")});
            QVERIFY(tar.waitForFinished(300000) && tar.exitCode() == 0);
        }
        // Threads of this process at work (running or waiting for the disk),
        // other than this one: kept threads waiting for work do not count.
        auto busyThreads = [] {
            int n = 0;
            const QString self = QString::number(gettid());
            for (const QString &task : QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                QFile stat(QStringLiteral("/proc/self/task/") + task + QStringLiteral("/stat"));
                if (task == self || !stat.open(QIODevice::ReadOnly))
                    continue;
                const QByteArray text = stat.readAll();
                const QByteArray state = text.mid(text.lastIndexOf(')') + 2, 1);
                if (state == "R" || state == "D")
                    ++n;
            }
            return n;
        };

        auto *w = new MainWindow;
        w->show();
        ExporterControl *ec = w->exporterControl();
        ec->setAddress(QStringLiteral("127.0.0.1"));
        ec->setPort(0);
        QVERIFY(ec->setRunning(true));
        const QUrl url = ec->url();
        w->openPath(path);
        if (!archive) {
            QVERIFY(waitForSnapshot(*w));
            QCOMPARE(get(url).left(6), QByteArray("# HELP"));
            w->watcher()->refresh(); // reading when the user quits
        }
        QElapsedTimer clock;
        clock.start();
        QVERIFY(w->close());
        QVERIFY(!ec->isRunning());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(url.port()));
        QVERIFY(!socket.waitForConnected(5000));
        QTRY_VERIFY_WITH_TIMEOUT(w->watcher()->isStopped(), 60000);
        qInfo("the watcher's thread ended %lld ms after the window closed", clock.elapsed());
        delete w;
        qInfo("and the window was gone %lld ms after", clock.elapsed());
        QTRY_COMPARE_WITH_TIMEOUT(QThreadPool::globalInstance()->activeThreadCount(), 0, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(busyThreads(), 0, 60000);
    }

    // Issue 18.8: the small things.
    void smallThings()
    {
        MainWindow w;
        w.show();
        // View > Metrics works; Refresh and Pause only for a directory.
        QVERIFY(w.metricsViewAction()->isEnabled());
        QVERIFY(!w.refreshAction()->isEnabled());
        QVERIFY(!w.pauseAction()->isEnabled());
        QTemporaryDir tmp;
        const QString tgz = packFixture(tmp, QStringLiteral("case.tgz"));
        w.openPath(tgz);
        QVERIFY(waitForSnapshot(w));
        QVERIFY(!w.refreshAction()->isEnabled());
        QVERIFY(!w.pauseAction()->isEnabled());

        // Mark Dead for a pid without live gauge files asks nothing.
        const QString dead = QString::number(test::deadPid());
        QVERIFY(test::writeDb(tmp.filePath(QStringLiteral("counter_") + dead + QStringLiteral(".db")),
                              {{"c", "c_total", {}, 2.0, 0.0}}));
        w.openPath(tmp.path());
        QVERIFY(waitForSnapshot(w));
        QVERIFY(w.refreshAction()->isEnabled());
        QVERIFY(w.pauseAction()->isEnabled());
        ProcessView *pv = w.processView();
        int asked = 0;
        pv->setConfirm([&](const QString &, const QString &) { return ++asked, false; });
        QVERIFY(pv->selectPid(dead));
        QVERIFY(!pv->markDeadAction()->isEnabled());
        pv->markSelectedDead();
        QCOMPARE(asked, 0);

        // A port in use: the banner says why.
        QTcpServer busy;
        QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
        ExporterControl *ec = w.exporterControl();
        ec->setAddress(QStringLiteral("127.0.0.1"));
        ec->setPort(busy.serverPort());
        ec->toggleButton()->click();
        QVERIFY(!ec->isRunning());
        QVERIFY2(w.bannerText().contains(QStringLiteral("in use"), Qt::CaseInsensitive), qPrintable(w.bannerText()));
    }

    // Help lists every shortcut and has About Qt.
    void helpMenu()
    {
        MainWindow w;
        const auto list = w.shortcutList();
        bool open = false;
        for (const auto &[what, keys] : list)
            open = open || (what.startsWith(QStringLiteral("Open Directory")) && keys.contains(QStringLiteral("Ctrl+O")));
        QVERIFY(open);
        QStringList help;
        for (QAction *a : w.menuBar()->actions())
            if (a->menu() && a->text() == QStringLiteral("&Help"))
                for (QAction *b : a->menu()->actions())
                    help << b->text();
        QVERIFY2(help.contains(QStringLiteral("About &Qt")), qPrintable(help.join(QLatin1Char('|'))));
        QVERIFY(help.contains(QStringLiteral("&Keyboard Shortcuts")));
    }

    // --help needs no display.
    void helpWithoutDisplay()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PROMDIR_INSPECTOR), {QStringLiteral("--help")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("--screenshot"));
    }

    void screenshotOfEveryView_data()
    {
        QTest::addColumn<QString>("view");
        QTest::newRow("window") << QString();
        for (const QString &v : MainWindow::screenshotNames())
            QTest::newRow(qPrintable(v)) << v;
    }
    void screenshotOfEveryView()
    {
        QFETCH(QString, view);
        QTemporaryDir out;
        const QString png = out.filePath(QStringLiteral("shot.png"));
        QStringList args{QStringLiteral("--screenshot"), png};
        if (!view.isEmpty())
            args << QStringLiteral("--view") << view;
        // The compaction dialog wants a directory it may write (its preview
        // changes nothing): a copy of the fixture.
        QString source = kFixture;
        if (view == QLatin1String("compact-dialog")) {
            source = out.filePath(QStringLiteral("metrics"));
            QVERIFY(QDir().mkpath(source));
            for (const QString &name : QDir(kFixture).entryList(QDir::Files))
                QVERIFY(QFile::copy(kFixture + QLatin1Char('/') + name, source + QLatin1Char('/') + name));
        }
        args << source;
        QProcess p;
        p.start(QStringLiteral(PROMDIR_INSPECTOR), args);
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QImage img(png);
        QVERIFY(!img.isNull());
        QVERIFY(img.width() >= 400 && img.height() >= 300);
        // Not a blank page: text and lines make many distinct colours.
        QSet<QRgb> colours;
        for (int y = 0; y < img.height(); y += 3)
            for (int x = 0; x < img.width(); x += 3)
                colours.insert(img.pixel(x, y));
        QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
    }

    void unknownViewIsAnError()
    {
        QTemporaryDir out;
        QProcess p;
        p.start(QStringLiteral(PROMDIR_INSPECTOR),
                {QStringLiteral("--screenshot"), out.filePath(QStringLiteral("x.png")), QStringLiteral("--view"),
                 QStringLiteral("nope"), kFixture});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 2);
    }

    // The per-pid chart's lines and rate mode are kept between sessions and
    // can be given on the command line (--top, --rate), for screenshots.
    void chartSettingsAndOptions()
    {
        {
            MainWindow w;
            w.seriesView()->setTopCount(20);
            w.seriesView()->setRateWindow(60000);
            w.close();
        }
        {
            MainWindow w;
            QCOMPARE(w.seriesView()->topCount(), 20);
            QCOMPARE(w.seriesView()->rateWindow(), 60000);
            w.seriesView()->setTopCount(SeriesChartView::kDefaultTopCount);
            w.seriesView()->setRateWindow(0);
            w.close();
        }
        for (const QStringList &bad : {QStringList{QStringLiteral("--top"), QStringLiteral("7")},
                                       QStringList{QStringLiteral("--rate"), QStringLiteral("45")}}) {
            QProcess p;
            p.start(QStringLiteral(PROMDIR_INSPECTOR), bad);
            QVERIFY(p.waitForFinished(120000));
            QCOMPARE(p.exitCode(), 2);
            QVERIFY2(p.readAllStandardError().contains(bad.first().toUtf8()), qPrintable(bad.join(QLatin1Char(' '))));
        }
        QTemporaryDir out;
        QProcess p;
        p.start(QStringLiteral(PROMDIR_INSPECTOR),
                {QStringLiteral("--screenshot"), out.filePath(QStringLiteral("rate.png")), QStringLiteral("--view"),
                 QStringLiteral("series"), QStringLiteral("--rate"), QStringLiteral("30"), QStringLiteral("--top"),
                 QStringLiteral("all"), kFixture});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(!QImage(out.filePath(QStringLiteral("rate.png"))).isNull());
    }
};

QTEST_MAIN(TestInspector)
#include "tst_inspector.moc"
