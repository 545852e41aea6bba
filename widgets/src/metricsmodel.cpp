#include "promdir/metricsmodel.h"

#include "promdir/format/floatformat.h"
#include "promdir/icons.h"
#include "promdir/displayformat.h"

#include <QFont>

#include <unordered_map>

namespace promdir {

namespace {
const std::vector<MetricFamily> kNoFamilies;
constexpr quintptr kFamilyLevel = 0;
} // namespace

QString labelsText(const Labels &labels)
{
    QString out;
    for (const auto &[n, v] : labels) {
        if (!out.isEmpty())
            out += QLatin1Char(',');
        QString value = QString::fromStdString(v);
        value.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('\n'), QLatin1String("\\n"))
            .replace(QLatin1Char('"'), QLatin1String("\\\""));
        out += QString::fromStdString(n) + QLatin1String("=\"") + value + QLatin1Char('"');
    }
    return out;
}

QString labelValueReadable(const std::string &value)
{
    // One line; quoted only where a space, '=' or '"' (or nothing) would
    // make "a=b c=d" ambiguous.
    QString v = QString::fromStdString(value);
    v.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    if (v.isEmpty() || v.contains(QLatin1Char(' ')) || v.contains(QLatin1Char('=')) || v.contains(QLatin1Char('"')))
        return QLatin1Char('"') + v.replace(QLatin1Char('"'), QLatin1String("\\\"")) + QLatin1Char('"');
    return v;
}

QString labelsReadable(const Labels &labels)
{
    QString out;
    for (const auto &[n, v] : labels) {
        if (!out.isEmpty())
            out += QLatin1Char(' ');
        out += QString::fromStdString(n) + QLatin1Char('=') + labelValueReadable(v);
    }
    return out;
}

QString sampleText(const std::string &name, const Labels &labels)
{
    const QString n = QString::fromStdString(name);
    return labels.empty() ? n : n + QLatin1Char('{') + labelsText(labels) + QLatin1Char('}');
}

QString valueText(double value)
{
    return numberText(value);
}

QString typeText(MetricType type)
{
    switch (type) {
    case MetricType::Counter:
        return MetricsModel::tr("counter");
    case MetricType::Gauge:
        return MetricsModel::tr("gauge");
    case MetricType::Histogram:
        return MetricsModel::tr("histogram");
    case MetricType::Summary:
        return MetricsModel::tr("summary");
    }
    return {};
}

MetricsModel::MetricsModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

const std::vector<MetricFamily> &MetricsModel::families() const
{
    return m_snapshot && m_snapshot->result ? m_snapshot->result->families : kNoFamilies;
}

namespace {
// The same families and series in the same order (values aside): compared
// field by field, no string made per series (a gauge `all` family has one
// per process).
bool sameRows(const std::vector<MetricFamily> &a, const std::vector<MetricFamily> &b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const MetricFamily &f = a[i], &g = b[i];
        if (f.name != g.name || f.type != g.type || f.mode != g.mode || f.samples.size() != g.samples.size())
            return false;
        for (std::size_t j = 0; j < f.samples.size(); ++j)
            if (f.samples[j].name != g.samples[j].name || f.samples[j].labels != g.samples[j].labels)
                return false;
    }
    return true;
}
} // namespace

void MetricsModel::setSnapshot(const SnapshotPtr &snapshot)
{
    const auto &next = snapshot && snapshot->result ? snapshot->result->families : kNoFamilies;
    const bool sameStructure = !families().empty() && sameRows(families(), next);
    if (!sameStructure) // the same structure has the same label names
        updateLabelNames(next);
    if (sameStructure) {
        m_snapshot = snapshot;
        const int n = rowCount();
        if (n > 0) {
            Q_EMIT dataChanged(index(0, 0), index(n - 1, ColumnCount - 1));
            for (int r = 0; r < n; ++r) {
                const QModelIndex p = index(r, 0);
                const int m = rowCount(p);
                if (m > 0)
                    Q_EMIT dataChanged(index(0, 0, p), index(m - 1, ColumnCount - 1, p));
            }
        }
        return;
    }
    const bool newSource = !snapshot || snapshot->sequence <= 1 || !m_snapshot || families().empty() || next.empty();
    if (newSource) {
        beginResetModel();
        m_snapshot = snapshot;
        endResetModel();
        return;
    }
    // Families or series came or went: what stays keeps its persistent
    // indexes by name (expanded families, the selection, the current row).
    Q_EMIT layoutAboutToBeChanged();
    const QModelIndexList from = persistentIndexList();
    struct Identity
    {
        std::string family;
        std::string sample; // empty for a family row
        int column;
    };
    std::vector<Identity> ids;
    ids.reserve(std::size_t(from.size()));
    for (const QModelIndex &i : from) {
        const MetricFamily *f = family(i);
        const Sample *s = sample(i);
        ids.push_back({f ? f->name : std::string(), s ? sampleText(s->name, s->labels).toStdString() : std::string(),
                       i.column()});
    }
    m_snapshot = snapshot;
    const auto &fs = families();
    std::unordered_map<std::string_view, int> familyRow;
    for (std::size_t i = 0; i < fs.size(); ++i)
        familyRow.emplace(fs[i].name, int(i));
    std::unordered_map<int, std::unordered_map<std::string, int>> sampleRows; // made per family when asked
    QModelIndexList to;
    to.reserve(from.size());
    for (std::size_t k = 0; k < ids.size(); ++k) {
        const Identity &id = ids[k];
        const auto f = id.family.empty() ? familyRow.end() : familyRow.find(id.family);
        if (f == familyRow.end()) {
            to.append(QModelIndex());
            continue;
        }
        if (id.sample.empty() && from[qsizetype(k)].internalId() == kFamilyLevel) {
            to.append(createIndex(f->second, id.column, kFamilyLevel));
            continue;
        }
        auto [rows, made] = sampleRows.try_emplace(f->second);
        if (made) {
            const auto &samples = fs[std::size_t(f->second)].samples;
            for (std::size_t i = 0; i < samples.size(); ++i)
                rows->second.emplace(sampleText(samples[i].name, samples[i].labels).toStdString(), int(i));
        }
        const auto s = rows->second.find(id.sample);
        to.append(s == rows->second.end() ? QModelIndex()
                                          : createIndex(s->second, id.column, quintptr(f->second) + 1));
    }
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged();
}

const MetricFamily *MetricsModel::family(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const auto &fs = families();
    const std::size_t f = index.internalId() == kFamilyLevel ? std::size_t(index.row()) : index.internalId() - 1;
    return f < fs.size() ? &fs[f] : nullptr;
}

const Sample *MetricsModel::sample(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() == kFamilyLevel)
        return nullptr;
    const MetricFamily *f = family(index);
    return f && std::size_t(index.row()) < f->samples.size() ? &f->samples[std::size_t(index.row())] : nullptr;
}

QModelIndex MetricsModel::indexOf(const QString &familyName, int sampleRow) const
{
    const auto &fs = families();
    const std::string name = familyName.toStdString();
    for (std::size_t i = 0; i < fs.size(); ++i) {
        if (fs[i].name != name)
            continue;
        const QModelIndex fi = index(int(i), 0);
        return sampleRow >= 0 && sampleRow < rowCount(fi) ? index(sampleRow, 0, fi) : fi;
    }
    return {};
}

void MetricsModel::updateLabelNames(const std::vector<MetricFamily> &fs)
{
    m_labelNames.assign(fs.size(), {});
    m_severalNames.assign(fs.size(), false);
    for (std::size_t i = 0; i < fs.size(); ++i) {
        QStringList &names = m_labelNames[i];
        const std::string *firstName = nullptr;
        for (const auto &s : fs[i].samples) {
            if (!firstName)
                firstName = &s.name;
            else if (s.name != *firstName)
                m_severalNames[i] = true;
            for (const auto &l : s.labels) {
                const QString n = QString::fromStdString(l.first);
                if (!names.contains(n))
                    names.append(n);
            }
        }
    }
}

QStringList MetricsModel::labelNames(const QModelIndex &index) const
{
    const MetricFamily *f = family(index);
    if (!f)
        return {};
    const std::size_t i = std::size_t(f - families().data());
    return i < m_labelNames.size() ? m_labelNames[i] : QStringList();
}

QString MetricsModel::sampleRowText(std::size_t family, const Sample &s) const
{
    // The metric's name is the family row's: a sample row says what differs
    // (its labels, and its suffix where a family has several: _bucket, _count).
    const std::string &fname = families()[family].name;
    QString out;
    if (family < m_severalNames.size() && m_severalNames[family])
        out = QString::fromStdString(s.name.size() > fname.size() && s.name.compare(0, fname.size(), fname) == 0
                                         ? s.name.substr(fname.size())
                                         : s.name);
    const QString labels = labelsReadable(s.labels);
    if (!labels.isEmpty())
        out = out.isEmpty() ? labels : out + QLatin1Char(' ') + labels;
    return out.isEmpty() ? QString::fromStdString(s.name) : out;
}

QModelIndex MetricsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const auto &fs = families();
    if (!parent.isValid())
        return std::size_t(row) < fs.size() ? createIndex(row, column, kFamilyLevel) : QModelIndex();
    if (parent.internalId() != kFamilyLevel || std::size_t(parent.row()) >= fs.size())
        return {};
    if (std::size_t(row) >= fs[std::size_t(parent.row())].samples.size())
        return {};
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex MetricsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kFamilyLevel)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kFamilyLevel);
}

int MetricsModel::rowCount(const QModelIndex &parent) const
{
    const auto &fs = families();
    if (!parent.isValid())
        return int(fs.size());
    if (parent.column() != 0 || parent.internalId() != kFamilyLevel || std::size_t(parent.row()) >= fs.size())
        return 0;
    return int(fs[std::size_t(parent.row())].samples.size());
}

int MetricsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant MetricsModel::data(const QModelIndex &index, int role) const
{
    const MetricFamily *f = family(index);
    if (!f)
        return {};
    const Sample *s = sample(index);
    if (role == FamilyNameRole)
        return QString::fromStdString(f->name);
    if (role == IsFamilyRole)
        return s == nullptr;
    const std::size_t fi = std::size_t(f - families().data());
    const int label = index.column() - FirstLabelColumn;
    const bool labelColumn = label >= 0 && label < kLabelColumns;
    // The label name of a label column, when the family's names fit.
    const QString labelName = labelColumn && fi < m_labelNames.size() && m_labelNames[fi].size() <= kLabelColumns
            && label < m_labelNames[fi].size()
        ? m_labelNames[fi][label]
        : QString();
    auto labelValue = [&]() -> QString {
        if (labelName.isEmpty())
            return {};
        const std::string n = labelName.toStdString();
        for (const auto &[k, v] : s->labels)
            if (k == n)
                return QString::fromStdString(v).replace(QLatin1Char('\n'), QLatin1String("\\n"));
        return {};
    };
    if (role == FilterTextRole)
        return s ? QString(sampleText(s->name, s->labels) + QLatin1Char('\n') + labelsReadable(s->labels))
                 : QString::fromStdString(f->name);
    if (role == SortRole) {
        if (s && index.column() == ValueColumn)
            return s->value;
        if (!s && index.column() == SeriesColumn)
            return qulonglong(f->samples.size());
        if (!s)
            return index.column() == NameColumn ? QVariant(QString::fromStdString(f->name)) : QVariant(index.row());
        if (labelColumn)
            return labelValue();
        return index.column() == NameColumn ? QVariant(sampleRowText(fi, *s)) : QVariant(index.row());
    }
    if (!s) {
        if (labelColumn) {
            // The family row names its label columns.
            if (role == Qt::DisplayRole)
                return labelName;
            if (role == Qt::ToolTipRole && !labelName.isEmpty())
                return tr("Label %1").arg(labelName);
            if (role == Qt::FontRole && !labelName.isEmpty()) {
                QFont font;
                font.setItalic(true);
                return font;
            }
            return {};
        }
        switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
            case NameColumn:
                return QString::fromStdString(f->name);
            case TypeColumn:
                return f->mode == GaugeMode::None
                    ? typeText(f->type)
                    : tr("%1 (%2)").arg(typeText(f->type), QString::fromStdString(std::string(toString(f->mode))));
            case SeriesColumn:
                return qulonglong(f->samples.size());
            case HelpColumn:
                return QString::fromStdString(f->help);
            }
            return {};
        case Qt::DecorationRole:
            return index.column() == NameColumn ? typeIcon(f->type) : QVariant();
        case Qt::ToolTipRole:
            return QString::fromStdString(f->help);
        case Qt::TextAlignmentRole:
            return index.column() == SeriesColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
        }
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return sampleRowText(fi, *s);
        case ValueColumn:
            return sampleValueText(s->value, s->name);
        }
        if (labelColumn)
            return labelValue();
        return {};
    case Qt::ToolTipRole:
        return QString(sampleText(s->name, s->labels) + QLatin1Char(' ') + sampleValueTip(s->value, s->name));
    case ExpositionRole:
        return QString(sampleText(s->name, s->labels) + QLatin1Char(' ')
                       + QString::fromStdString(floatToGoString(s->value)));
    case Qt::TextAlignmentRole:
        return index.column() == ValueColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    return {};
}

QVariant MetricsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case TypeColumn:
        return tr("Type");
    case ValueColumn:
        return tr("Merged value");
    case SeriesColumn:
        return tr("Series");
    case HelpColumn:
        return tr("Help");
    }
    if (section >= FirstLabelColumn && section < FirstLabelColumn + kLabelColumns)
        return tr("Label %1").arg(section - FirstLabelColumn + 1);
    return {};
}

MetricsFilterModel::MetricsFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setFilterRole(MetricsModel::FilterTextRole);
    setSortRole(MetricsModel::SortRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setRecursiveFilteringEnabled(true);
}

bool MetricsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent))
        return true;
    // A sample whose family's name matches stays.
    if (sourceParent.isValid())
        return QSortFilterProxyModel::filterAcceptsRow(sourceParent.row(), sourceParent.parent());
    return false;
}

} // namespace promdir
