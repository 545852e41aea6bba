#pragma once
// The table under the per-pid chart: every pid's current value of one
// series, with its liveness and file.

#include "promdir/snapshottablemodel.h"
#include "promdir/snapshot.h"

#include <optional>

namespace promdir {

class PidValuesModel : public SnapshotTableModel
{
    Q_OBJECT
public:
    enum Column { PidColumn, StateColumn, ValueColumn, TimestampColumn, FileColumn, ColumnCount };
    enum Role { PidRole = FirstCustomRole };

    explicit PidValuesModel(QObject *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    // `type` (when known) skips the other types' files: far fewer to scan.
    void setSeries(const SeriesId &series, std::optional<MetricType> type = std::nullopt);
    const SeriesId &series() const { return m_series; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool lessThan(int left, int right, int column) const override;

protected:
    std::vector<double> sortKeys(int column) const override;

private:
    struct Row
    {
        std::string pid;
        std::string file;
        double value = 0.0;
        double timestamp = 0.0;
        Liveness liveness = Liveness::Unknown;
        bool stale = false;
    };
    void rebuild();
    SnapshotPtr m_snapshot;
    SeriesId m_series;
    std::optional<MetricType> m_type;
    std::vector<Row> m_rows;
};

// The series of the files behind a merged sample: gauges lose the pid label
// the merge added; histogram buckets keep le. Invalid for samples the merge
// computes (a histogram's _count).
SeriesId seriesForSample(const MetricFamily &family, const Sample &sample);

} // namespace promdir
