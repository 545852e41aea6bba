#pragma once
// Basic vocabulary of the multiprocess format: file kinds, gauge modes and
// problems. Errors from the core are values (Problem), never exceptions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace promdir {

enum class MetricType { Counter, Gauge, Histogram, Summary };

enum class GaugeMode {
    None, // not a gauge
    All,
    LiveAll,
    Min,
    LiveMin,
    Max,
    LiveMax,
    Sum,
    LiveSum,
    MostRecent,
    LiveMostRecent,
};

std::string_view toString(MetricType type);
std::string_view toString(GaugeMode mode); // "" for None
std::optional<MetricType> metricTypeFromString(std::string_view s);
std::optional<GaugeMode> gaugeModeFromString(std::string_view s);
bool isLiveMode(GaugeMode mode);
// All ten modes in the reference's documentation order.
const std::vector<GaugeMode> &allGaugeModes();

// Labels as (name, value) pairs, sorted by name with unique names.
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class ProblemKind {
    Unreadable,      // could not open/read the file
    Vanished,        // listed, then gone before it was read
    Empty,           // zero-length file
    BadHeader,       // `used` out of range or not a multiple of 8
    Truncated,       // an entry runs past `used` or the end of the data
    BadKeyLength,    // negative or impossible key length
    BadUtf8,         // key bytes are not UTF-8
    BadJson,         // key is not JSON text
    BadKeyShape,     // JSON but not a key array of a known generation
    MixedGeneration, // entries of different generations in one file
    ForeignFile,     // file name not of the reference's form, not a .db, a folder
    Unstable,        // kept changing while read (concurrent writer)
};

std::string_view toString(ProblemKind kind);

struct Problem
{
    std::string file;    // path or name as the user gave it
    std::uint64_t offset = 0; // byte offset in the file where it was found
    ProblemKind kind = ProblemKind::Unreadable;
    std::string message; // one clear sentence

    // "file: offset N: message"
    std::string describe() const;
};

} // namespace promdir
