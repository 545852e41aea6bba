#include "promdir/histogrammodel.h"

#include "promdir/format/floatformat.h"
#include "promdir/metricsmodel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace promdir {

double histogramQuantile(double q, std::vector<Bucket> buckets)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(q))
        return nan;
    if (q < 0)
        return -std::numeric_limits<double>::infinity();
    if (q > 1)
        return std::numeric_limits<double>::infinity();
    std::stable_sort(buckets.begin(), buckets.end(),
                     [](const Bucket &a, const Bucket &b) { return a.upperBound < b.upperBound; });
    if (buckets.size() < 2 || !std::isinf(buckets.back().upperBound) || buckets.back().upperBound < 0)
        return nan;
    // Counts must not decrease (a scrape can catch buckets mid-update).
    for (std::size_t i = 1; i < buckets.size(); ++i)
        buckets[i].cumulative = std::max(buckets[i].cumulative, buckets[i - 1].cumulative);
    const double observations = buckets.back().cumulative;
    if (observations == 0 || std::isnan(observations))
        return nan;
    double rank = q * observations;
    const auto it = std::lower_bound(buckets.begin(), buckets.end(), rank,
                                     [](const Bucket &b, double r) { return b.cumulative < r; });
    const std::size_t b = std::size_t(it - buckets.begin());
    if (b == buckets.size() - 1)
        return buckets[buckets.size() - 2].upperBound;
    if (b == 0 && buckets[0].upperBound <= 0)
        return buckets[0].upperBound;
    double start = 0.0;
    const double end = buckets[b].upperBound;
    double count = buckets[b].cumulative;
    if (b > 0) {
        start = buckets[b - 1].upperBound;
        count -= buckets[b - 1].cumulative;
        rank -= buckets[b - 1].cumulative;
    }
    return start + (end - start) * (rank / count);
}

std::vector<HistogramSeries> histogramSeries(const MetricFamily &family)
{
    std::vector<HistogramSeries> out;
    std::map<Labels, std::size_t> index;
    auto group = [&](const Labels &labels) -> HistogramSeries & {
        auto [it, inserted] = index.try_emplace(labels, out.size());
        if (inserted)
            out.push_back({labels, {}, 0.0, 0.0, false});
        return out[it->second];
    };
    const std::string bucket = family.name + "_bucket", sum = family.name + "_sum", count = family.name + "_count";
    for (const auto &s : family.samples) {
        Labels labels;
        std::optional<double> le;
        for (const auto &l : s.labels) {
            if (l.first == "le")
                le = pythonFloat(l.second);
            else
                labels.push_back(l);
        }
        HistogramSeries &h = group(labels);
        if (s.name == bucket && le)
            h.buckets.push_back({*le, s.value});
        else if (s.name == sum) {
            h.sum = s.value;
            h.hasSum = true;
        } else if (s.name == count)
            h.count = s.value;
    }
    return out;
}

HistogramModel::HistogramModel(QObject *parent)
    : SnapshotTableModel(parent)
{
}

void HistogramModel::setSnapshot(const SnapshotPtr &snapshot)
{
    m_snapshot = snapshot;
    rebuild();
}

void HistogramModel::setSeries(const QString &family, const Labels &labels)
{
    m_family = family;
    m_labels = labels;
    rebuild();
}

void HistogramModel::rebuild()
{
    HistogramSeries found;
    bool ok = false;
    if (m_snapshot && m_snapshot->result) {
        const std::string name = m_family.toStdString();
        for (const auto &f : m_snapshot->result->families) {
            if (f.name != name || f.type != MetricType::Histogram)
                continue;
            for (auto &h : histogramSeries(f)) {
                if (h.labels == m_labels) {
                    found = std::move(h);
                    ok = true;
                    break;
                }
            }
        }
    }
    std::vector<std::string> keys;
    for (const auto &b : found.buckets)
        keys.push_back(floatToGoString(b.upperBound));
    update(std::move(keys), [&] {
        m_series = std::move(found);
        m_found = ok;
    });
}

int HistogramModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_series.buckets.size());
}

int HistogramModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistogramModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || std::size_t(index.row()) >= m_series.buckets.size())
        return {};
    const std::size_t r = std::size_t(index.row());
    const Bucket &b = m_series.buckets[r];
    const double inBucket = b.cumulative - (r > 0 ? m_series.buckets[r - 1].cumulative : 0.0);
    switch (role) {
    case KeyRole:
        return keyAt(index.row());
    case Qt::DisplayRole:
        switch (index.column()) {
        case BoundColumn:
            return tr("≤ %1").arg(valueText(b.upperBound));
        case CountColumn:
            return valueText(inBucket);
        case CumulativeColumn:
            return valueText(b.cumulative);
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case BoundColumn:
            return b.upperBound;
        case CountColumn:
            return inBucket;
        case CumulativeColumn:
            return b.cumulative;
        }
        return {};
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant HistogramModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case BoundColumn:
        return tr("Upper bound (le)");
    case CountColumn:
        return tr("In bucket");
    case CumulativeColumn:
        return tr("Cumulative");
    }
    return {};
}

} // namespace promdir
