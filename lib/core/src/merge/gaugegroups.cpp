#include "promdir/merge/merge.h"

#include <map>

namespace promdir {

std::vector<GaugeGroup> gaugeGroups(const FileList &files, std::string_view family)
{
    std::vector<GaugeGroup> groups;
    std::map<Labels, std::size_t> index;
    for (const auto &f : files) {
        if (!f->fileName.valid || f->fileName.type != MetricType::Gauge)
            continue;
        for (const auto &e : f->entries) {
            if (!e.key || e.key->metric != family)
                continue;
            auto [it, inserted] = index.try_emplace(e.key->labels, groups.size());
            if (inserted)
                groups.push_back({e.key->labels, {}});
            groups[it->second].values.push_back({f->fileName.pid, e.value, e.timestamp});
        }
    }
    return groups;
}

} // namespace promdir
