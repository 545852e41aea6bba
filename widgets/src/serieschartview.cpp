#include "promdir/serieschartview.h"

#include "promdir/displayformat.h"
#include "promdir/icons.h"
#include "promdir/processmodel.h"
#include "promdir/tableactions.h"
#include "promdir/timelinerate.h"
#include "promdir/toppids.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QToolTip>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QMessageBox>
#include <QMouseEvent>
#include <QToolButton>
#include <QWheelEvent>
#include <QListWidget>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>
#include <cstring>

namespace promdir {

namespace {
// A rate is an average: four significant digits say it (numberText gives
// every digit of the double).
QString rateText(double v)
{
    return std::isfinite(v) ? QLocale().toString(v, 'g', 4) : numberText(v);
}

bool samePoints(const std::vector<TimelinePoint> &a, const std::vector<TimelinePoint> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const TimelinePoint &x, const TimelinePoint &y) {
        return x.timeMs == y.timeMs && x.present == y.present && std::memcmp(&x.value, &y.value, sizeof x.value) == 0
            && std::memcmp(&x.timestamp, &y.timestamp, sizeof x.timestamp) == 0;
    });
}

// The same points for the same pids: only the clock moved (a refresh that
// found nothing new).
bool onlyTimeMoved(const SeriesTimeline &a, const SeriesTimeline &b)
{
    if (!(a.series == b.series) || a.type != b.type || a.mode != b.mode || a.pids.size() != b.pids.size()
        || !samePoints(a.merged, b.merged))
        return false;
    for (std::size_t i = 0; i < a.pids.size(); ++i)
        if (a.pids[i].pid != b.pids[i].pid || !samePoints(a.pids[i].points, b.pids[i].points))
            return false;
    return true;
}

// Zoom by a rubber band or the wheel, pan with the arrow keys or by
// dragging with the middle button; each tells the view that the user now
// owns the ranges.
class ZoomableChartView : public QChartView
{
public:
    ZoomableChartView(QChart *chart, QWidget *parent, std::function<void()> touched)
        : QChartView(chart, parent)
        , m_touched(std::move(touched))
    {
        setRubberBand(QChartView::RectangleRubberBand);
        setFocusPolicy(Qt::WheelFocus);
    }

protected:
    void mouseReleaseEvent(QMouseEvent *e) override
    {
        if (e->button() == Qt::MiddleButton) {
            m_panning = false;
            return;
        }
        if (e->button() == Qt::RightButton) {
            // The base zooms out one step; Reset Zoom goes back to following.
            QChartView::mouseReleaseEvent(e);
            m_touched();
            return;
        }
        QChartView::mouseReleaseEvent(e);
        m_touched();
    }
    void mousePressEvent(QMouseEvent *e) override
    {
        if (e->button() == Qt::MiddleButton) {
            m_panning = true;
            m_last = e->position();
            return;
        }
        QChartView::mousePressEvent(e);
    }
    void mouseMoveEvent(QMouseEvent *e) override
    {
        if (m_panning) {
            const QPointF d = e->position() - m_last;
            m_last = e->position();
            chart()->scroll(-d.x(), d.y());
            m_touched();
            return;
        }
        QChartView::mouseMoveEvent(e);
    }
    void wheelEvent(QWheelEvent *e) override
    {
        chart()->zoom(e->angleDelta().y() > 0 ? 1.25 : 0.8);
        m_touched();
    }
    void keyPressEvent(QKeyEvent *e) override
    {
        const qreal step = 20;
        switch (e->key()) {
        case Qt::Key_Left:
            chart()->scroll(-step, 0);
            break;
        case Qt::Key_Right:
            chart()->scroll(step, 0);
            break;
        case Qt::Key_Up:
            chart()->scroll(0, step);
            break;
        case Qt::Key_Down:
            chart()->scroll(0, -step);
            break;
        case Qt::Key_Plus:
            chart()->zoomIn();
            break;
        case Qt::Key_Minus:
            chart()->zoomOut();
            break;
        default:
            QChartView::keyPressEvent(e);
            return;
        }
        m_touched();
    }

private:
    std::function<void()> m_touched;
    bool m_panning = false;
    QPointF m_last;
};
} // namespace

SeriesChartView::SeriesChartView(QWidget *parent)
    : QWidget(parent)
    , m_model(new PidValuesModel(this))
    , m_title(new QLabel(this))
    , m_note(new QLabel(this))
    , m_chart(new QChart)
    , m_chartView(new ZoomableChartView(m_chart, this, [this] { setFollowing(false); }))
    , m_axisX(new QDateTimeAxis)
    , m_axisY(new QValueAxis)
    , m_mergedChart(new QChart)
    , m_mergedView(new QChartView(m_mergedChart, this))
    , m_mergedAxisX(new QDateTimeAxis)
    , m_axisMerged(new QValueAxis)
    , m_modeLabel(new QLabel(tr("Show:"), this))
    , m_mode(new QComboBox(this))
    , m_top(new QComboBox(this))
    , m_table(new QTableView(this))
    , m_legend(new QListWidget(this))
{
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long series name wraps instead of widening the window (and
    // squeezing the Metrics panel).
    m_title->setWordWrap(true);
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    m_title->setText(tr("Select a series in the Metrics list to see every pid's value over time."));
    m_note->setVisible(false);

    m_axisX->setFormat(QStringLiteral("HH:mm:ss"));
    m_axisX->setTickCount(6);
    // Without a range of some width from the start the time axis is never
    // drawn (labels, title, grid), whatever ranges follow.
    m_axisX->setRange(QDateTime::currentDateTime().addSecs(-60), QDateTime::currentDateTime());
    m_axisX->setTitleText(tr("Time"));
    m_axisY->setTitleText(tr("Value"));
    m_axisY->setLabelFormat(QStringLiteral("%.6g"));
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    // The merged value: a small chart of its own above, on the same time
    // range (it follows the big one's zoom and pan).
    m_mergedAxisX->setFormat(QStringLiteral("HH:mm:ss"));
    m_mergedAxisX->setTickCount(6);
    m_mergedAxisX->setRange(m_axisX->min(), m_axisX->max());
    m_mergedAxisX->setLabelsVisible(false); // the big chart's axis says the time
    m_axisMerged->setTitleText(tr("Merged"));
    m_axisMerged->setLabelFormat(QStringLiteral("%.6g"));
    m_axisMerged->setTickCount(3);
    m_mergedChart->addAxis(m_mergedAxisX, Qt::AlignBottom);
    m_mergedChart->addAxis(m_axisMerged, Qt::AlignLeft);
    m_mergedChart->legend()->hide();
    m_mergedChart->setMargins(QMargins(4, 2, 4, 0));
    m_mergedChart->setLocalizeNumbers(true);
    m_mergedView->setRenderHint(QPainter::Antialiasing);
    m_mergedView->setFixedHeight(130);
    m_mergedView->setObjectName(QStringLiteral("mergedChart"));
    connect(m_axisX, &QDateTimeAxis::rangeChanged, m_mergedAxisX, &QDateTimeAxis::setRange);

    m_mode->setObjectName(QStringLiteral("chartMode"));
    m_mode->addItem(tr("Value"), 0);
    m_mode->addItem(tr("Rate per second over 30 s"), 30000);
    m_mode->addItem(tr("Rate per second over 1 min"), 60000);
    m_mode->addItem(tr("Rate per second over 5 min"), 300000);
    m_mode->setToolTip(tr("For counters, and the counts, sums and buckets of histograms and summaries: the "
                          "increase per second over a window, as PromQL rate() computes it (a drop is a "
                          "counter that restarted from 0)"));
    m_mode->setEnabled(false);
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        m_chart->zoomReset();
        setFollowing(true);
        updateChart();
    });
    m_top->setObjectName(QStringLiteral("chartTop"));
    for (const int n : {5, 10, 20, 50})
        m_top->addItem(tr("Top %1 pids").arg(n), n);
    m_top->addItem(tr("All pids"), -1);
    m_top->setCurrentIndex(m_top->findData(kDefaultTopCount));
    m_top->setToolTip(tr("The running pids, then those with the highest values (or rates), get a line each; the "
                         "others are summed in one line, in the small chart above"));
    connect(m_top, &QComboBox::currentIndexChanged, this, [this] { updateChart(); });
    // The chart's own legend cannot scroll: a list beside it can, and
    // toggles lines.
    m_chart->legend()->hide();
    m_legend->setObjectName(QStringLiteral("legend"));
    m_legend->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_legend->setMaximumWidth(260);
    m_legend->setMinimumWidth(140);
    m_legend->setToolTip(tr("Untick a line to hide it"));
    connect(m_legend, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        const QString name = item->data(Qt::UserRole).toString();
        const bool show = item->checkState() == Qt::Checked;
        if (show)
            m_hidden.remove(name);
        else
            m_hidden.insert(name);
        if (QLineSeries *line = m_lines.value(name))
            line->setVisible(show);
        updateUpperChart();
    });
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setLocalizeNumbers(true);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(220);

    auto *proxy = new SnapshotProxyModel(this);
    proxy->setSourceModel(m_model);
    m_table->setModel(proxy);
    addTableActions(m_table);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setResizeContentsPrecision(100);
    // Sized when rows come or go too; the state column fits its longest
    // word, since a pid's state changes without its row changing.
    auto fit = [this] {
        m_table->resizeColumnsToContents();
        const int state = m_table->fontMetrics().horizontalAdvance(ProcessModel::tr("unknown (probably dead)")) + 16;
        if (m_table->columnWidth(PidValuesModel::StateColumn) < state)
            m_table->setColumnWidth(PidValuesModel::StateColumn, state);
    };
    connect(m_model, &QAbstractItemModel::modelReset, m_table, fit);
    connect(m_model, &QAbstractItemModel::layoutChanged, m_table, fit);

    auto *charts = new QWidget(this);
    auto *chartsLayout = new QVBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(0);
    chartsLayout->addWidget(m_mergedView);
    chartsLayout->addWidget(m_chartView, 1);
    m_mergedView->setVisible(false);
    auto *chartRow = new QSplitter(Qt::Horizontal, this);
    chartRow->addWidget(charts);
    chartRow->addWidget(m_legend);
    chartRow->setStretchFactor(0, 1);
    chartRow->setStretchFactor(1, 0);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(chartRow);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    m_resetZoom = new QToolButton(this);
    m_resetZoom->setText(tr("Reset Zoom"));
    m_resetZoom->setToolTip(tr("Zoom with the wheel or by dragging a rectangle, pan with the arrow keys or the "
                               "middle button; this shows everything again and follows new values"));
    m_resetZoom->setEnabled(false);
    connect(m_resetZoom, &QToolButton::clicked, this, &SeriesChartView::resetZoom);
    auto *savePng = new QToolButton(this);
    savePng->setIcon(icon(QStringLiteral("save")));
    savePng->setText(tr("Save as PNG…"));
    savePng->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    savePng->setToolTip(tr("Save the chart as a PNG image"));
    connect(savePng, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save Chart"), QStringLiteral("chart.png"),
                                                          tr("PNG images (*.png)"));
        if (!path.isEmpty() && !saveChart(path))
            QMessageBox::warning(this, tr("Save Chart"), tr("Could not save %1.").arg(path));
    });
    // The title has a row of its own: beside the controls a long series
    // name wrapped into a narrow column.
    auto *controls = new QHBoxLayout;
    controls->addWidget(m_modeLabel);
    controls->addWidget(m_mode);
    controls->addWidget(m_top);
    controls->addStretch(1);
    controls->addWidget(m_resetZoom);
    controls->addWidget(savePng);
    auto *top = new QVBoxLayout;
    top->addWidget(m_title);
    top->addLayout(controls);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_note);
    layout->addWidget(split, 1);
}

void SeriesChartView::setFollowing(bool following)
{
    m_following = following;
    m_resetZoom->setEnabled(!following);
}

void SeriesChartView::resetZoom()
{
    m_chart->zoomReset();
    setFollowing(true);
    updateChart();
}

bool SeriesChartView::saveChart(const QString &path) const
{
    return m_chartView->grab().save(path, "PNG");
}

void SeriesChartView::setSnapshot(const SnapshotPtr &snapshot)
{
    m_snapshot = snapshot;
    m_model->setSnapshot(snapshot);
    if (snapshot && snapshot->timeline && snapshot->timeline->series == m_model->series())
        setTimeline(snapshot->timeline);
}

void SeriesChartView::setSeries(const SeriesId &series, const QString &title, std::optional<MetricType> type)
{
    if (series == m_model->series())
        return;
    m_model->setSeries(series, type);
    m_rateable = series.isValid() && isRateable(type.value_or(MetricType::Counter), series.sample);
    m_mode->setEnabled(m_rateable);
    m_title->setText(series.isValid() ? title
                                      : tr("Select a series in the Metrics list to see every pid's value over time."));
    m_timeline.reset();
    m_hidden.clear();
    m_colours.clear();
    m_chart->zoomReset();
    setFollowing(true);
    updateChart();
}

QString SeriesChartView::title() const
{
    return m_title->text();
}

void SeriesChartView::setTimeline(const TimelinePtr &timeline)
{
    // The watcher hands the same timeline with its snapshot and on its own.
    if (!timeline || timeline == m_timeline || !(timeline->series == m_model->series()))
        return;
    // When only the clock moved, the chart follows it every few seconds, not
    // on every refresh: redrawing it was most of what an idle inspector cost.
    const bool onlyTime = m_timeline && onlyTimeMoved(*m_timeline, *timeline);
    m_timeline = timeline;
    const bool rateable = isRateable(timeline->type, timeline->series.sample);
    if (rateable != m_rateable) {
        m_rateable = rateable;
        m_mode->setEnabled(rateable);
    }
    if (onlyTime && m_drawn.isValid() && m_drawn.elapsed() < m_clockStepMs)
        return;
    updateChart();
}

QLineSeries *SeriesChartView::lineFor(const QString &name, bool merged)
{
    auto it = m_lines.find(name);
    if (it != m_lines.end())
        return *it;
    auto *line = new QLineSeries;
    line->setName(lineLabel(name));
    QChart *chart = merged ? m_mergedChart : m_chart;
    chart->addSeries(line);
    line->attachAxis(merged ? m_mergedAxisX : m_axisX);
    line->attachAxis(merged ? m_axisMerged : m_axisY);
    connect(line, &QLineSeries::hovered, this, [this, name](const QPointF &at, bool state) {
        if (state)
            QToolTip::showText(QCursor::pos(), hoverText(name, at), this);
        else
            QToolTip::hideText();
    });
    QPen pen(colourOf(name));
    pen.setWidthF(name.isEmpty() ? 3.0 : 2.0);
    if (name == othersLine())
        pen.setStyle(Qt::DashLine);
    line->setPen(pen);
    m_lines.insert(name, line);
    return line;
}

QString SeriesChartView::lineLabel(const QString &name, bool dead) const
{
    if (name.isEmpty())
        return tr("merged");
    if (name == othersLine())
        return tr("others (%n pid(s))", nullptr, m_othersCount);
    return dead ? tr("pid %1 (dead)").arg(name) : tr("pid %1").arg(name);
}

void SeriesChartView::setTopCount(int n)
{
    const int i = m_top->findData(n);
    m_top->setCurrentIndex(i < 0 ? m_top->findData(kDefaultTopCount) : i);
}

int SeriesChartView::topCount() const
{
    return m_top->currentData().toInt();
}

QString SeriesChartView::note() const
{
    return m_note->isVisible() ? m_note->text() : QString();
}

void SeriesChartView::updateUpperChart()
{
    const bool merged = m_lines.contains(QString()) && !m_hidden.contains(QString());
    const bool others = m_lines.contains(othersLine()) && !m_hidden.contains(othersLine());
    m_mergedView->setVisible(merged || others);
}

QColor SeriesChartView::colourOf(const QString &pid) const
{
    if (pid.isEmpty())
        return QColor(0x20, 0x20, 0x20);
    if (pid == othersLine())
        return QColor(0x80, 0x80, 0x80);
    auto it = m_colours.find(pid);
    if (it != m_colours.end())
        return *it;
    // Hues a golden angle apart never repeat, and neighbours differ most;
    // lightness alternates so that close hues still part.
    const int i = int(m_colours.size());
    const double hue = std::fmod(0.08 + i * 0.618033988749895, 1.0);
    const QColor c = QColor::fromHsvF(float(hue), i % 3 == 2 ? 0.55f : 0.85f, i % 2 ? 0.70f : 0.90f);
    const_cast<SeriesChartView *>(this)->m_colours.insert(pid, c);
    return c;
}

void SeriesChartView::updateLegend(const QList<std::pair<QString, QString>> &entries)
{
    // Entries change in place: scrolling and ticks stay.
    const QSignalBlocker block(m_legend);
    while (m_legend->count() > entries.size())
        delete m_legend->takeItem(m_legend->count() - 1);
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const auto &[name, text] = entries[i];
        QListWidgetItem *item = i < m_legend->count() ? m_legend->item(int(i)) : nullptr;
        if (!item) {
            item = new QListWidgetItem(m_legend);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        }
        if (item->data(Qt::UserRole).toString() != name || item->icon().isNull()) {
            QPixmap swatch(14, 14);
            swatch.fill(colourOf(name));
            item->setIcon(QIcon(swatch));
            item->setData(Qt::UserRole, name);
        }
        if (item->text() != text)
            item->setText(text);
        const Qt::CheckState check = m_hidden.contains(name) ? Qt::Unchecked : Qt::Checked;
        if (item->checkState() != check)
            item->setCheckState(check);
    }
}

void SeriesChartView::setRateWindow(int ms)
{
    const int i = m_mode->findData(ms);
    m_mode->setCurrentIndex(i < 0 ? 0 : i);
}

int SeriesChartView::rateWindow() const
{
    return m_mode->currentData().toInt();
}

QList<QPointF> SeriesChartView::linePoints(const QString &line) const
{
    const QLineSeries *l = m_lines.value(line);
    return l ? l->points() : QList<QPointF>();
}

QString SeriesChartView::hoverText(const QString &line, const QPointF &at) const
{
    const QLineSeries *l = m_lines.value(line);
    if (!l || l->count() == 0)
        return {};
    // The point at or before the pointer: the value held there (the lines
    // are steps).
    const QList<QPointF> pts = l->points();
    qsizetype best = 0;
    for (qsizetype i = 0; i < pts.size() && pts[i].x() <= at.x(); ++i)
        best = i;
    const QPointF p = pts[best];
    const QString who = lineLabel(line);
    const QString when = QDateTime::fromMSecsSinceEpoch(std::int64_t(at.x())).toString(QStringLiteral("HH:mm:ss"));
    const QString value = showingRate() ? tr("%1 per second").arg(rateText(p.y())) : numberText(p.y());
    return tr("%1\n%2\n%3").arg(who, when, value);
}

void SeriesChartView::updateChart()
{
    m_drawn.start();
    const auto tl = m_timeline;
    const bool rate = showingRate();
    const std::int64_t window = rateWindow();
    QSet<QString> keep;
    double lo = INFINITY, hi = -INFINITY;
    double mlo = INFINITY, mhi = -INFINITY;
    std::int64_t first = tl ? tl->toMs : 0;
    // Steps from `raw` (made a rate first when `rated`) up to `endMs` (where
    // a dead pid's line ends): the value holds until the next point; a
    // point not present ends the line. `upper`: the small chart above.
    auto plot = [&](const QString &name, const std::vector<TimelinePoint> &raw, bool rated, bool upper,
                    std::int64_t endMs) {
        const std::vector<TimelinePoint> pts = rated ? counterRate(raw, window, endMs) : raw;
        QList<QPointF> out;
        out.reserve(qsizetype(pts.size()) * 2 + 1);
        bool have = false;
        double last = 0.0;
        for (const auto &p : pts) {
            if (p.timeMs > endMs)
                break;
            const double x = double(std::max(p.timeMs, tl->fromMs));
            if (!p.present || !std::isfinite(p.value)) {
                if (have)
                    out.append(QPointF(x, last)); // the line ends here
                have = false;
                continue;
            }
            if (have)
                out.append(QPointF(x, last)); // steps: the value held until now
            out.append(QPointF(x, p.value));
            last = p.value;
            have = true;
            (upper ? mlo : lo) = std::min(upper ? mlo : lo, p.value);
            (upper ? mhi : hi) = std::max(upper ? mhi : hi, p.value);
            first = std::min<std::int64_t>(first, std::int64_t(x));
        }
        if (have && double(endMs) > out.back().x())
            out.append(QPointF(double(std::max(endMs, tl->fromMs)), last));
        if (out.isEmpty())
            return QString();
        QLineSeries *line = lineFor(name, upper);
        // Few points: show them, so a value seen once is not invisible.
        if (line->pointsVisible() != (out.size() < 60))
            line->setPointsVisible(out.size() < 60);
        line->replace(out);
        if (line->isVisible() == m_hidden.contains(name))
            line->setVisible(!m_hidden.contains(name));
        keep.insert(name);
        const QString unit = rate ? tr("/s") : QString();
        // The legend says the last value, NaN included.
        return pts.empty() || !pts.back().present ? QString()
                                                  : QString(QStringLiteral(" = ")
                                                            + (rate ? rateText(pts.back().value) : numberText(pts.back().value))
                                                            + unit);
    };
    QList<std::pair<QString, QString>> legend;
    int shown = 0;
    m_othersCount = 0;
    if (tl) {
        // Ranked by what is shown: the value, or the rate now (a dead pid's
        // falls to 0 once its last increase has left the window).
        std::vector<PidTimeline> rates;
        if (rate) {
            rates.reserve(tl->pids.size());
            for (const auto &p : tl->pids)
                rates.push_back({p.pid, counterRate(p.points, window, tl->toMs)});
        }
        const std::vector<PidTimeline> &shownLines = rate ? rates : tl->pids;
        std::vector<bool> running(tl->pids.size(), false);
        for (std::size_t i = 0; i < tl->pids.size(); ++i) {
            const ProcessStatus *ps = m_snapshot ? m_snapshot->process(tl->pids[i].pid) : nullptr;
            running[i] = ps && ps->liveness == Liveness::Alive;
        }
        const PidRanking ranking = rankPids(shownLines, topCount(), running);
        m_othersCount = int(ranking.others.size());
        const QString mergedText = plot(QString(), tl->merged, rate, true, tl->toMs);
        if (keep.contains(QString()))
            legend.append({QString(), lineLabel(QString()) + mergedText});
        if (!ranking.others.empty()) {
            const QString othersText = plot(othersLine(), ranking.othersSum, false, true, tl->toMs);
            if (keep.contains(othersLine()))
                legend.append({othersLine(), lineLabel(othersLine()) + othersText});
        }
        for (const std::size_t i : ranking.top) {
            const PidTimeline &p = tl->pids[i];
            const ProcessStatus *ps = m_snapshot ? m_snapshot->process(p.pid) : nullptr;
            const bool dead = ps && ps->liveness == Liveness::Dead;
            // A dead pid's line ends where it last wrote (or was last seen
            // to change), not at now.
            std::int64_t endMs = tl->toMs;
            if (dead) {
                endMs = p.points.empty() ? tl->fromMs : p.points.back().timeMs;
                if (ps->lastWriteMs > endMs)
                    endMs = std::min(ps->lastWriteMs, tl->toMs);
            }
            const QString pid = QString::fromStdString(p.pid);
            const QString text = plot(pid, p.points, rate, false, endMs);
            const QString label = lineLabel(pid, dead);
            if (QLineSeries *line = m_lines.value(pid); line && keep.contains(pid)) {
                if (line->name() != label)
                    line->setName(label);
                // Only on change: each of these lays the chart out again.
                const qreal width = dead ? 1.5 : 2.0;
                if (line->pen().widthF() != width) {
                    QPen pen = line->pen();
                    pen.setWidthF(width);
                    line->setPen(pen);
                }
            }
            legend.append({pid, label + text});
            ++shown;
        }
    }
    for (auto it = m_lines.begin(); it != m_lines.end();) {
        if (!keep.contains(it.key())) {
            (*it)->chart()->removeSeries(*it);
            delete *it;
            it = m_lines.erase(it);
        } else {
            ++it;
        }
    }
    if (QLineSeries *others = m_lines.value(othersLine()); others && others->name() != lineLabel(othersLine()))
        others->setName(lineLabel(othersLine()));
    updateLegend(legend);
    updateUpperChart();
    m_note->setVisible(m_othersCount > 0);
    if (m_othersCount > 0)
        m_note->setText((rate ? tr("Lines for the %n pid(s) with the highest rates, running ones first; the other %1 "
                                   "are summed in the “others” line above. The table lists every pid.",
                                   nullptr, shown)
                              : tr("Lines for the %n pid(s) with the highest values, running ones first; the other "
                                   "%1 are summed in the “others” line above. The table lists every pid.",
                                   nullptr, shown))
                            .arg(m_othersCount));
    const QString what = rate ? m_mode->currentText() : tr("Value");
    if (m_axisY->titleText() != what)
        m_axisY->setTitleText(what);
    if (!m_following)
        return; // the user zoomed or panned: the ranges are theirs
    // Padding, but never below zero for data that is not.
    auto range = [](QValueAxis *axis, double lo, double hi) {
        const double pad = hi > lo ? (hi - lo) * 0.08 : std::max(1.0, std::abs(hi) * 0.1);
        const double min = lo >= 0 ? std::max(0.0, lo - pad) : lo - pad;
        axis->setRange(min, hi + pad);
        axis->applyNiceNumbers();
        if (lo >= 0 && axis->min() < 0)
            axis->setMin(0);
    };
    if (tl && (std::isfinite(lo) || std::isfinite(mlo))) {
        const std::int64_t from = std::min(first, tl->toMs - 1000);
        m_axisX->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(tl->toMs));
    }
    if (tl && std::isfinite(lo))
        range(m_axisY, lo, hi);
    if (tl && std::isfinite(mlo)) {
        // The small chart has room for three or four labels: a round step
        // that gives as many (applyNiceNumbers made six, elided to "…").
        const double pad = mhi > mlo ? (mhi - mlo) * 0.08 : std::max(1.0, std::abs(mhi) * 0.1);
        double lo2 = mlo >= 0 ? std::max(0.0, mlo - pad) : mlo - pad;
        const double raw = (mhi + pad - lo2) / 3.0;
        const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
        const double step = magnitude * (raw <= magnitude ? 1 : raw <= 2 * magnitude ? 2 : raw <= 5 * magnitude ? 5 : 10);
        lo2 = std::floor(lo2 / step) * step;
        const double hi2 = std::ceil((mhi + pad) / step) * step;
        m_axisMerged->setTickType(QValueAxis::TicksDynamic);
        m_axisMerged->setTickAnchor(0.0);
        m_axisMerged->setTickInterval(step);
        m_axisMerged->setRange(lo2, hi2);
    }
}

} // namespace promdir
