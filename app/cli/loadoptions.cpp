#include "loadoptions.h"

#include "promdir/archive/archive.h"
#include "promdir/format/json.h"

#include <charconv>
#include <cstdio>

namespace promdir::cli {

const char kLoadOptionsHelp[] =
    "Archives (.tar, .tar.gz, .tar.bz2, .tar.xz, .tar.zst; recognised by content):\n"
    "  --subdir DIR           the folder inside the archive holding the .db files\n"
    "                         (needed only when several folders hold them)\n"
    "  --max-total-size SIZE  stop after this much uncompressed data (default 8G)\n"
    "  --max-member-size SIZE skip .db members larger than this (default 1G)\n"
    "  --max-members N        stop after this many members (default 1000000)\n"
    "  --no-progress          no progress bar (it is shown only on a terminal)\n";

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

int parseLoadOption(const std::string &command, const Args &args, std::size_t &i, LoadOptions &options, bool &progress)
{
    const std::string &a = args[i];
    std::string name = a, value;
    bool inlineValue = false;
    if (const auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inlineValue = true;
    }
    if (name == "--no-progress" && !inlineValue) {
        progress = false;
        return 1;
    }
    if (name != "--subdir" && name != "--max-total-size" && name != "--max-member-size" && name != "--max-members")
        return 0;
    if (!inlineValue) {
        if (i + 1 >= args.size()) {
            printError(command, name + " needs a value");
            return -1;
        }
        value = args[++i];
    }
    if (name == "--subdir") {
        options.subdir = value.empty() ? std::string(".") : value;
        return 1;
    }
    const auto size = parseSize(value);
    if (!size || *size == 0) {
        printError(command, name + ": '" + value + "' is not a size (like 512M, 8G or a number of bytes)");
        return -1;
    }
    if (name == "--max-total-size")
        options.limits.maxTotalBytes = *size;
    else if (name == "--max-member-size")
        options.limits.maxMemberBytes = *size;
    else
        options.limits.maxMembers = *size;
    return 1;
}

const char kLivenessOptionsHelp[] =
    "Liveness (directories):\n"
    "  --pid-namespace MODE   do the writers' pids belong to this pid namespace?\n"
    "                         auto (default): yes, until a file of a process that\n"
    "                         is gone here changes (a worker in another container);\n"
    "                         shared: yes; separate: no, liveness is not checked\n"
    "                         and every file is read on every refresh\n"
    "  --recheck DURATION     files of processes gone are still read again in turn,\n"
    "                         each at least this often (default 5s; like 500ms, 2s)\n";

int parseLivenessOption(const std::string &command, const Args &args, std::size_t &i, MergeEngineOptions &options)
{
    const std::string &a = args[i];
    std::string name = a, value;
    if (const auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
    } else if (name == "--pid-namespace" || name == "--recheck") {
        if (i + 1 >= args.size()) {
            printError(command, name + " needs a value");
            return -1;
        }
        value = args[++i];
    }
    if (name == "--pid-namespace") {
        const auto ns = pidNamespaceFromString(value);
        if (!ns) {
            printError(command, "--pid-namespace: '" + value + "' is not auto, shared or separate");
            return -1;
        }
        options.pidNamespace = *ns;
        return 1;
    }
    if (name == "--recheck") {
        std::int64_t ms = -1;
        if (value.ends_with("ms")) {
            if (const auto n = parseSize(value.substr(0, value.size() - 2)))
                ms = static_cast<std::int64_t>(*n);
        } else if (const auto s = parseDuration(value)) {
            ms = *s * 1000;
        }
        if (ms <= 0) {
            printError(command, "--recheck: '" + value + "' is not a duration (like 500ms, 5s, 1m)");
            return -1;
        }
        options.recheckEvery = std::chrono::milliseconds(ms);
        return 1;
    }
    return 0;
}

void printLoadError(const std::string &command, const LoadResult &load)
{
    printError(command, load.error);
}

namespace {

std::string q(std::string_view s)
{
    return json::pythonString(s);
}

std::string timeText(std::int64_t ns)
{
    return ns > 0 ? isoTime(static_cast<double>(ns) / 1e9) : std::string("-");
}

} // namespace

std::string processesText(const std::vector<ProcessSummary> &rows)
{
    std::string out = "\nPROCESSES\n";
    char line[512];
    std::snprintf(line, sizeof line, "%-10s %-8s %-9s %5s %10s %-20s %5s  %s\n", "PID", "STATE", "SOURCE", "FILES",
                  "BYTES", "LAST WRITE", "STALE", "NOTES");
    out += line;
    for (const auto &r : rows) {
        std::string notes;
        if (r.pidReuseSuspected)
            notes += "pid reuse suspected; ";
        if (r.info.startTime)
            notes += "started " + isoTime(*r.info.startTime) + "; ";
        if (!r.info.note.empty())
            notes += r.info.note + "; ";
        if (!r.info.cmdline.empty())
            notes += escapeMemberName(r.info.cmdline.substr(0, 60)) + "; ";
        if (notes.size() >= 2)
            notes.resize(notes.size() - 2);
        std::snprintf(line, sizeof line, "%-10s %-8s %-9s %5zu %10llu %-20s %5zu  %s\n", escapeMemberName(r.pid).c_str(),
                      std::string(toString(r.info.state)).c_str(), r.livenessSource.c_str(), r.files.size(),
                      static_cast<unsigned long long>(r.bytes), timeText(r.lastWriteNs).c_str(), r.stale.size(),
                      notes.c_str());
        out += line;
        for (const auto &s : r.stale)
            out += "    stale: " + escapeMemberName(s.name) + ": " + s.reason + "\n";
    }
    return out;
}

std::string processesJson(const std::vector<ProcessSummary> &rows)
{
    std::string out = "[";
    bool first = true;
    for (const auto &r : rows) {
        out += first ? "\n" : ",\n";
        first = false;
        out += "  {\"pid\": " + q(r.pid) + ", \"state\": " + q(toString(r.info.state))
               + ", \"liveness_source\": " + q(r.livenessSource);
        out += ", \"start_time\": " + (r.info.startTime ? q(isoTime(*r.info.startTime)) : std::string("null"));
        out += ", \"cmdline\": " + (r.info.cmdline.empty() ? std::string("null") : q(r.info.cmdline));
        out += ", \"note\": " + (r.info.note.empty() ? std::string("null") : q(r.info.note));
        out += ", \"files\": [";
        for (std::size_t i = 0; i < r.files.size(); ++i)
            out += (i ? ", " : "") + q(r.files[i]);
        out += "], \"bytes\": " + std::to_string(r.bytes);
        out += ", \"last_write\": " + (r.lastWriteNs > 0 ? q(timeText(r.lastWriteNs)) : std::string("null"));
        out += ", \"stale\": [";
        for (std::size_t i = 0; i < r.stale.size(); ++i)
            out += std::string(i ? ", " : "") + "{\"file\": " + q(r.stale[i].name) + ", \"reason\": " + q(r.stale[i].reason) + "}";
        out += "], \"pid_reuse_suspected\": " + std::string(r.pidReuseSuspected ? "true" : "false");
        if (r.pidReuseSuspected)
            out += ", \"pid_reuse_reason\": " + q(r.pidReuseReason);
        out += "}";
    }
    out += first ? "]" : "\n]";
    return out;
}

std::string archiveText(const LoadResult &load)
{
    const auto &a = load.archive;
    if (!a.isArchive)
        return {};
    std::string out = "\nARCHIVE " + a.compression + ", folder '" + (a.folder.empty() ? std::string(".") : a.folder)
                      + "', " + std::to_string(a.members) + " members, " + std::to_string(a.uncompressedBytes)
                      + " bytes uncompressed, " + (a.complete ? "complete" : "INCOMPLETE") + "\n";
    if (load.manifest)
        out += "manifest: packed on " + load.manifest->host + " at " + isoTime(load.manifest->time) + " by promdir "
               + load.manifest->promdirVersion + " from " + load.manifest->directory + "\n";
    else
        out += "manifest: none (liveness unknown)\n";
    if (a.dbFolders.size() > 1) {
        out += "folders holding metrics files:";
        for (const auto &[f, n] : a.dbFolders)
            out += " " + f + " (" + std::to_string(n) + ")";
        out += "\n";
    }
    for (const auto &s : a.skipped)
        out += "skipped: " + s.name + ": " + s.reason + "\n";
    if (a.skippedCount > a.skipped.size())
        out += "skipped: ... " + std::to_string(a.skippedCount - a.skipped.size()) + " more\n";
    return out;
}

std::string archiveJson(const LoadResult &load)
{
    const auto &a = load.archive;
    if (!a.isArchive)
        return "null";
    std::string out = "{\"compression\": " + q(a.compression) + ", \"folder\": " + q(a.folder)
                      + ", \"members\": " + std::to_string(a.members) + ", \"uncompressed_bytes\": "
                      + std::to_string(a.uncompressedBytes) + ", \"complete\": " + (a.complete ? "true" : "false")
                      + ", \"db_folders\": [";
    for (std::size_t i = 0; i < a.dbFolders.size(); ++i)
        out += std::string(i ? ", " : "") + "{\"folder\": " + q(a.dbFolders[i].first)
               + ", \"files\": " + std::to_string(a.dbFolders[i].second) + "}";
    out += "], \"skipped\": [";
    for (std::size_t i = 0; i < a.skipped.size(); ++i)
        out += std::string(i ? ", " : "") + "{\"member\": " + q(a.skipped[i].name) + ", \"reason\": " + q(a.skipped[i].reason) + "}";
    out += "], \"skipped_count\": " + std::to_string(a.skippedCount);
    out += ", \"manifest\": ";
    if (load.manifest)
        out += "{\"host\": " + q(load.manifest->host) + ", \"time\": " + q(isoTime(load.manifest->time))
               + ", \"promdir_version\": " + q(load.manifest->promdirVersion) + ", \"directory\": "
               + q(load.manifest->directory) + "}";
    else
        out += "null";
    out += "}";
    return out;
}

} // namespace promdir::cli
