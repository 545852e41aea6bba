#include "promdir/tableactions.h"

#include "promdir/icons.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QSaveFile>
#include <QSet>
#include <QTableView>
#include <QTreeView>


namespace promdir {

namespace {
QString field(QString text, QChar separator)
{
    if (separator == QLatin1Char(',')) {
        if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n'))) {
            text.replace(QLatin1Char('"'), QLatin1String("\"\""));
            return QLatin1Char('"') + text + QLatin1Char('"');
        }
        return text;
    }
    text.replace(QLatin1Char('\t'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text;
}
} // namespace

namespace {
const char kParentColumn[] = "promdirParentColumn";

const QHeaderView *headerOf(const QAbstractItemView *view)
{
    if (const auto *table = qobject_cast<const QTableView *>(view))
        return table->horizontalHeader();
    if (const auto *tree = qobject_cast<const QTreeView *>(view))
        return tree->header();
    return nullptr;
}

// Every row under `parent` depth-first, as a tree shows them when expanded.
void collectRows(const QAbstractItemModel *model, const QModelIndex &parent, QList<QModelIndex> &out)
{
    const int n = model->rowCount(parent);
    for (int r = 0; r < n; ++r) {
        const QModelIndex i = model->index(r, 0, parent);
        out << i;
        if (model->hasChildren(i))
            collectRows(model, i, out);
    }
}
} // namespace

QString tableText(const QAbstractItemView *view, QChar separator, bool selectedOnly)
{
    const QAbstractItemModel *model = view->model();
    const QHeaderView *header = headerOf(view);
    if (!model || !header)
        return {};
    QList<int> columns; // in the order shown, hidden ones left out
    for (int v = 0; v < header->count(); ++v) {
        const int c = header->logicalIndex(v);
        if (!header->isSectionHidden(c))
            columns << c;
    }
    const QString parentColumn = view->property(kParentColumn).toString();
    const bool tree = qobject_cast<const QTreeView *>(view) != nullptr;
    QList<QModelIndex> rows;
    if (tree)
        collectRows(model, {}, rows);
    else
        for (int r = 0; r < model->rowCount(); ++r)
            rows << model->index(r, 0);
    if (selectedOnly && view->selectionModel()) {
        QSet<QModelIndex> chosen;
        for (const QModelIndex &i : view->selectionModel()->selectedIndexes())
            chosen.insert(i.siblingAtColumn(0));
        if (chosen.isEmpty() && view->currentIndex().isValid())
            chosen.insert(view->currentIndex().siblingAtColumn(0));
        QList<QModelIndex> picked;
        for (const QModelIndex &i : std::as_const(rows))
            if (chosen.contains(i))
                picked << i;
        rows = picked;
    }
    QStringList lines;
    QStringList cells;
    if (tree && !parentColumn.isEmpty())
        cells << field(parentColumn, separator);
    for (int c : std::as_const(columns))
        cells << field(model->headerData(c, Qt::Horizontal).toString(), separator);
    lines << cells.join(separator);
    for (const QModelIndex &row : std::as_const(rows)) {
        cells.clear();
        if (tree && !parentColumn.isEmpty()) {
            QModelIndex top = row;
            while (top.parent().isValid())
                top = top.parent();
            cells << field(top.data().toString(), separator);
        }
        for (int c : std::as_const(columns))
            cells << field(row.siblingAtColumn(c).data().toString(), separator);
        lines << cells.join(separator);
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

bool exportTableCsv(const QAbstractItemView *view, const QString &path, QString *error)
{
    QSaveFile f(path);
    const QByteArray bytes = tableText(view, QLatin1Char(','), false).toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        if (error)
            *error = f.errorString();
        return false;
    }
    return true;
}

void addTableActions(QAbstractItemView *table, const QString &parentColumn)
{
    if (!parentColumn.isEmpty())
        table->setProperty(kParentColumn, parentColumn);
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *copy = new QAction(icon(QStringLiteral("copy")), QApplication::translate("promdir::TableActions", "&Copy Rows"),
                             table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    copy->setObjectName(QStringLiteral("copyRows"));
    QObject::connect(copy, &QAction::triggered, table, [table] {
        QApplication::clipboard()->setText(tableText(table, QLatin1Char('\t'), true));
    });
    auto *csv = new QAction(icon(QStringLiteral("save")),
                            QApplication::translate("promdir::TableActions", "&Export as CSV…"), table);
    csv->setObjectName(QStringLiteral("exportCsv"));
    QObject::connect(csv, &QAction::triggered, table, [table] {
        const QString path = QFileDialog::getSaveFileName(
            table, QApplication::translate("promdir::TableActions", "Export Table"), QStringLiteral("table.csv"),
            QApplication::translate("promdir::TableActions", "CSV files (*.csv);;All files (*)"));
        if (path.isEmpty())
            return;
        QString why;
        if (!exportTableCsv(table, path, &why))
            QMessageBox::warning(table, QApplication::translate("promdir::TableActions", "Export Table"),
                                 QApplication::translate("promdir::TableActions", "Could not save %1: %2").arg(path, why));
    });
    table->addAction(copy);
    table->addAction(csv);
}

} // namespace promdir
