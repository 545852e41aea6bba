#pragma once
// What changed between two merged outputs (directories or archives):
// families, series and values, after merging as the reference does.

#include "promdir/merge/merge.h"

namespace promdir {

struct DiffEntry
{
    enum class Kind { FamilyAdded, FamilyRemoved, TypeChanged, HelpChanged, SeriesAdded, SeriesRemoved, ValueChanged };
    Kind kind = Kind::ValueChanged;
    std::string family;
    std::string sample;   // empty for family-level entries
    Labels labels;
    double before = 0.0;  // SeriesRemoved, ValueChanged
    double after = 0.0;   // SeriesAdded, ValueChanged
    std::string beforeText, afterText; // type or help, for TypeChanged/HelpChanged
};

std::string_view toString(DiffEntry::Kind kind); // "family-added", ...

// Entries follow B's order; what only A had comes after. Values
// that are both NaN are equal.
std::vector<DiffEntry> diffFamilies(std::span<const MetricFamily> a, std::span<const MetricFamily> b);

} // namespace promdir
