#include "promdir/serieschartview.h"

#include "promdir/displayformat.h"
#include "promdir/icons.h"
#include "promdir/processmodel.h"
#include "promdir/tableactions.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHeaderView>
#include <QLabel>
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

namespace promdir {

namespace {
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
    , m_axisMerged(new QValueAxis)
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
    m_axisMerged->setTitleText(tr("Merged value"));
    m_axisMerged->setLabelFormat(QStringLiteral("%.6g"));
    m_chart->addAxis(m_axisMerged, Qt::AlignRight);
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
    });
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setLocalizeNumbers(true);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(220);

    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(SnapshotTableModel::SortRole);
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

    auto *chartRow = new QSplitter(Qt::Horizontal, this);
    chartRow->addWidget(m_chartView);
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
    auto *top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(m_resetZoom);
    top->addWidget(savePng);
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
    if (!timeline || !(timeline->series == m_model->series()))
        return;
    m_timeline = timeline;
    updateChart();
}

QLineSeries *SeriesChartView::lineFor(const QString &name, bool merged)
{
    auto it = m_lines.find(name);
    if (it != m_lines.end())
        return *it;
    auto *line = new QLineSeries;
    line->setName(merged ? tr("merged") : tr("pid %1").arg(name));
    m_chart->addSeries(line);
    line->attachAxis(m_axisX);
    line->attachAxis(merged ? m_axisMerged : m_axisY);
    QPen pen(colourOf(name));
    pen.setWidthF(merged ? 3.0 : 2.0);
    line->setPen(pen);
    m_lines.insert(name, line);
    return line;
}

QColor SeriesChartView::colourOf(const QString &pid) const
{
    if (pid.isEmpty())
        return QColor(0x20, 0x20, 0x20);
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

void SeriesChartView::updateChart()
{
    const auto tl = m_timeline;
    QSet<QString> keep;
    double lo = INFINITY, hi = -INFINITY;
    double mlo = INFINITY, mhi = -INFINITY;
    std::int64_t first = tl ? tl->toMs : 0;
    auto plot = [&](const QString &name, const std::vector<TimelinePoint> &pts, bool merged, bool dead) {
        QList<QPointF> out;
        out.reserve(qsizetype(pts.size()) * 2 + 1);
        bool have = false;
        double last = 0.0;
        for (const auto &p : pts) {
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
            (merged ? mlo : lo) = std::min(merged ? mlo : lo, p.value);
            (merged ? mhi : hi) = std::max(merged ? mhi : hi, p.value);
            first = std::min<std::int64_t>(first, std::int64_t(x));
        }
        if (have)
            out.append(QPointF(double(tl->toMs), last));
        if (out.isEmpty())
            return;
        QLineSeries *line = lineFor(name, merged);
        if (!merged) {
            // Only on change: each of these lays the legend out again.
            const Qt::PenStyle style = dead ? Qt::DashLine : Qt::SolidLine;
            if (line->pen().style() != style) {
                QPen pen = line->pen();
                pen.setStyle(style);
                pen.setWidthF(dead ? 1.5 : 2.0);
                line->setPen(pen);
            }
            const QString label = dead ? tr("pid %1 (dead)").arg(name) : tr("pid %1").arg(name);
            if (line->name() != label)
                line->setName(label);
        }
        // Few points: show them, so a value seen once is not invisible.
        if (line->pointsVisible() != (out.size() < 60))
            line->setPointsVisible(out.size() < 60);
        line->replace(out);
        if (line->isVisible() == m_hidden.contains(name))
            line->setVisible(!m_hidden.contains(name));
        keep.insert(name);
    };
    QList<std::pair<QString, QString>> legend;
    auto lastText = [](const std::vector<TimelinePoint> &pts) {
        return pts.empty() || !pts.back().present ? QString() : QString(QStringLiteral(" = ") + numberText(pts.back().value));
    };
    int shown = 0, total = 0;
    if (tl) {
        if (!tl->merged.empty())
            legend.append({QString(), tr("merged") + lastText(tl->merged)});
        total = int(tl->pids.size());
        // Running processes first: with many recycled workers they are the
        // ones worth a line.
        for (const bool wantDead : {false, true}) {
            for (const auto &p : tl->pids) {
                if (shown >= kMaxLines)
                    break;
                const ProcessStatus *ps = m_snapshot ? m_snapshot->process(p.pid) : nullptr;
                const bool dead = ps && ps->liveness == Liveness::Dead;
                if (dead != wantDead)
                    continue;
                const QString pid = QString::fromStdString(p.pid);
                plot(pid, p.points, false, dead);
                legend.append({pid, (dead ? tr("pid %1 (dead)").arg(pid) : tr("pid %1").arg(pid)) + lastText(p.points)});
                ++shown;
            }
        }
        plot(QString(), tl->merged, true, false);
    }
    for (auto it = m_lines.begin(); it != m_lines.end();) {
        if (!keep.contains(it.key())) {
            m_chart->removeSeries(*it);
            delete *it;
            it = m_lines.erase(it);
        } else {
            ++it;
        }
    }
    updateLegend(legend);
    m_note->setVisible(total > shown);
    if (total > shown)
        m_note->setText(tr("Showing %1 of %2 pids; the table lists all.").arg(shown).arg(total));
    if (!m_following)
        return; // the user zoomed or panned: the ranges are theirs
    if (tl && std::isfinite(lo)) {
        const double pad = hi > lo ? (hi - lo) * 0.08 : std::max(1.0, std::abs(hi) * 0.1);
        m_axisY->setRange(lo - pad, hi + pad);
        const std::int64_t from = std::min(first, tl->toMs - 1000);
        m_axisX->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(tl->toMs));
        m_axisY->applyNiceNumbers();
    }
    m_axisMerged->setVisible(tl && std::isfinite(mlo));
    if (tl && std::isfinite(mlo)) {
        const double pad = mhi > mlo ? (mhi - mlo) * 0.08 : std::max(1.0, std::abs(mhi) * 0.1);
        m_axisMerged->setRange(mlo - pad, mhi + pad);
        m_axisMerged->applyNiceNumbers();
        if (!std::isfinite(lo)) {
            const std::int64_t from = std::min(first, tl->toMs - 1000);
            m_axisX->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(tl->toMs));
        }
    }
}

} // namespace promdir
