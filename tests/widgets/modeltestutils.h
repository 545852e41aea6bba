#pragma once
// Helpers in the spirit of hotspot's testutils: models flattened to text.

#include <QAbstractItemModel>
#include <QStringList>

namespace promdir::test {

// Every row (depth-first) as "indent + col0 | col1 | ...".
inline QStringList flatten(const QAbstractItemModel *model, const QModelIndex &parent = {}, int depth = 0,
                           int columns = -1)
{
    QStringList out;
    const int cols = columns < 0 ? model->columnCount(parent) : columns;
    for (int r = 0; r < model->rowCount(parent); ++r) {
        QStringList cells;
        for (int c = 0; c < cols; ++c)
            cells << model->index(r, c, parent).data().toString();
        out << QString(depth * 2, QLatin1Char(' ')) + cells.join(QLatin1String(" | "));
        const QModelIndex child = model->index(r, 0, parent);
        if (model->hasChildren(child))
            out << flatten(model, child, depth + 1, columns);
    }
    return out;
}

} // namespace promdir::test
