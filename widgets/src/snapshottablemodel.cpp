#include "promdir/snapshottablemodel.h"

namespace promdir {

bool SnapshotTableModel::lessThan(int left, int right, int column) const
{
    const QVariant a = index(left, column).data(SortRole), b = index(right, column).data(SortRole);
    return QVariant::compare(a, b) == QPartialOrdering::Less;
}

QString SnapshotTableModel::filterText(int row) const
{
    QStringList cells;
    for (int c = 0; c < columnCount(); ++c)
        cells << index(row, c).data().toString();
    return cells.join(QLatin1Char('\n'));
}

SnapshotProxyModel::SnapshotProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SnapshotTableModel::SortRole);
}

const SnapshotTableModel *SnapshotProxyModel::snapshotModel() const
{
    return qobject_cast<const SnapshotTableModel *>(sourceModel());
}

void SnapshotProxyModel::setFilterText(const QString &text)
{
    if (text == m_filter)
        return;
    m_filter = text;
    invalidateRowsFilter(); // rows only: the columns are never filtered
}

bool SnapshotProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (const SnapshotTableModel *m = snapshotModel(); m && left.column() == right.column())
        return m->lessThan(left.row(), right.row(), left.column());
    return QSortFilterProxyModel::lessThan(left, right);
}

bool SnapshotProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filter.isEmpty())
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    if (const SnapshotTableModel *m = snapshotModel())
        return m->filterText(sourceRow).contains(m_filter, Qt::CaseInsensitive);
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace promdir
