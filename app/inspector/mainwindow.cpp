#include "mainwindow.h"

#include "banner.h"
#include "exportercontrol.h"

#include "promdir/compactdialog.h"
#include "promdir/expositionview.h"
#include "promdir/filesview.h"
#include "promdir/gaugemodesview.h"
#include "promdir/histogramview.h"
#include "promdir/icons.h"
#include "promdir/problemtext.h"
#include "promdir/processview.h"
#include "promdir/serieschartview.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QHeaderView>
#include <QTableWidget>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace promdir {

namespace {
constexpr int kMaxRecent = 10;
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_watcher(new DirectoryWatcher(this))
    , m_metrics(new MetricsView)
    , m_series(new SeriesChartView)
    , m_gauges(new GaugeModesView)
    , m_histograms(new HistogramView)
    , m_processes(new ProcessView)
    , m_files(new FilesView)
    , m_exposition(new ExpositionView)
    , m_metricsDock(new QDockWidget(tr("Metrics"), this))
    , m_tabs(new QTabWidget)
    , m_stack(new QStackedWidget)
    , m_banner(new Banner)
{
    setWindowIcon(appIcon());
    // The title is the source's name; the platform adds the application's
    // display name (main.cpp), so it is never said twice.
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowTabbedDocks);

    m_metricsDock->setObjectName(QStringLiteral("metricsDock"));
    m_metricsDock->setWidget(m_metrics);
    // Closable, or View > Metrics (its toggle action) stays greyed out.
    m_metricsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable
                               | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::LeftDockWidgetArea, m_metricsDock);

    m_tabs->setObjectName(QStringLiteral("views"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_series, tr("Per-pid &series"));
    m_tabs->addTab(m_gauges, tr("&Gauge modes"));
    m_tabs->addTab(m_histograms, tr("&Histograms"));
    m_tabs->addTab(m_processes, tr("&Processes"));
    m_tabs->addTab(m_files, tr("&Files"));
    m_tabs->addTab(m_exposition, tr("&Exposition"));

    m_stack->addWidget(createEmptyPage());
    m_stack->addWidget(m_tabs);
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    m_exporter = new ExporterControl(this);
    createActions();
    createMenus();
    createToolBar();
    createStatusBar();

    connect(m_watcher, &DirectoryWatcher::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_watcher, &DirectoryWatcher::timelineReady, this, [this](const TimelinePtr &tl) {
        static const bool profile = qEnvironmentVariableIsSet("PROMDIR_PROFILE");
        QElapsedTimer t;
        t.start();
        m_series->setTimeline(tl);
        if (profile)
            qInfo("promdir-inspector: timeline %.1f ms", double(t.nsecsElapsed()) / 1e6);
    });
    connect(m_watcher, &DirectoryWatcher::loadingChanged, this, &MainWindow::onLoadingChanged);
    connect(m_watcher, &DirectoryWatcher::loadProgress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, 1000);
        m_progress->setTextVisible(true);
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
    });
    connect(m_metrics, &MetricsView::selectionChanged, this, &MainWindow::onSelection);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { applySnapshot(m_tabs->currentWidget(), m_latest); });
    connect(m_processes, &ProcessView::markedDead, this, [this](const QString &pid, const QStringList &removed) {
        statusBar()->showMessage(removed.isEmpty()
                                     ? tr("Process %1 had no live gauge files.").arg(pid)
                                     : tr("Process %1 marked dead: removed %2.").arg(pid, removed.join(QLatin1String(", "))),
                                 8000);
        m_watcher->refresh();
    });
    auto showError = [this](const QString &message) { m_banner->showMessage(Banner::Error, message); };
    connect(m_processes, &ProcessView::errorOccurred, this, showError);
    connect(m_exposition, &ExpositionView::errorOccurred, this, showError);
    connect(m_exposition, &ExpositionView::saved, this,
            [this](const QString &path) { statusBar()->showMessage(tr("Saved %1").arg(path), 5000); });
    connect(m_exporter, &ExporterControl::errorOccurred, this, showError);
    connect(m_exporter, &ExporterControl::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 5000); });

    setEmptyState(tr("No directory open"),
                  tr("Open a PROMETHEUS_MULTIPROC_DIR or a support archive, or drop one here."));
    readSettings();
    updateActions();
}

MainWindow::~MainWindow() = default;

QWidget *MainWindow::createEmptyPage()
{
    auto *page = new QWidget;
    m_emptyTitle = new QLabel(page);
    QFont f = m_emptyTitle->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    m_emptyTitle->setFont(f);
    m_emptyTitle->setAlignment(Qt::AlignCenter);
    m_emptyDetail = new QLabel(page);
    m_emptyDetail->setAlignment(Qt::AlignCenter);
    m_emptyDetail->setWordWrap(true);
    auto *dirButton = new QPushButton(icon(QStringLiteral("open-folder")), tr("Open &Directory…"), page);
    auto *archiveButton = new QPushButton(icon(QStringLiteral("open-archive")), tr("Open &Archive…"), page);
    connect(dirButton, &QPushButton::clicked, this, &MainWindow::openDirectoryDialog);
    connect(archiveButton, &QPushButton::clicked, this, &MainWindow::openArchiveDialog);
    m_emptyRecent = new QListWidget(page);
    m_emptyRecent->setMaximumWidth(560);
    m_emptyRecent->setMaximumHeight(180);
    connect(m_emptyRecent, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { openPath(item->data(Qt::UserRole).toString()); });

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(dirButton);
    buttons->addWidget(archiveButton);
    buttons->addStretch(1);
    auto *recentRow = new QHBoxLayout;
    recentRow->addStretch(1);
    recentRow->addWidget(m_emptyRecent);
    recentRow->addStretch(1);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch(2);
    layout->addWidget(m_emptyTitle);
    layout->addWidget(m_emptyDetail);
    layout->addSpacing(16);
    layout->addLayout(buttons);
    layout->addSpacing(16);
    layout->addLayout(recentRow);
    layout->addStretch(3);
    return page;
}

void MainWindow::createActions()
{
    m_openDir = new QAction(icon(QStringLiteral("open-folder")), tr("Open &Directory…"), this);
    m_openDir->setShortcut(QKeySequence::Open);
    m_openDir->setToolTip(tr("Open a metrics directory and watch it"));
    connect(m_openDir, &QAction::triggered, this, &MainWindow::openDirectoryDialog);

    m_openArchive = new QAction(icon(QStringLiteral("open-archive")), tr("Open &Archive…"), this);
    m_openArchive->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openArchive->setToolTip(tr("Open a support tarball (.tar, .tar.gz, .tar.xz, .tar.zst, …)"));
    connect(m_openArchive, &QAction::triggered, this, &MainWindow::openArchiveDialog);

    m_close = new QAction(tr("&Close"), this);
    m_close->setShortcut(QKeySequence::Close);
    connect(m_close, &QAction::triggered, this, &MainWindow::closeSource);

    m_refresh = new QAction(icon(QStringLiteral("refresh")), tr("&Refresh"), this);
    m_refresh->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence::Refresh});
    m_refresh->setToolTip(tr("Read the directory again now (F5)"));
    connect(m_refresh, &QAction::triggered, m_watcher, &DirectoryWatcher::refresh);

    m_pause = new QAction(icon(QStringLiteral("pause")), tr("&Pause"), this);
    m_pause->setCheckable(true);
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pause->setToolTip(tr("Stop watching for changes; F5 still refreshes"));
    connect(m_pause, &QAction::toggled, this, [this](bool paused) {
        m_watcher->setPaused(paused);
        m_pause->setIcon(icon(paused ? QStringLiteral("play") : QStringLiteral("pause")));
        m_pause->setText(paused ? tr("&Resume") : tr("&Pause"));
    });

    m_find = new QAction(icon(QStringLiteral("find")), tr("&Find…"), this);
    m_find->setShortcut(QKeySequence::Find);
    connect(m_find, &QAction::triggered, this, &MainWindow::find);

    m_quit = new QAction(tr("&Quit"), this);
    m_quit->setShortcut(QKeySequence::Quit);
    m_quit->setMenuRole(QAction::QuitRole);
    connect(m_quit, &QAction::triggered, this, &QWidget::close);

    m_compact = new QAction(tr("&Compact Dead Processes…"), this);
    m_compact->setObjectName(QStringLiteral("compactAction"));
    connect(m_compact, &QAction::triggered, this, &MainWindow::compactDeadProcesses);

    m_prefs = new QAction(tr("&Preferences…"), this);
    m_prefs->setMenuRole(QAction::PreferencesRole);
    connect(m_prefs, &QAction::triggered, this, &MainWindow::showPreferences);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openDir);
    file->addAction(m_openArchive);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(m_close);
    file->addSeparator();
    file->addAction(m_quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_refresh);
    view->addAction(m_pause);
    view->addAction(m_find);
    view->addSeparator();
    view->addAction(m_metricsDock->toggleViewAction());
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *a = view->addAction(m_tabs->tabText(i).remove(QLatin1Char('&')));
        a->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
        connect(a, &QAction::triggered, this, [this, i] { m_tabs->setCurrentIndex(i); });
    }
    view->addSeparator();
    QMenu *pids = view->addMenu(tr("&Pid Namespace"));
    pids->setToolTipsVisible(true);
    auto *group = new QActionGroup(this);
    const std::pair<PidNamespace, QString> modes[] = {
        {PidNamespace::Auto, tr("&Automatic")}, {PidNamespace::Shared, tr("&Shared With the Writers")},
        {PidNamespace::Separate, tr("S&eparate (Containers)")}};
    for (const auto &[mode, text] : modes) {
        QAction *a = pids->addAction(text);
        a->setCheckable(true);
        a->setChecked(mode == m_watcher->pidNamespace());
        a->setData(int(mode));
        group->addAction(a);
        m_pidNamespaceActions.append(a);
        connect(a, &QAction::triggered, this, [this, mode] { setPidNamespace(mode); });
    }
    m_pidNamespaceActions[0]->setToolTip(tr("Trust process liveness until a file of a process that is gone "
                                            "changes (a worker in another container)"));
    m_pidNamespaceActions[2]->setToolTip(tr("Do not check liveness: read every file on every refresh"));
    view->addSeparator();
    view->addAction(m_prefs);

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->setToolTipsVisible(true);
    tools->addAction(m_compact);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    auto *keys = help->addAction(tr("&Keyboard Shortcuts"));
    keys->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    connect(keys, &QAction::triggered, this, &MainWindow::showShortcuts);
    help->addSeparator();
    auto *about = help->addAction(tr("&About promdir inspector"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About promdir inspector"),
                           tr("<p><b>promdir inspector</b> %1</p><p>Shows what every process of a Prometheus "
                              "Python client multiprocess directory contributes, what each gauge mode would "
                              "export, which processes are dead and which files are stale.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

QList<std::pair<QString, QString>> MainWindow::shortcutList() const
{
    // Every menu action with a shortcut, as the menus name them; then the
    // ones that live in the views.
    QList<std::pair<QString, QString>> out;
    std::function<void(const QMenu *)> walk = [&](const QMenu *menu) {
        for (QAction *a : menu->actions()) {
            if (a->menu())
                walk(a->menu());
            else if (!a->shortcuts().isEmpty()) {
                QStringList keys;
                for (const QKeySequence &k : a->shortcuts())
                    keys << k.toString(QKeySequence::NativeText);
                out.append({a->text().remove(QLatin1Char('&')), keys.join(QLatin1String(", "))});
            }
        }
    };
    for (QAction *a : menuBar()->actions())
        if (a->menu())
            walk(a->menu());
    out.append({tr("Find next / previous in the Exposition view"), QStringLiteral("F3, Shift+F3")});
    out.append({tr("Copy the selected rows of a table"), QKeySequence(QKeySequence::Copy).toString(QKeySequence::NativeText)});
    return out;
}

void MainWindow::showShortcuts()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard Shortcuts"));
    auto *table = new QTableWidget(&dialog);
    const auto list = shortcutList();
    table->setColumnCount(2);
    table->setRowCount(int(list.size()));
    table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    for (int r = 0; r < list.size(); ++r) {
        table->setItem(r, 0, new QTableWidgetItem(list[r].first));
        table->setItem(r, 1, new QTableWidgetItem(list[r].second));
    }
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    dialog.resize(520, 480);
    dialog.exec();
}

void MainWindow::createToolBar()
{
    QToolBar *tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolBar"));
    tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tb->addAction(m_openDir);
    tb->addAction(m_openArchive);
    tb->addSeparator();
    tb->addAction(m_refresh);
    tb->addAction(m_pause);
    m_interval = new QSpinBox(tb);
    m_interval->setRange(1, 3600);
    m_interval->setValue(1);
    m_interval->setPrefix(tr("every "));
    m_interval->setSuffix(tr(" s"));
    m_interval->setToolTip(tr("Refresh interval"));
    m_interval->setAccessibleName(tr("Refresh interval in seconds"));
    connect(m_interval, &QSpinBox::valueChanged, this,
            [this](int s) { m_watcher->setInterval(std::chrono::seconds(s)); });
    tb->addWidget(m_interval);
    tb->addSeparator();
    tb->addWidget(m_exporter);
}

void MainWindow::createStatusBar()
{
    m_statusFiles = new QLabel(this);
    m_statusPids = new QLabel(this);
    m_statusProblems = new QLabel(this);
    m_statusCost = new QLabel(this);
    // Loading is said by permanent widgets: a temporary message (a menu's
    // status tip) would hide ordinary ones until it is cleared.
    m_loadingLabel = new QLabel(this);
    m_loadingLabel->hide();
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(200);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop loading and go back to the source open before"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancelLoading);
    // A directory that takes long gets them too, after a moment.
    m_loadingTimer = new QTimer(this);
    m_loadingTimer->setSingleShot(true);
    m_loadingTimer->setInterval(500);
    connect(m_loadingTimer, &QTimer::timeout, this, [this] {
        if (m_watcher->isLoading()) {
            m_progress->show();
            m_cancel->show();
        }
    });
    statusBar()->addPermanentWidget(m_loadingLabel, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_statusFiles);
    statusBar()->addPermanentWidget(m_statusPids);
    statusBar()->addPermanentWidget(m_statusProblems);
    statusBar()->addPermanentWidget(m_statusCost);
}

void MainWindow::openDirectoryDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Metrics Directory"), dialogStart());
    if (!dir.isEmpty())
        openPath(dir);
}

void MainWindow::openArchiveDialog()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open Archive"), dialogStart(),
        tr("Archives (*.tar *.tar.gz *.tgz *.tar.bz2 *.tbz2 *.tar.xz *.txz *.tar.zst *.tzst);;All files (*)"));
    if (!file.isEmpty())
        openPath(file);
}

void MainWindow::openPath(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        m_banner->showMessage(Banner::Error, tr("%1 does not exist.").arg(QDir::toNativeSeparators(path)));
        return;
    }
    const QString abs = info.absoluteFilePath();
    // What the user had open stays the source to go back to until the new
    // one has loaded.
    if (m_watcher->isOpen() && m_sourceLoaded && m_watcher->path() != abs)
        m_previous = m_watcher->path();
    clearSource();
    m_watcher->open(abs);
    setEmptyState(tr("Loading…"), QDir::toNativeSeparators(abs));
}

void MainWindow::clearSource()
{
    m_firstSnapshot = true;
    m_sourceLoaded = false;
    m_lastProblemCount = 0;
    m_pidsNoticeShown = false;
    m_bannerForLoad = false;
    m_banner->hide();
    // Nothing of the last source may stay: its views, the chart's title,
    // the tree's filter, the status bar.
    onSnapshot(nullptr);
    m_metrics->clear();
    m_series->setSeries({}, {});
    statusBar()->clearMessage();
    setWindowTitle(QString());
}

void MainWindow::closeSource()
{
    m_watcher->close();
    m_previous.clear();
    clearSource();
    updateActions();
    setEmptyState(tr("No directory open"),
                  tr("Open a PROMETHEUS_MULTIPROC_DIR or a support archive, or drop one here."));
}

void MainWindow::cancelLoading()
{
    const QString failed = m_watcher->path();
    m_watcher->close();
    if (returnToPrevious(failed)) {
        statusBar()->showMessage(tr("Loading cancelled; back to %1").arg(QDir::toNativeSeparators(m_watcher->path())),
                                 8000);
        return;
    }
    clearSource();
    setEmptyState(tr("Loading cancelled"), tr("Open a directory or an archive to continue."));
    statusBar()->showMessage(tr("Loading cancelled"), 5000);
}

bool MainWindow::returnToPrevious(const QString &failed)
{
    const QString previous = m_previous;
    if (previous.isEmpty() || previous == failed || !QFileInfo::exists(previous))
        return false;
    m_previous.clear();
    openPath(previous);
    return true;
}

void MainWindow::setEmptyState(const QString &title, const QString &detail)
{
    m_emptyTitle->setText(title);
    m_emptyDetail->setText(detail);
    m_stack->setCurrentIndex(0);
    m_emptyRecent->setVisible(m_emptyRecent->count() > 0 && !m_watcher->isOpen());
}

QAction *MainWindow::metricsViewAction() const
{
    return m_metricsDock->toggleViewAction();
}

QString MainWindow::emptyStateTitle() const
{
    return m_stack->currentIndex() == 0 ? m_emptyTitle->text() : QString();
}

QString MainWindow::bannerText() const
{
    return m_banner->isVisibleTo(const_cast<MainWindow *>(this)) ? m_banner->text() : QString();
}

void MainWindow::updateActions()
{
    // Refreshing and pausing mean something for a directory only: an
    // archive is read once, and an empty window has nothing to read.
    const bool directory = m_watcher->isOpen() && QFileInfo(m_watcher->path()).isDir();
    m_refresh->setEnabled(directory);
    m_pause->setEnabled(directory);
    m_interval->setEnabled(directory);
    m_close->setEnabled(m_watcher->isOpen());
    updateCompactAction();
}

void MainWindow::updateCompactAction()
{
    // Compaction changes the directory: only a directory on this machine
    // (liveness is known only here), never an archive (read once, in
    // memory), and only one this user may write (the files are renamed).
    const QFileInfo info(m_watcher->path());
    QString why;
    if (!m_watcher->isOpen())
        why = tr("Open a metrics directory to compact the files of its dead processes");
    else if (!info.isDir())
        why = tr("Only for a directory on this machine, not for an archive");
    else if (!info.isWritable())
        why = tr("The directory is not writable by you");
    m_compact->setEnabled(why.isEmpty());
    const QString tip = why.isEmpty() ? tr("Fold the files of dead processes into one file per kind, after a preview")
                                      : why;
    m_compact->setStatusTip(tip);
    m_compact->setToolTip(tip);
}

CompactDialog *MainWindow::compactDialog() const
{
    return m_compactDialog;
}

void MainWindow::compactDeadProcesses()
{
    updateCompactAction();
    if (!m_compact->isEnabled())
        return;
    if (m_compactDialog) {
        m_compactDialog->raise();
        m_compactDialog->activateWindow();
        return;
    }
    auto *dialog = new CompactDialog(m_watcher->path(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setPidNamespace(m_watcher->pidNamespace());
    connect(dialog, &CompactDialog::compacted, this, [this](const CompactReport &report) {
        statusBar()->showMessage(CompactDialog::resultMessage(report), 15000);
        // inotify reports the renames; asking now shows them at once.
        m_watcher->refresh();
    });
    m_compactDialog = dialog;
    dialog->open();
}

QString MainWindow::dialogStart() const
{
    // Beside what is open, else the last source, else home; never the
    // working directory.
    const QString current = m_watcher->isOpen() ? m_watcher->path() : m_recent.value(0);
    if (!current.isEmpty()) {
        const QString folder = QFileInfo(current).absolutePath();
        if (QFileInfo(folder).isDir())
            return folder;
    }
    return QDir::homePath();
}

void MainWindow::onLoadingChanged(bool loading)
{
    updateActions();
    const bool archive = loading && !QFileInfo(m_watcher->path()).isDir();
    m_progress->setRange(0, 0); // busy until the first progress report
    m_progress->setTextVisible(false);
    m_progress->setVisible(archive);
    m_cancel->setVisible(archive);
    m_loadingLabel->setVisible(loading);
    m_loadingLabel->setText(loading ? tr("Loading %1…").arg(QDir::toNativeSeparators(m_watcher->path())) : QString());
    if (loading && !archive)
        m_loadingTimer->start();
    else
        m_loadingTimer->stop();
}

void MainWindow::onSnapshot(const SnapshotPtr &snapshot)
{
    // PROMDIR_PROFILE=1: what each view costs the GUI thread per snapshot.
    static const bool profile = qEnvironmentVariableIsSet("PROMDIR_PROFILE");
    QElapsedTimer t;
    t.start();
    updateCompactAction(); // the directory's permissions may have changed
    QStringList costs;
    auto step = [&](const char *name, auto &&f) {
        f();
        if (profile) {
            costs << QString::fromLatin1(name) + QLatin1Char('=') + QString::number(double(t.nsecsElapsed()) / 1e6, 'f', 1);
            t.restart();
        }
    };
    // A refresh that found nothing new (the usual case for a directory of
    // dead processes) changes the status bar only; the exporter serves the
    // newest result all the same.
    if (snapshot && m_latest && snapshot->contentsId != 0 && snapshot->contentsId == m_latest->contentsId) {
        m_latest = snapshot;
        m_exporter->setSnapshot(snapshot);
        updateStatus(snapshot);
        if (profile)
            qInfo("promdir-inspector: snapshot unchanged, status %.1f ms", double(t.nsecsElapsed()) / 1e6);
        return;
    }
    m_latest = snapshot;
    step("metrics", [&] { m_metrics->setSnapshot(snapshot); });
    // The heavier views only while on screen (see applySnapshot).
    step("current", [&] { applySnapshot(m_tabs->currentWidget(), snapshot); });
    // These two only keep the snapshot while hidden, and catch up when
    // shown or asked (ProcessView::bringUpToDate, ExpositionView::refreshText).
    step("processes", [&] { m_processes->setSnapshot(snapshot); });
    step("exposition", [&] { m_exposition->setSnapshot(snapshot); });
    m_exporter->setSnapshot(snapshot);
    step("status", [&] { updateStatus(snapshot); });
    if (profile)
        qInfo("promdir-inspector: snapshot %s ms", qPrintable(costs.join(QLatin1Char(' '))));
    if (!snapshot || !snapshot->result)
        return;

    const LoadResult &load = snapshot->result->load;
    const QString where = QDir::toNativeSeparators(snapshot->path);
    if (!load.ok && !m_sourceLoaded) {
        // A source that cannot be opened: back to the one open before, and
        // the reason stays in the banner.
        const QString failed = snapshot->path;
        if (returnToPrevious(failed)) {
            m_banner->showMessage(Banner::Error,
                                  tr("Cannot open %1: %2. Back to %3.")
                                      .arg(where, QString::fromStdString(load.error),
                                           QDir::toNativeSeparators(m_watcher->path())));
            return;
        }
    }
    if (load.ok && !m_sourceLoaded) {
        m_sourceLoaded = true;
        m_previous.clear();
        addRecent(snapshot->path);
        setWindowTitle(where);
    }
    if (!load.ok) {
        // The directory may appear later: keep watching, say so once.
        setEmptyState(tr("Cannot open this source"), QString::fromStdString(load.error));
        if (!m_bannerForLoad || m_banner->isHidden())
            m_banner->showMessage(Banner::Error,
                                  tr("Cannot read %1: %2").arg(where, QString::fromStdString(load.error)));
        m_bannerForLoad = true;
        return;
    }
    if (m_bannerForLoad) {
        m_banner->hide();
        m_bannerForLoad = false;
    }
    if (load.files.empty() && load.problems.empty()) {
        setEmptyState(tr("The directory is empty"),
                      snapshot->local ? tr("No *.db files in %1 yet. promdir keeps watching: they appear here as "
                                           "soon as a process writes a metric.")
                                            .arg(where)
                                      : tr("No *.db files in %1.").arg(where));
        return;
    }
    m_stack->setCurrentIndex(1);

    const std::size_t problems = snapshot->problemCount();
    if (problems != m_lastProblemCount) {
        if (problems > 0)
            m_banner->showMessage(Banner::Warning, problemsBannerText(*snapshot), tr("Show in Files"), [this] {
                applySnapshot(m_files, m_latest);
                m_files->selectFirstProblem();
                m_tabs->setCurrentWidget(m_files);
                m_banner->hide();
            });
        else
            m_banner->hide();
        m_lastProblemCount = problems;
    }
    // Said once per source, after the problems (which matter more).
    if (snapshot->local && !snapshot->result->pids.visible && !m_pidsNoticeShown
        && (m_banner->isHidden() || problems == 0)) {
        m_pidsNoticeShown = true;
        m_banner->showMessage(Banner::Info,
                              tr("%1. Liveness is not checked (processes show as unknown) and every file is read "
                                 "on every refresh.")
                                  .arg(QString::fromStdString(snapshot->result->pids.reason)));
    }
    if (m_firstSnapshot) {
        m_firstSnapshot = false;
        selectDefaults();
    }
}

QString MainWindow::problemsBannerText(const Snapshot &s)
{
    // The problem that matters most, said in full: the archive or the
    // directory itself first (an archive cut short), then the files'.
    const LoadResult &load = s.result->load;
    const Problem *first = nullptr;
    for (const auto &p : load.problems)
        if (!first || ((p.kind == ProblemKind::Truncated || p.kind == ProblemKind::Unreadable)
                       && first->kind == ProblemKind::ForeignFile))
            first = &p;
    QString where;
    if (!first) {
        for (const auto &f : load.files) {
            if (!f->problems.empty()) {
                first = &f->problems.front();
                where = QString::fromStdString(f->name);
                break;
            }
        }
    }
    const int n = int(s.problemCount());
    if (!first)
        return tr("%n problem(s) found while reading; everything readable is shown.", nullptr, n);
    QString what = ProblemText::of(*first);
    if (!where.isEmpty())
        what = tr("%1: %2").arg(where, what);
    return n == 1 ? tr("A problem was found while reading; everything readable is shown. %1").arg(what)
                  : tr("%n problem(s) found while reading; everything readable is shown. First: %1", nullptr, n)
                        .arg(what);
}

void MainWindow::setPidNamespace(PidNamespace ns)
{
    for (QAction *a : std::as_const(m_pidNamespaceActions))
        a->setChecked(a->data().toInt() == int(ns));
    if (m_watcher->pidNamespace() == ns)
        return;
    m_watcher->setPidNamespace(ns);
    if (m_watcher->isOpen() && QFileInfo(m_watcher->path()).isDir())
        openPath(m_watcher->path());
}

void MainWindow::applySnapshot(QWidget *view, const SnapshotPtr &snapshot)
{
    if (!view)
        return;
    // Shown already, or its contents (a refresh that found nothing new).
    if (const auto it = m_applied.constFind(view); it != m_applied.cend()) {
        const SnapshotPtr &shown = *it;
        if (shown == snapshot
            || (shown && snapshot && shown->contentsId != 0 && shown->contentsId == snapshot->contentsId))
            return;
    }
    m_applied.insert(view, snapshot);
    if (view == m_series)
        m_series->setSnapshot(snapshot);
    else if (view == m_gauges)
        m_gauges->setSnapshot(snapshot);
    else if (view == m_histograms)
        m_histograms->setSnapshot(snapshot);
    else if (view == m_files)
        m_files->setSnapshot(snapshot);
}

void MainWindow::selectDefaults()
{
    const SnapshotPtr s = m_watcher->snapshot();
    if (!s || !s->result)
        return;
    const auto &families = s->result->families;
    // A counter's first series shows every pid's growth; else anything.
    int pick = -1;
    for (std::size_t i = 0; i < families.size() && pick < 0; ++i)
        if (families[i].type == MetricType::Counter && !families[i].samples.empty())
            pick = int(i);
    if (pick < 0 && !families.empty())
        pick = 0;
    if (pick >= 0)
        m_metrics->select(QString::fromStdString(families[std::size_t(pick)].name), 0);
    // A live gauge says most in the gauge-modes view.
    for (const auto &f : families) {
        if (f.type == MetricType::Gauge && isLiveMode(f.mode)) {
            m_gauges->setFamily(QString::fromStdString(f.name));
            break;
        }
    }
    // The first dead pid, if any, is what a user looks for.
    for (const auto &p : s->processes) {
        if (p.liveness == Liveness::Dead) {
            m_processes->selectPid(QString::fromStdString(p.pid));
            break;
        }
    }
    // A problem (of the archive itself first), else the first file.
    applySnapshot(m_files, s);
    if (m_files->selectFirstProblem())
        return;
    if (!s->result->load.files.empty())
        m_files->selectFile(QString::fromStdString(s->result->load.files.front()->name));
}

void MainWindow::onSelection(const MetricSelection &sel)
{
    m_watcher->setFocus(sel.series, sel.type, sel.mode);
    QString title;
    if (sel.series.isValid())
        title = tr("%1 — every pid's value over time").arg(sampleText(sel.series.sample, sel.series.labels));
    m_series->setSeries(sel.series, title, sel.type);
    if (sel.type == MetricType::Gauge)
        m_gauges->setFamily(sel.family);
    if (sel.type == MetricType::Histogram)
        m_histograms->setSeries(sel.family, sel.sampleLabels);
}

void MainWindow::updateStatus(const SnapshotPtr &s)
{
    const bool have = s && s->result && s->result->load.ok;
    m_statusFiles->setVisible(have);
    m_statusPids->setVisible(have);
    m_statusProblems->setVisible(have);
    m_statusCost->setVisible(have);
    if (!have)
        return;
    m_statusFiles->setText(tr("%n file(s)", nullptr, int(s->fileCount())));
    const int pids = int(s->processes.size());
    const int dead = int(s->deadCount());
    m_statusPids->setText(dead > 0 ? tr("%n pid(s), %1 dead", nullptr, pids).arg(dead) : tr("%n pid(s)", nullptr, pids));
    const int problems = int(s->problemCount());
    const int stale = int(s->staleFileCount());
    m_statusProblems->setText(tr("%n problem(s)", nullptr, problems) + QStringLiteral(" · ")
                              + tr("%n stale file(s)", nullptr, stale));
    const auto &st = s->result->stats;
    m_statusCost->setText(tr("refresh %1 ms (%2 read, %3 unchanged)")
                              .arg(QString::number(double(s->cost.count()) / 1000.0, 'f', 1))
                              .arg(st.filesRead)
                              .arg(st.filesReused));
    m_statusCost->setToolTip(tr("Load %1 ms, merge %2 ms; history holds %3 points")
                                 .arg(QString::number(double(st.loadTime.count()) / 1000.0, 'f', 1),
                                      QString::number(double(st.mergeTime.count()) / 1000.0, 'f', 1))
                                 .arg(s->historyPoints));
}

void MainWindow::addRecent(const QString &path)
{
    m_recent.removeAll(path);
    m_recent.prepend(path);
    while (m_recent.size() > kMaxRecent)
        m_recent.removeLast();
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    m_emptyRecent->clear();
    for (const QString &path : std::as_const(m_recent)) {
        const QString shown = QDir::toNativeSeparators(path);
        QAction *a = m_recentMenu->addAction(shown);
        connect(a, &QAction::triggered, this, [this, path] { openPath(path); });
        auto *item = new QListWidgetItem(QFileInfo(path).isDir() ? icon(QStringLiteral("open-folder"))
                                                                 : icon(QStringLiteral("open-archive")),
                                         shown, m_emptyRecent);
        item->setData(Qt::UserRole, path);
    }
    m_recentMenu->setEnabled(!m_recent.isEmpty());
    if (!m_recent.isEmpty()) {
        m_recentMenu->addSeparator();
        connect(m_recentMenu->addAction(tr("Clear List")), &QAction::triggered, this, [this] {
            m_recent.clear();
            updateRecentMenu();
        });
    }
    m_emptyRecent->setVisible(!m_recent.isEmpty() && !m_watcher->isOpen());
}

void MainWindow::find()
{
    if (m_stack->currentIndex() == 1 && m_tabs->currentWidget() == m_exposition) {
        m_exposition->focusFind();
    } else if (m_stack->currentIndex() == 1 && m_tabs->currentWidget() == m_files) {
        m_files->filterEdit()->setFocus(Qt::ShortcutFocusReason);
        m_files->filterEdit()->selectAll();
    } else {
        m_metricsDock->show();
        m_metrics->filterEdit()->setFocus(Qt::ShortcutFocusReason);
        m_metrics->filterEdit()->selectAll();
    }
}

void MainWindow::showPreferences()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Preferences"));
    auto *form = new QFormLayout(&dialog);
    auto *window = new QSpinBox(&dialog);
    window->setRange(1, 24 * 60);
    window->setSuffix(tr(" min"));
    window->setValue(int(std::chrono::duration_cast<std::chrono::minutes>(m_watcher->historyWindow()).count()));
    auto *stale = new QSpinBox(&dialog);
    stale->setRange(0, 7 * 24 * 60);
    stale->setSuffix(tr(" min"));
    stale->setSpecialValueText(tr("never"));
    stale->setValue(int(std::chrono::duration_cast<std::chrono::minutes>(m_watcher->staleThreshold()).count()));
    form->addRow(tr("Keep &history for:"), window);
    form->addRow(tr("A file is &stale when not written for:"), stale);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_watcher->setHistoryWindow(std::chrono::minutes(window->value()));
    m_watcher->setStaleThreshold(std::chrono::minutes(stale->value()));
}

void MainWindow::readSettings()
{
    QSettings s;
    const QByteArray geometry = s.value(QStringLiteral("window/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1280, 800);
    if (!restoreState(s.value(QStringLiteral("window/state")).toByteArray()))
        resizeDocks({m_metricsDock}, {440}, Qt::Horizontal);
    m_tabs->setCurrentIndex(s.value(QStringLiteral("window/tab"), 0).toInt());
    m_recent = s.value(QStringLiteral("recent")).toStringList();
    updateRecentMenu();
    m_interval->setValue(s.value(QStringLiteral("watch/intervalSeconds"), 1).toInt());
    m_watcher->setInterval(std::chrono::seconds(m_interval->value()));
    m_watcher->setHistoryWindow(std::chrono::minutes(s.value(QStringLiteral("watch/historyMinutes"), 10).toInt()));
    m_watcher->setStaleThreshold(std::chrono::minutes(s.value(QStringLiteral("watch/staleMinutes"), 60).toInt()));
    m_exporter->setAddress(s.value(QStringLiteral("exporter/address"), QStringLiteral("127.0.0.1")).toString());
    m_exporter->setPort(s.value(QStringLiteral("exporter/port"), 9464).toInt());
    m_exposition->setFormat(Format(s.value(QStringLiteral("exposition/format"), int(Format::Text)).toInt()));
    m_series->setTopCount(s.value(QStringLiteral("chart/topPids"), SeriesChartView::kDefaultTopCount).toInt());
    m_series->setRateWindow(s.value(QStringLiteral("chart/rateWindowMs"), 0).toInt());
}

void MainWindow::writeSettings()
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    s.setValue(QStringLiteral("recent"), m_recent);
    s.setValue(QStringLiteral("watch/intervalSeconds"), m_interval->value());
    s.setValue(QStringLiteral("watch/historyMinutes"),
               qlonglong(std::chrono::duration_cast<std::chrono::minutes>(m_watcher->historyWindow()).count()));
    s.setValue(QStringLiteral("watch/staleMinutes"),
               qlonglong(std::chrono::duration_cast<std::chrono::minutes>(m_watcher->staleThreshold()).count()));
    s.setValue(QStringLiteral("exporter/address"), m_exporter->address());
    s.setValue(QStringLiteral("exporter/port"), m_exporter->port());
    s.setValue(QStringLiteral("exposition/format"), int(m_exposition->format()));
    s.setValue(QStringLiteral("chart/topPids"), m_series->topCount());
    s.setValue(QStringLiteral("chart/rateWindowMs"), m_series->rateWindow());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    writeSettings();
    // Closing the window quits: at once, whatever runs. The exporter stops
    // listening and drops its connections, a load is cancelled, the watcher
    // stops after the step it is in and leaves its memory to the system.
    m_exporter->setRunning(false);
    m_watcher->shutdown();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    event->acceptProposedAction();
    openPath(urls.first().toLocalFile());
}

QStringList MainWindow::viewNames()
{
    return {QStringLiteral("metrics"), QStringLiteral("series"), QStringLiteral("gauge-modes"),
            QStringLiteral("histograms"), QStringLiteral("processes"), QStringLiteral("files"),
            QStringLiteral("exposition")};
}

QStringList MainWindow::screenshotNames()
{
    return viewNames() << QStringLiteral("compact-dialog");
}

QWidget *MainWindow::viewWidget(const QString &name) const
{
    const QList<QWidget *> widgets{m_metrics, m_series, m_gauges, m_histograms, m_processes, m_files, m_exposition};
    const int i = int(viewNames().indexOf(name));
    return i >= 0 ? widgets[i] : nullptr;
}

bool MainWindow::showView(const QString &name)
{
    QWidget *w = viewWidget(name);
    if (!w)
        return false;
    if (w == m_metrics)
        m_metricsDock->show();
    else
        m_tabs->setCurrentWidget(w);
    return true;
}

void MainWindow::screenshotCompactDialog(const QString &out, std::function<void(int)> finish)
{
    m_tabs->setCurrentWidget(m_processes);
    compactDeadProcesses();
    CompactDialog *dialog = m_compactDialog;
    if (!dialog) { // not a writable directory here
        finish(1);
        return;
    }
    auto grab = [=] {
        // Let the tables lay out.
        QTimer::singleShot(400, dialog, [=] {
            const QPixmap pixmap = dialog->grab();
            finish(!pixmap.isNull() && pixmap.save(out) ? 0 : 1);
        });
    };
    if (dialog->isBusy())
        connect(dialog, &CompactDialog::previewFinished, dialog, grab, Qt::SingleShotConnection);
    else
        grab();
}

void MainWindow::screenshot(const QString &path, const QString &out, const QString &view, int waitMs,
                            std::function<void(int)> done)
{
    if (!view.isEmpty() && !screenshotNames().contains(view)) {
        done(2);
        return;
    }
    auto finished = std::make_shared<bool>(false);
    auto finish = [done, finished](int code) {
        if (!*finished) {
            *finished = true;
            done(code);
        }
    };
    // Give up when no data comes.
    QTimer::singleShot(waitMs + 60000, this, [finish] { finish(3); });
    auto conn = std::make_shared<QMetaObject::Connection>();
    *conn = connect(m_watcher, &DirectoryWatcher::snapshotReady, this, [=, this](const SnapshotPtr &) {
        disconnect(*conn);
        QTimer::singleShot(waitMs, this, [=, this] {
            if (view == QLatin1String("compact-dialog")) {
                screenshotCompactDialog(out, finish);
                return;
            }
            if (!view.isEmpty())
                showView(view);
            else
                m_tabs->setCurrentWidget(m_series);
            // One view alone gets the whole window, so nothing is cut off.
            if (view == QLatin1String("metrics")) {
                // The docked list is narrow; float it at the window's size.
                m_metricsDock->setFloating(true);
                m_metricsDock->resize(size());
                m_metrics->treeView()->setColumnWidth(MetricsModel::NameColumn, 440);
                m_metrics->treeView()->expandAll();
                m_metrics->fitLabelColumns();
            } else if (!view.isEmpty()) {
                m_metricsDock->hide();
            }
            // Let the charts lay out and the last refresh arrive.
            QTimer::singleShot(400, this, [=, this] {
                QWidget *w = view.isEmpty() ? static_cast<QWidget *>(this) : viewWidget(view);
                if (w == m_metrics)
                    w = m_metricsDock;
                const QPixmap pixmap = w->grab();
                finish(!pixmap.isNull() && pixmap.save(out) ? 0 : 1);
            });
        });
    });
    openPath(path);
}

} // namespace promdir
