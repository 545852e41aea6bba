#pragma once
// The per-pid chart of a directory with many processes: the N pids with the
// highest values get a line each, and the rest one line of their sum.

#include "promdir/snapshot.h"

#include <vector>

namespace promdir {

struct PidRanking
{
    std::vector<std::size_t> top;    // places in the input, highest value first
    std::vector<std::size_t> others; // the rest, in input order
    // The others' values summed over time, stepped like the lines (a point
    // where the sum changes; present=false once none of them has a value).
    // Empty when there are no others.
    std::vector<TimelinePoint> othersSum;
};

// `lines` are the pids' lines as the chart shows them (values, or rates),
// each in ascending time. Pids flagged in `first` (running ones: in a
// directory of recycled workers the dead ones' counters are the highest, and
// flat) rank before the others; within each, a pid ranks by the last value
// of its line: one whose line ended (present=false) or whose value is NaN
// below every number; ties go to the lower pid (pidLess). `n` < 0 or at
// least the number of pids: every pid is in `top`. A value that is not a
// number is left out of the sum.
PidRanking rankPids(const std::vector<PidTimeline> &lines, int n, const std::vector<bool> &first = {});

} // namespace promdir
