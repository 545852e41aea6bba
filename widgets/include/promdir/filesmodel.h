#pragma once
// The Files view: every file read (and every directory-level problem), and
// the entries of one file with their byte offsets.

#include "promdir/snapshottablemodel.h"
#include "promdir/snapshot.h"

namespace promdir {

class FilesModel : public SnapshotTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, ModeColumn, PidColumn, GenerationColumn, SizeColumn, UsedColumn,
                  EntriesColumn, StaleColumn, ProblemsColumn, ColumnCount };

    explicit FilesModel(QObject *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    // The parsed file of a row; null for a directory-level problem row.
    std::shared_ptr<const ParsedFile> file(int row) const;
    int rowOf(const QString &name) const;
    // A problem of the source itself (an archive cut short first), else the
    // first file with problems; -1 when there are none.
    int firstProblemRow() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool lessThan(int left, int right, int column) const override;
    // The name (type, mode and pid are in it), why it is stale, its problems.
    QString filterText(int row) const override;
    // The same, without making a string per row for a file's name.
    bool filterAccepts(int row, const QString &needle) const override;

    static QString staleText(unsigned flags);

protected:
    std::vector<double> sortKeys(int column) const override;

private:
    struct Row
    {
        std::shared_ptr<const ParsedFile> file;
        unsigned stale = 0;
        // Directory-level problem rows (file == null): the snapshot's own
        // (an aliasing pointer that keeps its result), so that a row stays
        // small to move when rows are removed and inserted.
        std::shared_ptr<const Problem> problem;
    };
    std::vector<Row> m_rows;
    const QString &cachedStaleText(unsigned flags) const;
    std::vector<QString> m_typeTexts; // by MetricType, said once per refresh
    std::vector<QString> m_staleTexts; // by StaleFlag bits
};

class EntriesModel : public SnapshotTableModel
{
    Q_OBJECT
public:
    enum Column { OffsetColumn, MetricColumn, SampleColumn, LabelsColumn, ValueColumn, TimestampColumn, ColumnCount };

    explicit EntriesModel(QObject *parent = nullptr);
    void setFile(const std::shared_ptr<const ParsedFile> &file);
    std::shared_ptr<const ParsedFile> file() const { return m_file; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const ParsedFile> m_file;
};

} // namespace promdir
