#include "promdir/compactdialog.h"

#include "promdir/displayformat.h"
#include "promdir/format/filename.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace promdir {

namespace {

// Grace period units, in the combo box's order.
constexpr int kUnitSeconds[] = {1, 60, 3600, 86400};

// Sorts by a number kept under Qt::UserRole, shows text.
class NumberItem : public QTableWidgetItem
{
public:
    NumberItem(const QString &text, double value)
        : QTableWidgetItem(text)
    {
        setData(Qt::UserRole, value);
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem &other) const override
    {
        return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
    }
};

// Sorts by a key kept under Qt::UserRole (the action's order: fold, remove,
// keep), then by the text.
class KeyedItem : public QTableWidgetItem
{
public:
    KeyedItem(const QString &text, int key)
        : QTableWidgetItem(text)
    {
        setData(Qt::UserRole, key);
    }
    bool operator<(const QTableWidgetItem &other) const override
    {
        const int a = data(Qt::UserRole).toInt(), b = other.data(Qt::UserRole).toInt();
        return a != b ? a < b : text() < other.text();
    }
};

QString actionText(CompactFile::Action action, bool dryRun)
{
    switch (action) {
    case CompactFile::Action::Fold:
        return dryRun ? CompactDialog::tr("fold") : CompactDialog::tr("folded");
    case CompactFile::Action::Remove:
        return dryRun ? CompactDialog::tr("remove") : CompactDialog::tr("removed");
    case CompactFile::Action::Keep:
        break;
    }
    return dryRun ? CompactDialog::tr("keep") : CompactDialog::tr("kept");
}

// The core's reason in the inspector's words (the options are the
// dialog's, not the command line's).
QString reasonText(const CompactFile &f)
{
    using Why = CompactFile::Why;
    const QString detail = QString::fromStdString(f.detail);
    switch (f.why) {
    case Why::Folded: return CompactDialog::tr("folded into %1").arg(detail);
    case Why::FoldedAgain: return CompactDialog::tr("earlier compacted contributions, folded in again");
    case Why::Empty: return CompactDialog::tr("empty: contributes nothing");
    case Why::Dropped: return CompactDialog::tr("gauge_all of a dead process: its series leave the output, as asked");
    case Why::Unreadable: return CompactDialog::tr("could not be read cleanly (%1): left as it is").arg(detail);
    case Why::LiveGauge:
        return CompactDialog::tr("live gauge of a dead process: not compacted; Mark Dead in the Processes view "
                                 "removes it");
    case Why::AllGauge:
        return CompactDialog::tr("gauge_all: its pid label is in the output (the option above removes it)");
    case Why::MixedKinds:
        return CompactDialog::tr("family %1 is written in more than one kind of file: folding would change which "
                                 "rule merges it")
            .arg(detail);
    case Why::LivenessUnknown:
        return CompactDialog::tr("whether process %1 runs cannot be known here").arg(QString::fromStdString(f.pid));
    case Why::WithinGrace: return CompactDialog::tr("written %1 ago, within the grace period").arg(detail);
    case Why::NothingNew: return CompactDialog::tr("compacted contributions; nothing new of this kind to fold in");
    case Why::EarlierUnreadable:
        return CompactDialog::tr("earlier compacted file could not be read cleanly: its kind is not compacted");
    case Why::KindUnreadable: return CompactDialog::tr("its kind's earlier compacted file %1 could not be read").arg(detail);
    case Why::PutBack:
        return CompactDialog::tr("put back: its process runs again, or the file changed or is locked by a writer");
    }
    return QString::fromStdString(f.reason);
}

// Files folded or removed, and the dead processes they came from (an
// earlier compacted file is no process).
std::pair<std::size_t, std::size_t> goneFilesAndPids(const CompactReport &r)
{
    std::size_t files = 0;
    QSet<QString> pids;
    for (const CompactFile &f : r.files)
        if (f.action != CompactFile::Action::Keep) {
            ++files;
            if (!isCompactedIdentifier(f.pid))
                pids.insert(QString::fromStdString(f.pid));
        }
    return {files, std::size_t(pids.size())};
}

std::size_t outputFiles(const CompactReport &r)
{
    std::size_t n = 0;
    for (const CompactOutput &o : r.outputs)
        n += o.bytes > 0;
    return n;
}

} // namespace

CompactDialog::CompactDialog(const QString &directory, QWidget *parent)
    : QDialog(parent)
    , m_directory(directory)
    , m_graceValue(new QSpinBox(this))
    , m_graceUnit(new QComboBox(this))
    , m_dropDeadAll(new QCheckBox(tr("&Remove gauge_all files of dead processes (their series leave the output)"), this))
    , m_pidNamespace(new QComboBox(this))
    , m_assumeDead(new QCheckBox(tr("Assume a process is dead when none of its files &changed for the grace period"), this))
    , m_status(new QLabel(this))
    , m_busy(new QProgressBar(this))
    , m_error(new QLabel(this))
    , m_files(new QTableWidget(0, 5, this))
    , m_outputs(new QTableWidget(0, 4, this))
    , m_summary(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Close, this))
    , m_compact(new QPushButton(tr("&Compact"), this))
    , m_refresh(new QPushButton(tr("Refresh &Preview"), this))
    , m_future(new QFutureWatcher<Outcome>(this))
{
    setWindowTitle(tr("Compact Dead Processes"));
    setObjectName(QStringLiteral("compactDialog"));

    QFormLayout *form = createOptions(directory);

    m_busy->setRange(0, 0); // busy, no figure
    m_busy->setMaximumWidth(160);
    m_busy->setTextVisible(false);
    auto *status = new QHBoxLayout;
    status->addWidget(m_status, 1);
    status->addWidget(m_busy);

    m_error->setObjectName(QStringLiteral("compactError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: palette(bright-text); background: #b3261e; padding: 6px; "
                                          "border-radius: 4px; }"));
    m_error->hide();

    createTables();

    auto *note = new QLabel(tr("promdir's readers wait for the moment of the swap. A scrape by the Python client at "
                               "that moment can fail once or be inconsistent once; the next one is right."),
                            this);
    note->setWordWrap(true);
    note->setEnabled(false); // secondary text

    // Compact is never the default: Enter closes, it does not compact.
    m_compact->setAutoDefault(false);
    m_compact->setDefault(false);
    m_buttons->addButton(m_compact, QDialogButtonBox::ActionRole);
    // Processes die and files age while the dialog is open.
    m_refresh->setAutoDefault(false);
    m_refresh->setToolTip(tr("Read the directory again for the preview"));
    m_buttons->addButton(m_refresh, QDialogButtonBox::ResetRole);
    connect(m_refresh, &QPushButton::clicked, this, &CompactDialog::recompute);
    connect(m_compact, &QPushButton::clicked, this, &CompactDialog::compact);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &CompactDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(status);
    layout->addWidget(m_error);
    layout->addWidget(m_files, 3);
    layout->addWidget(m_outputs, 1);
    layout->addWidget(m_summary);
    layout->addWidget(note);
    layout->addWidget(m_buttons);
    resize(900, 680);

    connect(m_future, &QFutureWatcher<Outcome>::finished, this, &CompactDialog::finished);
    connect(m_graceValue, &QSpinBox::valueChanged, this, &CompactDialog::recompute);
    connect(m_graceUnit, &QComboBox::currentIndexChanged, this, &CompactDialog::recompute);
    connect(m_dropDeadAll, &QCheckBox::toggled, this, &CompactDialog::recompute);
    connect(m_pidNamespace, &QComboBox::currentIndexChanged, this, &CompactDialog::recompute);
    connect(m_assumeDead, &QCheckBox::toggled, this, &CompactDialog::recompute);
    recompute();
}

QFormLayout *CompactDialog::createOptions(const QString &directory)
{
    m_graceValue->setRange(0, 9999);
    m_graceValue->setValue(10);
    m_graceUnit->addItems({tr("seconds"), tr("minutes"), tr("hours"), tr("days")});
    m_graceUnit->setCurrentIndex(1);
    auto *grace = new QHBoxLayout;
    grace->addWidget(m_graceValue);
    grace->addWidget(m_graceUnit);
    grace->addStretch(1);
    m_graceValue->setToolTip(tr("A dead process's files are folded only when none of them changed for this long"));
    m_graceUnit->setToolTip(m_graceValue->toolTip());

    m_pidNamespace->addItem(tr("Automatic"), int(PidNamespace::Auto));
    m_pidNamespace->addItem(tr("Shared with the writers"), int(PidNamespace::Shared));
    m_pidNamespace->addItem(tr("Separate (containers)"), int(PidNamespace::Separate));
    m_pidNamespace->setToolTip(tr("Automatic: refused when no process of the directory runs here yet files changed "
                                  "within the grace period. Separate: refused unless processes are assumed dead when "
                                  "unchanged."));
    m_assumeDead->setToolTip(tr("For writers in another pid namespace, whose pids cannot be checked from here: choose "
                                "a grace period far longer than any worker stays idle"));
    m_dropDeadAll->setToolTip(tr("gauge_all files are kept otherwise: their pid label is in the output"));

    auto *form = new QFormLayout;
    auto *dir = new QLabel(QDir::toNativeSeparators(directory), this);
    dir->setTextInteractionFlags(Qt::TextSelectableByMouse);
    dir->setWordWrap(true);
    form->addRow(tr("Directory:"), dir);
    auto *graceLabel = new QLabel(tr("&Grace period:"), this);
    graceLabel->setBuddy(m_graceValue);
    form->addRow(graceLabel, grace);
    form->addRow(QString(), m_dropDeadAll);
    form->addRow(tr("&Pid namespace:"), m_pidNamespace);
    form->addRow(QString(), m_assumeDead);

    return form;
}

void CompactDialog::createTables()
{
    m_files->setObjectName(QStringLiteral("compactFiles"));
    m_files->setHorizontalHeaderLabels({tr("Action"), tr("File"), tr("Pid"), tr("Size"), tr("Reason")});
    m_outputs->setObjectName(QStringLiteral("compactOutputs"));
    m_outputs->setHorizontalHeaderLabels({tr("Compacted file"), tr("Files folded"), tr("Series"), tr("Size")});
    for (QTableWidget *t : {m_files, m_outputs}) {
        t->setEditTriggers(QAbstractItemView::NoEditTriggers);
        t->setSelectionBehavior(QAbstractItemView::SelectRows);
        t->setAlternatingRowColors(true);
        t->setWordWrap(false);
        t->verticalHeader()->hide();
        t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
        t->setSortingEnabled(true);
        t->sortByColumn(0, Qt::AscendingOrder); // files: fold, remove, keep; outputs: by name
    }
    m_files->horizontalHeader()->setStretchLastSection(true); // the reason
    m_outputs->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_outputs->setMinimumHeight((m_outputs->fontMetrics().height() + 8) * 6 + 4); // the header and five kinds
    m_outputs->setMaximumHeight((m_outputs->fontMetrics().height() + 8) * 7); // one per kind: a few rows
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

}

CompactDialog::~CompactDialog()
{
    // The worker's job holds copies of everything it uses: it may finish
    // after the dialog is gone, and its result is dropped.
    m_future->disconnect(this);
}

void CompactDialog::setBaseOptions(CompactOptions options)
{
    m_base = std::move(options);
    recompute();
}

CompactOptions CompactDialog::options() const
{
    CompactOptions o = m_base;
    o.grace = std::chrono::seconds(qint64(m_graceValue->value()) * kUnitSeconds[std::max(0, m_graceUnit->currentIndex())]);
    o.dropDeadAll = m_dropDeadAll->isChecked();
    o.pidNamespace = PidNamespace(m_pidNamespace->currentData().toInt());
    o.assumeDeadWhenUnchanged = m_assumeDead->isChecked();
    o.dryRun = false;
    return o;
}

void CompactDialog::setGrace(std::chrono::seconds grace)
{
    // The largest unit that says it exactly.
    int unit = 0; // seconds, also for 0
    for (int i = 3; i > 0 && unit == 0 && grace.count() > 0; --i)
        if (grace.count() % kUnitSeconds[i] == 0 && grace.count() / kUnitSeconds[i] <= m_graceValue->maximum())
            unit = i;
    const QSignalBlocker block(m_graceUnit);
    m_graceUnit->setCurrentIndex(unit);
    m_graceValue->setValue(int(grace.count() / kUnitSeconds[unit])); // recomputes when it changes
    recompute();
}

void CompactDialog::setPidNamespace(PidNamespace ns)
{
    m_pidNamespace->setCurrentIndex(m_pidNamespace->findData(int(ns)));
}

QString CompactDialog::summaryText() const
{
    return m_summary->text();
}

QString CompactDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void CompactDialog::recompute()
{
    if (m_running == Running::Compaction)
        return;
    if (m_running == Running::Preview) {
        m_again = true; // one preview at a time; the newest options next
        return;
    }
    start(Running::Preview);
}

void CompactDialog::compact()
{
    if (m_running != Running::Nothing || !m_preview)
        return;
    start(Running::Compaction);
}

void CompactDialog::start(Running what)
{
    m_running = what;
    CompactOptions o = options();
    o.dryRun = what == Running::Preview;
    const std::filesystem::path dir(m_directory.toStdString());
    // Copies only: the job may outlive the dialog.
    m_future->setFuture(QtConcurrent::run([dir, o]() -> Outcome {
        try {
            return std::make_shared<const Result<CompactReport>>(compactDirectory(dir, o));
        } catch (const std::exception &e) {
            return std::make_shared<const Result<CompactReport>>(
                Error{CompactErrorCode::CannotOpenDirectory, std::string("compaction failed: ") + e.what()});
        }
    }));
    m_status->setText(what == Running::Preview ? tr("Computing the preview…")
                                               : tr("Compacting… (a compaction cannot be stopped halfway)"));
    updateButtons();
}

void CompactDialog::finished()
{
    const Running was = m_running;
    m_running = Running::Nothing;
    const Outcome outcome = m_future->result();
    if (was == Running::Preview && m_again) {
        m_again = false;
        start(Running::Preview);
        return;
    }
    if (!outcome || !*outcome) {
        const QString message = outcome ? errorMessage(outcome->error()) : tr("The compaction did not finish.");
        m_preview.reset();
        m_files->setRowCount(0);
        m_outputs->setRowCount(0);
        m_summary->clear();
        showError(message);
        m_status->setText(was == Running::Preview ? tr("No preview.") : tr("Nothing was compacted."));
        updateButtons();
        if (was == Running::Compaction) {
            Q_EMIT compactionFailed(message);
            recompute(); // what the directory holds now
        } else {
            Q_EMIT previewFinished();
        }
        return;
    }
    showError({});
    if (was == Running::Compaction) {
        updateButtons();
        Q_EMIT compacted(**outcome);
        accept();
        return;
    }
    showPreview(**outcome);
    updateButtons();
    Q_EMIT previewFinished();
}

void CompactDialog::showPreview(const CompactReport &report)
{
    m_preview = report;
    fillFiles(report);
    fillOutputs(report);
    const auto [gone, pids] = goneFilesAndPids(report);
    QString text;
    if (gone == 0)
        text = tr("Nothing to compact: no file of a dead process is ready to fold or remove.");
    else
        text = tr("Would fold or remove %1 of %2 into %3.")
                   .arg(tr("%n file(s)", nullptr, int(gone)), tr("%n dead process(es)", nullptr, int(pids)),
                        tr("%n compacted file(s)", nullptr, int(outputFiles(report))));
    const std::uint64_t saved = report.bytesBefore > report.bytesAfter ? report.bytesBefore - report.bytesAfter : 0;
    text += QLatin1Char('\n')
            + tr("*.db files: %1 → %2; %3 → %4; %5 saved.")
                  .arg(report.filesBefore)
                  .arg(report.filesAfter)
                  .arg(bytesText(report.bytesBefore), bytesText(report.bytesAfter), bytesText(saved));
    if (!report.recovered.empty())
        text += QLatin1Char('\n') + QString::fromStdString(report.recovered);
    m_summary->setText(text);
    m_status->setText(tr("Preview of %1").arg(QLocale().toString(QDateTime::currentDateTime().time(), QLocale::ShortFormat)));
    m_compact->setText(gone == 0 ? tr("&Compact") : tr("&Compact %n File(s)", nullptr, int(gone)));
}

void CompactDialog::fillFiles(const CompactReport &report)
{
    m_files->setSortingEnabled(false);
    m_files->setRowCount(int(report.files.size()));
    int row = 0;
    for (const CompactFile &f : report.files) {
        m_files->setItem(row, 0, new KeyedItem(actionText(f.action, true), int(f.action)));
        m_files->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(f.name)));
        m_files->setItem(row, 2, new QTableWidgetItem(QString::fromStdString(f.pid)));
        m_files->setItem(row, 3, new NumberItem(bytesText(f.bytes), double(f.bytes)));
        m_files->setItem(row, 4, new QTableWidgetItem(reasonText(f)));
        m_files->item(row, 4)->setToolTip(m_files->item(row, 4)->text());
        ++row;
    }
    m_files->setSortingEnabled(true);
    m_files->resizeColumnsToContents();
}

void CompactDialog::fillOutputs(const CompactReport &report)
{
    m_outputs->setSortingEnabled(false);
    m_outputs->setRowCount(int(report.outputs.size()));
    int row = 0;
    for (const CompactOutput &o : report.outputs) {
        m_outputs->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(o.name)));
        m_outputs->setItem(row, 1, new NumberItem(QLocale().toString(qulonglong(o.foldedFiles)), double(o.foldedFiles)));
        m_outputs->setItem(row, 2, new NumberItem(QLocale().toString(qulonglong(o.entries)), double(o.entries)));
        m_outputs->setItem(row, 3, new NumberItem(bytesText(o.bytes), double(o.bytes)));
        ++row;
    }
    m_outputs->setSortingEnabled(true);
    m_outputs->resizeColumnsToContents();
}

void CompactDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void CompactDialog::updateButtons()
{
    const bool idle = m_running == Running::Nothing;
    const bool work = m_preview && goneFilesAndPids(*m_preview).first > 0;
    m_compact->setEnabled(idle && work);
    m_compact->setToolTip(work ? tr("Fold and remove the files listed, with these options")
                               : tr("There is nothing to compact with these options"));
    m_busy->setVisible(!idle);
    // A running compaction is finished, never abandoned: Close waits.
    m_buttons->button(QDialogButtonBox::Close)->setEnabled(m_running != Running::Compaction);
    m_refresh->setEnabled(m_running != Running::Compaction);
    for (QWidget *w : std::initializer_list<QWidget *>{m_graceValue, m_graceUnit, m_dropDeadAll, m_pidNamespace,
                                                        m_assumeDead})
        w->setEnabled(m_running != Running::Compaction);
    m_assumeDead->setEnabled(m_assumeDead->isEnabled()
                             && PidNamespace(m_pidNamespace->currentData().toInt()) != PidNamespace::Shared);
}

void CompactDialog::reject()
{
    if (m_running == Running::Compaction)
        return;
    QDialog::reject();
}

void CompactDialog::closeEvent(QCloseEvent *event)
{
    if (m_running == Running::Compaction) {
        event->ignore();
        return;
    }
    QDialog::closeEvent(event);
}

QString CompactDialog::resultMessage(const CompactReport &report)
{
    const auto [gone, pids] = goneFilesAndPids(report);
    if (gone == 0)
        return tr("Nothing was compacted: no file of a dead process was ready.");
    const std::uint64_t saved = report.bytesBefore > report.bytesAfter ? report.bytesBefore - report.bytesAfter : 0;
    QString text = tr("Compacted %1 of %2 into %3; %4 saved.")
                       .arg(tr("%n file(s)", nullptr, int(gone)), tr("%n dead process(es)", nullptr, int(pids)),
                            tr("%n file(s)", nullptr, int(outputFiles(report))), bytesText(saved));
    if (!report.putBack.empty())
        text += QLatin1Char(' ')
                + tr("Put back the files of %n process(es) found running again.", nullptr, int(report.putBack.size()));
    return text;
}

QString CompactDialog::errorMessage(const Error &error)
{
    const QString words = QString::fromStdString(error.message);
    QString what;
    switch (error.code.as<CompactErrorCode>().value_or(CompactErrorCode::CannotOpenDirectory)) {
    case CompactErrorCode::CannotOpenDirectory:
        what = tr("The directory cannot be read.");
        break;
    case CompactErrorCode::Busy:
        what = tr("Another compaction is running on this directory; try again when it is done.");
        break;
    case CompactErrorCode::PidsNotVisible:
        what = tr("The writers' processes cannot be checked from here (another pid namespace?); nothing was "
                  "changed. If they run in a container, choose “Assume a process is dead when none of its files "
                  "changed”.");
        break;
    case CompactErrorCode::ReadersHold:
        what = tr("Readers kept the directory locked; nothing was changed. Try again.");
        break;
    case CompactErrorCode::WriteFailed:
        what = tr("A compacted file could not be written (disk full?); nothing was removed.");
        break;
    case CompactErrorCode::StagingFailed:
        what = tr("A file could not be moved; what was moved was put back.");
        break;
    case CompactErrorCode::RecoveryFailed:
        what = tr("An interrupted compaction could not be finished or undone.");
        break;
    }
    return what + QLatin1Char('\n') + words;
}

} // namespace promdir
