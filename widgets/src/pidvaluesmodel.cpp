#include "promdir/pidvaluesmodel.h"

#include "promdir/displayformat.h"

#include "promdir/format/floatformat.h"
#include "promdir/metricsmodel.h"
#include "promdir/processmodel.h"

#include <QBrush>
#include <QColor>

#include <cmath>
#include <limits>

namespace promdir {

SeriesId seriesForSample(const MetricFamily &family, const Sample &sample)
{
    SeriesId id;
    if (family.type == MetricType::Histogram && sample.name == family.name + "_count")
        return id;
    id.metric = family.name;
    id.sample = sample.name;
    for (const auto &l : sample.labels) {
        if (family.type == MetricType::Gauge && l.first == "pid")
            continue;
        id.labels.push_back(l);
    }
    return id;
}

PidValuesModel::PidValuesModel(QObject *parent)
    : SnapshotTableModel(parent)
{
}

void PidValuesModel::setSnapshot(const SnapshotPtr &snapshot)
{
    m_snapshot = snapshot;
    rebuild();
}

void PidValuesModel::setSeries(const SeriesId &series, std::optional<MetricType> type)
{
    m_series = series;
    m_type = type;
    rebuild();
}

void PidValuesModel::rebuild()
{
    std::vector<Row> rows;
    std::vector<std::string> keys;
    std::vector<std::uint64_t> stamps;
    if (m_snapshot && m_snapshot->result && m_series.isValid()) {
        const auto &files = m_snapshot->result->load.files;
        for (std::size_t i = 0; i < files.size(); ++i) {
            const ParsedFile &f = *files[i];
            if (!f.fileName.valid || (m_type && f.fileName.type != *m_type))
                continue;
            for (const auto &e : f.entries) {
                if (!e.key || e.key->sample != m_series.sample || e.key->metric != m_series.metric
                    || e.key->labels != m_series.labels)
                    continue;
                Row r{f.fileName.pid, f.name, e.value, e.timestamp, Liveness::Unknown,
                      i < m_snapshot->fileStale.size() && m_snapshot->fileStale[i] != 0};
                if (const ProcessStatus *p = m_snapshot->process(f.fileName.pid))
                    r.liveness = p->liveness;
                keys.push_back(f.name + '\x1f' + std::to_string(e.offset));
                std::uint64_t st = kStampSeed;
                stampAdd(st, r.value);
                stampAdd(st, r.timestamp);
                stampAdd(st, r.liveness);
                stampAdd(st, r.stale);
                stamps.push_back(st);
                rows.push_back(std::move(r));
            }
        }
    }
    updateRows(m_rows, std::move(rows), std::move(keys), std::move(stamps));
}

namespace {
// NaN below every number, so that the order is one.
double numberKey(double v)
{
    return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
}
} // namespace

std::vector<double> PidValuesModel::sortKeys(int column) const
{
    if (column == PidColumn) {
        std::vector<std::string_view> pids;
        for (const Row &r : m_rows)
            pids.push_back(r.pid);
        return pidKeys(pids);
    }
    std::vector<double> keys;
    keys.reserve(m_rows.size());
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const Row &r = m_rows[i];
        switch (column) {
        case StateColumn:
            keys.push_back(int(r.liveness));
            break;
        case ValueColumn:
            keys.push_back(numberKey(r.value));
            break;
        case TimestampColumn:
            keys.push_back(numberKey(r.timestamp));
            break;
        case FileColumn:
            keys.push_back(double(i)); // the rows come in file name order
            break;
        default:
            return {};
        }
    }
    return keys;
}

bool PidValuesModel::lessThan(int left, int right, int column) const
{
    const Row &a = m_rows[std::size_t(left)], &b = m_rows[std::size_t(right)];
    switch (column) {
    case PidColumn:
        return pidLess(a.pid, b.pid);
    case StateColumn:
        return int(a.liveness) < int(b.liveness);
    case ValueColumn:
        return numberKey(a.value) < numberKey(b.value);
    case TimestampColumn:
        return numberKey(a.timestamp) < numberKey(b.timestamp);
    case FileColumn:
        return a.file < b.file;
    }
    return SnapshotTableModel::lessThan(left, right, column);
}

int PidValuesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PidValuesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PidValuesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || std::size_t(index.row()) >= m_rows.size())
        return {};
    const Row &r = m_rows[std::size_t(index.row())];
    switch (role) {
    case KeyRole:
        return keyAt(index.row());
    case PidRole:
        return QString::fromStdString(r.pid);
    case Qt::DisplayRole:
        switch (index.column()) {
        case PidColumn:
            return QString::fromStdString(r.pid);
        case StateColumn: {
            ProcessStatus p;
            p.liveness = r.liveness;
            return ProcessModel::livenessText(p);
        }
        case ValueColumn:
            return sampleValueText(r.value, m_series.sample);
        case TimestampColumn:
            return r.timestamp == 0.0 ? QString() : dateTimeText(std::int64_t(r.timestamp * 1000));
        case FileColumn:
            return QString::fromStdString(r.file);
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case ValueColumn:
            return r.value;
        case TimestampColumn:
            return r.timestamp;
        case PidColumn: {
            bool ok = false;
            const qlonglong n = QString::fromStdString(r.pid).toLongLong(&ok);
            return ok ? QVariant(n) : QVariant(QString::fromStdString(r.pid));
        }
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ForegroundRole:
        if (r.liveness == Liveness::Dead)
            return QBrush(QColor(0xc0, 0x1c, 0x28));
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ValueColumn)
            return sampleValueTip(r.value, m_series.sample);
        if (index.column() == TimestampColumn && r.timestamp != 0.0)
            return QString(dateTimeExact(std::int64_t(r.timestamp * 1000)) + QLatin1String(" (")
                           + QString::fromStdString(pythonRepr(r.timestamp)) + QLatin1Char(')'));
        return r.stale ? tr("This file is stale") : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == ValueColumn || index.column() == TimestampColumn
            ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
            : QVariant();
    }
    return {};
}

QVariant PidValuesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return columnTitle(section, orientation, role, [] {
        return QStringList { tr("PID"), tr("State"), tr("Value"), tr("Timestamp"), tr("File") };
    });
}

} // namespace promdir
