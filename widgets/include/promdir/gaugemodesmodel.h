#pragma once
// Gauge modes side by side: for one gauge family, one row per label set and
// one column per mode, each cell what that mode would export from the same
// per-pid values (applyGaugeMode); the family's own mode is highlighted.

#include "promdir/snapshottablemodel.h"
#include "promdir/snapshot.h"

#include <QStringList>

namespace promdir {

class GaugeModesModel : public SnapshotTableModel
{
    Q_OBJECT
public:
    enum Role {
        // QStringList: "pid:value" per exported series for all/liveall,
        // the single value otherwise, empty when nothing is exported.
        ExportRole = FirstCustomRole,
        ModeRole, // int(GaugeMode) of the column
    };

    explicit GaugeModesModel(QObject *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    void setFamily(const QString &family);
    QString familyName() const { return m_family; }
    // The family's own mode; None when no gauge family is shown.
    GaugeMode actualMode() const { return m_mode; }
    static int columnOf(GaugeMode mode);
    GaugeMode modeOf(int column) const;

    // What the chosen mode hides or keeps that a reader may not expect.
    QStringList notes() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    SnapshotPtr m_snapshot;
    QString m_family;
    GaugeMode m_mode = GaugeMode::None;
    std::vector<GaugeGroup> m_groups;
    // Per group, per mode column: what it exports.
    std::vector<std::vector<std::vector<PidValue>>> m_cells;
};

} // namespace promdir
