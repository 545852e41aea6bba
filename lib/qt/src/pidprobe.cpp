#include "pidprobe_p.h"

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

namespace promdir {

namespace {

// Boot time in seconds since the epoch, from /proc/stat's btime.
std::int64_t bootTime()
{
    static const std::int64_t btime = [] {
        std::ifstream in("/proc/stat");
        std::string word;
        while (in >> word) {
            if (word == "btime") {
                std::int64_t t = 0;
                in >> t;
                return t;
            }
        }
        return std::int64_t(0);
    }();
    return btime;
}

// Field 22 of /proc/<pid>/stat (after the parenthesised command, which may
// hold spaces) is the start time in clock ticks since boot.
std::int64_t startTimeMs(long pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line))
        return 0;
    const auto close = line.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream rest(line.substr(close + 1));
    std::string field;
    // After ')': field 3 (state) is the first; start time is field 22.
    for (int i = 3; i <= 22; ++i)
        if (!(rest >> field))
            return 0;
    long long ticks = 0;
    auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), ticks);
    if (ec != std::errc() || bootTime() == 0)
        return 0;
    const long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        return 0;
    return bootTime() * 1000 + ticks * 1000 / hz;
}

} // namespace

PidState probePid(std::string_view pid)
{
    PidState s;
    long n = 0;
    auto [p, ec] = std::from_chars(pid.data(), pid.data() + pid.size(), n);
    if (pid.empty() || ec != std::errc() || p != pid.data() + pid.size() || n <= 0
        || pid.front() == '0' || n > 4194304)
        return s; // not a local pid: liveness unknown
    if (::kill(static_cast<pid_t>(n), 0) == 0 || errno == EPERM) {
        s.state = PidState::Alive;
        s.startTimeMs = startTimeMs(n);
    } else if (errno == ESRCH) {
        s.state = PidState::Dead;
    }
    return s;
}

} // namespace promdir
