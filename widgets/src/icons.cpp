#include "promdir/icons.h"

#include <QHash>

// Resources compiled into a static library must be registered by hand.
static void initPromdirResources()
{
    Q_INIT_RESOURCE(promdir);
}

namespace promdir {

QIcon icon(const QString &name)
{
    static const bool once = (initPromdirResources(), true);
    Q_UNUSED(once);
    static QHash<QString, QIcon> cache;
    auto it = cache.find(name);
    if (it == cache.end())
        it = cache.insert(name, QIcon(QStringLiteral(":/promdir/icons/") + name + QStringLiteral(".svg")));
    return *it;
}

QIcon typeIcon(MetricType type)
{
    switch (type) {
    case MetricType::Counter:
        return icon(QStringLiteral("counter"));
    case MetricType::Gauge:
        return icon(QStringLiteral("gauge"));
    case MetricType::Histogram:
        return icon(QStringLiteral("histogram"));
    case MetricType::Summary:
        return icon(QStringLiteral("summary"));
    }
    return {};
}

QIcon appIcon()
{
    return icon(QStringLiteral("promdir-inspector"));
}

} // namespace promdir
