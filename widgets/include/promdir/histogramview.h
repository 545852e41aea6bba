#pragma once
// Bucket counts of one histogram series as a bar chart, with p50/p90/p99
// estimated as Prometheus's histogram_quantile does.

#include "promdir/histogrammodel.h"

#include <QWidget>

class QBarCategoryAxis;
class QBarSeries;
class QBarSet;
class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QTableView;
class QValueAxis;

namespace promdir {

class HistogramView : public QWidget
{
    Q_OBJECT
public:
    explicit HistogramView(QWidget *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    void setSeries(const QString &family, const Labels &labels);
    HistogramModel *model() const { return m_model; }
    QString quantileText() const;

private:
    void fillLabelSets();
    void applyWanted();
    void updateChart();
    HistogramModel *m_model;
    SnapshotPtr m_snapshot;
    QComboBox *m_families;
    QComboBox *m_labelSets;
    QLabel *m_quantiles;
    QChart *m_chart;
    QChartView *m_chartView;
    QBarSeries *m_bars;
    QBarCategoryAxis *m_axisX;
    QValueAxis *m_axisY;
    QTableView *m_table;
    QStringList m_categories;
    std::vector<Labels> m_sets;
    // Asked for before the snapshot had it.
    QString m_wantedFamily;
    Labels m_wantedLabels;
};

} // namespace promdir
