#include "promdir/merge.h"
#include "merge_p.h"

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

struct RawRef
{
    const Key *key;
    const std::string *pid; // gauge files only
    std::uint32_t instr;
};

struct FamilyBuild
{
    MetricFamily family;
    std::vector<RawRef> raw;
};

constexpr std::uint32_t kNoSlot = UINT32_MAX;

struct GroupSample
{
    std::string name;
    Labels labels;
    std::uint32_t slot = kNoSlot; // kNoSlot: set by the histogram pass
};

using Group = OrderedMap<GroupSample>;

struct PendingHistogram
{
    std::string groupId;
    std::vector<std::pair<std::uint32_t, std::string>> buckets; // raw slot, sample id
    std::string countId;                                          // empty: none
};

detail::Op opFor(const MetricFamily &fam)
{
    if (fam.type != MetricType::Gauge)
        return detail::Op::Sum;
    switch (fam.mode) {
    case GaugeMode::Min:
    case GaugeMode::LiveMin: return detail::Op::Min;
    case GaugeMode::Max:
    case GaugeMode::LiveMax: return detail::Op::Max;
    case GaugeMode::MostRecent:
    case GaugeMode::LiveMostRecent: return detail::Op::MostRecent;
    case GaugeMode::All:
    case GaugeMode::LiveAll: return detail::Op::Set;
    default: return detail::Op::Sum;
    }
}

// The reference's _accumulate_metrics for one family, on structure only.
void compileFamily(FamilyBuild &fb, std::uint32_t familyIndex, detail::MergePlan &plan)
{
    MetricFamily &fam = fb.family;
    const detail::Op op = opFor(fam);
    const bool dropPid = fam.type == MetricType::Gauge && op != detail::Op::Set;
    const std::string bucketName = fam.name + "_bucket";

    auto newSlot = [&] {
        plan.slots.push_back({familyIndex, -1});
        return static_cast<std::uint32_t>(plan.slots.size() - 1);
    };

    OrderedMap<Group> groups;
    // Histogram buckets per label set without le: bound -> raw slot.
    OrderedMap<std::pair<Labels, std::map<double, std::uint32_t>>> buckets;

    for (const RawRef &r : fb.raw) {
        Labels labels = r.key->labels;
        if (r.pid)
            labels.emplace_back("pid", *r.pid);
        if (dropPid)
            std::erase_if(labels, [](const auto &l) { return l.first == "pid"; });

        if (fam.type == MetricType::Histogram) {
            auto le = std::find_if(labels.begin(), labels.end(), [](const auto &l) { return l.first == "le"; });
            if (le != labels.end()) {
                const auto bound = pythonFloat(le->second);
                if (!bound || std::isnan(*bound)) {
                    plan.instrs[r.instr] = {0, detail::Op::Skip}; // the reference cannot order it either
                    continue;
                }
                Labels without;
                for (const auto &l : labels)
                    if (l.first != "le")
                        without.push_back(l);
                const std::string id = tupleId(without);
                auto [b, _] = buckets.findOrInsert(id, {without, {}});
                auto [it, inserted] = b->second.try_emplace(*bound, kNoSlot);
                if (inserted)
                    it->second = newSlot();
                plan.instrs[r.instr] = {it->second, detail::Op::Sum};
                continue;
            }
        }

        const std::string gid = tupleId(labels);
        auto [g, _] = groups.findOrInsert(gid, {});
        const std::string &name = r.key->sample;
        auto [gs, inserted] = g->findOrInsert(name + '\0', {name, std::move(labels), kNoSlot});
        if (gs->slot == kNoSlot)
            gs->slot = newSlot();
        plan.instrs[r.instr] = {gs->slot, op};
    }

    std::vector<PendingHistogram> pending;
    for (auto &[id, entry] : buckets) {
        auto &[without, bounds] = entry;
        auto [g, _] = groups.findOrInsert(id, {});
        PendingHistogram ph;
        ph.groupId = id;
        for (const auto &[bound, slot] : bounds) {
            const std::string le = floatToGoString(bound);
            Labels withLe = without;
            withLe.emplace_back("le", le);
            const std::string sid = bucketName + '\0' + le;
            g->findOrInsert(sid, {bucketName, std::move(withLe), kNoSlot});
            ph.buckets.emplace_back(slot, sid);
        }
        if (plan.options.accumulate) {
            const std::string countName = fam.name + "_count";
            ph.countId = countName + '\0';
            g->findOrInsert(ph.countId, {countName, without, kNoSlot});
        }
        pending.push_back(std::move(ph));
    }

    // Number the samples in output order.
    const bool dynamic = op == detail::Op::MostRecent;
    std::vector<std::uint32_t> sampleGroup;
    std::unordered_map<std::string, std::uint32_t> indexOf; // group id + sample id
    std::uint32_t groupIndex = 0;
    for (auto &[gid, group] : groups) {
        for (auto &[sid, gs] : group) {
            const auto index = static_cast<std::uint32_t>(fam.samples.size());
            if (gs.slot != kNoSlot)
                plan.slots[gs.slot].sample = static_cast<std::int32_t>(index);
            if (!pending.empty())
                indexOf.emplace(gid + '\2' + sid, index);
            fam.samples.push_back({std::move(gs.name), asDict(std::move(gs.labels)), 0.0});
            sampleGroup.push_back(groupIndex);
        }
        ++groupIndex;
    }
    for (const auto &ph : pending) {
        detail::MergePlan::HistogramGroup hg{familyIndex, {}, -1};
        for (const auto &[slot, sid] : ph.buckets)
            hg.buckets.emplace_back(slot, indexOf.at(ph.groupId + '\2' + sid));
        if (!ph.countId.empty())
            hg.countSample = static_cast<std::int32_t>(indexOf.at(ph.groupId + '\2' + ph.countId));
        plan.histograms.push_back(std::move(hg));
    }
    if (dynamic)
        plan.dynamicFamilies.push_back(familyIndex);
    plan.sampleGroup.push_back(std::move(sampleGroup));
}

} // namespace

namespace detail {

MergePlan compilePlan(std::span<const std::shared_ptr<const ParsedFile>> files, const MergeOptions &options)
{
    MergePlan plan;
    plan.options = options;
    OrderedMap<FamilyBuild> families;
    std::uint32_t instr = 0;
    for (const auto &file : files) {
        plan.fileFirstInstr.push_back(instr);
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
            fb->raw.push_back({&key, gauge ? &fn.pid : nullptr, instr++});
        }
    }
    plan.instrs.assign(instr, {0, Op::Skip});
    for (auto &[name, fb] : families) {
        const auto index = static_cast<std::uint32_t>(plan.families.size());
        compileFamily(fb, index, plan);
        plan.families.push_back(std::move(fb.family));
    }
    return plan;
}

MergeState initialState(const MergePlan &plan)
{
    MergeState s;
    const std::size_t n = plan.slots.size();
    s.value.assign(n, 0.0);
    s.bestTimestamp.assign(n, 0.0);
    s.firstTaken.assign(n, kNoSlot);
    s.taken.assign(n, 0);
    return s;
}

void execute(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files, std::size_t fromFile,
             std::size_t toFile, MergeState &state)
{
    for (std::size_t f = fromFile; f < toFile && f < files.size(); ++f) {
        const ParsedFile &file = *files[f];
        if (!file.fileName.valid)
            continue;
        const std::uint32_t first = plan.fileFirstInstr[f];
        for (std::size_t j = 0; j < file.entries.size(); ++j) {
            const Entry &e = file.entries[j];
            const MergePlan::Instr in = plan.instrs[first + j];
            const std::uint32_t s = in.slot;
            switch (in.op) {
            case Op::Skip:
                break;
            case Op::Sum:
                state.value[s] += e.value;
                state.taken[s] = 1;
                break;
            case Op::Min:
                if (!state.taken[s] || e.value < state.value[s])
                    state.value[s] = e.value;
                state.taken[s] = 1;
                break;
            case Op::Max:
                if (!state.taken[s] || e.value > state.value[s])
                    state.value[s] = e.value;
                state.taken[s] = 1;
                break;
            case Op::Set:
                state.value[s] = e.value;
                state.taken[s] = 1;
                break;
            case Op::MostRecent:
                if (state.bestTimestamp[s] < e.timestamp) {
                    state.value[s] = e.value;
                    state.bestTimestamp[s] = e.timestamp;
                    if (!state.taken[s]) {
                        state.taken[s] = 1;
                        state.firstTaken[s] = first + static_cast<std::uint32_t>(j);
                    }
                }
                break;
            }
        }
    }
}

std::vector<MetricFamily> build(const MergePlan &plan, const MergeState &state)
{
    std::vector<MetricFamily> families = plan.families;
    for (std::size_t slot = 0; slot < plan.slots.size(); ++slot) {
        const auto &t = plan.slots[slot];
        if (t.sample >= 0)
            families[t.family].samples[static_cast<std::size_t>(t.sample)].value = state.value[slot];
    }
    for (const auto &hg : plan.histograms) {
        auto &samples = families[hg.family].samples;
        double acc = 0.0;
        for (const auto &[slot, sample] : hg.buckets) {
            if (plan.options.accumulate) {
                acc += state.value[slot];
                samples[sample].value = acc;
            } else {
                samples[sample].value = state.value[slot];
            }
        }
        if (hg.countSample >= 0)
            samples[static_cast<std::size_t>(hg.countSample)].value = acc;
    }
    // mostrecent: a series exists once a value was taken, and the groups
    // come in the order their first value was taken.
    for (const std::uint32_t f : plan.dynamicFamilies) {
        const auto &groupOf = plan.sampleGroup[f];
        std::vector<std::uint32_t> slotOf(families[f].samples.size(), kNoSlot);
        for (std::size_t slot = 0; slot < plan.slots.size(); ++slot)
            if (plan.slots[slot].family == f && plan.slots[slot].sample >= 0)
                slotOf[static_cast<std::size_t>(plan.slots[slot].sample)] = static_cast<std::uint32_t>(slot);
        std::unordered_map<std::uint32_t, std::uint32_t> groupFirst;
        std::vector<std::uint32_t> kept;
        for (std::uint32_t i = 0; i < slotOf.size(); ++i) {
            if (slotOf[i] == kNoSlot || !state.taken[slotOf[i]])
                continue;
            kept.push_back(i);
            auto [it, inserted] = groupFirst.try_emplace(groupOf[i], state.firstTaken[slotOf[i]]);
            if (!inserted)
                it->second = std::min(it->second, state.firstTaken[slotOf[i]]);
        }
        std::stable_sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) {
            const auto ga = groupFirst[groupOf[a]], gb = groupFirst[groupOf[b]];
            if (ga != gb)
                return ga < gb;
            return state.firstTaken[slotOf[a]] < state.firstTaken[slotOf[b]];
        });
        std::vector<Sample> out;
        out.reserve(kept.size());
        for (const auto i : kept)
            out.push_back(std::move(families[f].samples[i]));
        families[f].samples = std::move(out);
    }
    return families;
}

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
        for (std::size_t j = 0; j < x.entries.size(); ++j)
            if (x.entries[j].key != y.entries[j].key && x.entries[j].rawKey != y.entries[j].rawKey)
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
