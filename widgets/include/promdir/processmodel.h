#pragma once
// The Processes view: one row per pid with files.

#include "promdir/snapshottablemodel.h"
#include "promdir/snapshot.h"

namespace promdir {

class ProcessModel : public SnapshotTableModel
{
    Q_OBJECT
public:
    enum Column { PidColumn, StateColumn, StartedColumn, FilesColumn, LastWriteColumn, StaleColumn,
                  SeriesColumn, CommandColumn, ColumnCount };
    enum Role { PidRole = FirstCustomRole, LivenessRole };

    explicit ProcessModel(QObject *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    const ProcessStatus *process(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool lessThan(int left, int right, int column) const override;
    // The pid, the state and the command.
    QString filterText(int row) const override;

    static QString livenessText(const ProcessStatus &p);
    // Why the state is what it is (unknown: no manifest; a hint from the
    // files), for the tooltip.
    QString livenessReason(int row) const;

protected:
    std::vector<double> sortKeys(int column) const override;

private:
    const QString &stateText(int row) const;
    struct Row
    {
        ProcessStatus status;
        bool liveGauges = false; // has gauge_live* files
    };
    std::vector<Row> m_rows;
    std::vector<QString> m_stateTexts; // alive, dead, reused, unknown, probably dead, compacted
    bool m_noManifest = false;      // an archive without promdir's manifest
    bool m_anyLiveGauges = false;
};

} // namespace promdir
