// Running a compiled plan over the files' values, and building the families
// from the slots; a cold merge's sums by key beside the compiler.
#include "merge/plan_p.h"

#include <algorithm>
#include <unordered_map>

namespace promdir::detail {

namespace {

constexpr std::uint32_t kNever = UINT32_MAX;

} // namespace

MergeState initialState(const MergePlan &plan)
{
    MergeState s;
    const std::size_t n = plan.slots.size();
    s.value.assign(n, 0.0);
    s.bestTimestamp.assign(n, 0.0);
    s.firstTaken.assign(n, kNever);
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
        const std::uint32_t first = plan.fileFirstEntry[f];
        const auto &entries = file.entries;
        if (plan.byKey[f]) {
            for (std::size_t j = 0; j < entries.size(); ++j) {
                const Instr in = plan.keyInstr[keyIdOf(entries[j])];
                apply(in.op, in.slot, entries[j].value, mergeTimestamp(file, entries[j]), first + static_cast<std::uint32_t>(j),
                      state);
            }
            continue;
        }
        const Instr *instrs = plan.entryInstrs.data() + plan.entryInstrAt[f];
        for (std::size_t j = 0; j < entries.size(); ++j)
            apply(instrs[j].op, instrs[j].slot, entries[j].value, mergeTimestamp(file, entries[j]),
                  first + static_cast<std::uint32_t>(j), state);
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
            const std::uint32_t id = keyIdOf(e);
            if (id >= sums.sum.size()) {
                const std::size_t n = std::max<std::size_t>(id + 1, 2 * sums.sum.size());
                sums.sum.resize(n, 0.0);
                sums.seen.resize(n, 0);
            }
            sums.sum[id] += e.value;
            sums.seen[id] = 1;
        }
    }
    return sums;
}

namespace {

// Whether the sums by key can stand for running the byKey files: those are
// the summed files, and every slot a summed key reaches is a Sum reached by
// that key alone (so the additions are the same, in the same order).
bool keySumsFit(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files, const KeySums &sums)
{
    if (plan.byKey.size() != files.size() || sums.summedFile.size() != files.size())
        return false;
    for (std::size_t f = 0; f < files.size(); ++f)
        if (plan.byKey[f] != sums.summedFile[f])
            return false;
    // Slots reached from other files (their instructions are in
    // entryInstrs), then by keys: a slot reached twice needs the entries in
    // merge order.
    std::vector<std::uint8_t> reached(plan.slots.size(), 0);
    for (std::size_t f = 0; f < files.size(); ++f) {
        if (plan.byKey[f] || !files[f] || !files[f]->fileName.valid)
            continue;
        const std::uint32_t at = plan.entryInstrAt[f];
        for (std::size_t j = 0; j < files[f]->entries.size(); ++j)
            if (const Instr in = plan.entryInstrs[at + j]; in.op != Op::Skip)
                reached[in.slot] = 1;
    }
    for (std::size_t id = 0; id < sums.seen.size(); ++id) {
        if (!sums.seen[id])
            continue;
        if (id >= plan.keyInstr.size())
            return false;
        const Instr in = plan.keyInstr[id];
        if (in.op == Op::Skip)
            continue;
        if (in.op != Op::Sum || in.slot >= reached.size() || reached[in.slot])
            return false;
        reached[in.slot] = 1;
    }
    return true;
}

} // namespace

bool executeWithKeySums(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files,
                        const KeySums &sums, MergeState &state)
{
    if (!keySumsFit(plan, files, sums))
        return false;
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

namespace {

// mostrecent: a series exists once a value was taken, and the groups come
// in the order their first value was taken.
void orderByFirstTaken(const MergePlan &plan, const MergeState &state, std::uint32_t f, MetricFamily &family)
{
    const auto &groupOf = plan.sampleGroup[f];
    std::vector<std::uint32_t> slotOf(family.samples.size(), kNever);
    for (std::size_t slot = 0; slot < plan.slots.size(); ++slot)
        if (plan.slots[slot].family == f && plan.slots[slot].sample >= 0)
            slotOf[static_cast<std::size_t>(plan.slots[slot].sample)] = static_cast<std::uint32_t>(slot);
    std::unordered_map<std::uint32_t, std::uint32_t> groupFirst;
    std::vector<std::uint32_t> kept;
    for (std::uint32_t i = 0; i < slotOf.size(); ++i) {
        if (slotOf[i] == kNever || !state.taken[slotOf[i]])
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
        out.push_back(std::move(family.samples[i]));
    family.samples = std::move(out);
}

} // namespace

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
    for (const std::uint32_t f : plan.dynamicFamilies)
        orderByFirstTaken(plan, state, f, families[f]);
    return families;
}

} // namespace promdir::detail
