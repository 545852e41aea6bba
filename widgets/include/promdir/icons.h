#pragma once
// Icons from resources/promdir.qrc (SVG, so they stay sharp at any DPI).

#include "promdir/format/types.h"

#include <QIcon>

namespace promdir {

// name: "counter", "refresh", ... (resources/icons/<name>.svg)
QIcon icon(const QString &name);
QIcon typeIcon(MetricType type);
QIcon appIcon();

} // namespace promdir
