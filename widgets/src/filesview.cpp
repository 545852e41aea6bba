#include "promdir/filesview.h"

#include "promdir/displayformat.h"
#include "promdir/problemtext.h"
#include "promdir/tableactions.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace promdir {

FilesView::FilesView(QWidget *parent)
    : QWidget(parent)
    , m_model(new FilesModel(this))
    , m_entries(new EntriesModel(this))
    , m_proxy(new SnapshotProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_archive(new QLabel(this))
    , m_files(new QTableView(this))
    , m_entriesTitle(new QLabel(this))
    , m_entryTable(new QTableView(this))
    , m_problems(new QPlainTextEdit(this))
{
    m_proxy->setSourceModel(m_model);
    m_filter->setPlaceholderText(tr("Filter files…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Matches the file name (type, mode and pid are in it), why it is stale and its problems"));
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &SnapshotProxyModel::setFilterText);

    for (QTableView *t : {m_files, m_entryTable}) {
        t->setSortingEnabled(true);
        t->setSelectionBehavior(QAbstractItemView::SelectRows);
        t->verticalHeader()->hide();
        t->horizontalHeader()->setStretchLastSection(true);
        t->setAlternatingRowColors(true);
        t->setWordWrap(false);
        t->horizontalHeader()->setResizeContentsPrecision(100); // sizing 7,000 rows is slow
    }
    m_files->setModel(m_proxy);
    addTableActions(m_files);
    addTableActions(m_entryTable);
    connect(m_model, &QAbstractItemModel::modelReset, m_files, &QTableView::resizeColumnsToContents);
    m_files->sortByColumn(-1, Qt::AscendingOrder);
    m_files->setSelectionMode(QAbstractItemView::SingleSelection);
    m_files->setColumnWidth(FilesModel::NameColumn, 240);
    auto *entryProxy = new SnapshotProxyModel(this);
    entryProxy->setSourceModel(m_entries);
    m_entryTable->setModel(entryProxy);
    m_entryTable->sortByColumn(-1, Qt::AscendingOrder);
    m_entryTable->setColumnWidth(EntriesModel::MetricColumn, 180);
    m_entryTable->setColumnWidth(EntriesModel::SampleColumn, 200);
    m_entryTable->setColumnWidth(EntriesModel::LabelsColumn, 260);
    m_problems->setReadOnly(true);
    m_problems->setMaximumBlockCount(2000);
    m_problems->setFixedHeight(m_problems->fontMetrics().lineSpacing() * 4 + 12);
    m_problems->setPlaceholderText(tr("No problems in this file."));

    auto *lower = new QWidget(this);
    auto *ll = new QVBoxLayout(lower);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(m_entriesTitle);
    ll->addWidget(m_entryTable, 1);
    ll->addWidget(m_problems);
    auto *upper = new QWidget(this);
    auto *ul = new QVBoxLayout(upper);
    ul->setContentsMargins(0, 0, 0, 0);
    m_archive->setObjectName(QStringLiteral("archiveSummary"));
    m_archive->setFrameShape(QFrame::StyledPanel);
    m_archive->setWordWrap(true);
    m_archive->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_archive->setMargin(4);
    m_archive->hide();
    ul->addWidget(m_archive);
    ul->addWidget(m_filter);
    ul->addWidget(m_files, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(upper);
    split->addWidget(lower);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);
    m_entriesTitle->setText(tr("Select a file to see its entries with their byte offsets."));

    connect(m_files->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &cur) { showFile(cur); });
}

QString FilesView::archiveSummary(const LoadResult &load)
{
    const ArchiveInfo &a = load.archive;
    if (!a.isArchive)
        return {};
    QStringList lines;
    lines << tr("Archive: %1 compression, %n member(s), %2 uncompressed", nullptr, int(a.members))
                 .arg(QString::fromStdString(a.compression), bytesText(a.uncompressedBytes));
    const QString folder = a.folder.empty() ? tr("the top level") : QString::fromStdString(a.folder);
    if (a.dbFolders.size() > 1)
        lines << tr("Folder read: %1 (chosen among %n folders holding *.db files)", nullptr, int(a.dbFolders.size()))
                     .arg(folder);
    else
        lines << tr("Folder read: %1").arg(folder);
    if (load.manifest)
        lines << tr("Manifest: packed on %1 at %2 by promdir %3; liveness is as it was then")
                     .arg(QString::fromStdString(load.manifest->host),
                          dateTimeText(std::int64_t(load.manifest->time * 1000)),
                          QString::fromStdString(load.manifest->promdirVersion));
    else
        lines << tr("Manifest: none (not made by promdir pack), so whether processes were alive is unknown");
    if (a.skippedCount > 0)
        lines << tr("%n member(s) not read (links, devices, unsafe names)", nullptr, int(a.skippedCount));
    if (a.complete) {
        lines << tr("Complete: read up to the end-of-archive marker");
    } else {
        QString why;
        for (const auto &p : load.problems)
            if (p.kind == ProblemKind::Truncated || p.kind == ProblemKind::Unreadable) {
                why = ProblemText::of(p);
                break;
            }
        lines << (why.isEmpty() ? tr("Incomplete: the archive ends before its end-of-archive marker")
                                : tr("Incomplete: %1").arg(why));
    }
    return lines.join(QLatin1Char('\n'));
}

QString FilesView::problemsText() const
{
    return m_problems->toPlainText();
}

bool FilesView::selectFirstProblem()
{
    const int row = m_model->firstProblemRow();
    if (row < 0)
        return false;
    m_filter->clear();
    const QModelIndex idx = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!idx.isValid())
        return false;
    m_files->setCurrentIndex(idx);
    m_files->scrollTo(idx);
    showFile(idx);
    return true;
}

void FilesView::setSnapshot(const SnapshotPtr &snapshot)
{
    const QString summary = snapshot && snapshot->result ? archiveSummary(snapshot->result->load) : QString();
    m_archive->setVisible(!summary.isEmpty());
    if (m_archive->text() != summary)
        m_archive->setText(summary);
    m_model->setSnapshot(snapshot);
    // The selected file by name: its parsed result may be new.
    if (!m_current.isEmpty() && !selectFile(m_current))
        showFile(m_files->currentIndex());
    else if (m_current.isEmpty())
        showFile(m_files->currentIndex());
}

bool FilesView::selectFile(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0) {
        m_current = name; // selected when a snapshot has it
        return false;
    }
    const QModelIndex idx = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!idx.isValid())
        return false;
    if (m_files->currentIndex() == idx)
        showFile(idx);
    else
        m_files->setCurrentIndex(idx);
    return true;
}

void FilesView::showFile(const QModelIndex &proxyIndex)
{
    const QModelIndex src = m_proxy->mapToSource(proxyIndex);
    const auto file = src.isValid() ? m_model->file(src.row()) : nullptr;
    m_entries->setFile(file);
    if (!file) {
        m_current.clear();
        m_entriesTitle->setText(src.isValid() ? src.siblingAtColumn(FilesModel::NameColumn).data().toString()
                                              : tr("Select a file to see its entries with their byte offsets."));
        m_problems->setPlainText(src.isValid() ? src.data(Qt::ToolTipRole).toString() : QString());
        return;
    }
    m_current = QString::fromStdString(file->name);
    m_entriesTitle->setText(tr("%1: %n entries", nullptr, int(file->entries.size())).arg(m_current));
    QStringList lines;
    if (!file->fileName.valid)
        lines << ProblemText::of(file->fileName.reason);
    for (const auto &p : file->problems)
        lines << ProblemText::describe(p);
    const QString text = lines.join(QLatin1Char('\n'));
    if (m_problems->toPlainText() != text)
        m_problems->setPlainText(text);
}

} // namespace promdir
