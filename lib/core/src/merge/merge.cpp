#include "promdir/merge/merge.h"
#include "merge/merge_p.h"
#include "read/reader_p.h"

#include "promdir/format/floatformat.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>

namespace promdir {

namespace {

// An insertion-ordered map, like a Python dict. Values keep their address.
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
    std::deque<std::pair<std::string, V>> m_items; // stable addresses
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

struct RawRef
{
    const Key *key;
    const std::string *pid; // gauge files only
    std::uint32_t instr;     // its number in merge order
    std::uint32_t at;        // where its instruction goes in plan.instrs; kNoSlot: nowhere (byKey file)
    std::uint32_t keyNumber; // KeyNumbers::of(key)
};

constexpr std::uint32_t kNoSlot = UINT32_MAX;

// Small dense numbers for the keys of a merge, so that tables indexed by key
// are plain arrays: Key::id for keys of the store most files share (one
// KeyInterner), numbers after those for keys of other stores.
class KeyNumbers
{
public:
    explicit KeyNumbers(std::span<const std::shared_ptr<const ParsedFile>> files)
    {
        for (const auto &f : files) {
            if (f && !f->entries.empty()) {
                m_common = detail::ReaderAccess::keyStore(*f);
                m_next = detail::keyIdLimit(*m_common);
                break;
            }
        }
    }
    bool common(const ParsedFile &file) const { return detail::ReaderAccess::keyStore(file) == m_common; }
    // For a file not common().
    std::uint32_t other(const Entry &e)
    {
        return m_others.try_emplace(e.key, m_next + static_cast<std::uint32_t>(m_others.size())).first->second;
    }
    std::uint32_t count() const { return m_next + static_cast<std::uint32_t>(m_others.size()); }

private:
    const detail::KeyStore *m_common = nullptr;
    std::uint32_t m_next = 0;
    std::unordered_map<const Key *, std::uint32_t> m_others;
};

// The merge's loops over files touch thousands of ParsedFiles, which the
// loading threads allocated wherever: asking for a file some places ahead
// hides most of the cache misses (a third of the plan compiler's own time).
constexpr std::size_t kPrefetchAhead = 8;
inline void prefetchFile(std::span<const std::shared_ptr<const ParsedFile>> files, std::size_t i)
{
    if (i < files.size())
        if (const ParsedFile *f = files[i].get()) {
            __builtin_prefetch(&f->fileName);
            __builtin_prefetch(&f->entries);
            __builtin_prefetch(detail::ReaderAccess::keyStoreAddress(*f));
        }
}

struct FamilyBuild
{
    MetricFamily family;
    std::vector<RawRef> raw;
};

struct GroupSample
{
    std::string name;
    Labels labels;
    std::uint32_t slot = kNoSlot; // kNoSlot: set by the histogram pass
    std::uint32_t index = 0;      // in the family's samples, once numbered
};

// The samples of one label set in first-seen order, by sample id. Most
// groups hold a few samples (a histogram series some twenty): looked up by
// scanning, with a hash index only for big ones.
class Group
{
public:
    // Position of `sid`'s sample, inserting `init` at the end if absent.
    std::uint32_t findOrInsert(const std::string &sid, GroupSample &&init)
    {
        if (m_index.empty()) {
            for (std::size_t i = 0; i < m_items.size(); ++i)
                if (m_items[i].first == sid)
                    return static_cast<std::uint32_t>(i);
        } else if (auto it = m_index.find(sid); it != m_index.end()) {
            return it->second;
        }
        const auto pos = static_cast<std::uint32_t>(m_items.size());
        m_items.emplace_back(sid, std::move(init));
        if (!m_index.empty())
            m_index.emplace(sid, pos);
        else if (m_items.size() > kScan)
            for (std::size_t i = 0; i < m_items.size(); ++i)
                m_index.emplace(m_items[i].first, static_cast<std::uint32_t>(i));
        return pos;
    }
    GroupSample &at(std::uint32_t pos) { return m_items[pos].second; }
    auto begin() { return m_items.begin(); }
    auto end() { return m_items.end(); }

private:
    static constexpr std::size_t kScan = 32;
    std::vector<std::pair<std::string, GroupSample>> m_items;
    std::unordered_map<std::string, std::uint32_t> m_index;
};

// A histogram's few bucket bounds, parsed from and spelled back to `le`
// once per family instead of once per series.
class BucketBounds
{
public:
    std::optional<double> parse(const std::string &le)
    {
        for (const auto &[text, value] : m_parsed)
            if (text == le)
                return value;
        const auto value = pythonFloat(le);
        if (m_parsed.size() < kKept)
            m_parsed.emplace_back(le, value);
        return value;
    }
    const std::string &spell(double bound)
    {
        for (const auto &[value, text] : m_spelled)
            if (value == bound && std::signbit(value) == std::signbit(bound))
                return text;
        if (m_spelled.size() == kKept)
            m_spelled.pop_back();
        return m_spelled.emplace_back(bound, floatToGoString(bound)).second;
    }

private:
    static constexpr std::size_t kKept = 64;
    std::vector<std::pair<std::string, std::optional<double>>> m_parsed;
    std::vector<std::pair<double, std::string>> m_spelled;
};

struct PendingHistogram
{
    Group *group;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> buckets; // raw slot, sample's position in group
    std::int64_t countPos = -1;                                   // -1: none
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
// `memo`: per key number, the instruction of a key already compiled.
void compileFamily(FamilyBuild &fb, std::uint32_t familyIndex, detail::MergePlan &plan,
                   std::vector<detail::MergePlan::Instr> &memo)
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
    BucketBounds leBounds;
    // Histogram buckets per label set without le: (bound, raw slot), the
    // first of each bound; sorted by bound below. A series has a few dozen.
    OrderedMap<std::pair<Labels, std::vector<std::pair<double, std::uint32_t>>>> buckets;

    for (const RawRef &r : fb.raw) {
        // The same key always lands in the same slot, unless the pid stays a
        // label (gauge all/liveall: one series per file anyway): a series
        // written by a thousand processes is worked out once.
        const bool keepsPid = r.pid && !dropPid;
        auto put = [&](detail::MergePlan::Instr in) {
            if (r.at != kNoSlot)
                plan.instrs[r.at] = in;
        };
        if (!keepsPid && memo[r.keyNumber].slot != kNoSlot) {
            put(memo[r.keyNumber]);
            continue;
        }
        detail::MergePlan::Instr scratch{0, detail::Op::Skip};
        detail::MergePlan::Instr &instr = keepsPid ? scratch : memo[r.keyNumber];
        Labels labels;
        labels.reserve(r.key->labels.size() + 1);
        for (const auto &l : r.key->labels)
            if (!(dropPid && l.first == "pid"))
                labels.push_back(l);
        if (r.pid && !dropPid)
            labels.emplace_back("pid", *r.pid);

        if (fam.type == MetricType::Histogram) {
            auto le = std::find_if(labels.begin(), labels.end(), [](const auto &l) { return l.first == "le"; });
            if (le != labels.end()) {
                const auto bound = leBounds.parse(le->second);
                if (!bound || std::isnan(*bound)) {
                    put(instr = {0, detail::Op::Skip}); // the reference cannot order it either
                    continue;
                }
                std::erase_if(labels, [](const auto &l) { return l.first == "le"; });
                const std::string id = tupleId(labels);
                auto *b = buckets.find(id);
                if (!b)
                    b = buckets.findOrInsert(id, {std::move(labels), {}}).first;
                auto &bounds = b->second;
                auto it = std::find_if(bounds.begin(), bounds.end(), [&](const auto &e) { return e.first == *bound; });
                if (it == bounds.end())
                    it = bounds.insert(bounds.end(), {*bound, newSlot()});
                put(instr = {it->second, detail::Op::Sum});
                continue;
            }
        }

        const std::string gid = tupleId(labels);
        auto [g, _] = groups.findOrInsert(gid, {});
        const std::string &name = r.key->sample;
        GroupSample &gs = g->at(g->findOrInsert(name + '\0', {name, std::move(labels), kNoSlot}));
        if (gs.slot == kNoSlot)
            gs.slot = newSlot();
        put(instr = {gs.slot, op});
    }

    std::vector<PendingHistogram> pending;
    for (auto &[id, entry] : buckets) {
        auto &[without, bounds] = entry;
        std::sort(bounds.begin(), bounds.end()); // distinct bounds: by bound alone
        auto [g, _] = groups.findOrInsert(id, {});
        PendingHistogram ph{g, {}, -1};
        for (const auto &[bound, slot] : bounds) {
            const std::string &le = leBounds.spell(bound);
            Labels withLe = without;
            withLe.emplace_back("le", le);
            ph.buckets.emplace_back(slot, g->findOrInsert(bucketName + '\0' + le, {bucketName, std::move(withLe), kNoSlot}));
        }
        if (plan.options.accumulate) {
            const std::string countName = fam.name + "_count";
            ph.countPos = g->findOrInsert(countName + '\0', {countName, without, kNoSlot});
        }
        pending.push_back(std::move(ph));
    }

    // Number the samples in output order.
    const bool dynamic = op == detail::Op::MostRecent;
    std::vector<std::uint32_t> sampleGroup;
    std::uint32_t groupIndex = 0;
    for (auto &[gid, group] : groups) {
        for (auto &[sid, gs] : group) {
            gs.index = static_cast<std::uint32_t>(fam.samples.size());
            if (gs.slot != kNoSlot)
                plan.slots[gs.slot].sample = static_cast<std::int32_t>(gs.index);
            fam.samples.push_back({std::move(gs.name), normaliseLabels(std::move(gs.labels)), 0.0});
            sampleGroup.push_back(groupIndex);
        }
        ++groupIndex;
    }
    for (const auto &ph : pending) {
        detail::MergePlan::HistogramGroup hg{familyIndex, {}, -1};
        for (const auto &[slot, pos] : ph.buckets)
            hg.buckets.emplace_back(slot, ph.group->at(pos).index);
        if (ph.countPos >= 0)
            hg.countSample = static_cast<std::int32_t>(ph.group->at(static_cast<std::uint32_t>(ph.countPos)).index);
        plan.histograms.push_back(std::move(hg));
    }
    if (dynamic)
        plan.dynamicFamilies.push_back(familyIndex);
    plan.sampleGroup.push_back(std::move(sampleGroup));
}

} // namespace

namespace detail {

MergePlan compilePlan(std::span<const std::shared_ptr<const ParsedFile>> files, const MergeOptions &options,
                      const std::vector<FirstSighting> *firsts)
{
    MergePlan plan;
    plan.options = options;
    OrderedMap<FamilyBuild> families;
    KeyNumbers numbers(files);
    std::vector<FamilyBuild *> familyOf(numbers.count(), nullptr); // by key number; grows for other stores
    std::size_t total = 0;      // entries of all files merged
    std::size_t gaugeTotal = 0; // of gauge files
    bool oneStore = true;
    for (std::size_t fi = 0; fi < files.size(); ++fi) {
        prefetchFile(files, fi + kPrefetchAhead);
        const auto &file = files[fi];
        if (file && file->fileName.valid) {
            total += file->entries.size();
            if (file->fileName.type == MetricType::Gauge)
                gaugeTotal += file->entries.size();
            oneStore = oneStore && (file->entries.empty() || numbers.common(*file));
        }
    }
    if (!oneStore)
        firsts = nullptr;
    // With `firsts`, files outside gauges are byKey and hold no place in
    // `instrs`: a cold merge neither fills nor even allocates that part.
    plan.instrs.assign(firsts ? gaugeTotal : total, {0, Op::Skip});
    plan.fileFirstInstr.reserve(files.size());
    plan.fileInstrAt.reserve(files.size());
    plan.byKey.assign(files.size(), false);
    std::uint32_t instr = 0; // in merge order
    std::uint32_t at = 0;    // in plan.instrs
    // Outside gauge files the pid is never a label, so a key's every later
    // entry takes the instruction of its first: only first sightings go to
    // the families. With `firsts` the other entries are not even looked at
    // (the file is byKey); else they are marked Repeat (slot: key number)
    // and filled in from `memo` after.
    std::vector<bool> seen(numbers.count(), false);
    std::size_t nextFirst = 0;
    auto sighted = [&](const ParsedFile &file, const Entry &e, std::uint32_t number, std::uint32_t index,
                       std::uint32_t place) {
        const Key &key = *e.key;
        const FileName &fn = file.fileName;
        const bool gauge = fn.type == MetricType::Gauge;
        FamilyBuild *&fb = familyOf[number];
        if (!fb) {
            auto [found, created] = families.findOrInsert(key.metric, {});
            if (created) {
                found->family.name = key.metric;
                found->family.type = fn.type;
                found->family.help = key.hasHelp ? key.help : std::string("Multiprocess metric");
            }
            fb = found;
        }
        if (gauge)
            fb->family.mode = fn.mode;
        fb->raw.push_back({&key, gauge ? &fn.pid : nullptr, index, place, number});
    };
    for (std::size_t fi = 0; fi < files.size(); ++fi) {
        prefetchFile(files, fi + kPrefetchAhead);
        const auto &file = files[fi];
        plan.fileFirstInstr.push_back(instr);
        plan.fileInstrAt.push_back(at);
        if (!file || !file->fileName.valid)
            continue;
        const bool gauge = file->fileName.type == MetricType::Gauge;
        if (firsts && !gauge) {
            plan.byKey[fi] = true;
            for (; nextFirst < firsts->size() && (*firsts)[nextFirst].file == file.get(); ++nextFirst) {
                const std::uint32_t j = (*firsts)[nextFirst].entry;
                const Entry &e = file->entries[j];
                if (keyIdOf(e) >= familyOf.size() || seen[keyIdOf(e)])
                    return compilePlan(files, options, nullptr); // not what these files hold
                seen[keyIdOf(e)] = true;
                sighted(*file, e, keyIdOf(e), instr + j, kNoSlot);
            }
            instr += static_cast<std::uint32_t>(file->entries.size());
            continue;
        }
        const bool common = numbers.common(*file);
        for (const Entry &e : file->entries) {
            const std::uint32_t number = common ? keyIdOf(e) : numbers.other(e);
            if (number >= familyOf.size()) {
                familyOf.resize(number + 1, nullptr);
                seen.resize(number + 1, false);
            }
            if (!gauge) {
                if (seen[number]) {
                    plan.instrs[at++] = {number, Op::Repeat};
                    ++instr;
                    continue;
                }
                seen[number] = true; // compiled without a pid: sets memo[number]
            }
            sighted(*file, e, number, instr++, at++);
        }
    }
    plan.instrCount = instr;
    if (firsts && nextFirst != firsts->size())
        return compilePlan(files, options, nullptr); // sightings of files not merged
    std::vector<MergePlan::Instr> memo(numbers.count(), {kNoSlot, Op::Skip});
    for (auto &[name, fb] : families) {
        const auto index = static_cast<std::uint32_t>(plan.families.size());
        compileFamily(fb, index, plan, memo);
        plan.families.push_back(std::move(fb.family));
    }
    if (!firsts)
        for (auto &in : plan.instrs)
            if (in.op == Op::Repeat)
                in = memo[in.slot];
    plan.keyInstr = std::move(memo);
    return plan;
}

void indexSlots(MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files)
{
    if (!plan.slotStart.empty())
        return;
    // One past the number of file f's last entry.
    auto endOf = [&](std::size_t f) {
        return f + 1 < plan.fileFirstInstr.size() ? plan.fileFirstInstr[f + 1] : plan.instrCount;
    };
    // Every instruction in merge order: byKey files' from their keys.
    if (plan.instrs.size() != plan.instrCount) {
        std::vector<MergePlan::Instr> all(plan.instrCount, {0, Op::Skip});
        for (std::size_t f = 0; f < plan.fileFirstInstr.size() && f < files.size(); ++f) {
            const std::uint32_t first = plan.fileFirstInstr[f];
            for (std::uint32_t j = 0; j < endOf(f) - first; ++j)
                all[first + j] = plan.byKey[f] ? plan.keyInstr[keyIdOf(files[f]->entries[j])]
                                               : plan.instrs[plan.fileInstrAt[f] + j];
        }
        plan.instrs = std::move(all);
        plan.fileInstrAt = plan.fileFirstInstr;
        plan.byKey.assign(plan.byKey.size(), false);
    }
    const std::uint32_t instrCount = plan.instrCount;
    plan.instrFile.assign(instrCount, 0);
    for (std::size_t f = 0; f < plan.fileFirstInstr.size(); ++f)
        std::fill(plan.instrFile.begin() + plan.fileFirstInstr[f], plan.instrFile.begin() + endOf(f),
                  static_cast<std::uint32_t>(f));
    plan.slotStart.assign(plan.slots.size() + 1, 0);
    for (const auto &in : plan.instrs)
        if (in.op != Op::Skip)
            ++plan.slotStart[in.slot + 1];
    for (std::size_t s = 0; s < plan.slots.size(); ++s)
        plan.slotStart[s + 1] += plan.slotStart[s];
    plan.slotInstrs.assign(plan.slotStart.back(), 0);
    std::vector<std::uint32_t> fill(plan.slotStart.begin(), plan.slotStart.end() - 1);
    for (std::uint32_t i = 0; i < instrCount; ++i)
        if (plan.instrs[i].op != Op::Skip)
            plan.slotInstrs[fill[plan.instrs[i].slot]++] = i;
}

namespace {

inline void apply(Op op, std::uint32_t s, double value, double timestamp, std::uint32_t index, MergeState &state)
{
    switch (op) {
    case Op::Skip:
    case Op::Repeat: // never left in a compiled plan
        break;
    case Op::Sum:
        state.value[s] += value;
        state.taken[s] = 1;
        break;
    case Op::Min:
        if (!state.taken[s] || value < state.value[s])
            state.value[s] = value;
        state.taken[s] = 1;
        break;
    case Op::Max:
        if (!state.taken[s] || value > state.value[s])
            state.value[s] = value;
        state.taken[s] = 1;
        break;
    case Op::Set:
        state.value[s] = value;
        state.taken[s] = 1;
        break;
    case Op::MostRecent:
        if (state.bestTimestamp[s] < timestamp) {
            state.value[s] = value;
            state.bestTimestamp[s] = timestamp;
            if (!state.taken[s]) {
                state.taken[s] = 1;
                state.firstTaken[s] = index;
            }
        }
        break;
    }
}

const Entry &entryOf(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files, std::uint32_t i)
{
    const std::uint32_t f = plan.instrFile[i];
    return files[f]->entries[i - plan.fileFirstInstr[f]];
}

// Runs every instruction of one slot, in order, from a fresh start.
void runSlot(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files, std::uint32_t s,
             MergeState &state)
{
    state.value[s] = 0.0;
    state.bestTimestamp[s] = 0.0;
    state.firstTaken[s] = kNoSlot;
    state.taken[s] = 0;
    for (std::uint32_t k = plan.slotStart[s]; k < plan.slotStart[s + 1]; ++k) {
        const std::uint32_t i = plan.slotInstrs[k];
        const Entry &e = entryOf(plan, files, i);
        apply(plan.instrs[i].op, s, e.value, e.timestamp, i, state);
    }
}

// An integer that every order of addition keeps exact.
constexpr double kExact = 4503599627370496.0; // 2^52
inline bool exactInteger(double v)
{
    return std::fabs(v) < kExact && v == std::trunc(v);
}

} // namespace

FoldedBase foldFrozen(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files,
                      const std::vector<bool> &frozenFile)
{
    FoldedBase base;
    base.constant = initialState(plan);
    for (std::uint32_t s = 0; s < plan.slots.size(); ++s) {
        const std::uint32_t begin = plan.slotStart[s], end = plan.slotStart[s + 1];
        bool live = false;
        for (std::uint32_t k = begin; k < end && !live; ++k)
            live = !frozenFile[plan.instrFile[plan.slotInstrs[k]]];
        if (!live) {
            runSlot(plan, files, s, base.constant);
            continue;
        }
        FoldedBase::LiveSlot ls{s, false, 0, 0.0, 0, 0};
        if (plan.instrs[plan.slotInstrs[begin]].op == Op::Sum) {
            ls.intSum = true;
            ls.liveBegin = static_cast<std::uint32_t>(base.liveInstrs.size());
            for (std::uint32_t k = begin; k < end && ls.intSum; ++k) {
                const std::uint32_t i = plan.slotInstrs[k];
                if (!frozenFile[plan.instrFile[i]]) {
                    base.liveInstrs.push_back(i);
                    continue;
                }
                const double v = entryOf(plan, files, i).value;
                ls.frozenAbs += std::fabs(v);
                ls.intSum = exactInteger(v) && ls.frozenAbs < kExact;
                ls.frozenSum += ls.intSum ? static_cast<std::int64_t>(v) : 0;
            }
            if (!ls.intSum)
                base.liveInstrs.resize(ls.liveBegin);
            ls.liveEnd = static_cast<std::uint32_t>(base.liveInstrs.size());
        }
        if (!ls.intSum) {
            ls.liveBegin = static_cast<std::uint32_t>(base.seqValue.size());
            for (std::uint32_t k = begin; k < end; ++k) {
                const std::uint32_t i = plan.slotInstrs[k];
                const Entry &e = entryOf(plan, files, i);
                if (!frozenFile[plan.instrFile[i]])
                    base.seqPatch.emplace_back(static_cast<std::uint32_t>(base.seqValue.size()), i);
                base.seqValue.push_back(e.value);
                base.seqTimestamp.push_back(e.timestamp);
                base.seqInstr.push_back(i);
            }
            ls.liveEnd = static_cast<std::uint32_t>(base.seqValue.size());
        }
        base.live.push_back(ls);
    }
    return base;
}

MergeState runLive(const MergePlan &plan, FoldedBase &base,
                   std::span<const std::shared_ptr<const ParsedFile>> files)
{
    MergeState state = base.constant;
    for (const auto &[pos, instr] : base.seqPatch) {
        const Entry &e = entryOf(plan, files, instr);
        base.seqValue[pos] = e.value;
        base.seqTimestamp[pos] = e.timestamp;
    }
    for (const auto &ls : base.live) {
        if (ls.intSum) {
            std::int64_t sum = ls.frozenSum;
            double abs = ls.frozenAbs;
            bool exact = true;
            for (std::uint32_t k = ls.liveBegin; k < ls.liveEnd && exact; ++k) {
                const double v = entryOf(plan, files, base.liveInstrs[k]).value;
                abs += std::fabs(v);
                exact = exactInteger(v) && abs < kExact;
                sum += exact ? static_cast<std::int64_t>(v) : 0;
            }
            if (exact) {
                state.value[ls.slot] = static_cast<double>(sum);
                state.taken[ls.slot] = 1;
                continue;
            }
            runSlot(plan, files, ls.slot, state); // not integers after all
            continue;
        }
        const std::uint32_t s = ls.slot;
        const Op op = plan.instrs[base.seqInstr[ls.liveBegin]].op;
        for (std::uint32_t k = ls.liveBegin; k < ls.liveEnd; ++k)
            apply(op, s, base.seqValue[k], base.seqTimestamp[k], base.seqInstr[k], state);
    }
    return state;
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
        const std::uint32_t at = plan.fileInstrAt[f];
        const bool byKey = plan.byKey[f];
        for (std::size_t j = 0; j < file.entries.size(); ++j) {
            const MergePlan::Instr in = byKey ? plan.keyInstr[keyIdOf(file.entries[j])] : plan.instrs[at + j];
            apply(in.op, in.slot, file.entries[j].value, file.entries[j].timestamp, first + static_cast<std::uint32_t>(j),
                  state);
        }
    }
}

KeySums sumByKey(std::span<const std::shared_ptr<const ParsedFile>> files)
{
    KeySums sums;
    sums.summedFile.assign(files.size(), false);
    for (std::size_t f = 0; f < files.size(); ++f) {
        prefetchFile(files, f + kPrefetchAhead);
        const ParsedFile *file = files[f].get();
        if (!file || !file->fileName.valid || file->fileName.type == MetricType::Gauge)
            continue;
        sums.summedFile[f] = true;
        for (const Entry &e : file->entries) {
            if (keyIdOf(e) >= sums.sum.size()) {
                const std::size_t n = std::max<std::size_t>(keyIdOf(e) + 1, 2 * sums.sum.size());
                sums.sum.resize(n, 0.0);
                sums.seen.resize(n, 0);
            }
            sums.sum[keyIdOf(e)] += e.value;
            sums.seen[keyIdOf(e)] = 1;
        }
    }
    return sums;
}

bool executeWithKeySums(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files,
                        const KeySums &sums, MergeState &state)
{
    if (plan.byKey.size() != files.size() || sums.summedFile.size() != files.size())
        return false;
    for (std::size_t f = 0; f < files.size(); ++f)
        if (plan.byKey[f] != sums.summedFile[f])
            return false;
    // Slots reached from other files (their instructions are in `instrs`),
    // then by keys: a slot reached twice needs the entries in merge order.
    std::vector<std::uint8_t> reached(plan.slots.size(), 0);
    for (std::size_t f = 0; f < files.size(); ++f) {
        if (plan.byKey[f] || !files[f] || !files[f]->fileName.valid)
            continue;
        const std::uint32_t at = plan.fileInstrAt[f];
        for (std::size_t j = 0; j < files[f]->entries.size(); ++j)
            if (const MergePlan::Instr in = plan.instrs[at + j]; in.op != Op::Skip)
                reached[in.slot] = 1;
    }
    for (std::size_t id = 0; id < sums.seen.size(); ++id) {
        if (!sums.seen[id])
            continue;
        if (id >= plan.keyInstr.size())
            return false;
        const MergePlan::Instr in = plan.keyInstr[id];
        if (in.op == Op::Skip)
            continue;
        if (in.op != Op::Sum || in.slot >= reached.size() || reached[in.slot])
            return false;
        reached[in.slot] = 1;
    }

    for (std::size_t id = 0; id < sums.seen.size(); ++id) {
        if (!sums.seen[id] || plan.keyInstr[id].op == Op::Skip)
            continue;
        const std::uint32_t s = plan.keyInstr[id].slot;
        state.value[s] = sums.sum[id];
        state.taken[s] = 1;
    }
    for (std::size_t f = 0; f < files.size(); ++f)
        if (!plan.byKey[f])
            execute(plan, files, f, f + 1, state);
    return true;
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
