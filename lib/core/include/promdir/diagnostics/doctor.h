#pragma once
// `promdir doctor`: finds and explains what is wrong with a metrics
// directory or archive, each finding with what to do about it. In core so
// the GUI can show the same report.

#include "promdir/diagnostics/processes.h"

namespace promdir {

enum class Severity { Ok, Info, Problem };
std::string_view toString(Severity s); // "ok", "info", "problem"

struct Finding
{
    std::string check;     // stable id: "corrupt-files", "dead-live-gauges", ...
    Severity severity = Severity::Ok;
    std::string summary;   // one line
    std::vector<std::string> details; // files, pids (capped)
    std::string advice;    // what to do; empty when nothing to do
};

struct DoctorOptions
{
    ProcessOptions processes;
    std::size_t manyFiles = 1000;                     // scrapes slow down beyond this
    std::uint64_t manyBytes = std::uint64_t(1) << 30; // of *.db files
    double minFreeFraction = 0.10;                    // of the file system
    std::uint64_t minFreeBytes = std::uint64_t(100) << 20;
    std::size_t maxDetails = 20;                      // per finding
};

struct DoctorReport
{
    std::string path;
    std::vector<Finding> findings; // every check, in a fixed order
    bool healthy() const;          // no Problem
};

// Every check there is, with a one-line description (for --help, docs).
const std::vector<std::pair<std::string, std::string>> &doctorChecks();

DoctorReport runDoctor(const std::string &path, const LoadResult &load, const DoctorOptions &options = {});

} // namespace promdir
