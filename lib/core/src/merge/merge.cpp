// The public merge: compile the files into a plan, run it, build the
// families (plan_p.h); and the gauge modes one by one.
#include "promdir/merge/merge.h"
#include "merge/plan_p.h"

#include <algorithm>

namespace promdir {

namespace detail {

bool sameStructure(std::span<const std::shared_ptr<const ParsedFile>> a,
                   std::span<const std::shared_ptr<const ParsedFile>> b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const ParsedFile &x = *a[i];
        const ParsedFile &y = *b[i];
        if (&x == &y)
            continue;
        if (x.name != y.name || x.fileName.valid != y.fileName.valid || x.entries.size() != y.entries.size())
            return false;
        // Key ids are numbers within a store: a plan that takes
        // instructions by key id fits only files of the same store.
        if (!x.entries.empty() && ReaderAccess::keyStore(x) != ReaderAccess::keyStore(y))
            return false;
        for (std::size_t j = 0; j < x.entries.size(); ++j)
            if (x.entries[j].key != y.entries[j].key && x.entries[j].rawKey() != y.entries[j].rawKey())
                return false;
    }
    return true;
}

} // namespace detail

void sortByName(FileList &files)
{
    std::stable_sort(files.begin(), files.end(),
                     [](const auto &a, const auto &b) { return a->name < b->name; });
}

std::vector<MetricFamily> merge(std::span<const std::shared_ptr<const ParsedFile>> files,
                                const MergeOptions &options)
{
    const detail::MergePlan plan = detail::compilePlan(files, options);
    detail::MergeState state = detail::initialState(plan);
    detail::execute(plan, files, 0, files.size(), state);
    return detail::build(plan, state);
}

std::vector<PidValue> applyGaugeMode(GaugeMode mode, std::span<const PidValue> values)
{
    std::vector<PidValue> out;
    switch (mode) {
    case GaugeMode::None:
    case GaugeMode::All:
    case GaugeMode::LiveAll:
        // One series per pid; a pid seen twice keeps its last value.
        for (const auto &v : values) {
            auto it = std::find_if(out.begin(), out.end(), [&](const auto &o) { return o.pid == v.pid; });
            if (it == out.end())
                out.push_back(v);
            else
                it->value = v.value;
        }
        return out;
    case GaugeMode::Min:
    case GaugeMode::LiveMin:
    case GaugeMode::Max:
    case GaugeMode::LiveMax: {
        const bool isMin = mode == GaugeMode::Min || mode == GaugeMode::LiveMin;
        for (const auto &v : values) {
            if (out.empty())
                out.push_back({{}, v.value, 0.0});
            else if (isMin ? v.value < out[0].value : v.value > out[0].value)
                out[0].value = v.value;
        }
        return out;
    }
    case GaugeMode::Sum:
    case GaugeMode::LiveSum:
        if (!values.empty()) {
            out.push_back({{}, 0.0, 0.0});
            for (const auto &v : values)
                out[0].value += v.value;
        }
        return out;
    case GaugeMode::MostRecent:
    case GaugeMode::LiveMostRecent: {
        double best = 0.0;
        for (const auto &v : values) {
            if (best < v.timestamp) {
                best = v.timestamp;
                if (out.empty())
                    out.push_back({{}, v.value, v.timestamp});
                else
                    out[0] = {{}, v.value, v.timestamp};
            }
        }
        return out;
    }
    }
    return out;
}

} // namespace promdir
