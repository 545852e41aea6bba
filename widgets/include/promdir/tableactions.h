#pragma once
// What every table (and the Metrics tree) offers in its context menu: copy
// the selected rows (Ctrl+C, tab-separated with the header, as spreadsheets
// paste them) and export the whole table, as shown (sorted and filtered), as
// CSV.

#include <QChar>
#include <QString>

class QAbstractItemView;

namespace promdir {

// Adds Copy Rows and Export as CSV… to the view's context menu (its
// actions). For a tree, `parentColumn` (when given) names a first column
// that holds each row's top-level row's first cell (the family of a
// series), so that every row says what it belongs to; a tree's rows are
// taken depth-first, collapsed ones included.
void addTableActions(QAbstractItemView *view, const QString &parentColumn = {});
// The view as text: the header, then the selected rows (or all rows), in
// the order shown, fields separated by `separator`; CSV quoting when the
// separator is a comma.
QString tableText(const QAbstractItemView *view, QChar separator, bool selectedOnly);
// Writes the view as CSV to `path`; false with `error` set when it cannot.
bool exportTableCsv(const QAbstractItemView *view, const QString &path, QString *error = nullptr);

} // namespace promdir
