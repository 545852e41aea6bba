#include "promdir/archive/manifest.h"

#include "promdir/format/json.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <unistd.h>

#ifndef PROMDIR_VERSION
#define PROMDIR_VERSION "unknown"
#endif

namespace promdir {

std::string_view promdirVersion()
{
    return PROMDIR_VERSION;
}

std::string isoTime(double secondsSinceEpoch)
{
    const std::time_t t = static_cast<std::time_t>(std::floor(secondsSinceEpoch));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

namespace {

std::string num(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

} // namespace

std::string toJson(const Manifest &m)
{
    auto q = [](std::string_view s) { return json::pythonString(s); };
    std::string out = "{\n";
    out += "  \"format\": " + std::to_string(m.format) + ",\n";
    out += "  \"generator\": \"promdir\",\n";
    out += "  \"promdir_version\": " + q(m.promdirVersion) + ",\n";
    out += "  \"host\": " + q(m.host) + ",\n";
    out += "  \"time\": " + num(m.time) + ",\n";
    out += "  \"time_iso\": " + q(isoTime(m.time)) + ",\n";
    out += "  \"directory\": " + q(m.directory) + ",\n";
    out += "  \"folder\": " + q(m.folder) + ",\n";
    out += "  \"processes\": [";
    bool first = true;
    for (const auto &p : m.processes) {
        out += first ? "\n" : ",\n";
        first = false;
        out += "    {\"pid\": " + q(p.pid) + ", \"state\": " + q(toString(p.state));
        if (p.startTime)
            out += ", \"start_time\": " + num(*p.startTime) + ", \"start_time_iso\": " + q(isoTime(*p.startTime));
        if (!p.cmdline.empty())
            out += ", \"cmdline\": " + q(p.cmdline);
        if (!p.note.empty())
            out += ", \"note\": " + q(p.note);
        out += "}";
    }
    out += first ? "]\n" : "\n  ]\n";
    out += "}\n";
    return out;
}

ManifestParseResult parseManifest(std::string_view text)
{
    ManifestParseResult r;
    const auto pr = json::parse(text);
    if (!pr) {
        r.error = "bad JSON at byte " + std::to_string(pr.error().offset) + ": " + pr.error().message;
        return r;
    }
    if (!pr->isObject()) {
        r.error = "not a JSON object";
        return r;
    }
    auto number = [](const json::Value &v) -> std::optional<double> {
        if (const double *d = std::get_if<double>(&v.v))
            return *d;
        return std::nullopt;
    };
    Manifest &m = r.manifest;
    for (const auto &[k, v] : pr->object()) {
        if (k == "format" && number(v))
            m.format = static_cast<int>(*number(v));
        else if (k == "host" && v.isString())
            m.host = v.str();
        else if (k == "time" && number(v))
            m.time = *number(v);
        else if (k == "promdir_version" && v.isString())
            m.promdirVersion = v.str();
        else if (k == "directory" && v.isString())
            m.directory = v.str();
        else if (k == "folder" && v.isString())
            m.folder = v.str();
        else if (k == "processes" && v.isArray()) {
            for (const auto &e : v.array()) {
                if (!e.isObject())
                    continue;
                ProcessInfo p;
                for (const auto &[pk, pv] : e.object()) {
                    if (pk == "pid" && pv.isString())
                        p.pid = pv.str();
                    else if (pk == "pid" && number(pv))
                        p.pid = std::to_string(static_cast<long long>(*number(pv)));
                    else if (pk == "state" && pv.isString())
                        p.state = livenessFromString(pv.str()).value_or(Liveness::Unknown);
                    else if (pk == "start_time" && number(pv))
                        p.startTime = *number(pv);
                    else if (pk == "cmdline" && pv.isString())
                        p.cmdline = pv.str();
                    else if (pk == "note" && pv.isString())
                        p.note = pv.str();
                }
                if (!p.pid.empty())
                    m.processes.push_back(std::move(p));
            }
        }
    }
    r.ok = true;
    return r;
}

Manifest makeManifest(const std::filesystem::path &dir, const std::vector<std::string> &pids)
{
    Manifest m;
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0)
        m.host = host;
    m.time = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    m.promdirVersion = std::string(promdirVersion());
    m.directory = dir.string();
    std::vector<std::string> sorted = pids;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (const auto &pid : sorted)
        m.processes.push_back(probeLocalProcess(pid));
    return m;
}

} // namespace promdir
