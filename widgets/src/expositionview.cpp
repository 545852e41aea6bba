#include "promdir/expositionview.h"

#include "promdir/icons.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace promdir {

ExpositionView::ExpositionView(QWidget *parent)
    : QWidget(parent)
    , m_format(new QComboBox(this))
    , m_escaping(new QComboBox(this))
    , m_find(new QLineEdit(this))
    , m_findStatus(new QLabel(this))
    , m_edit(new QPlainTextEdit(this))
{
    m_format->addItem(tr("Prometheus text 0.0.4"), int(Format::Text));
    m_format->addItem(tr("OpenMetrics 1.0.0"), int(Format::OpenMetrics));
    // The schemes a scraper asks for with Accept's escaping= (exposition.h).
    m_escaping->addItem(tr("underscores (Prometheus 2)"), int(NameEscaping::Underscores));
    m_escaping->addItem(tr("UTF-8 (Prometheus 3)"), int(NameEscaping::AllowUtf8));
    m_escaping->addItem(tr("dots"), int(NameEscaping::Dots));
    m_escaping->addItem(tr("values"), int(NameEscaping::Values));
    m_find->setPlaceholderText(tr("Find…"));
    m_find->setClearButtonEnabled(true);
    m_edit->setReadOnly(true);
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setPlaceholderText(tr("Nothing to show: no directory open, or no metrics in it."));

    auto button = [this](const QString &iconName, const QString &text, const QString &tip) {
        auto *b = new QToolButton(this);
        b->setIcon(icon(iconName));
        b->setText(text);
        b->setToolTip(tip);
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        return b;
    };
    auto *prev = button(QStringLiteral("find"), tr("Previous"), tr("Find the previous match (Shift+F3)"));
    auto *next = button(QStringLiteral("find"), tr("Next"), tr("Find the next match (F3)"));
    auto *copy = button(QStringLiteral("copy"), tr("Copy"), tr("Copy the whole text"));
    auto *save = button(QStringLiteral("save"), tr("Save…"), tr("Save the text to a file"));
    prev->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3));
    next->setShortcut(QKeySequence(Qt::Key_F3));

    auto *bar = new QHBoxLayout;
    auto *fl = new QLabel(tr("F&ormat:"), this);
    fl->setBuddy(m_format);
    bar->addWidget(fl);
    bar->addWidget(m_format);
    auto *nl = new QLabel(tr("&Names:"), this);
    nl->setBuddy(m_escaping);
    bar->addWidget(nl);
    bar->addWidget(m_escaping);
    bar->addSpacing(12);
    bar->addWidget(m_find, 1);
    bar->addWidget(prev);
    bar->addWidget(next);
    bar->addWidget(m_findStatus);
    bar->addSpacing(12);
    bar->addWidget(copy);
    bar->addWidget(save);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_edit, 1);

    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        refreshText();
        Q_EMIT formatChanged(format());
    });
    connect(m_escaping, &QComboBox::currentIndexChanged, this, [this] { refreshText(); });
    connect(m_find, &QLineEdit::returnPressed, this, [this] { findNext(false); });
    connect(m_find, &QLineEdit::textChanged, this, [this] { m_findStatus->clear(); });
    connect(prev, &QToolButton::clicked, this, [this] { findNext(true); });
    connect(next, &QToolButton::clicked, this, [this] { findNext(false); });
    connect(copy, &QToolButton::clicked, this, &ExpositionView::copyAll);
    connect(save, &QToolButton::clicked, this, &ExpositionView::save);
}

QByteArray ExpositionView::render(const SnapshotPtr &snapshot, Format format, NameEscaping escaping)
{
    if (!snapshot || !snapshot->result)
        return {};
    RenderOptions options;
    options.format = format;
    options.escaping = escaping;
    return QByteArray::fromStdString(promdir::render(snapshot->result->families, options));
}

void ExpositionView::setSnapshot(const SnapshotPtr &snapshot)
{
    m_snapshot = snapshot;
    // Rendering a big directory is not free: only while someone looks.
    if (isVisible())
        refreshText();
}

void ExpositionView::setFormat(Format format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

Format ExpositionView::format() const
{
    return Format(m_format->currentData().toInt());
}

void ExpositionView::setEscaping(NameEscaping escaping)
{
    m_escaping->setCurrentIndex(m_escaping->findData(int(escaping)));
}

NameEscaping ExpositionView::escaping() const
{
    return NameEscaping(m_escaping->currentData().toInt());
}

QString ExpositionView::text() const
{
    if (m_shown == m_snapshot && m_shownFormat == format() && m_shownEscaping == escaping())
        return m_edit->toPlainText();
    return QString::fromUtf8(render(m_snapshot, format(), escaping()));
}

void ExpositionView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refreshText();
}

void ExpositionView::refreshText()
{
    if (m_shown == m_snapshot && m_shownFormat == format() && m_shownEscaping == escaping() && m_snapshot)
        return;
    const QString text = QString::fromUtf8(render(m_snapshot, format(), escaping()));
    m_shown = m_snapshot;
    m_shownFormat = format();
    m_shownEscaping = escaping();
    if (text == m_edit->toPlainText())
        return;
    // Keep the reader's place across refreshes, and the match found: the
    // same occurrence of the text searched for (lines before it may have
    // come or gone).
    const int v = m_edit->verticalScrollBar()->value();
    const int h = m_edit->horizontalScrollBar()->value();
    const QTextCursor before = m_edit->textCursor();
    const int pos = before.position();
    const QString needle = m_find->text();
    qsizetype nth = -1;
    if (before.hasSelection() && !needle.isEmpty()
        && before.selectedText().compare(needle, Qt::CaseInsensitive) == 0)
        nth = QStringView(m_edit->toPlainText()).left(before.selectionStart()).count(needle, Qt::CaseInsensitive);
    m_edit->setPlainText(text);
    QTextCursor c = m_edit->textCursor();
    c.setPosition(std::min(pos, int(text.size())));
    if (nth >= 0) {
        qsizetype at = -1;
        for (qsizetype i = 0; i <= nth; ++i) {
            const qsizetype next = text.indexOf(needle, at + 1, Qt::CaseInsensitive);
            if (next < 0)
                break;
            at = next;
        }
        if (at >= 0) {
            c.setPosition(int(at));
            c.setPosition(int(at + needle.size()), QTextCursor::KeepAnchor);
        }
    }
    m_edit->setTextCursor(c);
    m_edit->verticalScrollBar()->setValue(v);
    m_edit->horizontalScrollBar()->setValue(h);
}

void ExpositionView::focusFind()
{
    m_find->setFocus(Qt::ShortcutFocusReason);
    m_find->selectAll();
}

bool ExpositionView::findNext(bool backward)
{
    refreshText();
    const QString needle = m_find->text();
    if (needle.isEmpty())
        return false;
    const QTextDocument::FindFlags flags = backward ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    if (m_edit->find(needle, flags)) {
        m_findStatus->clear();
        return true;
    }
    // Wrap around once.
    QTextCursor c = m_edit->textCursor();
    c.movePosition(backward ? QTextCursor::End : QTextCursor::Start);
    m_edit->setTextCursor(c);
    if (m_edit->find(needle, flags)) {
        m_findStatus->setText(tr("Wrapped"));
        return true;
    }
    m_findStatus->setText(tr("Not found"));
    return false;
}

void ExpositionView::copyAll()
{
    QApplication::clipboard()->setText(text());
}

void ExpositionView::save()
{
    const bool om = format() == Format::OpenMetrics;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Exposition"),
                                                      om ? QStringLiteral("metrics.om") : QStringLiteral("metrics.prom"),
                                                      tr("Metrics text (*.prom *.om *.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    QSaveFile f(path);
    const QByteArray bytes = text().toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        Q_EMIT errorOccurred(tr("Could not save %1: %2").arg(path, f.errorString()));
        return;
    }
    Q_EMIT saved(path);
}

} // namespace promdir
