#pragma once
// The reference's MultiProcessCollector.merge (spec section 5).

#include "promdir/read/reader.h"

#include <span>

namespace promdir {

struct Sample
{
    std::string name;
    Labels labels; // sorted by name, unique
    double value = 0.0;
};

struct MetricFamily
{
    std::string name; // metric_name (no _total for counters)
    MetricType type = MetricType::Counter;
    std::string help;
    GaugeMode mode = GaugeMode::None; // for gauges: the last file's mode
    std::vector<Sample> samples;
};

struct MergeOptions
{
    bool accumulate = true; // false: raw bucket counts, no _count
};

using FileList = std::vector<std::shared_ptr<const ParsedFile>>;

// Merges parsed files in the given order (callers sort by name: see
// sortByName). Files that are not of the reference's naming are skipped.
std::vector<MetricFamily> merge(std::span<const std::shared_ptr<const ParsedFile>> files,
                                const MergeOptions &options = {});

// Byte-wise sorted by base name, as promdir always merges.
void sortByName(FileList &files);

// What one gauge mode exports from per-pid values of one series. For
// all/liveall every pid's value is returned with its pid; for the other
// modes at most one value with an empty pid. Inputs in merge order.
struct PidValue
{
    std::string pid;
    double value = 0.0;
    double timestamp = 0.0;
};
std::vector<PidValue> applyGaugeMode(GaugeMode mode, std::span<const PidValue> values);

// One label set of a gauge family with every pid's value, in merge order:
// what applyGaugeMode takes, for showing every mode side by side.
struct GaugeGroup
{
    Labels labels;
    std::vector<PidValue> values;
};
// The gauge files' series of `family`, grouped by label set in order of
// first appearance (files in merge order).
std::vector<GaugeGroup> gaugeGroups(const FileList &files, std::string_view family);

} // namespace promdir
