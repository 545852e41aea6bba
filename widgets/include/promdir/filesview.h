#pragma once
// Files: every file with type, mode, pid, generation, size, used, entries,
// staleness and problems; below, the selected file's entries with offsets
// and its problems in full.

#include "promdir/filesmodel.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;

namespace promdir {

class FilesView : public QWidget
{
    Q_OBJECT
public:
    explicit FilesView(QWidget *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    bool selectFile(const QString &name);
    // Selects the row that matters most: a problem of the archive or the
    // directory itself, else the first file with problems. False when none.
    bool selectFirstProblem();
    // What the lower panel says of the selected row's problems.
    QString problemsText() const;
    // For an archive: compression, members, the folder chosen, manifest,
    // complete or not. Empty for a directory.
    static QString archiveSummary(const LoadResult &load);
    QLabel *archivePanel() const { return m_archive; }
    FilesModel *model() const { return m_model; }
    EntriesModel *entries() const { return m_entries; }
    QLineEdit *filterEdit() const { return m_filter; }
    QTableView *tableView() const { return m_files; }

private:
    void showFile(const QModelIndex &proxyIndex);
    FilesModel *m_model;
    EntriesModel *m_entries;
    SnapshotProxyModel *m_proxy;
    QLineEdit *m_filter;
    QLabel *m_archive;
    QTableView *m_files;
    QLabel *m_entriesTitle;
    QTableView *m_entryTable;
    QPlainTextEdit *m_problems;
    QString m_current;
};

} // namespace promdir
