#pragma once
// How numbers, sizes and times read in the GUI: in the user's locale,
// sizes in IEC units and times as local date-times with seconds; the exact
// value goes in the tooltip.

#include <QString>

#include <cstdint>
#include <string_view>

namespace promdir {

// "5.5 MiB" (exact bytes: bytesExact).
QString bytesText(std::uint64_t bytes);
// "5,718,016 bytes" in the locale's digits.
QString bytesExact(std::uint64_t bytes);
// A local date and time with seconds ("12/3/26 2:03:55 PM"); empty for 0.
QString dateTimeText(std::int64_t msSinceEpoch);
// The same with milliseconds and the time zone, for tooltips.
QString dateTimeExact(std::int64_t msSinceEpoch);
// A sample value in the locale: "1,234,567", "0.25", "NaN", "+Inf"; the
// exposition's spelling (floatToGoString) stays for the Exposition view.
QString numberText(double value);
// A sample's value read by its name: *_bytes as IEC sizes, *_timestamp_seconds
// and *_time_seconds as local date-times, else numberText.
QString sampleValueText(double value, std::string_view sampleName);
// The tooltip: the exposition's spelling and, for sizes and times, the
// exact value.
QString sampleValueTip(double value, std::string_view sampleName);

} // namespace promdir
