#pragma once
// Gauge modes side by side for one gauge family, with notes on what the
// family's own mode hides.

#include "promdir/gaugemodesmodel.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;

namespace promdir {

class GaugeModesView : public QWidget
{
    Q_OBJECT
public:
    explicit GaugeModesView(QWidget *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    void setFamily(const QString &family);
    QString family() const { return m_model->familyName(); }
    GaugeModesModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }

private:
    void updateNotes();
    GaugeModesModel *m_model;
    QComboBox *m_families;
    QTableView *m_table;
    QLabel *m_notes;
    QLabel *m_empty;
    QString m_wanted; // asked for before the snapshot had it
};

} // namespace promdir
