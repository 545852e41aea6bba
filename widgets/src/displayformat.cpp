#include "promdir/displayformat.h"

#include "promdir/format/floatformat.h"

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
    return l.toString(value, 'g', QLocale::FloatingPointShortest);
}

namespace {
enum class Unit { None, Bytes, Time };
Unit unitOf(std::string_view name)
{
    for (std::string_view suffix : {"_total", "_sum"})
        if (name.ends_with(suffix)) {
            name.remove_suffix(suffix.size());
            break;
        }
    if (name.ends_with("_bytes"))
        return Unit::Bytes;
    if (name.ends_with("_timestamp_seconds") || name.ends_with("_time_seconds"))
        return Unit::Time;
    return Unit::None;
}
} // namespace

QString sampleValueText(double value, std::string_view name)
{
    if (std::isfinite(value)) {
        switch (unitOf(name)) {
        case Unit::Bytes:
            if (value >= 0 && value < 9e18)
                return bytesText(std::uint64_t(value));
            break;
        case Unit::Time:
            if (value > 0 && value < 1e11)
                return dateTimeText(std::int64_t(std::llround(value * 1000)));
            break;
        case Unit::None:
            break;
        }
    }
    return numberText(value);
}

QString sampleValueTip(double value, std::string_view name)
{
    QString tip = QString::fromStdString(floatToGoString(value));
    if (std::isfinite(value)) {
        switch (unitOf(name)) {
        case Unit::Bytes:
            if (value >= 0 && value < 9e18)
                tip += QLatin1String(" = ") + bytesExact(std::uint64_t(value));
            break;
        case Unit::Time:
            if (value > 0 && value < 1e11)
                tip += QLatin1String(" = ") + dateTimeExact(std::int64_t(std::llround(value * 1000)));
            break;
        case Unit::None:
            break;
        }
    }
    return tip;
}

} // namespace promdir
