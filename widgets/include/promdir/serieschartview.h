#pragma once
// Per-pid series: every pid's value of the selected series over time, one
// line per pid (a dead pid's ends where it last wrote), the merged value in
// its own small chart above on the same time range (its scale dwarfs each
// pid's; one chart with two value axes read as lines crossing), a legend that
// toggles lines, and the current per-pid values below. Counters, and the
// counts, sums and buckets of histograms and summaries, can be shown as a
// rate per second instead of the raw value. With many pids only the N with
// the highest values (or rates) get a line; the rest are summed in one
// "others" line beside the merged one, and a note says so.

#include "promdir/pidvaluesmodel.h"

#include <QColor>
#include <QElapsedTimer>
#include <QPointF>
#include <QHash>
#include <QSet>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
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

    // How many pids get a line of their own (the highest values first); the
    // rest are summed in "others". -1: every pid.
    void setTopCount(int n);
    int topCount() const;
    QComboBox *topBox() const { return m_top; }
    static constexpr int kDefaultTopCount = 10;
    // The line (and legend entry) of the others' sum: no pid is named so.
    static QString othersLine() { return QStringLiteral("\n others"); }
    // What the chart says above it when pids are summed; empty otherwise.
    QString note() const;
    // While refreshes find nothing new, the chart moves with the clock this
    // often (ms), not on each refresh.
    void setClockStep(int ms) { m_clockStepMs = ms; }
    static constexpr int kDefaultClockStepMs = 5000;

    QChart *chart() const { return m_chart; }
    QString title() const;
    // False once the user zoomed or panned: refreshes keep their ranges.
    bool isFollowing() const { return m_following; }
    void setFollowing(bool following);
    bool saveChart(const QString &path) const;
    QValueAxis *valueAxis() const { return m_axisY; }
    QDateTimeAxis *timeAxis() const { return m_axisX; }
    // The small chart of the merged value (hidden when there is none).
    QChart *mergedChart() const { return m_mergedChart; }
    QChartView *mergedChartView() const { return m_mergedView; }
    QValueAxis *mergedValueAxis() const { return m_axisMerged; }
    QDateTimeAxis *mergedTimeAxis() const { return m_mergedAxisX; }

    // The rate window in ms, 0 for the raw value. Ignored (raw values) for
    // series rate() does not apply to; rateAvailable() says which.
    void setRateWindow(int ms);
    int rateWindow() const;
    bool rateAvailable() const { return m_rateable; }
    bool showingRate() const { return m_rateable && rateWindow() > 0; }
    QComboBox *modeBox() const { return m_mode; }

    // What hovering a line at `at` (chart values) shows: pid, time, value
    // of the nearest point. "" is the merged line, othersLine() the others'.
    QString hoverText(const QString &line, const QPointF &at) const;
    // The points of a line as drawn ("" for merged); empty when none.
    QList<QPointF> linePoints(const QString &line) const;

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
    QString lineLabel(const QString &name, bool dead = false) const;
    void updateLegend(const QList<std::pair<QString, QString>> &entries);
    // The small chart above: shown while the merged or the others line is.
    void updateUpperChart();
    void updateChart();

    PidValuesModel *m_model;
    QLabel *m_title;
    QLabel *m_note;
    QChart *m_chart;
    QChartView *m_chartView;
    QDateTimeAxis *m_axisX;
    QValueAxis *m_axisY;
    QChart *m_mergedChart;
    QChartView *m_mergedView;
    QDateTimeAxis *m_mergedAxisX;
    QValueAxis *m_axisMerged;
    QLabel *m_modeLabel;
    QComboBox *m_mode;
    QComboBox *m_top;
    bool m_rateable = false;
    int m_othersCount = 0; // pids in the others line
    QTableView *m_table;
    SnapshotPtr m_snapshot;
    TimelinePtr m_timeline;
    QHash<QString, QLineSeries *> m_lines; // by pid; "" for merged
    QSet<QString> m_hidden;                // lines switched off in the legend
    QHash<QString, QColor> m_colours;      // by pid, given in order of appearance
    QListWidget *m_legend;
    QToolButton *m_resetZoom = nullptr;
    bool m_following = true;
    QElapsedTimer m_drawn; // since the chart was last drawn
    int m_clockStepMs = kDefaultClockStepMs;
};

} // namespace promdir
