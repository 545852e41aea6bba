#pragma once
// The Histograms view: the merged buckets of one histogram series and its
// quantiles estimated as Prometheus's histogram_quantile does.

#include "promdir/snapshottablemodel.h"
#include "promdir/snapshot.h"

namespace promdir {

struct Bucket
{
    double upperBound = 0.0;
    double cumulative = 0.0; // observations <= upperBound
};

// Prometheus's histogram_quantile over cumulative buckets sorted by bound:
// linear interpolation inside the bucket holding the rank; NaN without a
// +Inf bucket or observations; the lowest bound when it is <= 0 and holds
// the rank; the highest finite bound when the rank falls in +Inf.
double histogramQuantile(double q, std::vector<Bucket> buckets);

struct HistogramSeries
{
    Labels labels; // without le
    std::vector<Bucket> buckets;
    double sum = 0.0;
    double count = 0.0;
    bool hasSum = false;
};
// Every label set of a merged histogram family, in merge order.
std::vector<HistogramSeries> histogramSeries(const MetricFamily &family);

class HistogramModel : public SnapshotTableModel
{
    Q_OBJECT
public:
    enum Column { BoundColumn, CountColumn, CumulativeColumn, ColumnCount };

    explicit HistogramModel(QObject *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    void setSeries(const QString &family, const Labels &labels);
    QString familyName() const { return m_family; }
    const Labels &labels() const { return m_labels; }
    // The series shown, or null.
    const HistogramSeries *series() const { return m_found ? &m_series : nullptr; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    SnapshotPtr m_snapshot;
    QString m_family;
    Labels m_labels;
    HistogramSeries m_series;
    bool m_found = false;
};

} // namespace promdir
