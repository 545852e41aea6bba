#include "promdir/processmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

#include "promdir/displayformat.h"

#include <algorithm>
#include <unordered_set>

namespace promdir {

namespace {
QString timeText(std::int64_t ms)
{
    return dateTimeText(ms);
}
} // namespace

ProcessModel::ProcessModel(QObject *parent)
    : SnapshotTableModel(parent)
{
}

QString ProcessModel::livenessText(const ProcessStatus &p)
{
    if (p.compacted)
        return tr("compacted");
    switch (p.liveness) {
    case Liveness::Alive:
        return tr("alive");
    case Liveness::Dead:
        return p.pidReused ? tr("dead (pid reused)") : tr("dead");
    case Liveness::Unknown:
        break;
    }
    return tr("unknown");
}

void ProcessModel::setSnapshot(const SnapshotPtr &snapshot)
{
    // Which pids still have live gauge files: mark_process_dead removes
    // them, so in an archive without liveness their absence is a hint.
    std::unordered_set<std::string_view> live;
    if (snapshot && snapshot->result)
        for (const auto &f : snapshot->result->load.files)
            if (f->fileName.valid && f->fileName.type == MetricType::Gauge && isLiveMode(f->fileName.mode))
                live.insert(f->fileName.pid);
    std::vector<Row> rows;
    std::vector<std::string> keys;
    std::vector<std::uint64_t> stamps;
    if (snapshot) {
        rows.reserve(snapshot->processes.size());
        keys.reserve(snapshot->processes.size());
        stamps.reserve(snapshot->processes.size());
        for (const auto &p : snapshot->processes) {
            rows.push_back({p, live.count(p.pid) > 0});
            keys.push_back(p.pid);
            std::uint64_t st = kStampSeed;
            stampAdd(st, p.liveness);
            stampAdd(st, p.pidReused);
            stampAdd(st, p.startTimeMs);
            stampAdd(st, p.files);
            stampAdd(st, p.lastWriteMs);
            stampAdd(st, p.staleFiles);
            stampAdd(st, p.series);
            stampAdd(st, p.cmdline);
            stampAdd(st, p.note);
            stampAdd(st, p.compacted);
            stampAdd(st, rows.back().liveGauges);
            stamps.push_back(st);
        }
    }
    m_noManifest = snapshot && snapshot->result && !snapshot->local && !snapshot->result->load.manifest;
    m_anyLiveGauges = !live.empty();
    // Said once per refresh, not per cell: sorting 10,000 rows by state
    // asks for it hundreds of thousands of times.
    m_stateTexts = {tr("alive"), tr("dead"), tr("dead (pid reused)"), tr("unknown"), tr("unknown (probably dead)"),
                    tr("compacted")};
    updateRows(m_rows, std::move(rows), std::move(keys), std::move(stamps), !snapshot || snapshot->sequence <= 1);
}

const QString &ProcessModel::stateText(int row) const
{
    const ProcessStatus &p = m_rows[std::size_t(row)].status;
    if (p.compacted)
        return m_stateTexts[5];
    switch (p.liveness) {
    case Liveness::Alive:
        return m_stateTexts[0];
    case Liveness::Dead:
        return m_stateTexts[p.pidReused ? 2 : 1];
    case Liveness::Unknown:
        break;
    }
    return m_stateTexts[m_anyLiveGauges && !m_rows[std::size_t(row)].liveGauges ? 4 : 3];
}

bool ProcessModel::lessThan(int left, int right, int column) const
{
    const ProcessStatus &a = m_rows[std::size_t(left)].status, &b = m_rows[std::size_t(right)].status;
    switch (column) {
    case PidColumn:
        return pidLess(a.pid, b.pid);
    case StateColumn:
        return a.liveness != b.liveness ? int(a.liveness) < int(b.liveness) : stateText(left) < stateText(right);
    case StartedColumn:
        return a.startTimeMs < b.startTimeMs;
    case FilesColumn:
        return a.files < b.files;
    case LastWriteColumn:
        return a.lastWriteMs < b.lastWriteMs;
    case StaleColumn:
        return a.staleFiles < b.staleFiles;
    case SeriesColumn:
        return a.series < b.series;
    case CommandColumn:
        return a.cmdline < b.cmdline;
    }
    return SnapshotTableModel::lessThan(left, right, column);
}

std::vector<double> ProcessModel::sortKeys(int column) const
{
    std::vector<double> keys;
    keys.reserve(m_rows.size());
    if (column == PidColumn) {
        std::vector<std::string_view> pids;
        for (const Row &r : m_rows)
            pids.push_back(r.status.pid);
        return pidKeys(pids);
    }
    std::vector<QString> sortedStates = m_stateTexts;
    std::sort(sortedStates.begin(), sortedStates.end());
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const ProcessStatus &p = m_rows[i].status;
        switch (column) {
        case StateColumn: {
            const QString &text = stateText(int(i));
            keys.push_back(int(p.liveness) * 8.0
                           + double(std::lower_bound(sortedStates.begin(), sortedStates.end(), text) - sortedStates.begin()));
            break;
        }
        case StartedColumn:
            keys.push_back(double(p.startTimeMs));
            break;
        case FilesColumn:
            keys.push_back(p.files);
            break;
        case LastWriteColumn:
            keys.push_back(double(p.lastWriteMs));
            break;
        case StaleColumn:
            keys.push_back(p.staleFiles);
            break;
        case SeriesColumn:
            keys.push_back(p.series);
            break;
        default:
            return {}; // the command: compared as text
        }
    }
    return keys;
}

QString ProcessModel::filterText(int row) const
{
    // What a user finds a process by: its pid, its state, its command.
    const ProcessStatus &p = m_rows[std::size_t(row)].status;
    QString text = QString::fromStdString(p.pid) + QLatin1Char('\n') + stateText(row);
    if (!p.cmdline.empty())
        text += QLatin1Char('\n') + QString::fromStdString(p.cmdline);
    if (!p.note.empty())
        text += QLatin1Char('\n') + QString::fromStdString(p.note);
    return text;
}

QString ProcessModel::livenessReason(int row) const
{
    const ProcessStatus *p = process(row);
    if (!p)
        return {};
    if (p->compacted)
        return tr("The compacted contributions of dead processes (Tools > Compact Dead Processes, or promdir "
                  "compact): no process runs for them, and they are never stale.");
    QStringList why;
    if (p->pidReused)
        why << tr("A running process has this pid, but it started after these files were last written: "
                  "the process that wrote them is gone.");
    if (p->liveness == Liveness::Unknown && m_noManifest)
        why << tr("This archive has no manifest (it was not made by promdir pack), so whether the process was "
                  "running is unknown.");
    if (p->liveness == Liveness::Unknown && m_anyLiveGauges && !m_rows[std::size_t(row)].liveGauges)
        why << tr("It has no live gauge files while other processes do; mark_process_dead removes them, so it "
                  "was probably dead.");
    if (!p->note.empty())
        why << QString::fromStdString(p->note);
    return why.join(QLatin1Char('\n'));
}

const ProcessStatus *ProcessModel::process(int row) const
{
    return row >= 0 && std::size_t(row) < m_rows.size() ? &m_rows[std::size_t(row)].status : nullptr;
}

int ProcessModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProcessModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProcessModel::data(const QModelIndex &index, int role) const
{
    const ProcessStatus *p = index.isValid() ? process(index.row()) : nullptr;
    if (!p)
        return {};
    switch (role) {
    case PidRole:
        return QString::fromStdString(p->pid);
    case KeyRole:
        return keyAt(index.row());
    case LivenessRole:
        return int(p->liveness);
    case Qt::DisplayRole:
        switch (index.column()) {
        case PidColumn:
            return QString::fromStdString(p->pid);
        case StateColumn:
            return stateText(index.row());
        case StartedColumn:
            return timeText(p->startTimeMs);
        case FilesColumn:
            return p->files;
        case LastWriteColumn:
            return timeText(p->lastWriteMs);
        case StaleColumn:
            return p->staleFiles;
        case SeriesColumn:
            return p->series;
        case CommandColumn:
            return QString::fromStdString(p->cmdline);
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case PidColumn: {
            bool ok = false;
            const qlonglong n = QString::fromStdString(p->pid).toLongLong(&ok);
            return ok ? QVariant(n) : QVariant(QString::fromStdString(p->pid));
        }
        case StateColumn:
            return int(p->liveness);
        case StartedColumn:
            return qlonglong(p->startTimeMs);
        case LastWriteColumn:
            return qlonglong(p->lastWriteMs);
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ForegroundRole:
        if (index.column() == StateColumn && p->liveness == Liveness::Dead)
            return QBrush(QColor(0xc0, 0x1c, 0x28));
        if (index.column() == StateColumn && p->liveness == Liveness::Alive)
            return QBrush(QColor(0x26, 0x80, 0x3a));
        if (index.column() == StaleColumn && p->staleFiles > 0)
            return QBrush(QColor(0xb3, 0x5c, 0x00));
        return {};
    case Qt::ToolTipRole:
        if (index.column() == StateColumn) {
            const QString why = livenessReason(index.row());
            return why.isEmpty() ? QVariant() : QVariant(why);
        }
        if (index.column() == StartedColumn && p->startTimeMs > 0)
            return dateTimeExact(p->startTimeMs);
        if (index.column() == LastWriteColumn && p->lastWriteMs > 0)
            return dateTimeExact(p->lastWriteMs);
        if (!p->note.empty() && !p->compacted)
            return QString::fromStdString(p->note);
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case FilesColumn:
        case StaleColumn:
        case SeriesColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
        return {};
    }
    return {};
}

QVariant ProcessModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return columnTitle(section, orientation, role, [] {
        return QStringList { tr("PID"), tr("State"), tr("Started"), tr("Files"), tr("Last write"), tr("Stale files"),
            tr("Series"), tr("Command") };
    });
}

} // namespace promdir
