#pragma once
// Per-second rates of a counter's history, for the per-pid chart's rate mode.

#include "promdir/snapshot.h"

#include <vector>

namespace promdir {

// Like PromQL rate(x[window]) evaluated along a stepped history (a point
// only where the value changed; the value holds until the next point): at
// each time t, the increase over (t - window, t] divided by the window in
// seconds, or by the time covered when the history starts inside the
// window (rate() extrapolates there instead). A drop is a counter reset, as
// rate() takes it: the counter restarted from 0, so the new value is the
// increase. Evaluated where the rate changes (each point, each point leaving
// the window) and at `endMs`; a point that is not present or not finite
// ends the line (a present=false point), and the next starts it afresh.
std::vector<TimelinePoint> counterRate(const std::vector<TimelinePoint> &points, std::int64_t windowMs,
                                       std::int64_t endMs);

// Whether a sample of this type is a counter that rate() applies to:
// counters, and the _count, _sum and _bucket of histograms and summaries.
bool isRateable(MetricType type, const std::string &sampleName);

} // namespace promdir
