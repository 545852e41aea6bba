#pragma once
// What `inspect` shows of a load beside its files: one row per process id,
// and the archive's facts (compression, folder, members, skipped, manifest),
// as text and as JSON.

#include "jsonoutput.h"

#include "promdir/diagnostics/processes.h"

#include <string>
#include <vector>

namespace promdir::cli {

std::string processesText(const std::vector<ProcessSummary> &rows);
Json processesJson(const std::vector<ProcessSummary> &rows);
// Empty / null when the load was not an archive.
std::string archiveText(const LoadResult &load);
Json archiveJson(const LoadResult &load);

} // namespace promdir::cli
