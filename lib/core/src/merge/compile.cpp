// Compiling a merge into a plan (plan_p.h): the reference's
// MultiProcessCollector.merge and _accumulate_metrics, worked out on the keys
// alone. Files are visited in merge order and each key's first sighting
// goes to its family; then each family's series, buckets and sample order
// are worked out, and every entry gets the instruction of its key's series.
#include "merge/plan_p.h"

#include "promdir/format/floatformat.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>

namespace promdir::detail {

namespace {

constexpr std::uint32_t kNoSlot = UINT32_MAX;

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

// A key's first sighting (outside gauge files) or a gauge file's entry, in
// merge order, waiting for its family to be compiled.
struct RawRef
{
    const Key *key;
    const std::string *pid;  // gauge files only
    std::uint32_t at;        // where its instruction goes in entryInstrs; kNoSlot: nowhere (a byKey file)
    std::uint32_t keyNumber; // KeyNumbers
};

// Small dense numbers for the keys of a merge, so that tables indexed by key
// are plain arrays: Key::id for keys of the common store (the first file's
// with entries: usually one KeyInterner read them all), numbers after those
// for keys of other stores.
class KeyNumbers
{
public:
    explicit KeyNumbers(std::span<const std::shared_ptr<const ParsedFile>> files)
    {
        for (const auto &f : files) {
            if (f && !f->entries.empty()) {
                m_common = ReaderAccess::keyStore(*f);
                m_next = keyIdLimit(*m_common);
                break;
            }
        }
    }
    // Whether the file's keys are numbered by their Key::id.
    bool common(const ParsedFile &file) const
    {
        return file.entries.empty() || ReaderAccess::keyStore(file) == m_common;
    }
    std::uint32_t of(const Entry &e, bool common)
    {
        if (common)
            return keyIdOf(e);
        return m_others.try_emplace(e.key, m_next + static_cast<std::uint32_t>(m_others.size())).first->second;
    }
    std::uint32_t count() const { return m_next + static_cast<std::uint32_t>(m_others.size()); }

private:
    const KeyStore *m_common = nullptr;
    std::uint32_t m_next = 0;
    std::unordered_map<const Key *, std::uint32_t> m_others;
};


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

Op opFor(const MetricFamily &fam)
{
    if (fam.type != MetricType::Gauge)
        return Op::Sum;
    switch (fam.mode) {
    case GaugeMode::Min:
    case GaugeMode::LiveMin: return Op::Min;
    case GaugeMode::Max:
    case GaugeMode::LiveMax: return Op::Max;
    case GaugeMode::MostRecent:
    case GaugeMode::LiveMostRecent: return Op::MostRecent;
    case GaugeMode::All:
    case GaugeMode::LiveAll: return Op::Set;
    default: return Op::Sum;
    }
}


// The reference's _accumulate_metrics for one family, on structure only:
// each entry's series (or histogram bucket) and slot, the samples in the
// reference's order, and the histogram groups that accumulate buckets.
class FamilyCompiler
{
public:
    // `memo`: per key number, the instruction of a key already compiled.
    FamilyCompiler(FamilyBuild &fb, std::uint32_t familyIndex, MergePlan &plan, std::vector<Instr> &memo)
        : m_fb(fb), m_fam(fb.family), m_index(familyIndex), m_plan(plan), m_memo(memo), m_op(opFor(m_fam)),
          m_dropPid(m_fam.type == MetricType::Gauge && m_op != Op::Set)
    {
    }

    void run()
    {
        for (const RawRef &r : m_fb.raw)
            compileEntry(r);
        const std::vector<PendingHistogram> pending = addBucketSamples();
        numberSamples();
        recordHistograms(pending);
        if (m_op == Op::MostRecent)
            m_plan.dynamicFamilies.push_back(m_index);
    }

private:
    std::uint32_t newSlot()
    {
        m_plan.slots.push_back({m_index, -1, m_op});
        return static_cast<std::uint32_t>(m_plan.slots.size() - 1);
    }

    void put(const RawRef &r, Instr in)
    {
        if (r.at != kNoSlot)
            m_plan.entryInstrs[r.at] = in;
    }

    // The same key always lands in the same slot, unless the pid stays a
    // label (gauge all/liveall: one series per file anyway): a series
    // written by a thousand processes is worked out once.
    void compileEntry(const RawRef &r)
    {
        const bool keepsPid = r.pid && !m_dropPid;
        if (!keepsPid && m_memo[r.keyNumber].slot != kNoSlot) {
            put(r, m_memo[r.keyNumber]);
            return;
        }
        const Instr in = instrFor(r, keepsPid);
        if (!keepsPid)
            m_memo[r.keyNumber] = in;
        put(r, in);
    }

    Instr instrFor(const RawRef &r, bool keepsPid)
    {
        Labels labels;
        labels.reserve(r.key->labels.size() + 1);
        for (const auto &l : r.key->labels)
            if (!(m_dropPid && l.first == "pid"))
                labels.push_back(l);
        if (keepsPid)
            labels.emplace_back("pid", *r.pid);
        if (m_fam.type == MetricType::Histogram) {
            auto le = std::find_if(labels.begin(), labels.end(), [](const auto &l) { return l.first == "le"; });
            if (le != labels.end())
                return bucketInstr(std::move(labels), le);
        }
        return seriesInstr(r.key->sample, std::move(labels));
    }

    // A raw histogram bucket: its slot is the first of its label set and
    // bound; the samples come after all entries, in bound order.
    Instr bucketInstr(Labels labels, Labels::iterator le)
    {
        const auto bound = m_leBounds.parse(le->second);
        if (!bound || std::isnan(*bound))
            return {0, Op::Skip}; // the reference cannot order it either
        std::erase_if(labels, [](const auto &l) { return l.first == "le"; });
        const std::string id = tupleId(labels);
        auto *b = m_buckets.find(id);
        if (!b)
            b = m_buckets.findOrInsert(id, {std::move(labels), {}}).first;
        auto &bounds = b->second;
        auto it = std::find_if(bounds.begin(), bounds.end(), [&](const auto &e) { return e.first == *bound; });
        if (it == bounds.end())
            it = bounds.insert(bounds.end(), {*bound, newSlot()});
        return {it->second, Op::Sum};
    }

    // Any other sample: its slot is its series' (label set, sample name).
    Instr seriesInstr(const std::string &name, Labels labels)
    {
        const std::string gid = tupleId(labels);
        auto [g, _] = m_groups.findOrInsert(gid, {});
        GroupSample &gs = g->at(g->findOrInsert(name + '\0', {name, std::move(labels), kNoSlot}));
        if (gs.slot == kNoSlot)
            gs.slot = newSlot();
        return {gs.slot, m_op};
    }

    // The bucket samples of each label set in ascending bound order, and
    // its _count when accumulating.
    std::vector<PendingHistogram> addBucketSamples()
    {
        const std::string bucketName = m_fam.name + "_bucket";
        std::vector<PendingHistogram> pending;
        for (auto &[id, entry] : m_buckets) {
            auto &[without, bounds] = entry;
            std::sort(bounds.begin(), bounds.end()); // distinct bounds: by bound alone
            auto [g, _] = m_groups.findOrInsert(id, {});
            PendingHistogram ph{g, {}, -1};
            for (const auto &[bound, slot] : bounds) {
                const std::string &le = m_leBounds.spell(bound);
                Labels withLe = without;
                withLe.emplace_back("le", le);
                const std::uint32_t pos = g->findOrInsert(bucketName + '\0' + le, {bucketName, std::move(withLe), kNoSlot});
                ph.buckets.emplace_back(slot, pos);
            }
            if (m_plan.options.accumulate) {
                const std::string countName = m_fam.name + "_count";
                ph.countPos = g->findOrInsert(countName + '\0', {countName, without, kNoSlot});
            }
            pending.push_back(std::move(ph));
        }
        return pending;
    }

    // Numbers the samples in output order: group by group, each in
    // first-seen order.
    void numberSamples()
    {
        std::vector<std::uint32_t> sampleGroup;
        std::uint32_t groupIndex = 0;
        for (auto &[gid, group] : m_groups) {
            for (auto &[sid, gs] : group) {
                gs.index = static_cast<std::uint32_t>(m_fam.samples.size());
                if (gs.slot != kNoSlot)
                    m_plan.slots[gs.slot].sample = static_cast<std::int32_t>(gs.index);
                m_fam.samples.push_back({std::move(gs.name), normaliseLabels(std::move(gs.labels)), 0.0});
                sampleGroup.push_back(groupIndex);
            }
            ++groupIndex;
        }
        m_plan.sampleGroup.push_back(std::move(sampleGroup));
    }

    void recordHistograms(const std::vector<PendingHistogram> &pending)
    {
        for (const auto &ph : pending) {
            MergePlan::HistogramGroup hg{m_index, {}, -1};
            for (const auto &[slot, pos] : ph.buckets)
                hg.buckets.emplace_back(slot, ph.group->at(pos).index);
            if (ph.countPos >= 0)
                hg.countSample = static_cast<std::int32_t>(ph.group->at(static_cast<std::uint32_t>(ph.countPos)).index);
            m_plan.histograms.push_back(std::move(hg));
        }
    }

    FamilyBuild &m_fb;
    MetricFamily &m_fam;
    const std::uint32_t m_index;
    MergePlan &m_plan;
    std::vector<Instr> &m_memo;
    const Op m_op;
    const bool m_dropPid;
    OrderedMap<Group> m_groups;
    BucketBounds m_leBounds;
    // Histogram buckets per label set without le: (bound, raw slot), the
    // first of each bound; sorted by bound when the samples are made. A
    // series has a few dozen.
    OrderedMap<std::pair<Labels, std::vector<std::pair<double, std::uint32_t>>>> m_buckets;
};

// Visits the files in merge order and hands each key's first sighting
// (outside gauge files; there, every entry) to its family, then compiles
// the families.
class PlanCompiler
{
public:
    PlanCompiler(std::span<const std::shared_ptr<const ParsedFile>> files, const MergeOptions &options)
        : m_files(files), m_numbers(files), m_familyOf(m_numbers.count(), nullptr), m_seen(m_numbers.count(), false)
    {
        m_plan.options = options;
        // Only gauge files, and files of other key stores, have a place in
        // entryInstrs: a cold merge neither fills nor allocates the rest.
        std::size_t perEntry = 0;
        for (std::size_t fi = 0; fi < files.size(); ++fi) {
            prefetchFile(files, fi + kPrefetchAhead);
            const ParsedFile *file = files[fi].get();
            if (!file || !file->fileName.valid)
                continue;
            const bool gauge = file->fileName.type == MetricType::Gauge;
            const bool common = m_numbers.common(*file);
            m_oneStore = m_oneStore && common;
            if (gauge || !common)
                perEntry += file->entries.size();
        }
        m_plan.entryInstrs.assign(perEntry, {0, Op::Skip});
        m_plan.fileFirstEntry.reserve(files.size());
        m_plan.entryInstrAt.reserve(files.size());
        m_plan.byKey.assign(files.size(), false);
    }

    // Every valid file with entries is of one key store.
    bool oneStore() const { return m_oneStore; }

    // Visits every entry; outside gauge files, keys seen before are
    // skipped (or, in a file of another store, noted to take their key's
    // instruction once it is known).
    void addEveryEntry()
    {
        addFiles([&](std::size_t fi, const ParsedFile &file) {
            const bool common = m_numbers.common(file);
            m_plan.byKey[fi] = common;
            for (const Entry &e : file.entries) {
                const std::uint32_t number = m_numbers.of(e, common);
                grow(number);
                const std::uint32_t at = common ? kNoSlot : m_at++;
                if (!m_seen[number]) {
                    m_seen[number] = true;
                    sighted(file, e, number, at);
                } else if (!common) {
                    m_later.push_back({at, number});
                }
            }
            return true;
        });
    }

    // Visits the first sightings `firsts` of oneStore() files, and every
    // entry of gauge files. False when the sightings do not fit the files.
    bool addSightings(const std::vector<FirstSighting> &firsts)
    {
        std::size_t next = 0;
        const bool fit = addFiles([&](std::size_t fi, const ParsedFile &file) {
            m_plan.byKey[fi] = true;
            for (; next < firsts.size() && firsts[next].file == &file; ++next) {
                const Entry &e = file.entries[firsts[next].entry];
                const std::uint32_t id = keyIdOf(e);
                if (id >= m_seen.size() || m_seen[id])
                    return false; // not what these files hold
                m_seen[id] = true;
                sighted(file, e, id, kNoSlot);
            }
            return true;
        });
        return fit && next == firsts.size(); // else: sightings of files not merged
    }

    MergePlan finish()
    {
        m_plan.entryCount = m_entry;
        std::vector<Instr> memo(std::max<std::size_t>(m_numbers.count(), m_familyOf.size()), {kNoSlot, Op::Skip});
        for (auto &[name, fb] : m_families) {
            const auto index = static_cast<std::uint32_t>(m_plan.families.size());
            FamilyCompiler(fb, index, m_plan, memo).run();
            m_plan.families.push_back(std::move(fb.family));
        }
        for (const Later &l : m_later)
            m_plan.entryInstrs[l.at] = memo[l.keyNumber];
        m_plan.keyInstr = std::move(memo);
        return std::move(m_plan);
    }

private:
    // An entry outside gauge files, in a file of another key store, whose
    // key was seen before: it takes its key's instruction once the
    // families are compiled.
    struct Later
    {
        std::uint32_t at;
        std::uint32_t keyNumber;
    };

    // Numbers the entries of every merged file in turn: a gauge file's one
    // by one (the pid may be a label), any other's as `visit(index, file)`
    // says, which ends the walk by returning false.
    template<typename Visit>
    bool addFiles(Visit visit)
    {
        for (std::size_t fi = 0; fi < m_files.size(); ++fi) {
            prefetchFile(m_files, fi + kPrefetchAhead);
            m_plan.fileFirstEntry.push_back(m_entry);
            m_plan.entryInstrAt.push_back(m_at);
            const ParsedFile *file = m_files[fi].get();
            if (!file || !file->fileName.valid)
                continue;
            if (file->fileName.type == MetricType::Gauge)
                addGaugeFile(*file);
            else if (!visit(fi, *file))
                return false;
            m_entry += static_cast<std::uint32_t>(file->entries.size());
        }
        return true;
    }

    void addGaugeFile(const ParsedFile &file)
    {
        const bool common = m_numbers.common(file);
        for (const Entry &e : file.entries) {
            const std::uint32_t number = m_numbers.of(e, common);
            grow(number);
            sighted(file, e, number, m_at++);
        }
    }

    void grow(std::uint32_t number)
    {
        if (number >= m_familyOf.size()) {
            m_familyOf.resize(number + 1, nullptr);
            m_seen.resize(number + 1, false);
        }
    }

    void sighted(const ParsedFile &file, const Entry &e, std::uint32_t number, std::uint32_t at)
    {
        const Key &key = *e.key;
        const FileName &fn = file.fileName;
        const bool gauge = fn.type == MetricType::Gauge;
        FamilyBuild *&fb = m_familyOf[number];
        if (!fb) {
            auto [found, created] = m_families.findOrInsert(key.metric, {});
            if (created) {
                found->family.name = key.metric;
                found->family.type = fn.type;
                found->family.help = key.hasHelp ? key.help : std::string("Multiprocess metric");
            }
            fb = found;
        }
        if (gauge)
            fb->family.mode = fn.mode;
        fb->raw.push_back({&key, gauge ? &fn.pid : nullptr, at, number});
    }

    std::span<const std::shared_ptr<const ParsedFile>> m_files;
    MergePlan m_plan;
    KeyNumbers m_numbers;
    OrderedMap<FamilyBuild> m_families;
    std::vector<FamilyBuild *> m_familyOf; // by key number
    std::vector<bool> m_seen;              // by key number: its first sighting outside gauge files was handed on
    std::vector<Later> m_later;
    bool m_oneStore = true;
    std::uint32_t m_entry = 0; // entries numbered so far, in merge order
    std::uint32_t m_at = 0;    // places in entryInstrs taken so far
};

} // namespace

MergePlan compilePlan(std::span<const std::shared_ptr<const ParsedFile>> files, const MergeOptions &options)
{
    PlanCompiler compiler(files, options);
    compiler.addEveryEntry();
    return compiler.finish();
}

std::optional<MergePlan> compilePlanFromSightings(std::span<const std::shared_ptr<const ParsedFile>> files,
                                                  const MergeOptions &options,
                                                  const std::vector<FirstSighting> &firsts)
{
    PlanCompiler compiler(files, options);
    if (!compiler.oneStore() || !compiler.addSightings(firsts))
        return std::nullopt;
    return compiler.finish();
}

} // namespace promdir::detail
