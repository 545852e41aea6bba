#pragma once
// Options several sub-commands share, each declared once here and added to
// a sub-command by one call: PATH, the archive options, liveness,
// --stale-after. Values that are not valid are usage errors naming the
// option (exit status 2).

#include "promdir/engine/mergeengine.h"
#include "promdir/diagnostics/processes.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace promdir::cli {

// PATH: a directory or an archive; $PROMETHEUS_MULTIPROC_DIR when not given.
CLI::Option *addPathArgument(CLI::App &command, std::string &path);
// --subdir, --max-total-size, --max-member-size, --max-members, --no-progress.
void addLoadOptions(CLI::App &command, LoadOptions &load, bool &progress);
// --pid-namespace MODE, with what the modes mean to the command, under the
// heading "Liveness (directories)" (the group of the returned option).
CLI::Option *addPidNamespaceOption(CLI::App &command, PidNamespace &into, const std::string &help);
// An option NAME DURATION ("90s", "10m", "24h", "7d", "3600"), given to `set`.
CLI::Option *addDurationOption(CLI::App &command, const std::string &name, std::function<void(std::chrono::seconds)> set,
                               const std::string &help);
// --assume-dead-when-unchanged (compact, serve --compact-dead-after), under
// the liveness heading.
CLI::Option *addAssumeDeadOption(CLI::App &command, bool &assume);
// --pid-namespace and --recheck (commands with a merge engine).
void addLivenessOptions(CLI::App &command, MergeEngineOptions &options);
// --no-accumulate (render, serve).
CLI::Option *addNoAccumulateOption(CLI::App &command, MergeOptions &options);
// --json (inspect, doctor, diff).
CLI::Option *addJsonFlag(CLI::App &command, bool &json);
// --stale-after DURATION (inspect, doctor).
CLI::Option *addStaleAfterOption(CLI::App &command, ProcessOptions &options);

// The usage error for `value` given to `option`: "OPTION: 'VALUE' is not WHAT".
CLI::ValidationError notA(const std::string &option, const std::string &value, const std::string &what);

// "8G", "512MiB", "100k", "1048576": bytes. Nullopt when malformed.
std::optional<std::uint64_t> parseSize(std::string_view text);
// "24h", "30m", "7d", "90s", "3600": seconds.
std::optional<std::int64_t> parseDuration(std::string_view text);

} // namespace promdir::cli
