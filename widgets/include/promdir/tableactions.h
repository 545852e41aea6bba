#pragma once
// What every table offers in its context menu: copy the selected rows
// (Ctrl+C, tab-separated with the header, as spreadsheets paste them) and
// export the whole table, as shown (sorted and filtered), as CSV.

#include <QChar>
#include <QString>

class QAction;
class QTableView;
class QWidget;

namespace promdir {

// Adds Copy and Export as CSV… to the table's context menu (its actions).
void addTableActions(QTableView *table);
// The table as text: the header, then the selected rows (or all rows), in
// the order shown, fields separated by `separator`; CSV quoting when the
// separator is a comma.
QString tableText(const QTableView *table, QChar separator, bool selectedOnly);
// Writes the table as CSV to `path`; false with `error` set when it cannot.
bool exportTableCsv(const QTableView *table, const QString &path, QString *error = nullptr);

} // namespace promdir
