#include "promdir/displayformat.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>

#include <cmath>

namespace promdir {

namespace {
// The locale's time format with seconds, without the time zone.
QString timeFormatWithSeconds(const QLocale &locale, bool millis)
{
    QString f = locale.timeFormat(QLocale::LongFormat);
    f.remove(QLatin1Char('t'));
    f = f.trimmed();
    if (!f.contains(QLatin1Char('s')))
        f = QStringLiteral("HH:mm:ss");
    if (millis) {
        const qsizetype s = f.lastIndexOf(QLatin1String("ss"));
        if (s >= 0)
            f.insert(s + 2, locale.decimalPoint() + QLatin1String("zzz"));
    }
    return f;
}
} // namespace

QString bytesText(std::uint64_t bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeIecFormat);
}

QString bytesExact(std::uint64_t bytes)
{
    return QCoreApplication::translate("promdir::DisplayFormat", "%1 bytes").arg(QLocale().toString(qulonglong(bytes)));
}

QString dateTimeText(std::int64_t ms)
{
    if (ms <= 0)
        return {};
    const QLocale l;
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    return l.toString(t.date(), QLocale::ShortFormat) + QLatin1Char(' ')
        + l.toString(t.time(), timeFormatWithSeconds(l, false));
}

QString dateTimeExact(std::int64_t ms)
{
    if (ms <= 0)
        return {};
    const QLocale l;
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    return l.toString(t.date(), QLocale::LongFormat) + QLatin1Char(' ')
        + l.toString(t.time(), timeFormatWithSeconds(l, true)) + QLatin1Char(' ') + t.timeZoneAbbreviation();
}

QString numberText(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    const QLocale l;
    if (value == std::floor(value) && std::abs(value) < 1e15)
        return l.toString(value, 'f', 0);
    return l.toString(value, 'g', 15);
}

} // namespace promdir
