#include "loadreport.h"

#include "promdir/archive/archive.h"

#include <cstdio>

namespace promdir::cli {

namespace {

std::string timeText(std::int64_t ns)
{
    return ns > 0 ? isoTime(static_cast<double>(ns) / 1e9) : std::string("-");
}

std::string processNotes(const ProcessSummary &r)
{
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
    return notes;
}

Json processJson(const ProcessSummary &r)
{
    Json stale = Json::array();
    for (const auto &s : r.stale)
        stale.push_back({{"file", s.name}, {"reason", s.reason}});
    Json row = {
        {"pid", r.pid},
        {"state", toString(r.info.state)},
        {"liveness_source", r.livenessSource},
        {"start_time", r.info.startTime ? Json(isoTime(*r.info.startTime)) : Json(nullptr)},
        {"cmdline", textOrNull(r.info.cmdline)},
        {"note", textOrNull(r.info.note)},
        {"files", r.files},
        {"bytes", r.bytes},
        {"last_write", r.lastWriteNs > 0 ? Json(timeText(r.lastWriteNs)) : Json(nullptr)},
        {"stale", std::move(stale)},
        {"pid_reuse_suspected", r.pidReuseSuspected},
    };
    if (r.pidReuseSuspected)
        row["pid_reuse_reason"] = r.pidReuseReason;
    return row;
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
        std::snprintf(line, sizeof line, "%-10s %-8s %-9s %5zu %10llu %-20s %5zu  %s\n", escapeMemberName(r.pid).c_str(),
                      std::string(toString(r.info.state)).c_str(), r.livenessSource.c_str(), r.files.size(),
                      static_cast<unsigned long long>(r.bytes), timeText(r.lastWriteNs).c_str(), r.stale.size(),
                      processNotes(r).c_str());
        out += line;
        for (const auto &s : r.stale)
            out += "    stale: " + escapeMemberName(s.name) + ": " + s.reason + "\n";
    }
    return out;
}

Json processesJson(const std::vector<ProcessSummary> &rows)
{
    Json out = Json::array();
    for (const auto &r : rows)
        out.push_back(processJson(r));
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

Json archiveJson(const LoadResult &load)
{
    const auto &a = load.archive;
    if (!a.isArchive)
        return nullptr;
    Json folders = Json::array();
    for (const auto &[folder, files] : a.dbFolders)
        folders.push_back({{"folder", folder}, {"files", files}});
    Json skipped = Json::array();
    for (const auto &s : a.skipped)
        skipped.push_back({{"member", s.name}, {"reason", s.reason}});
    Json manifest = nullptr;
    if (load.manifest)
        manifest = {{"host", load.manifest->host},
                    {"time", isoTime(load.manifest->time)},
                    {"promdir_version", load.manifest->promdirVersion},
                    {"directory", load.manifest->directory}};
    return {
        {"compression", a.compression},       {"folder", a.folder},
        {"members", a.members},               {"uncompressed_bytes", a.uncompressedBytes},
        {"complete", a.complete},             {"db_folders", std::move(folders)},
        {"skipped", std::move(skipped)},      {"skipped_count", a.skippedCount},
        {"manifest", std::move(manifest)},
    };
}

} // namespace promdir::cli
