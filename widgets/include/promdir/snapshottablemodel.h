#pragma once
// Base of the table models: a refresh with the same rows (by identity) only
// emits dataChanged; rows that come or go make a layout change in which the
// rows that stay keep their persistent indexes by identity, so selection,
// the current row (and what a context menu acts on) and scrolling survive.
// A new source, or rows from or to none, resets the model in one go.

#include <QAbstractTableModel>

#include <string>
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

protected:
    // `assign` swaps the model's rows in; `keys` are their identities.
    // `reset`: the rows are of another source, nothing carries over.
    template<typename Assign>
    void update(std::vector<std::string> keys, Assign &&assign, bool reset = false)
    {
        if (keys == m_keys && !reset) {
            assign();
            const int rows = rowCount(), cols = columnCount();
            if (rows > 0 && cols > 0)
                Q_EMIT dataChanged(index(0, 0), index(rows - 1, cols - 1));
            return;
        }
        if (reset || m_keys.empty() || keys.empty()) {
            beginResetModel();
            assign();
            m_keys = std::move(keys);
            endResetModel();
            return;
        }
        Q_EMIT layoutAboutToBeChanged();
        const QModelIndexList from = persistentIndexList();
        std::vector<std::string> old = std::move(m_keys);
        assign();
        m_keys = std::move(keys);
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
        Q_EMIT layoutChanged();
    }
    QString keyAt(int row) const
    {
        return row >= 0 && std::size_t(row) < m_keys.size() ? QString::fromStdString(m_keys[std::size_t(row)]) : QString();
    }

private:
    std::vector<std::string> m_keys;
};

} // namespace promdir
