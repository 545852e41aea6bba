#include "promdir/diagnostics/liveness.h"

#include <cerrno>
#include <cstring>
#include <charconv>
#include <csignal>
#include <fstream>
#include <sstream>

#include <sys/types.h>
#include <unistd.h>

namespace promdir {

std::string_view toString(Liveness state)
{
    switch (state) {
    case Liveness::Alive: return "alive";
    case Liveness::Dead: return "dead";
    case Liveness::Unknown: break;
    }
    return "unknown";
}

std::optional<Liveness> livenessFromString(std::string_view s)
{
    if (s == "alive")
        return Liveness::Alive;
    if (s == "dead")
        return Liveness::Dead;
    if (s == "unknown")
        return Liveness::Unknown;
    return std::nullopt;
}

std::string_view toString(PidNamespace ns)
{
    switch (ns) {
    case PidNamespace::Shared: return "shared";
    case PidNamespace::Separate: return "separate";
    case PidNamespace::Auto: break;
    }
    return "auto";
}

std::optional<PidNamespace> pidNamespaceFromString(std::string_view s)
{
    if (s == "auto")
        return PidNamespace::Auto;
    if (s == "shared")
        return PidNamespace::Shared;
    if (s == "separate")
        return PidNamespace::Separate;
    return std::nullopt;
}

std::optional<long> numericPid(std::string_view pid)
{
    if (pid.empty() || pid.size() > 10 || pid.front() == '0')
        return std::nullopt;
    long v = 0;
    const auto [p, ec] = std::from_chars(pid.data(), pid.data() + pid.size(), v);
    if (ec != std::errc() || p != pid.data() + pid.size() || v <= 0 || v > 0x3fffffff)
        return std::nullopt;
    return v;
}

namespace {

std::string slurp(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

std::optional<double> bootTime()
{
    std::istringstream in(slurp("/proc/stat"));
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("btime ")) {
            double v = 0;
            const auto s = line.substr(6);
            const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec == std::errc())
                return v;
        }
    return std::nullopt;
}

namespace {

// kill(pid, 0): Alive (also when the pid is another user's), Dead, or
// Unknown with `note` saying why.
Liveness signalled(long pid, std::string &note)
{
    if (::kill(static_cast<pid_t>(pid), 0) == 0)
        return Liveness::Alive;
    if (errno == EPERM) {
        note = "running as another user";
        return Liveness::Alive;
    }
    if (errno == ESRCH)
        return Liveness::Dead;
    note = std::string("kill(pid, 0) failed: ") + std::strerror(errno);
    return Liveness::Unknown;
}

// The fields of /proc/<pid>/stat from the state on ("pid (comm) state ppid
// ...": comm may hold spaces and ')'); empty when it cannot be read.
std::string statFields(long pid)
{
    const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    return close == std::string::npos || close + 2 > stat.size() ? std::string() : stat.substr(close + 2);
}

// A zombie (exited, not yet reaped) will never write again.
bool exited(std::string_view state)
{
    return state == "Z" || state == "X";
}

} // namespace

Liveness localLiveness(std::string_view pidText)
{
    const auto pid = numericPid(pidText);
    if (!pid)
        return Liveness::Unknown;
    std::string note;
    const Liveness state = signalled(*pid, note);
    if (state != Liveness::Alive)
        return state;
    const std::string fields = statFields(*pid);
    return exited(std::string_view(fields).substr(0, fields.find(' '))) ? Liveness::Dead : Liveness::Alive;
}

ProcessInfo probeLocalProcess(std::string_view pidText)
{
    ProcessInfo info;
    info.pid = std::string(pidText);
    const auto pid = numericPid(pidText);
    if (!pid) {
        info.note = "not a numeric process id";
        return info;
    }
    info.state = signalled(*pid, info.note);
    if (info.state != Liveness::Alive)
        return info;

    const std::string base = "/proc/" + std::to_string(*pid);
    if (const std::string stat = statFields(*pid); !stat.empty()) {
        std::istringstream fields(stat);
        std::string state;
        fields >> state;
        if (exited(state)) {
            info.state = Liveness::Dead;
            info.note = "zombie (exited, not yet reaped)";
        }
        // Field 22 is starttime; we read from field 3 on.
        std::string v;
        for (int i = 4; i <= 22 && fields >> v; ++i) {
        }
        unsigned long long ticks = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), ticks);
        const long hz = ::sysconf(_SC_CLK_TCK);
        const auto boot = bootTime();
        if (ec == std::errc() && hz > 0 && boot)
            info.startTime = *boot + static_cast<double>(ticks) / static_cast<double>(hz);
    }
    std::string cmd = slurp(base + "/cmdline");
    while (!cmd.empty() && cmd.back() == '\0')
        cmd.pop_back();
    for (char &c : cmd)
        if (c == '\0')
            c = ' ';
    info.cmdline = std::move(cmd);
    return info;
}

} // namespace promdir
