#pragma once
// The Metrics view's tree: merged families, and their samples with the
// merged value. Updates in place (dataChanged) while the structure stays the
// same, so expansion, selection and scrolling survive a refresh.

#include "promdir/snapshot.h"

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>

namespace promdir {

class MetricsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, ValueColumn, SeriesColumn, HelpColumn, ColumnCount };
    enum Role {
        FilterTextRole = Qt::UserRole + 1, // name and label text, for the filter
        FamilyNameRole,                    // QString, on both levels
        IsFamilyRole,                      // bool
        ExpositionRole,                    // sample rows: the line as the exposition writes it
    };

    explicit MetricsModel(QObject *parent = nullptr);

    void setSnapshot(const SnapshotPtr &snapshot);
    SnapshotPtr snapshot() const { return m_snapshot; }

    // What an index stands for (null when none).
    const MetricFamily *family(const QModelIndex &index) const;
    const Sample *sample(const QModelIndex &index) const;
    QModelIndex indexOf(const QString &family, int sample = -1) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const std::vector<MetricFamily> &families() const;
    SnapshotPtr m_snapshot;
    std::vector<std::string> m_structure; // identity of every row, to detect changes
};

// Filters on name or label text, keeping a family when any sample matches
// and every sample of a family whose name matches.
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
QString valueText(double value);
QString typeText(MetricType type);

} // namespace promdir
