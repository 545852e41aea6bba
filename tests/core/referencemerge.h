#pragma once
// A second, deliberately naive implementation of what the Python client does
// with a multiprocess directory: MultiProcessCollector.merge and the text and
// OpenMetrics generate_latest of client_python's main branch, written from
// the specification for the tests only. Plain ordered maps walked in the
// reference's order, strings for types and modes, nothing compiled, cached,
// interned or done in parallel. Tests compare promdir's real merge and
// renderer with it, so that a bug in the plan compiler or in the engine's
// incremental paths cannot hide behind a golden file that happens to match.
//
// Where the client's output is one Prometheus rejects and promdir documents
// another choice (docs/compatibility.md, "Empty metric or label names"),
// the reference applies that choice, written here in its own code: an empty
// label name is written "_", an entry with an empty metric or sample name
// is not merged.
//
// Numbers are formatted here too (Python's repr from std::to_chars), so the
// render tests compare two independent formatters.

#include "promdir/merge/merge.h"

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace promdir::test {

// Label (name, value) pairs; in an entry as the key lists them (a repeated
// name: the last one wins, as json.loads builds a dict).
using LabelPairs = std::vector<std::pair<std::string, std::string>>;

struct RefEntry
{
    std::string metric;
    std::string sample;
    LabelPairs labels;
    std::optional<std::string> help; // none: a key of generation 1 or 2
    double value = 0.0;
    double timestamp = 0.0;
};

struct RefFile
{
    std::string name; // base name: counter_7.db, gauge_livesum_7.db, ...
    std::vector<RefEntry> entries;
};

struct RefSample
{
    std::string name;
    LabelPairs labels; // sorted by name, unique
    double value = 0.0;
};

struct RefFamily
{
    std::string name;
    std::string type; // counter, gauge, histogram, summary
    std::string help;
    std::string mode; // the last gauge file's mode; "" when no gauge file had the family
    std::vector<RefSample> samples;
};

// The merge of `files` taken in byte-wise order of their names (as promdir
// always merges). Files whose name is not of the reference's form are left
// out, as promdir leaves them out.
std::vector<RefFamily> referenceMerge(std::vector<RefFile> files, bool accumulate = true);

std::string referenceText(std::span<const RefFamily> families);
std::string referenceOpenMetrics(std::span<const RefFamily> families);

// Python's repr(float) and the reference's floatToGoString, written here
// independently of promdir's floatformat.
std::string referenceRepr(double d);
std::string referenceGoString(double d);

// A file promdir read, as the reference's input.
RefFile refFileOf(const ParsedFile &file);
// promdir's families in the reference's terms, to compare.
std::vector<RefFamily> refFamiliesOf(std::span<const MetricFamily> families);

// The first difference between two merges, said so a person can find it;
// empty when they are equal (values equal when both are NaN or both have the
// same bits otherwise, so -0.0 differs from 0.0 as their renderings do).
std::string firstDifference(std::span<const RefFamily> expected, std::span<const RefFamily> actual);

// The first line where two texts differ, with both lines; empty when equal.
std::string firstLineDifference(const std::string &expected, const std::string &actual);

} // namespace promdir::test
