#pragma once
// Internal: the merge compiled into a plan, and the stages that make and
// run it.
//
// The structure of a merge (which families, series and histogram buckets
// come out, in which order) depends only on the files' keys; the numbers
// depend on the values. A plan records the structure once, with one
// instruction per entry ("add this entry's value into output slot 7"), so
// that a refresh in which only values changed re-runs cheap arithmetic in
// exactly the reference's order, and the entries of files that cannot change
// (dead processes) can be folded once into a base state.
//
//   compile.cpp  files -> MergePlan (compilePlan, compilePlanFromSightings)
//   execute.cpp  MergePlan + files -> MergeState -> families (execute, build),
//                and a cold merge's sums by key (sumByKey, executeWithKeySums)
//   fold.cpp     what cannot change merged once (indexSlots, foldFrozen),
//                the rest run on each refresh (runLive)

#include "promdir/merge/merge.h"
#include "read/reader_p.h"
#include "read/sightings_p.h"

#include <optional>

namespace promdir::detail {

// What an entry's value does to its slot.
enum class Op : std::uint8_t {
    Skip,       // nothing (a bucket bound that does not parse)
    Sum,        // counters, summaries, histogram _sum and buckets, gauge sum
    Min,
    Max,
    Set,        // gauge all/liveall: the last value wins
    MostRecent, // the value with the greatest timestamp (> 0)
};

struct Instr
{
    std::uint32_t slot;
    Op op;
};

struct MergePlan
{
    MergeOptions options;
    // Families with their samples in first-seen order (values unset).
    std::vector<MetricFamily> families;

    // Entries are numbered in merge order, file after file: file f's start
    // at fileFirstEntry[f]. The number orders mostrecent series.
    std::uint32_t entryCount = 0;
    std::vector<std::uint32_t> fileFirstEntry;

    // Each entry's instruction comes from one of two tables. Outside gauge
    // files the pid is never a label, so every entry of a key does the same:
    // files of the key store most files share (byKey) take it by key id from
    // keyInstr. Gauge files, and files of other stores, have one instruction
    // per entry in entryInstrs, file f's from entryInstrAt[f].
    std::vector<bool> byKey;                 // per input file
    std::vector<Instr> keyInstr;             // per key id
    std::vector<Instr> entryInstrs;
    std::vector<std::uint32_t> entryInstrAt; // per input file

    // Where a slot ends up: families[family].samples[sample]; sample = -1
    // for a raw histogram bucket slot (only feeds the accumulation below).
    // Every instruction into a slot has the slot's op.
    struct SlotTarget
    {
        std::uint32_t family;
        std::int32_t sample;
        Op op;
    };
    std::vector<SlotTarget> slots;
    // Histogram groups: raw bucket slots in ascending bound order, the
    // samples they become, and the _count sample (-1 when not accumulating).
    struct HistogramGroup
    {
        std::uint32_t family;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> buckets; // slot, sample
        std::int32_t countSample;
    };
    std::vector<HistogramGroup> histograms;
    // Families whose series order depends on values (mostrecent: a series
    // appears when a value is first taken).
    std::vector<std::uint32_t> dynamicFamilies;
    // Per sample of a dynamic family: its group's index within the family.
    std::vector<std::vector<std::uint32_t>> sampleGroup; // by family

    // The instruction of entry `j` of input file `f`.
    Instr instrOf(std::size_t f, const ParsedFile &file, std::size_t j) const;
};

// Slot values while instructions run.
struct MergeState
{
    std::vector<double> value;
    std::vector<double> bestTimestamp;
    std::vector<std::uint32_t> firstTaken; // entry number; UINT32_MAX: never
    std::vector<std::uint8_t> taken;
};

// One instruction run: entry number `index`'s value (and timestamp) into
// slot `s`.
inline void apply(Op op, std::uint32_t s, double value, double timestamp, std::uint32_t index, MergeState &state)
{
    switch (op) {
    case Op::Skip:
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

// The timestamp an entry brings to the merge: the reference adds the
// samples of files other than gauge files without one, so a mostrecent
// family never takes a value from a counter, histogram or summary file of
// another writer that shares its name.
inline double mergeTimestamp(const ParsedFile &file, const Entry &e)
{
    return file.fileName.type == MetricType::Gauge ? e.timestamp : 0.0;
}

inline Instr MergePlan::instrOf(std::size_t f, const ParsedFile &file, std::size_t j) const
{
    return byKey[f] ? keyInstr[keyIdOf(file.entries[j])] : entryInstrs[entryInstrAt[f] + j];
}

// ---- compile.cpp

// Compiles from every entry of every file.
MergePlan compilePlan(std::span<const std::shared_ptr<const ParsedFile>> files, const MergeOptions &options);
// Compiles from where each key was first seen outside gauge files
// (`firsts`, in merge order), looking at the gauge files' entries only.
// Nullopt when the sightings do not fit the files (files of several key
// stores, or sightings of other files): then compilePlan().
std::optional<MergePlan> compilePlanFromSightings(std::span<const std::shared_ptr<const ParsedFile>> files,
                                                  const MergeOptions &options,
                                                  const std::vector<FirstSighting> &firsts);

// ---- execute.cpp

MergeState initialState(const MergePlan &plan);
// Runs the instructions of files [fromFile, toFile).
void execute(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files, std::size_t fromFile,
             std::size_t toFile, MergeState &state);
// A cold merge's sums outside gauge files, by key instead of by slot: they
// need no plan, so they are made beside the plan compiler. Per key, its
// entries are added in merge order, as execute() adds them per slot.
struct KeySums
{
    std::vector<double> sum;        // per key id
    std::vector<std::uint8_t> seen; // per key id: it has entries in summed files
    std::vector<bool> summedFile;   // per file: valid and not a gauge file
};
KeySums sumByKey(std::span<const std::shared_ptr<const ParsedFile>> files);
// execute() over all files, taking the byKey files' part from `sums`. True
// when that is the same: the summed files are the plan's byKey files, and
// each slot they reach is a Sum reached by one key alone and by nothing
// else; otherwise false, and `state` is untouched.
bool executeWithKeySums(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files,
                        const KeySums &sums, MergeState &state);
// The merged families for a final state.
std::vector<MetricFamily> build(const MergePlan &plan, const MergeState &state);

// ---- fold.cpp

// The entries that feed each slot, in merge order: what folding needs and
// a cold merge does not. Made once per plan and files.
struct SlotIndex
{
    std::vector<std::uint32_t> entryFile;   // per entry number: its input file
    // Slot s is fed by the entries slotEntries[slotStart[s], slotStart[s + 1]).
    std::vector<std::uint32_t> slotStart;
    std::vector<std::uint32_t> slotEntries;
};
// `files` as compiled.
SlotIndex indexSlots(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files);

// The slots that no changing file touches, merged once; the others are run
// again on each refresh. An integer sum (counters, bucket counts) is exact in
// any order, so only its changing part is added again; anything else (float
// sums, min/max/mostrecent) is re-run in the reference's order.
struct FoldedBase
{
    MergeState constant;
    struct LiveSlot
    {
        std::uint32_t slot;
        bool intSum;              // frozen part folded into frozenSum
        std::int64_t frozenSum;
        double frozenAbs;         // sum of |values|: exactness bound
        std::uint32_t liveBegin;  // intSum: its changing entries in liveEntries;
        std::uint32_t liveEnd;    // else: all its entries in seq*
    };
    std::vector<LiveSlot> live;
    std::vector<std::uint32_t> liveEntries;
    // Slots re-run in order: their inputs side by side, the changing ones
    // (seqPatch: position, entry number) refreshed before each run.
    std::vector<double> seqValue;
    std::vector<double> seqTimestamp;
    std::vector<std::uint32_t> seqEntry;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> seqPatch;
};

FoldedBase foldFrozen(const MergePlan &plan, const SlotIndex &index,
                      std::span<const std::shared_ptr<const ParsedFile>> files, const std::vector<bool> &frozenFile);
MergeState runLive(const MergePlan &plan, const SlotIndex &index, FoldedBase &base,
                   std::span<const std::shared_ptr<const ParsedFile>> files);

// ---- merge.cpp

// True when `b` has the same structure as `a` (the files a plan was made
// from): the same names and, per file, the same keys of the same store in
// the same order.
bool sameStructure(std::span<const std::shared_ptr<const ParsedFile>> a,
                   std::span<const std::shared_ptr<const ParsedFile>> b);

// The merge's loops over files touch thousands of ParsedFiles, which the
// loading threads allocated wherever: asking for a file some places ahead
// hides most of the cache misses.
inline constexpr std::size_t kPrefetchAhead = 8;
inline void prefetchFile(std::span<const std::shared_ptr<const ParsedFile>> files, std::size_t i)
{
    if (i < files.size())
        if (const ParsedFile *f = files[i].get()) {
            __builtin_prefetch(&f->fileName);
            __builtin_prefetch(&f->entries);
            __builtin_prefetch(ReaderAccess::keyStoreAddress(*f));
        }
}

} // namespace promdir::detail
