#pragma once
// Per-pid series: every pid's value of the selected series over time, one
// line per pid (dead pids dashed), the merged value as its own line, a
// legend that toggles lines, and the current per-pid values below.

#include "promdir/pidvaluesmodel.h"

#include <QColor>
#include <QHash>
#include <QSet>
#include <QWidget>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QLineSeries;
class QTableView;
class QToolButton;
class QValueAxis;

namespace promdir {

class SeriesChartView : public QWidget
{
    Q_OBJECT
public:
    explicit SeriesChartView(QWidget *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    void setSeries(const SeriesId &series, const QString &title, std::optional<MetricType> type = std::nullopt);
    void setTimeline(const TimelinePtr &timeline);

    // At most this many pid lines (the rest are listed in the table only).
    static constexpr int kMaxLines = 40;

    QChart *chart() const { return m_chart; }
    QString title() const;
    // False once the user zoomed or panned: refreshes keep their ranges.
    bool isFollowing() const { return m_following; }
    void setFollowing(bool following);
    bool saveChart(const QString &path) const;
    QValueAxis *valueAxis() const { return m_axisY; }

public Q_SLOTS:
    void resetZoom();

public:
    PidValuesModel *model() const { return m_model; }
    int lineCount() const { return int(m_lines.size()); }
    // The legend: one checkable entry per line (merged first), scrollable.
    QListWidget *legend() const { return m_legend; }
    // The colour of a pid's line ("" for merged).
    QColor colourOf(const QString &pid) const;

private:
    QLineSeries *lineFor(const QString &name, bool merged);
    void updateLegend(const QList<std::pair<QString, QString>> &entries);
    void updateChart();

    PidValuesModel *m_model;
    QLabel *m_title;
    QLabel *m_note;
    QChart *m_chart;
    QChartView *m_chartView;
    QDateTimeAxis *m_axisX;
    QValueAxis *m_axisY;
    QValueAxis *m_axisMerged; // the merged value has its own scale: it dwarfs each pid's
    QTableView *m_table;
    SnapshotPtr m_snapshot;
    TimelinePtr m_timeline;
    QHash<QString, QLineSeries *> m_lines; // by pid; "" for merged
    QSet<QString> m_hidden;                // lines switched off in the legend
    QHash<QString, QColor> m_colours;      // by pid, given in order of appearance
    QListWidget *m_legend;
    QToolButton *m_resetZoom = nullptr;
    bool m_following = true;
};

} // namespace promdir
