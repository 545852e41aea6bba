#pragma once
// Not part of the API: how a MergeEngine refresh went inside, for the
// engine's own tests and benchmarks. Names and meanings may change with
// any release.

#include <cstddef>

namespace promdir {

struct MergeResult;

namespace detail {

struct RefreshDetail
{
    std::size_t filesFrozen = 0;    // of a process gone (and unchanged): kept unread unless due for a recheck
    std::size_t filesRechecked = 0; // kept files read again in turn, to catch writes no event announced
    bool planReused = false;        // the merge's structure was unchanged: the compiled plan ran again
    bool baseFolded = false;        // the files that cannot change were (again) merged into the base
    bool summedByKey = false;       // cold: sums outside gauge files made beside the plan compiler
};

const RefreshDetail &refreshDetail(const MergeResult &result);

} // namespace detail
} // namespace promdir
