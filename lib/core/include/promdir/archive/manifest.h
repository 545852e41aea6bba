#pragma once
// promdir-manifest.json: what `promdir pack` records next to the .db files
// of a support tarball, so that liveness is known when the archive is read
// on another machine.

#include "promdir/diagnostics/liveness.h"
#include "promdir/format/result.h"
#include "promdir/format/types.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace promdir {

inline constexpr std::string_view kManifestName = "promdir-manifest.json";

struct Manifest
{
    int format = 1;              // of this JSON document
    std::string host;            // gethostname()
    double time = 0.0;           // seconds since the epoch when packed
    std::string promdirVersion;
    std::string directory;       // the packed directory as given
    std::string folder;          // folder of the .db files inside the archive
    std::vector<ProcessInfo> processes; // every pid with files, sorted
};

// JSON text (UTF-8, 2-space indent, ends with a newline).
std::string toJson(const Manifest &manifest);

// Accepts any JSON object; unknown members are ignored, missing ones stay
// at their defaults. Otherwise a Problem of kind BadJson at the byte
// (from 0) where the text stopped being JSON, or 0 for JSON that is not an
// object; its message in English only (the JSON library's own words).
[[nodiscard]] Result<Manifest, Problem> parseManifest(std::string_view text);

// The manifest of `dir` now: host, time, version, and a local liveness
// probe of each pid (numeric or not) given.
Manifest makeManifest(const std::filesystem::path &dir, const std::vector<std::string> &pids);

// promdir's version, as built.
std::string_view promdirVersion();

// "2026-11-24T15:47:56Z" (UTC, seconds) for seconds since the epoch.
std::string isoTime(double secondsSinceEpoch);

} // namespace promdir
