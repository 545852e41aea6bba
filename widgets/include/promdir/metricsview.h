#pragma once
// Families and their series with a filter box; selecting one tells the
// other views what to show.

#include "promdir/metricsmodel.h"

#include <QWidget>

class QLineEdit;
class QTreeView;

namespace promdir {

struct MetricSelection
{
    QString family;
    MetricType type = MetricType::Counter;
    GaugeMode mode = GaugeMode::None;
    SeriesId series;      // invalid when a family (or a computed sample) is selected
    Labels sampleLabels;  // the merged sample's labels
};

class MetricsView : public QWidget
{
    Q_OBJECT
public:
    explicit MetricsView(QWidget *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    // Another source: no families, no filter, no selection.
    void clear();
    // Selects a family, or one of its samples (row within the family).
    bool select(const QString &family, int sample = -1);
    QLineEdit *filterEdit() const { return m_filter; }
    QTreeView *treeView() const { return m_tree; }
    MetricsModel *model() const { return m_model; }
    // Label columns as wide as the rows on screen need (within bounds).
    void fitLabelColumns();

Q_SIGNALS:
    void selectionChanged(const promdir::MetricSelection &selection);

private:
    void showLabelColumns();
    void onCurrentChanged(const QModelIndex &current);
    MetricsModel *m_model;
    MetricsFilterModel *m_proxy;
    QLineEdit *m_filter;
    QTreeView *m_tree;
    std::string m_lastKey;
};

} // namespace promdir
