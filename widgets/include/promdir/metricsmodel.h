#pragma once
// The Metrics view's tree: merged families, and their samples with the
// merged value. A sample row names its labels (method=GET endpoint=/api),
// not the metric again, and has one column per label name of its family
// when they fit (the family row names them). Updates in place (dataChanged) while the structure stays the
// same, so expansion, selection and scrolling survive a refresh.

#include "promdir/snapshot.h"

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>

namespace promdir {

class MetricsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    // Label columns: the values of a family's first kLabelColumns label
    // names; a family with more shows its labels in the name column only.
    static constexpr int kLabelColumns = 4;
    enum Column {
        NameColumn,
        TypeColumn,
        ValueColumn,
        FirstLabelColumn,
        SeriesColumn = FirstLabelColumn + kLabelColumns,
        HelpColumn,
        ColumnCount
    };
    enum Role {
        FilterTextRole = Qt::UserRole + 1, // name, label names and values, for the filter
        FamilyNameRole,                    // QString, on both levels
        IsFamilyRole,                      // bool
        ExpositionRole,                    // sample rows: the line as the exposition writes it
        SortRole,                          // numbers as numbers (the merged value)
    };

    explicit MetricsModel(QObject *parent = nullptr);

    void setSnapshot(const SnapshotPtr &snapshot);
    SnapshotPtr snapshot() const { return m_snapshot; }

    // What an index stands for (null when none).
    const MetricFamily *family(const QModelIndex &index) const;
    const Sample *sample(const QModelIndex &index) const;
    QModelIndex indexOf(const QString &family, int sample = -1) const;
    // A family's label names in order of first appearance in its samples.
    QStringList labelNames(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const std::vector<MetricFamily> &families() const;
    void updateLabelNames(const std::vector<MetricFamily> &fs);
    QString sampleRowText(std::size_t family, const Sample &s) const;
    SnapshotPtr m_snapshot;
    std::vector<QStringList> m_labelNames; // per family
    std::vector<bool> m_severalNames;      // per family: samples of more than one name (_bucket, _count...)
};

// Filters on name, label names and values, keeping a family when any
// sample matches and every sample of a family whose name matches. Sorts by
// SortRole: the merged value as a number.
class MetricsFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit MetricsFilterModel(QObject *parent = nullptr);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
};

// "name{a=\"1\",b=\"2\"}" as in the exposition.
QString sampleText(const std::string &name, const Labels &labels);
QString labelsText(const Labels &labels);
// "method=GET endpoint=/api": labels as a person reads them, unquoted.
QString labelsReadable(const Labels &labels);
QString labelValueReadable(const std::string &value);
QString valueText(double value);
QString typeText(MetricType type);

} // namespace promdir
