#include "options.h"

#include <charconv>

namespace promdir::cli {

namespace {

// Help sections of the shared options.
const char kArchiveGroup[] = "Archives (.tar, .tar.gz, .tar.bz2, .tar.xz, .tar.zst; recognised by content)";
const char kLivenessGroup[] = "Liveness (directories)";

std::uint64_t sizeValue(const std::string &option, const std::string &value)
{
    const auto size = parseSize(value);
    if (!size || *size == 0)
        throw notA(option, value, "a size (like 512M, 8G or a number of bytes)");
    return *size;
}

std::chrono::milliseconds recheckValue(const std::string &value)
{
    std::int64_t ms = -1;
    if (value.ends_with("ms")) {
        if (const auto n = parseSize(value.substr(0, value.size() - 2)))
            ms = static_cast<std::int64_t>(*n);
    } else if (const auto s = parseDuration(value)) {
        ms = *s * 1000;
    }
    if (ms <= 0)
        throw notA("--recheck", value, "a duration (like 500ms, 5s, 1m)");
    return std::chrono::milliseconds(ms);
}

} // namespace

CLI::ValidationError notA(const std::string &option, const std::string &value, const std::string &what)
{
    return CLI::ValidationError(option, "'" + value + "' is not " + what);
}

std::optional<std::uint64_t> parseSize(std::string_view t)
{
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p == t.data())
        return std::nullopt;
    std::string_view unit(p, static_cast<std::size_t>(t.data() + t.size() - p));
    int shift = 0;
    if (unit.empty() || unit == "B" || unit == "b")
        shift = 0;
    else if (unit == "k" || unit == "K" || unit == "KiB" || unit == "KB")
        shift = 10;
    else if (unit == "M" || unit == "m" || unit == "MiB" || unit == "MB")
        shift = 20;
    else if (unit == "G" || unit == "g" || unit == "GiB" || unit == "GB")
        shift = 30;
    else if (unit == "T" || unit == "t" || unit == "TiB" || unit == "TB")
        shift = 40;
    else
        return std::nullopt;
    if (shift && (v >> (64 - shift)))
        return std::nullopt;
    return v << shift;
}

std::optional<std::int64_t> parseDuration(std::string_view t)
{
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p == t.data() || v < 0)
        return std::nullopt;
    const std::string_view unit(p, static_cast<std::size_t>(t.data() + t.size() - p));
    if (unit.empty() || unit == "s")
        return v;
    if (unit == "m")
        return v * 60;
    if (unit == "h")
        return v * 3600;
    if (unit == "d")
        return v * 86400;
    return std::nullopt;
}

CLI::Option *addPathArgument(CLI::App &command, std::string &path)
{
    return command.add_option("PATH", path, "a metrics directory or an archive of one\n(default: $PROMETHEUS_MULTIPROC_DIR)")
        ->type_name("");
}

void addLoadOptions(CLI::App &command, LoadOptions &load, bool &progress)
{
    command
        .add_option_function<std::string>(
            "--subdir", [&load](const std::string &v) { load.subdir = v.empty() ? std::string(".") : v; },
            "the folder inside the archive holding the .db files\n(needed only when several folders hold them)")
        ->type_name("DIR")
        ->group(kArchiveGroup);
    command
        .add_option_function<std::string>(
            "--max-total-size",
            [&load](const std::string &v) { load.limits.maxTotalBytes = sizeValue("--max-total-size", v); },
            "stop after this much uncompressed data (default 8G)")
        ->type_name("SIZE")
        ->group(kArchiveGroup);
    command
        .add_option_function<std::string>(
            "--max-member-size",
            [&load](const std::string &v) { load.limits.maxMemberBytes = sizeValue("--max-member-size", v); },
            "skip .db members larger than this (default 1G)")
        ->type_name("SIZE")
        ->group(kArchiveGroup);
    command
        .add_option_function<std::string>(
            "--max-members", [&load](const std::string &v) { load.limits.maxMembers = sizeValue("--max-members", v); },
            "stop after this many members (default 1000000)")
        ->type_name("N")
        ->group(kArchiveGroup);
    command
        .add_flag_callback(
            "--no-progress", [&progress] { progress = false; }, "no progress bar (it is shown only on a terminal)")
        ->group(kArchiveGroup);
}

CLI::Option *addPidNamespaceOption(CLI::App &command, PidNamespace &into, const std::string &help)
{
    return command
        .add_option_function<std::string>(
            "--pid-namespace",
            [&into](const std::string &v) {
                const auto ns = pidNamespaceFromString(v);
                if (!ns)
                    throw notA("--pid-namespace", v, "auto, shared or separate");
                into = *ns;
            },
            "do the writers' pids belong to this pid namespace?\n" + help)
        ->type_name("MODE")
        ->group(kLivenessGroup);
}

CLI::Option *addDurationOption(CLI::App &command, const std::string &name, std::function<void(std::chrono::seconds)> set,
                               const std::string &help)
{
    return command
        .add_option_function<std::string>(
            name,
            [name, set = std::move(set)](const std::string &v) {
                const auto d = parseDuration(v);
                if (!d)
                    throw notA(name, v, "a duration (like 90s, 10m, 24h, 7d)");
                set(std::chrono::seconds(*d));
            },
            help)
        ->type_name("DURATION");
}

CLI::Option *addAssumeDeadOption(CLI::App &command, bool &assume)
{
    return command
        .add_flag("--assume-dead-when-unchanged", assume,
                  "the writers' pids are not visible from here: a\nprocess counts as dead when none of its files\n"
                  "changed for the grace period")
        ->group(kLivenessGroup);
}

void addLivenessOptions(CLI::App &command, MergeEngineOptions &options)
{
    addPidNamespaceOption(command, options.pidNamespace,
                          "auto (default): yes, until a file of a process that\n"
                          "is gone here changes (a worker in another container);\n"
                          "shared: yes; separate: no, liveness is not checked\n"
                          "and every file is read on every refresh");
    command
        .add_option_function<std::string>(
            "--recheck", [&options](const std::string &v) { options.recheckEvery = recheckValue(v); },
            "files of processes gone are still read again in turn,\n"
            "each at least this often (default 5s; like 500ms, 2s)")
        ->type_name("DURATION")
        ->group(kLivenessGroup);
}

CLI::Option *addNoAccumulateOption(CLI::App &command, MergeOptions &options)
{
    return command.add_flag_callback(
        "--no-accumulate", [&options] { options.accumulate = false; },
        "keep raw histogram bucket counts (merge with\naccumulate=False)");
}

CLI::Option *addJsonFlag(CLI::App &command, bool &json)
{
    return command.add_flag("--json", json, "machine-readable output (JSON)");
}

CLI::Option *addStaleAfterOption(CLI::App &command, ProcessOptions &options)
{
    return addDurationOption(
        command, "--stale-after", [&options](std::chrono::seconds d) { options.staleAfter = d; },
        "files not written for this long are stale (default 24h; s, m, h, d)");
}

} // namespace promdir::cli
