#pragma once
// Helpers for the core and command-line tests: hand-made tar blocks,
// external tools and the promdir program, files on disk, peak memory.

#include <QProcess>
#include <QString>
#include <QStringList>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace promdir::test {

// One ustar header block, checksum included.
inline std::string tarHeader(const std::string &name, char type, std::uint64_t size, const std::string &link = {},
                             std::int64_t mtime = 1700000000)
{
    std::string b(512, '\0');
    std::memcpy(b.data(), name.data(), std::min<std::size_t>(name.size(), 100));
    auto octal = [&](std::size_t off, std::size_t len, std::uint64_t v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(len - 1), static_cast<unsigned long long>(v));
        std::memcpy(b.data() + off, buf, len - 1);
    };
    octal(100, 8, 0644);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, size);
    octal(136, 12, static_cast<std::uint64_t>(mtime));
    b[156] = type;
    std::memcpy(b.data() + 157, link.data(), std::min<std::size_t>(link.size(), 100));
    std::memcpy(b.data() + 257, "ustar\0" "00", 8);
    std::memset(b.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : b)
        sum += c;
    char chk[8];
    std::snprintf(chk, sizeof chk, "%06o", sum);
    std::memcpy(b.data() + 148, chk, 7);
    return b;
}

inline std::string tarMember(const std::string &name, const std::string &data, char type = '0', const std::string &link = {})
{
    std::string s = tarHeader(name, type, data.size(), link) + data;
    s.append((512 - data.size() % 512) % 512, '\0');
    return s;
}

// One pax record, "len key=value\n", its length counting itself.
inline std::string paxRecord(const std::string &key, const std::string &value)
{
    const std::string body = " " + key + "=" + value + "\n";
    std::size_t len = body.size() + 1;
    while (std::to_string(len).size() + body.size() != len)
        len = std::to_string(len).size() + body.size();
    return std::to_string(len) + body;
}

// A pax extended header ('x') carrying `records`, for the member after it.
inline std::string paxHeader(const std::string &records)
{
    return tarMember("PaxHeader", records, 'x');
}

inline std::string tarEnd()
{
    return std::string(1024, '\0');
}

inline std::string slurp(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void spit(const std::string &path, const std::string &data)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Runs a program; stdout to `outFile` when given. Returns the exit code (-1: did not run).
inline int run(const QString &program, const QStringList &args, const QString &outFile = {},
               const QString &workDir = {}, QByteArray *out = nullptr, QByteArray *err = nullptr)
{
    QProcess p;
    if (!outFile.isEmpty())
        p.setStandardOutputFile(outFile);
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(program, args);
    if (!p.waitForFinished(120000))
        return -1;
    if (out)
        *out = p.readAllStandardOutput();
    if (err)
        *err = p.readAllStandardError();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

#ifdef PROMDIR_CLI
// What `promdir ARGS` gave: its exit status (-1: did not run or crashed),
// standard output and standard error.
struct CliRun
{
    int code = -1;
    QByteArray out, err;
};

inline CliRun cli(const QStringList &args)
{
    CliRun r;
    r.code = run(QStringLiteral(PROMDIR_CLI), args, {}, {}, &r.out, &r.err);
    return r;
}
#endif

// Peak resident memory of this process in KiB (VmHWM).
inline long peakRssKiB()
{
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stol(line.substr(6));
    return 0;
}

// Runs `body` in a child process with at most `extraAddressSpace` more
// address space than this process has now and `cpuSeconds` of CPU time, so
// a runaway allocation or a quadratic loop ends the child, not the test
// run. Returns the child's exit code (body's return value), or 128 + the
// signal that ended it.
inline int runLimited(const std::function<int()> &body, std::uint64_t extraAddressSpace, unsigned cpuSeconds)
{
    std::uint64_t vmKiB = 0;
    {
        std::ifstream in("/proc/self/status");
        for (std::string line; std::getline(in, line);)
            if (line.rfind("VmSize:", 0) == 0)
                vmKiB = std::stoull(line.substr(7));
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        const rlimit as{vmKiB * 1024 + extraAddressSpace, vmKiB * 1024 + extraAddressSpace};
        const rlimit cpu{cpuSeconds, cpuSeconds};
        ::setrlimit(RLIMIT_AS, &as);
        ::setrlimit(RLIMIT_CPU, &cpu);
        ::alarm(cpuSeconds * 4 + 10); // a hang is a failure too
        int rc = 99;
        try {
            rc = body();
        } catch (...) {
            std::fprintf(stderr, "runLimited: exception in the child\n");
        }
        std::fflush(nullptr);
        ::_exit(rc);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

} // namespace promdir::test
