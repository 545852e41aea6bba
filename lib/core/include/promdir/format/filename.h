#pragma once
// What a file's name says: counter_<pid>.db, gauge_<mode>_<pid>.db, ...

#include "promdir/format/types.h"

namespace promdir {

struct FileName
{
    bool valid = false;          // of the reference's form
    MetricType type = MetricType::Counter;
    GaugeMode mode = GaugeMode::None;
    std::string pid;             // any string without '_'
    Phrase reason;               // why not valid (problemText(reason) in English)
};

FileName parseFileName(std::string_view baseName);

// A process identifier that can stand in a file name: not empty, without
// '_' (the name's separator), '/' or NUL. The writer, mark-dead and the
// inspector's Mark Dead all ask this.
bool validProcessIdentifier(std::string_view pid);

// Compacted contributions (`promdir compact`, docs/compaction.md): the
// files into which the files of dead processes were folded are named like a
// process's, with the identifier "compacted" (format generation 4) or
// "compacted-g1" .. "compacted-g3" (older generations), which every client
// generation accepts. No process is ever called that; such a file is never
// alive, never stale, and shown as its own row.
inline constexpr std::string_view kCompactedIdentifier = "compacted";
bool isCompactedIdentifier(std::string_view pid);
// The folder inside a metrics directory where compaction stages files and
// keeps its journal: not *.db, so no reader merges it, and promdir's
// listing passes over it without a word.
inline constexpr std::string_view kCompactionFolder = ".promdir-compaction";

// The order of pids everywhere (tables, rows, JSON): "101" < "9999" <
// "worker-3": numbers by value first, then the others by their bytes.
bool pidLess(std::string_view a, std::string_view b);

// The directory the Python client would write to: $PROMETHEUS_MULTIPROC_DIR,
// else the older lower-case $prometheus_multiproc_dir; empty when neither
// is set (or both are empty).
std::string multiprocessDirectoryFromEnvironment();

} // namespace promdir
