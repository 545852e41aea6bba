#pragma once
// Internal: the merge compiled into a plan.
//
// The structure of a merge (which families, series and histogram buckets
// come out, in which order) depends only on the files' keys; the numbers
// depend on the values. A plan records the structure once, with one
// instruction per entry ("add this entry's value into output slot 7"), so
// that a refresh in which only values changed re-runs cheap arithmetic in
// exactly the reference's order, and the entries of files that cannot change
// (dead processes) can be folded once into a base state.

#include "promdir/merge/merge.h"

namespace promdir::detail {

enum class Op : std::uint8_t {
    Skip,       // entry contributes nothing (a bucket bound that does not parse)
    Sum,        // counters, summaries, histogram _sum and buckets, gauge sum
    Min,
    Max,
    Set,        // gauge all/liveall: the last value wins
    MostRecent, // the value with the greatest timestamp (> 0)
    Repeat,     // while compiling only: same as the first entry of key number `slot`
};

// Where a key was first seen outside gauge files (there, every entry of a
// key gets the same instruction). Noted while loading (directory.cpp), so
// that compiling need not look at every entry of every file.
struct FirstSighting
{
    const ParsedFile *file;
    std::uint32_t entry;
};

struct MergePlan
{
    MergeOptions options;
    // Families with their samples in first-seen order (values unset).
    std::vector<MetricFamily> families;
    // One instruction per entry of every merged file, in merge order (the
    // entry's number there: fileFirstInstr + its place in the file). Files
    // marked in byKey (compiled from first sightings) have none here until
    // indexSlots(): theirs come from keyInstr.
    struct Instr
    {
        std::uint32_t slot;
        Op op;
    };
    std::vector<Instr> instrs;
    std::uint32_t instrCount = 0;              // entries merged, all files
    std::vector<std::uint32_t> fileFirstInstr; // per input file: number of its first entry
    std::vector<std::uint32_t> fileInstrAt;    // per input file: where its instructions start in instrs
    // Per key id, the instruction of its entries outside gauge files.
    std::vector<Instr> keyInstr;
    std::vector<bool> byKey; // per input file
    // Made by indexSlots(), only for folding (a cold merge does not need it):
    std::vector<std::uint32_t> instrFile;      // per instruction: its file
    // Per slot, its instructions in order: slotInstrs[slotStart[s], slotStart[s+1]).
    std::vector<std::uint32_t> slotStart;
    std::vector<std::uint32_t> slotInstrs;
    // Where a slot ends up: families[family].samples[sample]; sample = -1
    // for a raw histogram bucket slot (only feeds the accumulation below).
    struct SlotTarget
    {
        std::uint32_t family;
        std::int32_t sample;
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
};

// Slot values while instructions run.
struct MergeState
{
    std::vector<double> value;
    std::vector<double> bestTimestamp;
    std::vector<std::uint32_t> firstTaken; // instruction index; UINT32_MAX: never
    std::vector<std::uint8_t> taken;
};

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
        std::uint32_t liveBegin;  // intSum: its changing instructions in liveInstrs;
        std::uint32_t liveEnd;    // else: all its instructions in seq*
    };
    std::vector<LiveSlot> live;
    std::vector<std::uint32_t> liveInstrs;
    // Slots re-run in order: their inputs side by side, the changing ones
    // (seqPatch: position, instruction) refreshed before each run.
    std::vector<double> seqValue;
    std::vector<double> seqTimestamp;
    std::vector<std::uint32_t> seqInstr;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> seqPatch;
};

// Fills the plan's per-slot index (instrFile, slotStart, slotInstrs) and
// every instruction of byKey files, once. `files` as compiled.
void indexSlots(MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files);
// `plan` must be indexed.
FoldedBase foldFrozen(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files,
                      const std::vector<bool> &frozenFile);
MergeState runLive(const MergePlan &plan, FoldedBase &base,
                   std::span<const std::shared_ptr<const ParsedFile>> files);

// `firsts`, when given: every key's first sighting outside gauge files, in
// merge order (files of one key store only). Without it, or when it does
// not fit the files, every entry is looked at.
MergePlan compilePlan(std::span<const std::shared_ptr<const ParsedFile>> files, const MergeOptions &options,
                      const std::vector<FirstSighting> *firsts = nullptr);
MergeState initialState(const MergePlan &plan);
// Runs the instructions of files [fromFile, toFile).
void execute(const MergePlan &plan, std::span<const std::shared_ptr<const ParsedFile>> files, std::size_t fromFile,
             std::size_t toFile, MergeState &state);
// A cold merge's sums outside gauge files, by key instead of by slot: they
// need no plan, so they are made beside compilePlan. Per key, its entries
// are added in merge order, as execute() adds them per slot.
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

// True when `files` have the same structure as those the plan was made
// from: the same names and, per file, the same keys in the same order.
bool sameStructure(std::span<const std::shared_ptr<const ParsedFile>> a,
                   std::span<const std::shared_ptr<const ParsedFile>> b);

} // namespace promdir::detail
