#pragma once
// Base of the table models: a refresh with the same rows (by identity)
// emits dataChanged only for the rows whose contents changed (nothing when
// none did: a sorted, filtered proxy then has nothing to redo); rows that
// come or go while the others keep their order (updateRows: workers
// recycled) are announced as removed and inserted, so the proxy places only
// those; otherwise they make a layout change in which the rows that stay
// keep their persistent indexes by identity. Either way selection, the
// current row (and what a context menu acts on) and scrolling survive. A new
// source, or rows from or to none, resets the model in one go.
//
// SnapshotProxyModel sorts and filters them without building a QVariant or
// a string per comparison: each model compares its rows' own fields
// (lessThan) and says what its filter matches (filterText).

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace promdir {

class SnapshotTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    enum Role {
        SortRole = Qt::UserRole + 1, // numbers as numbers, for sorting
        KeyRole,                     // the row's identity (QString)
        FirstCustomRole,
    };

    // Whether row `left` sorts before row `right` by `column`. The default
    // compares SortRole; models override it with their fields.
    virtual bool lessThan(int left, int right, int column) const;
    // Sorting as SnapshotProxyModel does it: by sortKeys() when the model
    // gives them for the column (made once per refresh and column), else by
    // lessThan().
    bool sortsBefore(int left, int right, int column) const;
    // What the filter box matches in a row. The default joins every
    // column's text; models give the columns worth finding by.
    virtual QString filterText(int row) const;
    // Whether `row` matches `needle` (ignoring case): filterText() contains
    // it. Models may answer without building the text.
    virtual bool filterAccepts(int row, const QString &needle) const;
    // How many row keys the model was given or made since it was created:
    // a refresh should cost what changed (for tests).
    std::uint64_t keysMade() const { return m_keysMade; }

protected:
    // One number per row that sorts the column as lessThan() would (equal
    // numbers: equal rows), or none. Sorting 70,000 files compares about a
    // million pairs; following each row's pointers to its parsed file for
    // each made it take a third of a second, keys in one array a tenth.
    virtual std::vector<double> sortKeys(int column) const;
    // Pids as sort keys, in pidLess order: numeric pids by value first, then
    // the others by their bytes.
    static std::vector<double> pidKeys(const std::vector<std::string_view> &pids);

    // `assign` swaps the model's rows in; `keys` are their identities and
    // `stamps` (one per row, or none) a digest of what each row shows: rows
    // with the same key and stamp as before are not announced as changed.
    // `reset`: the rows are of another source, nothing carries over.
    template<typename Assign>
    void update(std::vector<std::string> keys, std::vector<std::uint64_t> stamps, Assign &&assign,
                bool reset = false)
    {
        m_keysMade += keys.size();
        const bool sameKeys = !reset && keys == m_keys;
        apply(sameKeys, std::move(keys), std::move(stamps), std::forward<Assign>(assign), reset);
    }
    // update(), told whether the keys are the rows' keys already.
    template<typename Assign>
    void apply(bool sameKeys, std::vector<std::string> keys, std::vector<std::uint64_t> stamps, Assign &&assign,
               bool reset)
    {
        if (sameKeys) {
            assign();
            // One stamp per row (spliceRows() gives no keys to count them by).
            if (stamps.size() != std::size_t(rowCount()))
                stamps.clear();
            m_sortKeysColumn = -1;
            const int cols = columnCount();
            if (stamps.empty() || m_stamps.size() != stamps.size()) {
                const int rows = rowCount();
                if (rows > 0 && cols > 0)
                    Q_EMIT dataChanged(index(0, 0), index(rows - 1, cols - 1));
            } else {
                // One signal per run of changed rows.
                for (std::size_t i = 0; i < stamps.size();) {
                    if (stamps[i] == m_stamps[i]) {
                        ++i;
                        continue;
                    }
                    std::size_t end = i + 1;
                    while (end < stamps.size() && stamps[end] != m_stamps[end])
                        ++end;
                    Q_EMIT dataChanged(index(int(i), 0), index(int(end - 1), cols - 1));
                    i = end;
                }
            }
            m_stamps = std::move(stamps);
            return;
        }
        if (stamps.size() != keys.size())
            stamps.clear();
        if (reset || m_keys.empty() || keys.empty()) {
            beginResetModel();
            assign();
            m_sortKeysColumn = -1;
            m_keys = std::move(keys);
            m_stamps = std::move(stamps);
            endResetModel();
            return;
        }
        Q_EMIT layoutAboutToBeChanged();
        const QModelIndexList from = persistentIndexList();
        std::vector<std::string> old = std::move(m_keys);
        assign();
        m_sortKeysColumn = -1;
        m_keys = std::move(keys);
        m_stamps = std::move(stamps);
        if (!from.isEmpty()) {
            std::unordered_map<std::string_view, int> rowOf;
            rowOf.reserve(m_keys.size());
            for (std::size_t i = 0; i < m_keys.size(); ++i)
                rowOf.emplace(m_keys[i], int(i));
            QModelIndexList to;
            to.reserve(from.size());
            for (const QModelIndex &i : from) {
                const auto it = std::size_t(i.row()) < old.size() ? rowOf.find(old[std::size_t(i.row())]) : rowOf.end();
                to.append(it == rowOf.end() ? QModelIndex() : createIndex(it->second, i.column()));
            }
            changePersistentIndexList(from, to);
        }
        Q_EMIT layoutChanged();
    }
    template<typename Assign>
    void update(std::vector<std::string> keys, Assign &&assign, bool reset = false)
    {
        update(std::move(keys), {}, std::forward<Assign>(assign), reset);
    }

    // `rows` become `next`, as update() with `keys` and `stamps` does, but
    // when the rows that stay keep their order (workers recycled: a pid's
    // rows go, another's come), the rows that go are announced as removed
    // and those that come as inserted, in runs: a sorted, filtered proxy
    // then places only those instead of sorting every row again. The rows'
    // other state (texts said once per refresh) must be set before.
    template<typename Row>
    void updateRows(std::vector<Row> &rows, std::vector<Row> next, std::vector<std::string> keys,
                    std::vector<std::uint64_t> stamps, bool reset = false)
    {
        m_keysMade += keys.size();
        bool sameKeys = !reset && keys == m_keys;
        const std::optional<Splice> splice =
            reset || sameKeys || stamps.size() != keys.size() || m_stamps.size() != m_keys.size()
                ? std::nullopt
                : spliceTo(keys);
        if (splice) {
            applySplice(rows, next, *splice, [&](std::size_t i) { return keys[i]; }, stamps);
            sameKeys = true;
        }
        // The same keys now, when spliced: the rows that stay and changed.
        apply(sameKeys, std::move(keys), std::move(stamps), [&] { rows = std::move(next); }, reset);
    }

    // Runs of rows [first, last]: removed ones by their place before,
    // inserted ones by their place after.
    struct Splice
    {
        std::vector<std::pair<int, int>> removed;
        std::vector<std::pair<int, int>> inserted;
    };
    // Adds row `place` to `runs`: extends the last run or starts one.
    static void addToRuns(std::vector<std::pair<int, int>> &runs, std::size_t place);

    // One merge walk over `before` old rows and `after` new ones, both in
    // one order: `compare(i, j)` < 0 when old row i goes, > 0 when new row
    // j comes, 0 when it stays; nullopt (the order is not kept) gives up.
    // Nothing when no row stays (a reset is cheaper than announcing all).
    template<typename Compare>
    static std::optional<Splice> mergeWalk(std::size_t before, std::size_t after, Compare &&compare)
    {
        Splice splice;
        bool kept = false;
        std::size_t i = 0, j = 0;
        while (i < before || j < after) {
            const std::optional<int> c = i == before ? 1 : j == after ? -1 : compare(i, j);
            if (!c)
                return std::nullopt;
            if (*c < 0) {
                addToRuns(splice.removed, i++);
            } else if (*c > 0) {
                addToRuns(splice.inserted, j++);
            } else {
                ++i;
                ++j;
                kept = true;
            }
        }
        if (!kept)
            return std::nullopt;
        return splice;
    }

    // updateRows() for a model that matched its rows with `next` itself,
    // without a key per row: `splice` takes the rows to `next` (each row
    // that stays has the key it had), `keyOf(row)` is the key of one of
    // next's rows, asked for the rows that come only. Rows from or to none, or a
    // splice that does not add up, reset the model.
    template<typename Row, typename KeyOf>
    void spliceRows(std::vector<Row> &rows, std::vector<Row> next, const Splice &splice, KeyOf &&keyOf,
                    std::vector<std::uint64_t> stamps)
    {
        std::size_t count = rows.size();
        for (const auto &[first, last] : splice.removed)
            count -= std::size_t(last - first + 1);
        for (const auto &[first, last] : splice.inserted)
            count += std::size_t(last - first + 1);
        if (rows.empty() || next.empty() || count != next.size() || stamps.size() != next.size()
            || m_keys.size() != rows.size() || m_stamps.size() != rows.size()) {
            std::vector<std::string> keys;
            keys.reserve(next.size());
            for (const Row &row : next)
                keys.push_back(keyOf(row));
            updateRows(rows, std::move(next), std::move(keys), std::move(stamps), true);
            return;
        }
        applySplice(rows, next, splice,
                    [&](std::size_t i) {
                        ++m_keysMade;
                        return keyOf(next[i]);
                    },
                    stamps);
        apply(true, {}, std::move(stamps), [&] { rows = std::move(next); }, false);
    }
    // headerData() of a table: `titles()` gives every column's, in order.
    template<typename Titles>
    static QVariant columnTitle(int section, Qt::Orientation orientation, int role, Titles &&titles)
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return {};
        const QStringList all = titles();
        return section >= 0 && section < all.size() ? QVariant(all[section]) : QVariant();
    }
    QString keyAt(int row) const
    {
        return row >= 0 && std::size_t(row) < m_keys.size() ? QString::fromStdString(m_keys[std::size_t(row)]) : QString();
    }

private:
    // Removes and inserts the rows of `splice`, announcing each run.
    template<typename Row, typename KeyOf>
    void applySplice(std::vector<Row> &rows, const std::vector<Row> &next, const Splice &splice, KeyOf &&keyOf,
                     const std::vector<std::uint64_t> &stamps)
    {
        m_splicing = true;
        for (auto run = splice.removed.rbegin(); run != splice.removed.rend(); ++run) {
            beginRemoveRows({}, run->first, run->second);
            rows.erase(rows.begin() + run->first, rows.begin() + run->second + 1);
            m_keys.erase(m_keys.begin() + run->first, m_keys.begin() + run->second + 1);
            m_stamps.erase(m_stamps.begin() + run->first, m_stamps.begin() + run->second + 1);
            endRemoveRows();
        }
        for (const auto &[first, last] : splice.inserted) {
            beginInsertRows({}, first, last);
            rows.insert(rows.begin() + first, next.begin() + first, next.begin() + last + 1);
            std::vector<std::string> keys;
            for (int i = first; i <= last; ++i)
                keys.push_back(keyOf(std::size_t(i)));
            m_keys.insert(m_keys.begin() + first, std::make_move_iterator(keys.begin()),
                          std::make_move_iterator(keys.end()));
            m_stamps.insert(m_stamps.begin() + first, stamps.begin() + first, stamps.begin() + last + 1);
            endInsertRows();
        }
        m_splicing = false;
    }
    // How the rows become `keys` by removing and inserting rows only; none
    // when the rows that stay change order, or a key repeats, or nothing
    // would stay.
    std::optional<Splice> spliceTo(const std::vector<std::string> &keys) const;
    // The same when both are in increasing order (file names as listed): by
    // one merge walk, without hashing 70,000 names; none when they are not.
    std::optional<Splice> spliceSorted(const std::vector<std::string> &keys) const;

    std::vector<std::string> m_keys;
    std::vector<std::uint64_t> m_stamps;
    bool m_splicing = false; // the rows are between two refreshes: no sort keys
    std::uint64_t m_keysMade = 0;
    mutable std::vector<double> m_sortKeys; // of m_sortKeysColumn, for these rows
    mutable int m_sortKeysColumn = -1;
};

// Adds `value`'s bytes to a row stamp (FNV-1a).
inline void stampAdd(std::uint64_t &stamp, const void *value, std::size_t size)
{
    const auto *p = static_cast<const unsigned char *>(value);
    for (std::size_t i = 0; i < size; ++i) {
        stamp ^= p[i];
        stamp *= 1099511628211ull;
    }
}
template<typename T>
void stampAdd(std::uint64_t &stamp, const T &value)
{
    static_assert(std::is_trivially_copyable_v<T>);
    stampAdd(stamp, &value, sizeof value);
}
inline void stampAdd(std::uint64_t &stamp, const std::string &value)
{
    stampAdd(stamp, value.size());
    stampAdd(stamp, value.data(), value.size());
}
constexpr std::uint64_t kStampSeed = 14695981039346656037ull;

// Sorts and filters a SnapshotTableModel by its own comparisons and filter
// text; a fixed string, matched ignoring case. On other models it behaves
// as a QSortFilterProxyModel.
class SnapshotProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit SnapshotProxyModel(QObject *parent = nullptr);
    QString filterText() const { return m_filter; }
    void setSourceModel(QAbstractItemModel *model) override;

public Q_SLOTS:
    void setFilterText(const QString &text);

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    const SnapshotTableModel *snapshotModel() const;
    const SnapshotTableModel *m_model = nullptr;
    QString m_filter;
};

} // namespace promdir
