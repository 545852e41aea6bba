#include "promdir/archive/manifest.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>

#include <nlohmann/json.hpp>

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

using Json = nlohmann::ordered_json;

// Times to the millisecond: what a manifest needs, and short to read.
double milliseconds(double seconds)
{
    return std::round(seconds * 1000) / 1000;
}

Json processJson(const ProcessInfo &p)
{
    Json e = {{"pid", p.pid}, {"state", toString(p.state)}};
    if (p.startTime) {
        e["start_time"] = milliseconds(*p.startTime);
        e["start_time_iso"] = isoTime(*p.startTime);
    }
    if (!p.cmdline.empty())
        e["cmdline"] = p.cmdline;
    if (!p.note.empty())
        e["note"] = p.note;
    return e;
}

std::optional<double> number(const nlohmann::json &v)
{
    if (v.is_number())
        return v.get<double>();
    return std::nullopt;
}

// Reads the members it knows; others, and members of another type, are ignored.
ProcessInfo processFromJson(const nlohmann::json &e)
{
    ProcessInfo p;
    for (const auto &[key, v] : e.items()) {
        if (key == "pid" && v.is_string())
            p.pid = v.get<std::string>();
        else if (key == "pid" && number(v))
            p.pid = std::to_string(static_cast<long long>(std::clamp(*number(v), -9e18, 9e18)));
        else if (key == "state" && v.is_string())
            p.state = livenessFromString(v.get<std::string>()).value_or(Liveness::Unknown);
        else if (key == "start_time" && number(v))
            p.startTime = *number(v);
        else if (key == "cmdline" && v.is_string())
            p.cmdline = v.get<std::string>();
        else if (key == "note" && v.is_string())
            p.note = v.get<std::string>();
    }
    return p;
}

void readMember(Manifest &m, const std::string &key, const nlohmann::json &v)
{
    if (key == "format" && number(v))
        m.format = static_cast<int>(std::clamp(*number(v), -1e9, 1e9));
    else if (key == "host" && v.is_string())
        m.host = v.get<std::string>();
    else if (key == "time" && number(v))
        m.time = *number(v);
    else if (key == "promdir_version" && v.is_string())
        m.promdirVersion = v.get<std::string>();
    else if (key == "directory" && v.is_string())
        m.directory = v.get<std::string>();
    else if (key == "folder" && v.is_string())
        m.folder = v.get<std::string>();
    else if (key == "processes" && v.is_array())
        for (const auto &e : v)
            if (e.is_object())
                if (ProcessInfo p = processFromJson(e); !p.pid.empty())
                    m.processes.push_back(std::move(p));
}

} // namespace

std::string toJson(const Manifest &m)
{
    Json processes = Json::array();
    for (const auto &p : m.processes)
        processes.push_back(processJson(p));
    const Json doc = {
        {"format", m.format},
        {"generator", "promdir"},
        {"promdir_version", m.promdirVersion},
        {"host", m.host},
        {"time", milliseconds(m.time)},
        {"time_iso", isoTime(m.time)},
        {"directory", m.directory},
        {"folder", m.folder},
        {"processes", std::move(processes)},
    };
    // Bytes that are not UTF-8 (a path, a command line) become U+FFFD: the
    // manifest is always valid JSON text.
    return doc.dump(2, ' ', /*ensure_ascii=*/true, nlohmann::detail::error_handler_t::replace) + "\n";
}

Result<Manifest, Problem> parseManifest(std::string_view text)
{
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        // what(): "[json.exception.parse_error.101] parse error at line 1, column 2: <why>"
        const std::string what = e.what();
        const auto why = what.find(": ");
        return Problem{{}, e.byte > 0 ? e.byte - 1 : 0, ProblemKind::BadJson,
                       "bad JSON at byte " + std::to_string(e.byte) + ": "
                           + (why == std::string::npos ? what : what.substr(why + 2))};
    } catch (const nlohmann::json::exception &e) {
        return Problem{{}, 0, ProblemKind::BadJson, std::string("bad JSON: ") + e.what()};
    }
    if (!doc.is_object())
        return Problem{{}, 0, ProblemKind::BadJson, "not a JSON object"};
    Manifest manifest;
    for (const auto &[key, v] : doc.items())
        readMember(manifest, key, v);
    return manifest;
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
