#include "promdir/histogramview.h"
#include "familychoice_p.h"

#include "promdir/tableactions.h"

#include "promdir/metricsmodel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QLocale>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace promdir {

namespace {
QString quantileValue(double v)
{
    // An estimate: six significant digits say all it knows.
    return std::isnan(v) ? HistogramView::tr("n/a") : QLocale().toString(v, 'g', 6);
}
} // namespace

HistogramView::HistogramView(QWidget *parent)
    : QWidget(parent)
    , m_model(new HistogramModel(this))
    , m_families(new QComboBox(this))
    , m_labelSets(new QComboBox(this))
    , m_quantiles(new QLabel(this))
    , m_chart(new QChart)
    , m_chartView(new QChartView(m_chart, this))
    , m_bars(new QBarSeries)
    , m_axisX(new QBarCategoryAxis)
    , m_axisY(new QValueAxis)
    , m_table(new QTableView(this))
{
    m_families->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_families->setMinimumContentsLength(20);
    m_labelSets->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_labelSets->setMinimumContentsLength(20);
    m_quantiles->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = m_quantiles->font();
    f.setBold(true);
    m_quantiles->setFont(f);

    m_chart->addSeries(m_bars);
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    m_bars->attachAxis(m_axisX);
    m_bars->attachAxis(m_axisY);
    m_axisX->setTitleText(tr("Upper bound (le)"));
    m_axisY->setTitleText(tr("Observations in bucket"));
    m_axisY->setLabelFormat(QStringLiteral("%.6g"));
    m_chart->legend()->hide();
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setLocalizeNumbers(true);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(220);

    m_table->setModel(m_model);
    addTableActions(m_table);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);

    auto *top = new QHBoxLayout;
    auto *fl = new QLabel(tr("&Histogram:"), this);
    fl->setBuddy(m_families);
    auto *ll = new QLabel(tr("&Labels:"), this);
    ll->setBuddy(m_labelSets);
    top->addWidget(fl);
    top->addWidget(m_families);
    top->addWidget(ll);
    top->addWidget(m_labelSets);
    top->addStretch(1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chartView);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_quantiles);
    layout->addWidget(split, 1);

    connect(m_families, &QComboBox::currentTextChanged, this, [this] {
        fillLabelSets();
        const int i = m_labelSets->currentIndex();
        m_model->setSeries(m_families->currentText(), i >= 0 && std::size_t(i) < m_sets.size() ? m_sets[std::size_t(i)] : Labels{});
        updateChart();
    });
    connect(m_labelSets, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0 && std::size_t(i) < m_sets.size()) {
            m_model->setSeries(m_families->currentText(), m_sets[std::size_t(i)]);
            updateChart();
        }
    });
    updateChart();
}

void HistogramView::setSnapshot(const SnapshotPtr &snapshot)
{
    m_snapshot = snapshot;
    fillFamilyChoice(m_families, snapshot, MetricType::Histogram, m_model->familyName());
    fillLabelSets();
    applyWanted();
    const int i = m_labelSets->currentIndex();
    const Labels labels = i >= 0 && std::size_t(i) < m_sets.size() ? m_sets[std::size_t(i)] : Labels{};
    if (m_model->familyName() != m_families->currentText() || !(m_model->labels() == labels))
        m_model->setSeries(m_families->currentText(), labels);
    m_model->setSnapshot(snapshot);
    updateChart();
}

void HistogramView::setSeries(const QString &family, const Labels &labels)
{
    m_wantedFamily = family;
    m_wantedLabels.clear();
    for (const auto &l : labels)
        if (l.first != "le")
            m_wantedLabels.push_back(l);
    applyWanted();
}

void HistogramView::applyWanted()
{
    if (m_wantedFamily.isEmpty())
        return;
    const int at = m_families->findText(m_wantedFamily);
    if (at < 0)
        return;
    m_families->setCurrentIndex(at);
    fillLabelSets();
    for (std::size_t i = 0; i < m_sets.size(); ++i)
        if (m_sets[i] == m_wantedLabels)
            m_labelSets->setCurrentIndex(int(i));
    m_wantedFamily.clear();
}

void HistogramView::fillLabelSets()
{
    std::vector<Labels> sets;
    const std::string name = m_families->currentText().toStdString();
    if (m_snapshot && m_snapshot->result)
        for (const auto &f : m_snapshot->result->families)
            if (f.name == name && f.type == MetricType::Histogram)
                for (const auto &h : histogramSeries(f))
                    sets.push_back(h.labels);
    if (sets == m_sets)
        return;
    const Labels keep = m_model->labels();
    m_sets = std::move(sets);
    const QSignalBlocker block(m_labelSets);
    m_labelSets->clear();
    int select = m_sets.empty() ? -1 : 0;
    for (std::size_t i = 0; i < m_sets.size(); ++i) {
        m_labelSets->addItem(m_sets[i].empty() ? tr("(no labels)") : labelsText(m_sets[i]));
        if (m_sets[i] == keep)
            select = int(i);
    }
    m_labelSets->setCurrentIndex(select);
    m_labelSets->setEnabled(m_sets.size() > 1);
}

QString HistogramView::quantileText() const
{
    const HistogramSeries *h = m_model->series();
    if (!h)
        return tr("No histogram selected.");
    return tr("p50 ≈ %1   p90 ≈ %2   p99 ≈ %3   (count %4, sum %5)")
        .arg(quantileValue(histogramQuantile(0.5, h->buckets)), quantileValue(histogramQuantile(0.9, h->buckets)),
             quantileValue(histogramQuantile(0.99, h->buckets)), valueText(h->count), valueText(h->sum));
}

void HistogramView::updateChart()
{
    m_quantiles->setText(quantileText());
    const HistogramSeries *h = m_model->series();
    QStringList categories;
    QList<qreal> values;
    double top = 1.0;
    if (h) {
        double prev = 0.0;
        for (const auto &b : h->buckets) {
            categories << valueText(b.upperBound);
            const double n = b.cumulative - prev;
            values << n;
            top = std::max(top, n);
            prev = b.cumulative;
        }
    }
    if (categories != m_categories || m_bars->count() == 0) {
        m_bars->clear();
        auto *set = new QBarSet(tr("In bucket"));
        set->setColor(QColor(0xb5, 0x65, 0x1d));
        set->append(values);
        m_bars->append(set);
        m_axisX->clear();
        m_axisX->append(categories);
        m_categories = categories;
    } else {
        QBarSet *set = m_bars->barSets().constFirst();
        for (int i = 0; i < values.size(); ++i)
            set->replace(i, values[i]);
    }
    m_axisY->setRange(0, top * 1.1);
    m_axisY->applyNiceNumbers();
}

} // namespace promdir
