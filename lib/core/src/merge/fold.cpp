// Folding: the slots fed only by files that cannot change (their processes
// are gone) are merged once into a base; each refresh then runs only the
// slots a changing file feeds.
#include "merge/plan_p.h"

#include <algorithm>
#include <cmath>

namespace promdir::detail {

namespace {

constexpr std::uint32_t kNever = UINT32_MAX;

const Entry &entryOf(const MergePlan &plan, const SlotIndex &index,
                     std::span<const std::shared_ptr<const ParsedFile>> files, std::uint32_t i)
{
    const std::uint32_t f = index.entryFile[i];
    return files[f]->entries[i - plan.fileFirstEntry[f]];
}

double timestampOf(const SlotIndex &index, std::span<const std::shared_ptr<const ParsedFile>> files, std::uint32_t i,
                   const Entry &e)
{
    return mergeTimestamp(*files[index.entryFile[i]], e);
}

// Runs every entry of one slot, in order, from a fresh start.
void runSlot(const MergePlan &plan, const SlotIndex &index, std::span<const std::shared_ptr<const ParsedFile>> files,
             std::uint32_t s, MergeState &state)
{
    state.value[s] = 0.0;
    state.bestTimestamp[s] = 0.0;
    state.firstTaken[s] = kNever;
    state.taken[s] = 0;
    const Op op = plan.slots[s].op;
    for (std::uint32_t k = index.slotStart[s]; k < index.slotStart[s + 1]; ++k) {
        const std::uint32_t i = index.slotEntries[k];
        const Entry &e = entryOf(plan, index, files, i);
        apply(op, s, e.value, timestampOf(index, files, i, e), i, state);
    }
}

// An integer that every order of addition keeps exact.
constexpr double kExact = 4503599627370496.0; // 2^52
inline bool exactInteger(double v)
{
    return std::fabs(v) < kExact && v == std::trunc(v);
}

// A slot fed by changing files and a Sum: its frozen entries folded into
// one integer when they all are integers (intSum), its changing entries
// listed to be added on each refresh.
void foldIntegerSum(const MergePlan &plan, const SlotIndex &index,
                    std::span<const std::shared_ptr<const ParsedFile>> files, const std::vector<bool> &frozenFile,
                    FoldedBase &base, FoldedBase::LiveSlot &ls)
{
    const std::uint32_t begin = index.slotStart[ls.slot], end = index.slotStart[ls.slot + 1];
    ls.intSum = true;
    ls.liveBegin = static_cast<std::uint32_t>(base.liveEntries.size());
    for (std::uint32_t k = begin; k < end && ls.intSum; ++k) {
        const std::uint32_t i = index.slotEntries[k];
        if (!frozenFile[index.entryFile[i]]) {
            base.liveEntries.push_back(i);
            continue;
        }
        const double v = entryOf(plan, index, files, i).value;
        ls.frozenAbs += std::fabs(v);
        ls.intSum = exactInteger(v) && ls.frozenAbs < kExact;
        ls.frozenSum += ls.intSum ? static_cast<std::int64_t>(v) : 0;
    }
    if (!ls.intSum)
        base.liveEntries.resize(ls.liveBegin);
    ls.liveEnd = static_cast<std::uint32_t>(base.liveEntries.size());
}

// Any other slot fed by changing files: all its inputs side by side, to be
// run again in order, the changing ones refreshed first.
void keepInOrder(const MergePlan &plan, const SlotIndex &index,
                 std::span<const std::shared_ptr<const ParsedFile>> files, const std::vector<bool> &frozenFile,
                 FoldedBase &base, FoldedBase::LiveSlot &ls)
{
    const std::uint32_t begin = index.slotStart[ls.slot], end = index.slotStart[ls.slot + 1];
    ls.liveBegin = static_cast<std::uint32_t>(base.seqValue.size());
    for (std::uint32_t k = begin; k < end; ++k) {
        const std::uint32_t i = index.slotEntries[k];
        const Entry &e = entryOf(plan, index, files, i);
        if (!frozenFile[index.entryFile[i]])
            base.seqPatch.emplace_back(static_cast<std::uint32_t>(base.seqValue.size()), i);
        base.seqValue.push_back(e.value);
        base.seqTimestamp.push_back(timestampOf(index, files, i, e));
        base.seqEntry.push_back(i);
    }
    ls.liveEnd = static_cast<std::uint32_t>(base.seqValue.size());
}

} // namespace

SlotIndex indexSlots(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files)
{
    SlotIndex index;
    // One past the number of file f's last entry.
    auto endOf = [&](std::size_t f) {
        return f + 1 < plan.fileFirstEntry.size() ? plan.fileFirstEntry[f + 1] : plan.entryCount;
    };
    const std::size_t fileCount = std::min(plan.fileFirstEntry.size(), files.size());
    index.entryFile.assign(plan.entryCount, 0);
    index.slotStart.assign(plan.slots.size() + 1, 0);
    for (std::size_t f = 0; f < fileCount; ++f) {
        const std::uint32_t first = plan.fileFirstEntry[f];
        std::fill(index.entryFile.begin() + first, index.entryFile.begin() + endOf(f), static_cast<std::uint32_t>(f));
        for (std::uint32_t j = 0; j < endOf(f) - first; ++j)
            if (const Instr in = plan.instrOf(f, *files[f], j); in.op != Op::Skip)
                ++index.slotStart[in.slot + 1];
    }
    for (std::size_t s = 0; s < plan.slots.size(); ++s)
        index.slotStart[s + 1] += index.slotStart[s];
    index.slotEntries.assign(index.slotStart.back(), 0);
    std::vector<std::uint32_t> fill(index.slotStart.begin(), index.slotStart.end() - 1);
    for (std::size_t f = 0; f < fileCount; ++f) {
        const std::uint32_t first = plan.fileFirstEntry[f];
        for (std::uint32_t j = 0; j < endOf(f) - first; ++j)
            if (const Instr in = plan.instrOf(f, *files[f], j); in.op != Op::Skip)
                index.slotEntries[fill[in.slot]++] = first + j;
    }
    return index;
}

FoldedBase foldFrozen(const MergePlan &plan, const SlotIndex &index,
                      std::span<const std::shared_ptr<const ParsedFile>> files, const std::vector<bool> &frozenFile)
{
    FoldedBase base;
    base.constant = initialState(plan);
    for (std::uint32_t s = 0; s < plan.slots.size(); ++s) {
        bool live = false;
        for (std::uint32_t k = index.slotStart[s]; k < index.slotStart[s + 1] && !live; ++k)
            live = !frozenFile[index.entryFile[index.slotEntries[k]]];
        if (!live) {
            runSlot(plan, index, files, s, base.constant);
            continue;
        }
        FoldedBase::LiveSlot ls{s, false, 0, 0.0, 0, 0};
        if (plan.slots[s].op == Op::Sum)
            foldIntegerSum(plan, index, files, frozenFile, base, ls);
        if (!ls.intSum)
            keepInOrder(plan, index, files, frozenFile, base, ls);
        base.live.push_back(ls);
    }
    return base;
}

MergeState runLive(const MergePlan &plan, const SlotIndex &index, FoldedBase &base,
                   std::span<const std::shared_ptr<const ParsedFile>> files)
{
    MergeState state = base.constant;
    for (const auto &[pos, entry] : base.seqPatch) {
        const Entry &e = entryOf(plan, index, files, entry);
        base.seqValue[pos] = e.value;
        base.seqTimestamp[pos] = timestampOf(index, files, entry, e);
    }
    for (const auto &ls : base.live) {
        if (ls.intSum) {
            std::int64_t sum = ls.frozenSum;
            double abs = ls.frozenAbs;
            bool exact = true;
            for (std::uint32_t k = ls.liveBegin; k < ls.liveEnd && exact; ++k) {
                const double v = entryOf(plan, index, files, base.liveEntries[k]).value;
                abs += std::fabs(v);
                exact = exactInteger(v) && abs < kExact;
                sum += exact ? static_cast<std::int64_t>(v) : 0;
            }
            if (exact) {
                state.value[ls.slot] = static_cast<double>(sum);
                state.taken[ls.slot] = 1;
                continue;
            }
            runSlot(plan, index, files, ls.slot, state); // not integers after all
            continue;
        }
        const std::uint32_t s = ls.slot;
        const Op op = plan.slots[s].op;
        for (std::uint32_t k = ls.liveBegin; k < ls.liveEnd; ++k)
            apply(op, s, base.seqValue[k], base.seqTimestamp[k], base.seqEntry[k], state);
    }
    return state;
}

} // namespace promdir::detail
