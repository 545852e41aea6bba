#include "promdir/processview.h"

#include "promdir/icons.h"
#include "promdir/processcontrol.h"
#include "promdir/tableactions.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <utility>

namespace promdir {

ProcessView::ProcessView(QWidget *parent)
    : QWidget(parent)
    , m_model(new ProcessModel(this))
    , m_proxy(new SnapshotProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_markDead(new QAction(icon(QStringLiteral("dead")), tr("&Mark Dead…"), this))
    , m_button(new QPushButton(this))
{
    m_proxy->setSourceModel(m_model);
    m_table->setModel(m_proxy);
    m_filter->setObjectName(QStringLiteral("processFilter"));
    m_filter->setPlaceholderText(tr("Filter by pid, state or command…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &SnapshotProxyModel::setFilterText);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ProcessModel::PidColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setResizeContentsPrecision(100); // sizing 1,000 rows is slow
    auto fit = [this] {
        m_table->resizeColumnsToContents();
        const int state = m_table->fontMetrics().horizontalAdvance(ProcessModel::tr("unknown (probably dead)")) + 16;
        if (m_table->columnWidth(ProcessModel::StateColumn) < state)
            m_table->setColumnWidth(ProcessModel::StateColumn, state);
    };
    connect(m_model, &QAbstractItemModel::modelReset, m_table, fit);
    connect(m_model, &QAbstractItemModel::layoutChanged, m_table, fit);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->addAction(m_markDead);
    auto *separator = new QAction(this);
    separator->setSeparator(true);
    m_table->addAction(separator);
    addTableActions(m_table);
    m_markDead->setToolTip(tr("Delete this pid's live gauge files, as the Python client's mark_process_dead does"));
    m_button->setText(m_markDead->text());
    m_button->setIcon(m_markDead->icon());
    m_button->setToolTip(m_markDead->toolTip());
    connect(m_button, &QPushButton::clicked, m_markDead, &QAction::trigger);
    connect(m_markDead, &QAction::triggered, this, &ProcessView::markSelectedDead);
    connect(m_markDead, &QAction::enabledChanged, m_button, &QPushButton::setEnabled);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &ProcessView::updateAction);

    m_confirm = [this](const QString &, const QString &question) {
        return QMessageBox::question(this, tr("Mark Process Dead"), question,
                                     QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Yes;
    };

    auto *bar = new QHBoxLayout;
    auto *hint = new QLabel(tr("Dead processes keep contributing until their files are removed; stale files "
                               "still change the output."),
                            this);
    hint->setWordWrap(true);
    bar->addWidget(hint, 1);
    bar->addWidget(m_button);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_filter);
    layout->addWidget(m_table, 1);
    updateAction();
}

void ProcessView::setSnapshot(const SnapshotPtr &snapshot)
{
    // A model update walks every process on the GUI thread, for nobody
    // while the view is off screen: it waits until the view is shown or
    // asked about (one update to the newest snapshot then, whatever came
    // in between).
    m_newest = snapshot;
    m_behind = true;
    if (isVisible())
        bringUpToDate();
}

void ProcessView::bringUpToDate()
{
    if (!m_behind)
        return;
    m_behind = false;
    m_snapshot = std::exchange(m_newest, nullptr);
    m_model->setSnapshot(m_snapshot);
    updateAction();
}

void ProcessView::showEvent(QShowEvent *event)
{
    bringUpToDate();
    QWidget::showEvent(event);
}

ProcessModel *ProcessView::model() const
{
    // What a caller reads must be current even while hidden.
    const_cast<ProcessView *>(this)->bringUpToDate();
    return m_model;
}

QString ProcessView::currentPid() const
{
    const_cast<ProcessView *>(this)->bringUpToDate();
    const QModelIndex cur = m_table->currentIndex();
    return cur.isValid() ? cur.data(ProcessModel::PidRole).toString() : QString();
}

bool ProcessView::selectPid(const QString &pid)
{
    bringUpToDate();
    const std::string wanted = pid.toStdString();
    int row = -1;
    for (int r = 0; r < m_model->rowCount() && row < 0; ++r)
        if (m_model->process(r)->pid == wanted)
            row = r;
    if (row < 0)
        return false;
    QModelIndex i = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!i.isValid()) { // filtered out: the filter gives way
        m_filter->clear();
        i = m_proxy->mapFromSource(m_model->index(row, 0));
    }
    m_table->setCurrentIndex(i);
    m_table->selectRow(i.row());
    m_table->scrollTo(i);
    return true;
}

void ProcessView::updateAction()
{
    const QModelIndex cur = m_table->currentIndex();
    const bool local = m_snapshot && m_snapshot->local;
    const bool alive = cur.isValid() && cur.data(ProcessModel::LivenessRole).toInt() == int(Liveness::Alive);
    const bool files = cur.isValid() && !liveGaugeFiles(cur.data(ProcessModel::PidRole).toString()).isEmpty();
    m_markDead->setEnabled(local && cur.isValid() && !alive && files);
    m_button->setEnabled(m_markDead->isEnabled());
    QString why;
    if (!local)
        why = tr("Only for a directory on this machine");
    else if (alive)
        why = tr("This process is running");
    else if (cur.isValid() && !files)
        why = tr("This process has no live gauge files: there is nothing to remove");
    m_markDead->setStatusTip(why);
    m_button->setToolTip(why.isEmpty() ? m_markDead->toolTip() : why);
}

QStringList ProcessView::liveGaugeFiles(const QString &pid) const
{
    const_cast<ProcessView *>(this)->bringUpToDate();
    QStringList names;
    if (!m_snapshot || !m_snapshot->result)
        return names;
    const std::string p = pid.toStdString();
    for (const auto &f : m_snapshot->result->load.files)
        if (f->fileName.valid && f->fileName.pid == p && f->fileName.type == MetricType::Gauge
            && isLiveMode(f->fileName.mode))
            names << QString::fromStdString(f->name);
    return names;
}

void ProcessView::markSelectedDead()
{
    bringUpToDate();
    const QString pid = currentPid();
    if (pid.isEmpty() || !m_snapshot)
        return;
    const ProcessStatus *p = m_snapshot->process(pid.toStdString());
    if (!m_snapshot->local) {
        Q_EMIT errorOccurred(tr("Mark dead works on a directory on this machine, not on an archive."));
        return;
    }
    if (p && p->liveness == Liveness::Alive) {
        Q_EMIT errorOccurred(tr("Process %1 is running; it is not marked dead.").arg(pid));
        return;
    }
    const QStringList files = liveGaugeFiles(pid);
    if (files.isEmpty()) {
        Q_EMIT errorOccurred(tr("Process %1 has no live gauge files; there is nothing to remove.").arg(pid));
        return;
    }
    const QString question =
        tr("Mark process %1 as dead?\n\nThis deletes its live gauge files, as the Python client's "
           "mark_process_dead(%1) does:\n%2\n\nIts other files stay and keep contributing.")
            .arg(pid, files.join(QLatin1Char('\n')));
    if (!m_confirm || !m_confirm(pid, question))
        return;
    const auto r = markProcessDead(m_snapshot->path, pid);
    if (r) {
        Q_EMIT markedDead(pid, *r);
        return;
    }
    switch (r.error().code.as<MarkDeadErrorCode>().value_or(MarkDeadErrorCode::RemoveFailed)) {
    case MarkDeadErrorCode::ProcessAlive:
        Q_EMIT errorOccurred(tr("Process %1 is running; it is not marked dead.").arg(pid));
        return;
    case MarkDeadErrorCode::NotADirectory:
        Q_EMIT errorOccurred(tr("%1 is not a directory.").arg(m_snapshot->path));
        return;
    case MarkDeadErrorCode::InvalidPid:
        Q_EMIT errorOccurred(tr("“%1” is not a process identifier the Python client could have used.").arg(pid));
        return;
    case MarkDeadErrorCode::RemoveFailed:
        Q_EMIT errorOccurred(tr("Could not delete %1.").arg(QString::fromStdString(r.error().message)));
        return;
    }
}

} // namespace promdir
