#include "promdir/gaugemodesmodel.h"

#include "promdir/metricsmodel.h"
#include "promdir/processmodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QPalette>

#include <map>
#include <set>

namespace promdir {

namespace {
// The column of the mode the files were written in stands out.
QVariant boldWhen(bool bold)
{
    if (!bold)
        return {};
    QFont f;
    f.setBold(true);
    return f;
}
} // namespace

GaugeModesModel::GaugeModesModel(QObject *parent)
    : SnapshotTableModel(parent)
{
}

int GaugeModesModel::columnOf(GaugeMode mode)
{
    const auto &modes = allGaugeModes();
    for (std::size_t i = 0; i < modes.size(); ++i)
        if (modes[i] == mode)
            return int(i) + 1;
    return -1;
}

GaugeMode GaugeModesModel::modeOf(int column) const
{
    const auto &modes = allGaugeModes();
    return column >= 1 && std::size_t(column) <= modes.size() ? modes[std::size_t(column - 1)] : GaugeMode::None;
}

void GaugeModesModel::setSnapshot(const SnapshotPtr &snapshot)
{
    m_snapshot = snapshot;
    rebuild();
}

void GaugeModesModel::setFamily(const QString &family)
{
    if (family == m_family)
        return;
    m_family = family;
    rebuild();
}

void GaugeModesModel::rebuild()
{
    std::vector<GaugeGroup> groups;
    GaugeMode mode = GaugeMode::None;
    const std::string name = m_family.toStdString();
    if (m_snapshot && m_snapshot->result && !name.empty()) {
        for (const auto &f : m_snapshot->result->families)
            if (f.name == name && f.type == MetricType::Gauge)
                mode = f.mode;
        if (mode != GaugeMode::None)
            groups = gaugeGroups(m_snapshot->result->load.files, name);
    }
    std::vector<std::vector<std::vector<PidValue>>> cells;
    std::vector<std::string> keys;
    for (const auto &g : groups) {
        auto &row = cells.emplace_back();
        for (GaugeMode m : allGaugeModes())
            row.push_back(applyGaugeMode(m, g.values));
        keys.push_back(labelsText(g.labels).toStdString());
    }
    const bool headerChanged = mode != m_mode;
    update(std::move(keys), [&] {
        m_groups = std::move(groups);
        m_cells = std::move(cells);
        m_mode = mode;
    });
    if (headerChanged)
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
}

QStringList GaugeModesModel::notes() const
{
    QStringList out;
    if (m_mode == GaugeMode::None || !m_snapshot)
        return out;
    std::set<std::string, decltype(&pidLess)> dead(&pidLess);
    bool allTimestampsZero = false;
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
        bool anyTs = false;
        for (const auto &v : m_groups[g].values) {
            const ProcessStatus *p = m_snapshot->process(v.pid);
            if (p && p->liveness == Liveness::Dead)
                dead.insert(v.pid);
            anyTs = anyTs || v.timestamp > 0.0;
        }
        allTimestampsZero = allTimestampsZero || !anyTs;
    }
    const QString mode = QString::fromStdString(std::string(toString(m_mode)));
    QStringList deadList;
    for (const auto &d : dead)
        deadList << QString::fromStdString(d);
    const QString pids = deadList.join(QLatin1String(", "));
    if (!dead.empty()) {
        if (isLiveMode(m_mode))
            out << tr("Mode %1 still counts dead pid(s) %2: mark_process_dead was never called for them, "
                      "so their files were not removed.")
                       .arg(mode, pids);
        else if (m_mode == GaugeMode::All)
            out << tr("Mode all exports the series of dead pid(s) %1 forever: their files stay until the "
                      "directory is wiped.")
                       .arg(pids);
        else
            out << tr("Dead pid(s) %1 still take part in %2: their files stay until the directory is wiped.")
                       .arg(pids, mode);
    }
    if ((m_mode == GaugeMode::MostRecent || m_mode == GaugeMode::LiveMostRecent) && allTimestampsZero)
        out << tr("Mode %1 exports nothing for a label set whose timestamps are all 0 (files written by "
                  "clients before 0.18 have none).")
                   .arg(mode);
    if (m_mode != GaugeMode::All && m_mode != GaugeMode::LiveAll) {
        std::size_t hidden = 0;
        for (const auto &g : m_groups)
            hidden += g.values.size() > 1 ? g.values.size() - 1 : 0;
        if (hidden > 0)
            out << tr("Mode %1 folds %n per-pid value(s) into one series per label set.", nullptr, int(hidden))
                       .arg(mode);
    }
    return out;
}

int GaugeModesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int GaugeModesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(allGaugeModes().size()) + 1;
}

QVariant GaugeModesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || std::size_t(index.row()) >= m_groups.size())
        return {};
    const auto &group = m_groups[std::size_t(index.row())];
    if (role == KeyRole)
        return keyAt(index.row());
    if (index.column() == 0) {
        switch (role) {
        case Qt::DisplayRole:
        case SortRole:
            return group.labels.empty() ? tr("(no labels)") : labelsText(group.labels);
        case Qt::ToolTipRole: {
            QStringList lines;
            for (const auto &v : group.values) {
                const ProcessStatus *p = m_snapshot ? m_snapshot->process(v.pid) : nullptr;
                lines << tr("pid %1: %2 (%3)")
                             .arg(QString::fromStdString(v.pid), valueText(v.value),
                                  p ? ProcessModel::livenessText(*p) : QString());
            }
            return lines.join(QLatin1Char('\n'));
        }
        }
        return {};
    }
    const GaugeMode mode = modeOf(index.column());
    const auto &cell = m_cells[std::size_t(index.row())][std::size_t(index.column() - 1)];
    const bool perPid = mode == GaugeMode::All || mode == GaugeMode::LiveAll;
    switch (role) {
    case ModeRole:
        return int(mode);
    case ExportRole: {
        QStringList out;
        for (const auto &v : cell)
            out << (perPid ? QString(QString::fromStdString(v.pid) + QLatin1Char(':') + valueText(v.value)) : valueText(v.value));
        return out;
    }
    case Qt::DisplayRole: {
        if (cell.empty())
            return QStringLiteral("—");
        if (!perPid)
            return valueText(cell.front().value);
        // A few pids one a line; many would make rows too tall.
        QStringList lines;
        const std::size_t shown = cell.size() > 6 ? 5 : cell.size();
        for (std::size_t i = 0; i < shown; ++i)
            lines << QString::fromStdString(cell[i].pid) + QLatin1String(": ") + valueText(cell[i].value);
        if (shown < cell.size())
            lines << tr("… %n more", nullptr, int(cell.size() - shown));
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::ToolTipRole:
        if (cell.empty())
            return tr("%1 exports nothing here").arg(QString::fromStdString(std::string(toString(mode))));
        return {};
    case Qt::BackgroundRole:
        if (mode == m_mode)
            return QBrush(QColor(0xff, 0xf0, 0xb3));
        return {};
    case Qt::ForegroundRole:
        if (mode == m_mode)
            return QBrush(Qt::black);
        return {};
    case Qt::FontRole:
        return boldWhen(mode == m_mode);
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant GaugeModesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (section == 0)
        return role == Qt::DisplayRole ? QVariant(tr("Labels")) : QVariant();
    const GaugeMode mode = modeOf(section);
    if (mode == GaugeMode::None)
        return {};
    switch (role) {
    case Qt::DisplayRole: {
        const QString name = QString::fromStdString(std::string(toString(mode)));
        return mode == m_mode ? tr("%1 (actual)").arg(name) : name;
    }
    case Qt::FontRole:
        return boldWhen(mode == m_mode);
    case Qt::ToolTipRole:
        return mode == m_mode ? tr("The mode this family's files were written in") : QVariant();
    }
    return {};
}

} // namespace promdir
