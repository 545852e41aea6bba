#pragma once
// Compact Dead Processes: the options of `promdir compact`, a preview made
// by the core's dry run on a worker thread (recomputed when an option
// changes), and the compaction itself on a worker thread with the same
// options (docs/compaction.md). The dialog is the confirmation: it lists
// exactly what the run will fold, remove and keep, and Compact is never the
// default button. Errors are said in the dialog; a success is reported by
// compacted() and the dialog closes.

#include "promdir/compact/compact.h"

#include <QDialog>
#include <QFutureWatcher>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace promdir {

class CompactDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CompactDialog(const QString &directory, QWidget *parent = nullptr);
    ~CompactDialog() override;

    // What the dialog does not show: liveness, now, lockWait (tests pass
    // their hooks here); the dialog's own options are set over it. The
    // preview is computed again.
    void setBaseOptions(CompactOptions options);
    // The options the preview and the compaction use.
    CompactOptions options() const;
    void setGrace(std::chrono::seconds grace);
    void setPidNamespace(PidNamespace ns);

    QString directory() const { return m_directory; }
    // A preview or the compaction is running.
    bool isBusy() const { return m_running != Running::Nothing; }
    // The last preview, when it succeeded.
    const std::optional<CompactReport> &preview() const { return m_preview; }
    QPushButton *compactButton() const { return m_compact; }
    QPushButton *refreshButton() const { return m_refresh; }
    QTableWidget *fileTable() const { return m_files; }
    QTableWidget *outputTable() const { return m_outputs; }
    QCheckBox *dropDeadAllBox() const { return m_dropDeadAll; }
    QCheckBox *assumeDeadBox() const { return m_assumeDead; }
    QProgressBar *busyIndicator() const { return m_busy; }
    QString summaryText() const;
    // The last error, empty when the last preview or run succeeded.
    QString errorText() const;

    // "Compacted N files of M dead processes into K files; X saved."
    static QString resultMessage(const CompactReport &report);
    // The error's meaning by its CompactErrorCode, then the core's words.
    static QString errorMessage(const Error &error);

public Q_SLOTS:
    // Computes the preview again (also after every change of an option).
    void recompute();
    // Runs the compaction with the current options.
    void compact();

Q_SIGNALS:
    void previewFinished();
    void compacted(const promdir::CompactReport &report);
    void compactionFailed(const QString &message);

protected:
    void reject() override;
    void closeEvent(QCloseEvent *event) override;

private:
    using Outcome = std::shared_ptr<const Result<CompactReport>>;
    enum class Running { Nothing, Preview, Compaction };
    QFormLayout *createOptions(const QString &directory);
    void createTables();
    void start(Running what);
    void finished();
    void showPreview(const CompactReport &report);
    void showError(const QString &message);
    void updateButtons();
    void fillFiles(const CompactReport &report);
    void fillOutputs(const CompactReport &report);

    QString m_directory;
    CompactOptions m_base;
    QSpinBox *m_graceValue;
    QComboBox *m_graceUnit;
    QCheckBox *m_dropDeadAll;
    QComboBox *m_pidNamespace;
    QCheckBox *m_assumeDead;
    QLabel *m_status;
    QProgressBar *m_busy;
    QLabel *m_error;
    QTableWidget *m_files;
    QTableWidget *m_outputs;
    QLabel *m_summary;
    QDialogButtonBox *m_buttons;
    QPushButton *m_compact;
    QPushButton *m_refresh;
    QFutureWatcher<Outcome> *m_future;
    Running m_running = Running::Nothing;
    bool m_again = false; // an option changed while a preview ran
    std::optional<CompactReport> m_preview;
};

} // namespace promdir
