#pragma once
// promdir-inspector's main window: the views of Promdir::Widgets around a
// DirectoryWatcher, the exporter toggle, and everything a desktop user
// expects (recent items, drag and drop, settings, shortcuts, banners).

#include "promdir/directorywatcher.h"
#include "promdir/metricsview.h"

#include <QMainWindow>
#include <QHash>
#include <QPointer>

#include <functional>
#include <mutex>

class QAction;
class QDockWidget;
class QLabel;
class QListWidget;
class QMenu;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QToolButton;

namespace promdir {

class Banner;
class CompactDialog;
class ExporterControl;
class ExpositionView;
class FilesView;
class GaugeModesView;
class HistogramView;
class ProcessView;
class SeriesChartView;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // A directory or an archive.
    void openPath(const QString &path);

    // --screenshot: open `path`, wait for data (and `waitMs` more for the
    // charts' history), show `view`, save a PNG of it (or of the window
    // when `view` is empty). Calls `done(exitCode)`.
    void screenshot(const QString &path, const QString &out, const QString &view, int waitMs,
                    std::function<void(int)> done);
    static QStringList viewNames();
    // What --view accepts: the views, and "compact-dialog" (Tools > Compact
    // Dead Processes… with its preview; nothing is compacted).
    static QStringList screenshotNames();
    // The widget a --view name stands for, or null.
    QWidget *viewWidget(const QString &name) const;
    bool showView(const QString &name);

    DirectoryWatcher *watcher() const { return m_watcher; }
    // Whether the pids of a directory are this pid namespace's (View menu,
    // --pid-namespace); a source already open is opened again with it.
    void setPidNamespace(PidNamespace ns);
    ExpositionView *expositionView() const { return m_exposition; }
    ExporterControl *exporterControl() const { return m_exporter; }
    ProcessView *processView() const { return m_processes; }
    MetricsView *metricsView() const { return m_metrics; }
    // The empty-state page's title, or empty when the views are shown.
    QString emptyStateTitle() const;
    QString bannerText() const;
    QProgressBar *loadingProgress() const { return m_progress; }
    QPushButton *cancelButton() const { return m_cancel; }
    SeriesChartView *seriesView() const { return m_series; }
    FilesView *filesView() const { return m_files; }
    QAction *refreshAction() const { return m_refresh; }
    QAction *pauseAction() const { return m_pause; }
    QAction *metricsViewAction() const;
    // Tools > Compact Dead Processes…: enabled for a writable directory
    // on this machine; the dialog it opens while it is open.
    QAction *compactAction() const { return m_compact; }
    CompactDialog *compactDialog() const;
    // Help > Keyboard Shortcuts: (what, keys) for every shortcut.
    QList<std::pair<QString, QString>> shortcutList() const;
    Banner *banner() const { return m_banner; }

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createToolBar();
    void createStatusBar();
    QWidget *createEmptyPage();
    void openDirectoryDialog();
    void openArchiveDialog();
    void closeSource();
    // Forgets everything shown of the current source.
    void clearSource();
    void cancelLoading();
    void updateActions();
    void updateCompactAction();
    void compactDeadProcesses();
    void screenshotCompactDialog(const QString &out, std::function<void(int)> finish);
    QString dialogStart() const;
    // Opens the source that was open before `failed` was asked for.
    bool returnToPrevious(const QString &failed);
    void onSnapshot(const SnapshotPtr &snapshot);
    void onSelection(const MetricSelection &selection);
    void onLoadingChanged(bool loading);
    void updateStatus(const SnapshotPtr &snapshot);
    static QString problemsBannerText(const Snapshot &snapshot);
    void setEmptyState(const QString &title, const QString &detail);
    void addRecent(const QString &path);
    void updateRecentMenu();
    void selectDefaults();
    void find();
    void showPreferences();
    void showShortcuts();
    void readSettings();
    void writeSettings();

    DirectoryWatcher *m_watcher;
    MetricsView *m_metrics;
    SeriesChartView *m_series;
    GaugeModesView *m_gauges;
    HistogramView *m_histograms;
    ProcessView *m_processes;
    FilesView *m_files;
    ExpositionView *m_exposition;
    ExporterControl *m_exporter = nullptr;
    QDockWidget *m_metricsDock;
    QTabWidget *m_tabs;
    QStackedWidget *m_stack;
    Banner *m_banner;
    QLabel *m_emptyTitle = nullptr;
    QLabel *m_emptyDetail = nullptr;
    QListWidget *m_emptyRecent = nullptr;

    QAction *m_openDir = nullptr;
    QAction *m_openArchive = nullptr;
    QAction *m_close = nullptr;
    QAction *m_refresh = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_find = nullptr;
    QAction *m_quit = nullptr;
    QAction *m_prefs = nullptr;
    QAction *m_compact = nullptr;
    QPointer<CompactDialog> m_compactDialog;
    QMenu *m_recentMenu = nullptr;
    QSpinBox *m_interval = nullptr;

    QLabel *m_statusFiles = nullptr;
    QLabel *m_statusPids = nullptr;
    QLabel *m_statusProblems = nullptr;
    QLabel *m_statusCost = nullptr;
    QLabel *m_loadingLabel = nullptr;
    QTimer *m_loadingTimer = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;

    // Views off screen get the newest snapshot when they are shown.
    void applySnapshot(QWidget *view, const SnapshotPtr &snapshot);
    QHash<QWidget *, SnapshotPtr> m_applied;
    SnapshotPtr m_latest;

    QStringList m_recent;
    bool m_firstSnapshot = true;
    bool m_sourceLoaded = false; // the current source gave a readable snapshot
    QString m_previous;          // the source to go back to on Cancel or a failed open
    std::size_t m_lastProblemCount = 0;
    bool m_pidsNoticeShown = false; // "pids here are not visible" said for this source
    QList<QAction *> m_pidNamespaceActions;
    bool m_bannerForLoad = false;
};

} // namespace promdir
