#include "promdir/filesmodel.h"

#include "promdir/displayformat.h"
#include "promdir/format/floatformat.h"
#include "promdir/metricsmodel.h"
#include "promdir/problemtext.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <limits>

namespace promdir {

FilesModel::FilesModel(QObject *parent)
    : SnapshotTableModel(parent)
{
}

QString FilesModel::staleText(unsigned flags)
{
    QStringList why;
    if (flags & StaleDeadLiveGauge)
        why << tr("live gauge of a dead pid");
    if (flags & StaleDeadGauge)
        why << tr("gauge of a dead pid");
    if (flags & StaleNotModified)
        why << tr("not modified for long");
    return why.join(QLatin1String(", "));
}

namespace {
std::string keyOf(const Problem &p)
{
    return "\x1f" + p.file + p.message;
}
} // namespace

void FilesModel::setSnapshot(const SnapshotPtr &snapshot)
{
    std::vector<Row> rows;
    std::vector<std::uint64_t> stamps;
    if (snapshot && snapshot->result) {
        const auto &load = snapshot->result->load;
        rows.reserve(load.files.size() + load.problems.size());
        stamps.reserve(rows.capacity());
        for (std::size_t i = 0; i < load.files.size(); ++i) {
            const unsigned stale = i < snapshot->fileStale.size() ? snapshot->fileStale[i] : 0u;
            rows.push_back({load.files[i], stale, {}});
            // A file read again is a new object; one kept is the same.
            std::uint64_t st = kStampSeed;
            stampAdd(st, load.files[i].get());
            stampAdd(st, stale);
            stamps.push_back(st);
        }
        for (const auto &p : load.problems) {
            rows.push_back({nullptr, 0u, std::shared_ptr<const Problem>(snapshot->result, &p)});
            stamps.push_back(kStampSeed);
        }
    }
    m_typeTexts.clear();
    for (const MetricType t : {MetricType::Counter, MetricType::Gauge, MetricType::Histogram, MetricType::Summary})
        m_typeTexts.push_back(typeText(t));
    m_staleTexts.clear();
    for (unsigned flags = 0; flags < 8; ++flags)
        m_staleTexts.push_back(staleText(flags));
    const auto rowKey = [](const Row &r) { return r.file ? r.file->name : keyOf(*r.problem); };
    const bool reset = !snapshot || snapshot->sequence <= 1;
    const bool problems = std::any_of(rows.begin(), rows.end(), [](const Row &r) { return !r.file; })
                          || std::any_of(m_rows.begin(), m_rows.end(), [](const Row &r) { return !r.file; });
    if (reset || problems || rows.empty() || m_rows.empty()) {
        std::vector<std::string> keys;
        keys.reserve(rows.size());
        for (const Row &r : rows)
            keys.push_back(rowKey(r));
        updateRows(m_rows, std::move(rows), std::move(keys), std::move(stamps), reset);
        return;
    }
    // Workers recycled: most files are the objects shown already, the rest
    // found by name, both lists in name order. Matched by one walk that
    // looks at a name only where the objects differ, instead of copying
    // and comparing 70,000 names per refresh; a list in another order only
    // gives more rows removed and inserted, never wrong ones (each row that
    // stays has its name).
    const std::optional<Splice> splice = mergeWalk(m_rows.size(), rows.size(), [&](std::size_t i, std::size_t j) {
        return m_rows[i].file == rows[j].file ? 0 : m_rows[i].file->name.compare(rows[j].file->name);
    });
    if (!splice) {
        std::vector<std::string> keys;
        keys.reserve(rows.size());
        for (const Row &r : rows)
            keys.push_back(rowKey(r));
        updateRows(m_rows, std::move(rows), std::move(keys), std::move(stamps), false);
        return;
    }
    spliceRows(m_rows, std::move(rows), *splice, rowKey, std::move(stamps));
}

const QString &FilesModel::cachedStaleText(unsigned flags) const
{
    return flags < m_staleTexts.size() ? m_staleTexts[flags] : m_staleTexts.front();
}

bool FilesModel::lessThan(int left, int right, int column) const
{
    const Row &a = m_rows[std::size_t(left)], &b = m_rows[std::size_t(right)];
    if (!a.file || !b.file) {
        // Problems of the source itself after the files, in their order.
        if (a.file || b.file)
            return a.file != nullptr;
        return SnapshotTableModel::lessThan(left, right, column);
    }
    const ParsedFile &f = *a.file, &g = *b.file;
    switch (column) {
    case NameColumn:
        return f.name < g.name;
    case TypeColumn: {
        const QString &x = f.fileName.valid ? m_typeTexts[std::size_t(f.fileName.type)] : QString();
        const QString &y = g.fileName.valid ? m_typeTexts[std::size_t(g.fileName.type)] : QString();
        return x < y;
    }
    case ModeColumn:
        return toString(f.fileName.mode) < toString(g.fileName.mode);
    case PidColumn:
        return pidLess(f.fileName.pid, g.fileName.pid);
    case GenerationColumn:
        return f.generation < g.generation;
    case SizeColumn:
        return f.size < g.size;
    case UsedColumn:
        return f.used < g.used;
    case EntriesColumn:
        return f.entries.size() < g.entries.size();
    case StaleColumn:
        return a.stale != b.stale && cachedStaleText(a.stale) < cachedStaleText(b.stale);
    case ProblemsColumn:
        return f.problems.size() < g.problems.size();
    }
    return SnapshotTableModel::lessThan(left, right, column);
}

namespace {
// Each distinct text's place in sorted order.
std::vector<double> ranksOf(const std::vector<QString> &texts)
{
    std::vector<QString> sorted = texts;
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> ranks;
    for (const QString &t : texts)
        ranks.push_back(double(std::lower_bound(sorted.begin(), sorted.end(), t) - sorted.begin()));
    return ranks;
}
} // namespace

std::vector<double> FilesModel::sortKeys(int column) const
{
    std::vector<double> keys(m_rows.size(), std::numeric_limits<double>::max()); // source problems last
    std::vector<double> ranks;
    if (column == TypeColumn) {
        std::vector<QString> texts = m_typeTexts;
        texts.push_back(QString()); // a name that is not a metrics file's
        ranks = ranksOf(texts);
    } else if (column == StaleColumn) {
        ranks = ranksOf(m_staleTexts);
    } else if (column == ModeColumn) {
        std::vector<QString> texts;
        for (int m = 0; m <= int(GaugeMode::LiveMostRecent); ++m)
            texts.push_back(QString::fromUtf8(toString(GaugeMode(m))));
        ranks = ranksOf(texts);
    }
    std::vector<std::string_view> pids;
    if (column == PidColumn) {
        for (const Row &r : m_rows)
            pids.push_back(r.file ? std::string_view(r.file->fileName.pid) : std::string_view());
        const std::vector<double> pk = pidKeys(pids);
        for (std::size_t i = 0; i < m_rows.size(); ++i)
            if (m_rows[i].file)
                keys[i] = pk[i];
        return keys;
    }
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const Row &r = m_rows[i];
        if (!r.file)
            continue;
        const ParsedFile &f = *r.file;
        switch (column) {
        case NameColumn:
            keys[i] = double(i); // the files come sorted by name
            break;
        case TypeColumn:
            keys[i] = ranks[f.fileName.valid ? std::size_t(f.fileName.type) : ranks.size() - 1];
            break;
        case ModeColumn:
            keys[i] = std::size_t(f.fileName.mode) < ranks.size() ? ranks[std::size_t(f.fileName.mode)] : 0.0;
            break;
        case GenerationColumn:
            keys[i] = f.generation;
            break;
        case SizeColumn:
            keys[i] = double(f.size);
            break;
        case UsedColumn:
            keys[i] = double(f.used);
            break;
        case EntriesColumn:
            keys[i] = double(f.entries.size());
            break;
        case StaleColumn:
            keys[i] = r.stale < ranks.size() ? ranks[r.stale] : 0.0;
            break;
        case ProblemsColumn:
            keys[i] = double(f.problems.size());
            break;
        default:
            return {};
        }
    }
    return keys;
}

bool FilesModel::filterAccepts(int row, const QString &needle) const
{
    const Row &r = m_rows[std::size_t(row)];
    if (!r.file)
        return filterText(row).contains(needle, Qt::CaseInsensitive);
    // Names are ASCII in practice: compared in place, ignoring ASCII case.
    bool ascii = true;
    for (const QChar c : needle)
        ascii = ascii && c.unicode() < 0x80;
    if (!ascii)
        return filterText(row).contains(needle, Qt::CaseInsensitive);
    const std::string &name = r.file->name;
    const auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : char(c); };
    const auto it = std::search(name.begin(), name.end(), needle.begin(), needle.end(), [&](char a, QChar b) {
        return lower(static_cast<unsigned char>(a)) == lower(static_cast<unsigned char>(b.unicode()));
    });
    if (it != name.end() || needle.isEmpty())
        return true;
    if (r.stale && cachedStaleText(r.stale).contains(needle, Qt::CaseInsensitive))
        return true;
    for (const auto &p : r.file->problems) // as shown: in the reader's language
        if (ProblemText::of(p).contains(needle, Qt::CaseInsensitive))
            return true;
    return false;
}

QString FilesModel::filterText(int row) const
{
    // The name says type, mode and pid; then why it is stale, its problems.
    const Row &r = m_rows[std::size_t(row)];
    if (!r.file)
        return QString::fromStdString(r.problem->file) + QLatin1Char('\n') + ProblemText::of(*r.problem);
    QString text = QString::fromStdString(r.file->name);
    if (r.stale)
        text += QLatin1Char('\n') + cachedStaleText(r.stale);
    for (const auto &p : r.file->problems)
        text += QLatin1Char('\n') + ProblemText::of(p);
    return text;
}

std::shared_ptr<const ParsedFile> FilesModel::file(int row) const
{
    return row >= 0 && std::size_t(row) < m_rows.size() ? m_rows[std::size_t(row)].file : nullptr;
}

int FilesModel::rowOf(const QString &name) const
{
    const std::string n = name.toStdString();
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].file && m_rows[i].file->name == n)
            return int(i);
    return -1;
}

int FilesModel::firstProblemRow() const
{
    int source = -1, file = -1;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const Row &r = m_rows[i];
        if (!r.file && (r.problem->kind == ProblemKind::Truncated || r.problem->kind == ProblemKind::Unreadable))
            return int(i);
        if (!r.file && source < 0)
            source = int(i);
        if (r.file && file < 0 && !r.file->problems.empty())
            file = int(i);
    }
    return file >= 0 ? file : source;
}

int FilesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FilesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FilesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || std::size_t(index.row()) >= m_rows.size())
        return {};
    const Row &r = m_rows[std::size_t(index.row())];
    if (role == KeyRole)
        return keyAt(index.row());
    if (!r.file) {
        // A directory-level problem: a foreign file, a folder, ...
        switch (role) {
        case Qt::DisplayRole:
        case SortRole:
            if (index.column() == NameColumn) {
                const auto slash = r.problem->file.find_last_of('/');
                return QString::fromStdString(slash == std::string::npos ? r.problem->file
                                                                         : r.problem->file.substr(slash + 1));
            }
            if (index.column() == ProblemsColumn)
                return ProblemText::of(*r.problem);
            return {};
        case Qt::ToolTipRole:
            return ProblemText::describe(*r.problem);
        case Qt::ForegroundRole:
            return QBrush(QColor(0xc0, 0x1c, 0x28));
        }
        return {};
    }
    const ParsedFile &f = *r.file;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return QString::fromStdString(f.name);
        case TypeColumn:
            return f.fileName.valid ? m_typeTexts[std::size_t(f.fileName.type)] : QString();
        case ModeColumn:
            return QString::fromStdString(std::string(toString(f.fileName.mode)));
        case PidColumn:
            return QString::fromStdString(f.fileName.pid);
        case GenerationColumn:
            return f.generation ? QVariant(f.generation) : QVariant(QStringLiteral("–"));
        case SizeColumn:
            return bytesText(f.size);
        case UsedColumn:
            return bytesText(std::uint64_t(std::max<std::int64_t>(f.used, 0)));
        case EntriesColumn:
            return qulonglong(f.entries.size());
        case StaleColumn:
            return cachedStaleText(r.stale);
        case ProblemsColumn:
            if (f.problems.empty())
                return {};
            if (f.problems.size() == 1)
                return ProblemText::of(f.problems.front());
            return tr("%n problem(s): %1", nullptr, int(f.problems.size())).arg(ProblemText::of(f.problems.front()));
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case PidColumn: {
            bool ok = false;
            const qlonglong n = QString::fromStdString(f.fileName.pid).toLongLong(&ok);
            return ok ? QVariant(n) : QVariant(QString::fromStdString(f.fileName.pid));
        }
        case GenerationColumn:
            return f.generation;
        case SizeColumn:
            return qulonglong(f.size);
        case UsedColumn:
            return qlonglong(f.used);
        case ProblemsColumn:
            return qulonglong(f.problems.size());
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole: {
        QStringList lines;
        if (!f.fileName.valid)
            lines << ProblemText::of(f.fileName.reason);
        for (const auto &p : f.problems)
            lines << ProblemText::describe(p);
        if (r.stale)
            lines << tr("Stale: %1").arg(staleText(r.stale));
        if (f.stamp.mtimeNs > 0)
            lines << tr("Modified %1").arg(dateTimeExact(f.stamp.mtimeNs / 1000000));
        lines << tr("Size %1, used %2").arg(bytesExact(f.size), bytesExact(std::uint64_t(std::max<std::int64_t>(f.used, 0))));
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
    }
    case Qt::ForegroundRole:
        if (!f.problems.empty())
            return QBrush(QColor(0xc0, 0x1c, 0x28));
        if (r.stale)
            return QBrush(QColor(0xb3, 0x5c, 0x00));
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case GenerationColumn:
        case SizeColumn:
        case UsedColumn:
        case EntriesColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
        return {};
    }
    return {};
}

QVariant FilesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return columnTitle(section, orientation, role, [] {
        return QStringList { tr("File"), tr("Type"), tr("Mode"), tr("PID"), tr("Generation"), tr("Size"), tr("Used"),
            tr("Entries"), tr("Stale"), tr("Problems") };
    });
}

EntriesModel::EntriesModel(QObject *parent)
    : SnapshotTableModel(parent)
{
}

void EntriesModel::setFile(const std::shared_ptr<const ParsedFile> &file)
{
    std::vector<std::string> keys;
    std::vector<std::uint64_t> stamps;
    if (file) {
        keys.reserve(file->entries.size());
        stamps.reserve(file->entries.size());
        for (const auto &e : file->entries) {
            keys.push_back(std::to_string(e.offset) + ':' + (e.key ? e.rawKey() : std::string()));
            std::uint64_t st = kStampSeed;
            stampAdd(st, e.value);
            stampAdd(st, e.timestamp);
            stamps.push_back(st);
        }
    }
    // Another file's entries are not the same rows, whatever their keys.
    const bool other = !file || !m_file || file->name != m_file->name;
    update(std::move(keys), std::move(stamps), [&] { m_file = file; }, other);
}

int EntriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_file ? 0 : int(m_file->entries.size());
}

int EntriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EntriesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_file || std::size_t(index.row()) >= m_file->entries.size())
        return {};
    const Entry &e = m_file->entries[std::size_t(index.row())];
    switch (role) {
    case KeyRole:
        return keyAt(index.row());
    case Qt::DisplayRole:
        switch (index.column()) {
        case OffsetColumn:
            return qulonglong(e.offset);
        case MetricColumn:
            return e.key ? QString::fromStdString(e.key->metric) : QString();
        case SampleColumn:
            return e.key ? QString::fromStdString(e.key->sample) : QString();
        case LabelsColumn:
            return e.key ? labelsText(e.key->labels) : QString();
        case ValueColumn:
            return e.key ? sampleValueText(e.value, e.key->sample) : numberText(e.value);
        case TimestampColumn:
            return e.timestamp == 0.0 ? QString() : dateTimeText(std::int64_t(e.timestamp * 1000));
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case OffsetColumn:
            return qulonglong(e.offset);
        case ValueColumn:
            return e.value;
        case TimestampColumn:
            return e.timestamp;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        if (index.column() == TimestampColumn && e.timestamp > 0)
            return QString(dateTimeExact(std::int64_t(e.timestamp * 1000)) + QLatin1String(" (")
                           + QString::fromStdString(pythonRepr(e.timestamp)) + QLatin1Char(')'));
        if (index.column() == ValueColumn)
            return QString::fromStdString(pythonRepr(e.value));
        return e.key ? QVariant(tr("Key as stored: %1").arg(QString::fromStdString(e.rawKey()))) : QVariant();
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case OffsetColumn:
        case ValueColumn:
        case TimestampColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
        return {};
    }
    return {};
}

QVariant EntriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return columnTitle(section, orientation, role, [] {
        return QStringList { tr("Offset"), tr("Metric"), tr("Sample"), tr("Labels"), tr("Value"), tr("Timestamp") };
    });
}

} // namespace promdir
