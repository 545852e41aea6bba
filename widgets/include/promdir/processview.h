#pragma once
// Processes: pid, liveness, start time, files, last write, stale files,
// series; and the "Mark dead" action (the reference's mark_process_dead),
// which asks first and refuses for a live pid.

#include "promdir/processmodel.h"

#include <QWidget>

#include <functional>

class QAction;
class QLineEdit;
class QPushButton;
class QTableView;

namespace promdir {

class ProcessView : public QWidget
{
    Q_OBJECT
public:
    explicit ProcessView(QWidget *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);

    // Asked before files are deleted; default: a question box. Tests
    // replace it.
    using Confirm = std::function<bool(const QString &pid, const QString &question)>;
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

    // Brought up to the newest snapshot first (see setSnapshot).
    ProcessModel *model() const;
    QTableView *tableView() const { return m_table; }
    // Matches the pid, the state and the command, ignoring case.
    QLineEdit *filterEdit() const { return m_filter; }
    QAction *markDeadAction() const { return m_markDead; }
    bool selectPid(const QString &pid);
    QString currentPid() const;
    // The gauge_live* files of a pid in the current snapshot.
    QStringList liveGaugeFiles(const QString &pid) const;

public Q_SLOTS:
    void markSelectedDead();

Q_SIGNALS:
    // After files were removed: the caller refreshes.
    void markedDead(const QString &pid, const QStringList &removed);
    void errorOccurred(const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void updateAction();
    // The model to the newest snapshot, if it is behind.
    void bringUpToDate();
    ProcessModel *m_model;
    SnapshotProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTableView *m_table;
    QAction *m_markDead;
    QPushButton *m_button;
    SnapshotPtr m_snapshot; // what the model shows
    SnapshotPtr m_newest;   // given while hidden, not yet shown
    bool m_behind = false;
    Confirm m_confirm;
};

} // namespace promdir
