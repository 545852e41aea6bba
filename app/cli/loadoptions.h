#pragma once
// Options every command reading a PATH shares (archives: --subdir, limits,
// progress), and the per-process table of `inspect`.

#include "commands.h"

#include "promdir/engine/mergeengine.h"
#include "promdir/diagnostics/processes.h"

#include <optional>

namespace promdir::cli {

// Help text for the shared options (ends with a newline).
extern const char kLoadOptionsHelp[];

// Consumes args[i] (and its value) when it is a shared option.
// Returns 1 when consumed, 0 when not ours, -1 on a bad value (printed).
int parseLoadOption(const std::string &command, const Args &args, std::size_t &i, LoadOptions &options,
                    bool &progress);

// --pid-namespace and --recheck (for commands with a merge engine).
extern const char kLivenessOptionsHelp[];
// Consumes args[i] (and its value) when it is one of those; as parseLoadOption.
int parseLivenessOption(const std::string &command, const Args &args, std::size_t &i, MergeEngineOptions &options);

// "8G", "512MiB", "100k", "1048576": bytes. Nullopt when malformed.
std::optional<std::uint64_t> parseSize(std::string_view text);
// "24h", "30m", "7d", "90s", "3600": seconds.
std::optional<std::int64_t> parseDuration(std::string_view text);

// A load error with the candidate folders of an archive, one a line.
void printLoadError(const std::string &command, const LoadResult &load);

// inspect's per-process rows.
std::string processesText(const std::vector<ProcessSummary> &rows);
std::string processesJson(const std::vector<ProcessSummary> &rows);
// Archive facts (compression, folder, members, skipped, manifest) as text / JSON object.
std::string archiveText(const LoadResult &load);
std::string archiveJson(const LoadResult &load);

} // namespace promdir::cli
