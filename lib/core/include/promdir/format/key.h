#pragma once
// A key of the mmap files: [metric_name, sample_name, labels, help].

#include "promdir/format/result.h"
#include "promdir/format/types.h"

namespace promdir {

struct Key
{
    std::string metric;  // metric_name
    std::string sample;  // sample name (<m>_total, <m>_bucket, ...)
    Labels labels;       // sorted by name, duplicates resolved (last wins)
    std::string help;    // empty and hasHelp=false for generations 1-2
    bool hasHelp = false;
    int shape = 0;       // 1: list labels (gen 1), 2: dict (gen 2), 3: dict+help (gen 3/4)
    std::string raw;     // the exact bytes it was parsed from
    std::uint32_t id = 0; // number within its KeyInterner (reader.h), for dense tables
};

// The key, or why the text is not one: a Problem of kind BadJson (code
// KeyNotJson, its argument the JSON parser's reason) or BadKeyShape (one of
// the other ProblemCode::Key*), at the byte offset in the text (no file).
Result<Key, Problem> parseKey(std::string_view text);

// Python's dict(pairs) then sorted(items()): the last value of a name wins,
// sorted by name (byte order = code point order).
Labels normaliseLabels(Labels labels);

// The reference's exact key bytes:
// json.dumps([metric, sample, dict(labels), help], sort_keys=True).
// `labels` in any order; sorted here like Python sorts str keys.
std::string encodeKey(std::string_view metric, std::string_view sample,
                      const Labels &labels, std::string_view help);

} // namespace promdir
