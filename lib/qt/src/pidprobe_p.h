#pragma once
// Asks the local system whether a pid runs and since when (spec section 6).
// TODO: switch to core's probeLocalProcess (liveness.h) once it is built.

#include <cstdint>
#include <string_view>

namespace promdir {

struct PidState
{
    enum State { Unknown, Alive, Dead } state = Unknown;
    std::int64_t startTimeMs = 0; // 0 when unknown
};

// kill(pid, 0) plus /proc/<pid>/stat for the start time. A pid that is not
// a positive decimal number is Unknown.
PidState probePid(std::string_view pid);

} // namespace promdir
