#pragma once
// Base of the table models: a refresh with the same rows (by identity) only
// emits dataChanged, so selection and scrolling survive; anything else
// resets the model in one go.

#include <QAbstractTableModel>

#include <string>
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
    template<typename Assign>
    void update(std::vector<std::string> keys, Assign &&assign)
    {
        if (keys == m_keys) {
            assign();
            const int rows = rowCount(), cols = columnCount();
            if (rows > 0 && cols > 0)
                Q_EMIT dataChanged(index(0, 0), index(rows - 1, cols - 1));
            return;
        }
        beginResetModel();
        assign();
        m_keys = std::move(keys);
        endResetModel();
    }
    QString keyAt(int row) const
    {
        return row >= 0 && std::size_t(row) < m_keys.size() ? QString::fromStdString(m_keys[std::size_t(row)]) : QString();
    }

private:
    std::vector<std::string> m_keys;
};

} // namespace promdir
