#include "promdir/merge.h"

#include "promdir/floatformat.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace promdir {

namespace {

// An insertion-ordered map, like a Python dict.
template<typename V>
class OrderedMap
{
public:
    // Returns the value for `key`, inserting `init` at the end if absent.
    std::pair<V *, bool> findOrInsert(const std::string &key, V init)
    {
        auto [it, inserted] = m_index.try_emplace(key, m_items.size());
        if (inserted)
            m_items.emplace_back(key, std::move(init));
        return {&m_items[it->second].second, inserted};
    }
    V *find(const std::string &key)
    {
        auto it = m_index.find(key);
        return it == m_index.end() ? nullptr : &m_items[it->second].second;
    }
    auto begin() { return m_items.begin(); }
    auto end() { return m_items.end(); }

private:
    std::unordered_map<std::string, std::size_t> m_index;
    std::vector<std::pair<std::string, V>> m_items;
};

// Identity of a label tuple: length-prefixed so any bytes are safe.
void appendPart(std::string &out, std::string_view s)
{
    const auto n = static_cast<std::uint32_t>(s.size());
    out.append(reinterpret_cast<const char *>(&n), sizeof n);
    out.append(s);
}

std::string tupleId(const Labels &labels)
{
    std::string id;
    for (const auto &[k, v] : labels) {
        appendPart(id, k);
        appendPart(id, v);
    }
    return id;
}

// Python's dict(labels): last value wins; then sorted for rendering.
Labels asDict(Labels labels)
{
    std::stable_sort(labels.begin(), labels.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    Labels out;
    for (auto &l : labels) {
        if (!out.empty() && out.back().first == l.first)
            out.back().second = std::move(l.second);
        else
            out.push_back(std::move(l));
    }
    return out;
}

struct RawSample
{
    const Key *key;
    const std::string *pid; // gauge files only
    double value;
    double timestamp;
};

struct FamilyBuild
{
    MetricFamily family;
    std::vector<RawSample> raw;
};

struct OutSample
{
    std::string name;
    Labels labels;
    double value;
};

using Group = OrderedMap<OutSample>;

void accumulate(FamilyBuild &fb, const MergeOptions &options)
{
    MetricFamily &fam = fb.family;
    const bool gauge = fam.type == MetricType::Gauge;
    const GaugeMode mode = fam.mode;
    const bool dropPid = gauge && mode != GaugeMode::All && mode != GaugeMode::LiveAll;

    OrderedMap<Group> groups;
    // mostrecent: best timestamp per (group, sample name).
    std::unordered_map<std::string, double> timestamps;
    // histogram: buckets per label set without le, bound -> count.
    OrderedMap<std::pair<Labels, std::map<double, double>>> buckets;

    for (const RawSample &s : fb.raw) {
        Labels labels = s.key->labels;
        if (s.pid)
            labels.emplace_back("pid", *s.pid);
        if (dropPid)
            std::erase_if(labels, [](const auto &l) { return l.first == "pid"; });
        const std::string &name = s.key->sample;

        if (fam.type == MetricType::Histogram) {
            auto le = std::find_if(labels.begin(), labels.end(), [](const auto &l) { return l.first == "le"; });
            if (le != labels.end()) {
                const auto bound = pythonFloat(le->second);
                if (!bound || std::isnan(*bound))
                    continue; // the reference cannot order it either
                Labels without;
                for (const auto &l : labels)
                    if (l.first != "le")
                        without.push_back(l);
                const std::string id = tupleId(without);
                auto [b, _] = buckets.findOrInsert(id, {without, {}});
                b->second[*bound] += s.value;
                continue;
            }
        }

        const std::string gid = tupleId(labels);
        const std::string sid = name + '\0';
        if (gauge && (mode == GaugeMode::MostRecent || mode == GaugeMode::LiveMostRecent)) {
            double &best = timestamps[gid + '\1' + sid]; // starts at 0.0
            if (best < s.timestamp) {
                auto [g, _] = groups.findOrInsert(gid, {});
                auto [o, inserted] = g->findOrInsert(sid, {name, labels, s.value});
                o->value = s.value;
                best = s.timestamp;
            }
            continue;
        }
        auto [g, _] = groups.findOrInsert(gid, {});
        if (gauge && (mode == GaugeMode::Min || mode == GaugeMode::LiveMin)) {
            auto [o, inserted] = g->findOrInsert(sid, {name, labels, s.value});
            if (!inserted && s.value < o->value)
                o->value = s.value;
        } else if (gauge && (mode == GaugeMode::Max || mode == GaugeMode::LiveMax)) {
            auto [o, inserted] = g->findOrInsert(sid, {name, labels, s.value});
            if (!inserted && s.value > o->value)
                o->value = s.value;
        } else if (gauge && (mode == GaugeMode::All || mode == GaugeMode::LiveAll)) {
            auto [o, inserted] = g->findOrInsert(sid, {name, labels, s.value});
            o->value = s.value;
        } else {
            // sum/livesum, counters, summaries, histogram _sum: add.
            auto [o, inserted] = g->findOrInsert(sid, {name, labels, 0.0});
            o->value += s.value;
        }
    }

    if (fam.type == MetricType::Histogram) {
        for (auto &[id, entry] : buckets) {
            auto &[without, counts] = entry;
            auto [g, _] = groups.findOrInsert(id, {});
            double acc = 0.0;
            for (const auto &[bound, count] : counts) {
                const std::string le = floatToGoString(bound);
                Labels withLe = without;
                withLe.emplace_back("le", le);
                const std::string bucketName = fam.name + "_bucket";
                auto [o, inserted] = g->findOrInsert(bucketName + '\0' + le, {bucketName, withLe, 0.0});
                if (options.accumulate) {
                    acc += count;
                    o->value = acc;
                } else {
                    o->value = count;
                }
            }
            if (options.accumulate) {
                const std::string countName = fam.name + "_count";
                auto [o, inserted] = g->findOrInsert(countName + '\0', {countName, without, 0.0});
                o->value = acc;
            }
        }
    }

    for (auto &[gid, group] : groups)
        for (auto &[sid, o] : group)
            fam.samples.push_back({std::move(o.name), asDict(std::move(o.labels)), o.value});
}

} // namespace

void sortByName(FileList &files)
{
    std::stable_sort(files.begin(), files.end(),
                     [](const auto &a, const auto &b) { return a->name < b->name; });
}

std::vector<MetricFamily> merge(std::span<const std::shared_ptr<const ParsedFile>> files,
                                const MergeOptions &options)
{
    OrderedMap<FamilyBuild> families;
    for (const auto &file : files) {
        if (!file || !file->fileName.valid)
            continue;
        const FileName &fn = file->fileName;
        const bool gauge = fn.type == MetricType::Gauge;
        for (const Entry &e : file->entries) {
            const Key &key = *e.key;
            auto [fb, created] = families.findOrInsert(key.metric, {});
            if (created) {
                fb->family.name = key.metric;
                fb->family.type = fn.type;
                fb->family.help = key.hasHelp ? key.help : std::string("Multiprocess metric");
            }
            if (gauge)
                fb->family.mode = fn.mode;
            fb->raw.push_back({&key, gauge ? &fn.pid : nullptr, e.value, e.timestamp});
        }
    }
    std::vector<MetricFamily> out;
    for (auto &[name, fb] : families) {
        accumulate(fb, options);
        out.push_back(std::move(fb.family));
    }
    return out;
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
