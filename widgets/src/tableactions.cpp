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
#include <QTableView>

#include <set>

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

QString tableText(const QTableView *table, QChar separator, bool selectedOnly)
{
    const QAbstractItemModel *model = table->model();
    if (!model)
        return {};
    const QHeaderView *header = table->horizontalHeader();
    QList<int> columns; // in the order shown, hidden ones left out
    for (int v = 0; v < header->count(); ++v) {
        const int c = header->logicalIndex(v);
        if (!header->isSectionHidden(c))
            columns << c;
    }
    std::set<int> rows;
    if (selectedOnly && table->selectionModel()) {
        for (const QModelIndex &i : table->selectionModel()->selectedIndexes())
            rows.insert(i.row());
        if (rows.empty() && table->currentIndex().isValid())
            rows.insert(table->currentIndex().row());
    } else {
        for (int r = 0; r < model->rowCount(); ++r)
            rows.insert(r);
    }
    QStringList lines;
    QStringList cells;
    for (int c : std::as_const(columns))
        cells << field(model->headerData(c, Qt::Horizontal).toString(), separator);
    lines << cells.join(separator);
    for (int r : rows) {
        cells.clear();
        for (int c : std::as_const(columns))
            cells << field(model->index(r, c).data().toString(), separator);
        lines << cells.join(separator);
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

bool exportTableCsv(const QTableView *table, const QString &path, QString *error)
{
    QSaveFile f(path);
    const QByteArray bytes = tableText(table, QLatin1Char(','), false).toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        if (error)
            *error = f.errorString();
        return false;
    }
    return true;
}

void addTableActions(QTableView *table)
{
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
