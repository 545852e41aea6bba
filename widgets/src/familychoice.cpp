#include "familychoice_p.h"

#include <QComboBox>
#include <QSignalBlocker>

namespace promdir {

QStringList fillFamilyChoice(QComboBox *box, const SnapshotPtr &snapshot, MetricType type, const QString &keep,
                             bool *changed)
{
    QStringList names;
    if (snapshot && snapshot->result)
        for (const auto &f : snapshot->result->families)
            if (f.type == type)
                names << QString::fromStdString(f.name);
    QStringList current;
    for (int i = 0; i < box->count(); ++i)
        current << box->itemText(i);
    if (changed)
        *changed = names != current;
    if (names == current)
        return names;
    const QSignalBlocker block(box);
    box->clear();
    box->addItems(names);
    const int at = int(names.indexOf(keep));
    box->setCurrentIndex(at >= 0 ? at : (names.isEmpty() ? -1 : 0));
    return names;
}

} // namespace promdir
