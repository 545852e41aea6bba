#include "promdir/snapshottablemodel.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <unordered_map>

namespace promdir {

bool SnapshotTableModel::sortsBefore(int left, int right, int column) const
{
    // While rows are removed and inserted, the keys would be made again for
    // each run; the proxy compares only the rows it places.
    if (m_splicing) {
        m_sortKeysColumn = -1;
        return lessThan(left, right, column);
    }
    if (m_sortKeysColumn != column) {
        m_sortKeys = sortKeys(column);
        if (m_sortKeys.size() != std::size_t(rowCount()))
            m_sortKeys.clear();
        m_sortKeysColumn = column;
    }
    if (!m_sortKeys.empty())
        return m_sortKeys[std::size_t(left)] < m_sortKeys[std::size_t(right)];
    return lessThan(left, right, column);
}

void SnapshotTableModel::addToRuns(std::vector<std::pair<int, int>> &runs, std::size_t place)
{
    const int row = int(place);
    if (!runs.empty() && runs.back().second == row - 1)
        runs.back().second = row;
    else
        runs.emplace_back(row, row);
}

std::optional<SnapshotTableModel::Splice> SnapshotTableModel::spliceSorted(const std::vector<std::string> &keys) const
{
    const std::vector<std::string> &old = m_keys;
    const auto strictlyIncreasing = [](const std::vector<std::string> &v) {
        return std::adjacent_find(v.begin(), v.end(), std::greater_equal<>()) == v.end();
    };
    if (!strictlyIncreasing(old) || !strictlyIncreasing(keys))
        return std::nullopt;
    return mergeWalk(old.size(), keys.size(), [&](std::size_t i, std::size_t j) { return old[i].compare(keys[j]); });
}

std::optional<SnapshotTableModel::Splice> SnapshotTableModel::spliceTo(const std::vector<std::string> &keys) const
{
    if (m_keys.empty() || keys.empty())
        return std::nullopt;
    if (auto sorted = spliceSorted(keys))
        return sorted;
    std::unordered_map<std::string_view, int> rowAfter;
    rowAfter.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
        if (!rowAfter.emplace(keys[i], int(i)).second)
            return std::nullopt;
    Splice splice;
    std::vector<bool> stays(keys.size(), false);
    int lastStaying = -1;
    for (std::size_t i = 0; i < m_keys.size(); ++i) {
        const auto it = rowAfter.find(m_keys[i]);
        if (it == rowAfter.end()) {
            addToRuns(splice.removed, i);
            continue;
        }
        if (it->second <= lastStaying) // moved, or a key that repeats
            return std::nullopt;
        lastStaying = it->second;
        stays[std::size_t(it->second)] = true;
    }
    if (lastStaying < 0)
        return std::nullopt;
    for (std::size_t i = 0; i < keys.size(); ++i)
        if (!stays[i])
            addToRuns(splice.inserted, i);
    return splice;
}

std::vector<double> SnapshotTableModel::sortKeys(int) const
{
    return {};
}

std::vector<double> SnapshotTableModel::pidKeys(const std::vector<std::string_view> &pids)
{
    // Exact in a double below 2^53: numeric pids below 2^52, then the rest.
    constexpr double kOthers = 4503599627370496.0; // 2^52
    std::vector<double> keys(pids.size(), -1.0);
    std::vector<std::string_view> others;
    for (std::size_t i = 0; i < pids.size(); ++i) {
        const std::string_view pid = pids[i];
        unsigned long long n = 0;
        const auto [end, ec] = std::from_chars(pid.data(), pid.data() + pid.size(), n);
        if (!pid.empty() && pid.size() <= 19 && ec == std::errc() && end == pid.data() + pid.size())
            keys[i] = double(std::min<unsigned long long>(n, (1ull << 52) - 1));
        else
            others.push_back(pid);
    }
    if (others.empty())
        return keys;
    std::sort(others.begin(), others.end());
    others.erase(std::unique(others.begin(), others.end()), others.end());
    for (std::size_t i = 0; i < pids.size(); ++i)
        if (keys[i] < 0)
            keys[i] = kOthers + double(std::lower_bound(others.begin(), others.end(), pids[i]) - others.begin());
    return keys;
}

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

bool SnapshotTableModel::filterAccepts(int row, const QString &needle) const
{
    return filterText(row).contains(needle, Qt::CaseInsensitive);
}

SnapshotProxyModel::SnapshotProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SnapshotTableModel::SortRole);
}

const SnapshotTableModel *SnapshotProxyModel::snapshotModel() const
{
    return m_model;
}

void SnapshotProxyModel::setSourceModel(QAbstractItemModel *model)
{
    m_model = qobject_cast<const SnapshotTableModel *>(model); // once, not per comparison
    QSortFilterProxyModel::setSourceModel(model);
}

void SnapshotProxyModel::setFilterText(const QString &text)
{
    if (text == m_filter)
        return;
    m_filter = text;
    // One layout change, not invalidateRowsFilter(): that removes (or
    // inserts) the rows run by run, and each run costs the view's headers a
    // pass over every row (QHeaderView updating its hidden sections), so a
    // filter hiding rows here and there across a big table paid that pass
    // thousands of times per keystroke. The layout change keeps the
    // selection (persistent indexes); the sort is redone on the rows
    // accepted.
    invalidate();
}

bool SnapshotProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (const SnapshotTableModel *m = snapshotModel(); m && left.column() == right.column())
        return m->sortsBefore(left.row(), right.row(), left.column());
    return QSortFilterProxyModel::lessThan(left, right);
}

bool SnapshotProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filter.isEmpty())
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    if (const SnapshotTableModel *m = snapshotModel())
        return m->filterAccepts(sourceRow, m_filter);
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace promdir
