#include "promdir/gaugemodesview.h"
#include "familychoice_p.h"

#include "promdir/tableactions.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace promdir {

GaugeModesView::GaugeModesView(QWidget *parent)
    : QWidget(parent)
    , m_model(new GaugeModesModel(this))
    , m_families(new QComboBox(this))
    , m_table(new QTableView(this))
    , m_notes(new QLabel(this))
    , m_empty(new QLabel(tr("No gauge families in this directory."), this))
{
    m_families->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_families->setMinimumContentsLength(24);
    m_table->setModel(m_model);
    addTableActions(m_table);
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    // Sized when the rows change, not on every refresh of their values.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(m_model, &QAbstractItemModel::modelReset, m_table, &QTableView::resizeColumnsToContents);
    connect(m_model, &QAbstractItemModel::headerDataChanged, m_table, &QTableView::resizeColumnsToContents);
    m_notes->setWordWrap(true);
    m_notes->setTextFormat(Qt::PlainText);
    m_notes->setStyleSheet(QStringLiteral("QLabel { background: #fff4d6; color: #5a4300; border: 1px solid #e6c200;"
                                          " border-radius: 4px; padding: 6px; }"));
    m_notes->hide();
    m_empty->hide();

    auto *top = new QHBoxLayout;
    auto *label = new QLabel(tr("Gauge &family:"), this);
    label->setBuddy(m_families);
    top->addWidget(label);
    top->addWidget(m_families);
    top->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_empty);
    layout->addWidget(m_notes);
    layout->addWidget(m_table, 1);
    connect(m_families, &QComboBox::currentTextChanged, this, [this](const QString &name) {
        m_wanted = name;
        m_model->setFamily(name);
        updateNotes();
    });
}

void GaugeModesView::setSnapshot(const SnapshotPtr &snapshot)
{
    m_model->setSnapshot(snapshot);
    bool refilled = false;
    const QStringList names =
        fillFamilyChoice(m_families, snapshot, MetricType::Gauge, m_model->familyName(), &refilled);
    if (refilled)
        m_model->setFamily(m_families->currentText());
    if (!m_wanted.isEmpty() && m_families->currentText() != m_wanted && names.contains(m_wanted))
        m_families->setCurrentIndex(int(names.indexOf(m_wanted)));
    m_empty->setVisible(names.isEmpty() && snapshot);
    updateNotes();
}

void GaugeModesView::setFamily(const QString &family)
{
    m_wanted = family;
    const int at = m_families->findText(family);
    if (at >= 0)
        m_families->setCurrentIndex(at);
}

void GaugeModesView::updateNotes()
{
    const QStringList notes = m_model->notes();
    m_notes->setText(notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!notes.isEmpty());
}

} // namespace promdir
