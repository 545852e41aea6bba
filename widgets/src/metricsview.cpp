#include "promdir/metricsview.h"

#include "promdir/pidvaluesmodel.h"
#include "promdir/tableactions.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace promdir {

MetricsView::MetricsView(QWidget *parent)
    : QWidget(parent)
    , m_model(new MetricsModel(this))
    , m_proxy(new MetricsFilterModel(this))
    , m_filter(new QLineEdit(this))
    , m_tree(new QTreeView(this))
{
    m_proxy->setSourceModel(m_model);
    m_filter->setPlaceholderText(tr("Filter by name or label…"));
    m_filter->setClearButtonEnabled(true);
    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->header()->setStretchLastSection(true);
    // Sorting by any column (the merged value as a number); none at first:
    // the exposition's order.
    m_tree->header()->setSortIndicator(-1, Qt::AscendingOrder);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(-1, Qt::AscendingOrder);
    for (int c = MetricsModel::FirstLabelColumn; c < MetricsModel::FirstLabelColumn + MetricsModel::kLabelColumns; ++c)
        m_tree->setColumnWidth(c, 90);
    m_tree->setColumnWidth(MetricsModel::NameColumn, 300);
    m_tree->setColumnWidth(MetricsModel::TypeColumn, 120);
    m_tree->setColumnWidth(MetricsModel::ValueColumn, 110);
    m_tree->setColumnWidth(MetricsModel::SeriesColumn, 60);
    // Copy Rows and Export as CSV, as every table has; each row says its
    // family, since a series row names only its labels.
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    addTableActions(m_tree, tr("Family"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty())
            m_tree->expandAll();
    });
    // Type, value and series count as wide as they need (German headers
    // and gauge modes are long); only the rows on screen are measured.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        for (int c : {MetricsModel::TypeColumn, MetricsModel::ValueColumn, MetricsModel::SeriesColumn})
            m_tree->resizeColumnToContents(c);
        showLabelColumns();
    });
    connect(m_model, &QAbstractItemModel::layoutChanged, this, [this] { showLabelColumns(); });
    // Label values are known once a family is open: fit them then.
    connect(m_tree, &QTreeView::expanded, this, [this] { fitLabelColumns(); });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { onCurrentChanged(current); });
}

void MetricsView::setSnapshot(const SnapshotPtr &snapshot)
{
    // Keep what was selected across a reset (new families or series).
    const QModelIndex cur = m_proxy->mapToSource(m_tree->currentIndex());
    const QString family = cur.isValid() ? cur.data(MetricsModel::FamilyNameRole).toString() : QString();
    const int row = cur.isValid() && cur.parent().isValid() ? cur.row() : -1;
    m_model->setSnapshot(snapshot);
    if (!m_filter->text().isEmpty())
        m_tree->expandAll();
    const QModelIndex now = m_proxy->mapToSource(m_tree->currentIndex());
    if (!family.isEmpty() && !now.isValid())
        select(family, row);
}

void MetricsView::showLabelColumns()
{
    // Only as many label columns as some family fills.
    int used = 0;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const int n = int(m_model->labelNames(m_model->index(r, 0)).size());
        if (n <= MetricsModel::kLabelColumns)
            used = std::max(used, n);
    }
    for (int i = 0; i < MetricsModel::kLabelColumns; ++i)
        m_tree->setColumnHidden(MetricsModel::FirstLabelColumn + i, i >= used);
}

void MetricsView::fitLabelColumns()
{
    for (int i = 0; i < MetricsModel::kLabelColumns; ++i) {
        const int c = MetricsModel::FirstLabelColumn + i;
        if (m_tree->isColumnHidden(c))
            continue;
        m_tree->resizeColumnToContents(c);
        m_tree->setColumnWidth(c, std::clamp(m_tree->columnWidth(c), 60, 260));
    }
}

void MetricsView::clear()
{
    m_filter->clear();
    m_model->setSnapshot(nullptr);
    m_lastKey.clear();
}

bool MetricsView::select(const QString &family, int sample)
{
    const QModelIndex src = m_model->indexOf(family, sample);
    const QModelIndex idx = m_proxy->mapFromSource(src);
    if (!idx.isValid())
        return false;
    if (idx.parent().isValid())
        m_tree->expand(idx.parent());
    m_tree->setCurrentIndex(idx);
    m_tree->scrollTo(idx);
    return true;
}

void MetricsView::onCurrentChanged(const QModelIndex &current)
{
    const QModelIndex src = m_proxy->mapToSource(current);
    const MetricFamily *f = m_model->family(src);
    if (!f)
        return;
    MetricSelection sel;
    sel.family = QString::fromStdString(f->name);
    sel.type = f->type;
    sel.mode = f->mode;
    if (const Sample *s = m_model->sample(src)) {
        sel.series = seriesForSample(*f, *s);
        sel.sampleLabels = s->labels;
    }
    // Only a different selection is news; a refresh of the same is not.
    const std::string key = sel.family.toStdString() + '\x1d' + std::string(toString(sel.mode)) + '\x1d'
        + sel.series.key() + '\x1d' + SeriesId{{}, {}, sel.sampleLabels}.key();
    if (key == m_lastKey)
        return;
    m_lastKey = key;
    Q_EMIT selectionChanged(sel);
}

} // namespace promdir
