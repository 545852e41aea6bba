#pragma once
// The family choice of the gauge-modes and histogram views.

#include "promdir/snapshot.h"

#include <QStringList>

class QComboBox;

namespace promdir {

// Puts the names of the snapshot's families of `type` (in its order) in
// `box` when they differ from what it lists, with its signals blocked,
// choosing `keep` again when it is still there, else the first. Returns the
// names; `changed` says whether the box was refilled.
QStringList fillFamilyChoice(QComboBox *box, const SnapshotPtr &snapshot, MetricType type, const QString &keep,
                             bool *changed = nullptr);

} // namespace promdir
