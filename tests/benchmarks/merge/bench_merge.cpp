// Times promdir's merge+render of a directory against the Python client's
// scrape of the same directory, in one run, and checks the outputs agree.
//
//   bench_merge DIR --python PY --pythonpath P --reference SCRIPT [--live K]
//
// K processes of the directory (the highest pids) are made live: K child
// processes are started and those pids' files renamed to theirs, so that
// liveness, and "one live process changed", are real. Prints one line per
// figure ("name value unit"), for scripts/bench-vs-python to tabulate.
#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string g_python = "/usr/bin/python3";
std::string g_pythonPath;
std::string g_reference;

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

std::string run(const std::string &cmd)
{
    std::string out;
    FILE *p = ::popen(cmd.c_str(), "r");
    if (!p)
        return out;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    ::pclose(p);
    return out;
}

std::string pythonEnv()
{
    return g_pythonPath.empty() ? std::string() : "PYTHONPATH='" + g_pythonPath + "' ";
}

// The Python client's own scrape: generate_latest over a registry holding a
// MultiProcessCollector, best of `repeat`, in milliseconds.
double pythonScrapeMs(const std::string &dir, int repeat)
{
    const std::string code =
        "import sys,time\n"
        "from prometheus_client import CollectorRegistry, generate_latest\n"
        "from prometheus_client.multiprocess import MultiProcessCollector\n"
        "r = CollectorRegistry(); MultiProcessCollector(r, path=sys.argv[1])\n"
        "best = 1e9\n"
        "for _ in range(int(sys.argv[2])):\n"
        "    t = time.perf_counter(); generate_latest(r); best = min(best, time.perf_counter() - t)\n"
        "print(best * 1000)\n";
    const std::string script = dir + ".scrape.py";
    std::ofstream(script) << code;
    const std::string out = run(pythonEnv() + g_python + " " + script + " '" + dir + "' " + std::to_string(repeat));
    fs::remove(script);
    return out.empty() ? -1 : std::stod(out);
}

// The reference rendering (sorted file order, current main's rules).
std::string pythonReference(const std::string &dir)
{
    return run(pythonEnv() + g_python + " " + g_reference + " '" + dir + "'");
}

std::uint64_t usedBytes(const promdir::FileList &files)
{
    std::uint64_t n = 0;
    for (const auto &f : files)
        n += f->used > 0 ? static_cast<std::uint64_t>(f->used) : 0;
    return n;
}

// Peak resident memory of a fresh process doing one cold render, in KiB.
long coldRenderPeakKiB(const std::string &dir)
{
    const pid_t child = ::fork();
    if (child == 0) {
        promdir::MergeEngine engine(dir);
        const std::string out = promdir::render(engine.refresh()->families);
        ::_exit(out.empty() ? 1 : 0);
    }
    int status = 0;
    struct rusage ru{};
    ::wait4(child, &status, 0, &ru);
    return ru.ru_maxrss;
}

// Overwrites the first value of the file with `v` (as an mmap writer would:
// in place, times unchanged).
void poke(const std::string &path, double v)
{
    const auto f = promdir::readFile(path);
    if (f.entries.empty())
        return;
    const auto &e = f.entries[0];
    const std::size_t at = e.offset + 4 + e.rawKey().size() + (8 - (e.rawKey().size() + 4) % 8);
    const int fd = ::open(path.c_str(), O_WRONLY);
    if (::pwrite(fd, &v, 8, static_cast<off_t>(at)) != 8)
        std::perror("pwrite");
    ::close(fd);
}

} // namespace

int main(int argc, char **argv)
{
    std::string dir;
    int live = 4;
    int repeat = 20;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--python")
            g_python = next();
        else if (a == "--pythonpath")
            g_pythonPath = next();
        else if (a == "--reference")
            g_reference = next();
        else if (a == "--live")
            live = std::stoi(next());
        else if (a == "--repeat")
            repeat = std::stoi(next());
        else
            dir = a;
    }
    if (dir.empty() || g_reference.empty()) {
        std::fprintf(stderr, "usage: bench_merge DIR --reference render_reference.py [--python PY] "
                             "[--pythonpath P] [--live K] [--repeat N]\n");
        return 2;
    }

    // Make the K highest pids live processes.
    std::map<long, std::vector<fs::path>> byPid;
    for (const auto &e : fs::directory_iterator(dir)) {
        const auto fn = promdir::parseFileName(e.path().filename().string());
        if (fn.valid && std::all_of(fn.pid.begin(), fn.pid.end(), ::isdigit))
            byPid[std::stol(fn.pid)].push_back(e.path());
    }
    int pipefd[2];
    if (::pipe(pipefd) != 0)
        return 1;
    std::vector<pid_t> children;
    std::vector<std::string> liveFiles;
    for (auto it = byPid.rbegin(); it != byPid.rend() && static_cast<int>(children.size()) < live; ++it) {
        const pid_t child = ::fork();
        if (child == 0) {
            ::close(pipefd[1]);
            char c;
            while (::read(pipefd[0], &c, 1) > 0) {
            }
            ::_exit(0);
        }
        children.push_back(child);
        for (const auto &p : it->second) {
            std::string name = p.filename().string();
            const std::size_t oldSuffix = std::to_string(it->first).size() + 4; // "_<pid>.db"
            name.resize(name.size() - oldSuffix);
            name.append("_").append(std::to_string(child)).append(".db");
            fs::rename(p, p.parent_path() / name);
            liveFiles.push_back((p.parent_path() / name).string());
        }
    }
    ::close(pipefd[0]);
    std::sort(liveFiles.begin(), liveFiles.end());

    const auto reference = pythonReference(dir);

    // The Python scrapes (best of 3) take turns with promdir's cold renders
    // (5 after each, a new engine each time; the page cache is warm, as for
    // Python), so that both are timed over the same minute: this virtual
    // machine's speed drifts by 10-15 % from one minute to the next.
    double python = -1;
    std::vector<double> cold;
    std::string coldOut;
    promdir::FileList files;
    for (int round = 0; round < 3; ++round) {
        const double scrape = pythonScrapeMs(dir, 1);
        if (scrape >= 0 && (python < 0 || scrape < python))
            python = scrape;
        for (int i = 0; i < 5; ++i) {
            const auto t0 = Clock::now();
            promdir::MergeEngine engine(dir);
            const auto r = engine.refresh();
            coldOut = promdir::render(r->families);
            cold.push_back(msSince(t0));
            files = r->load.files;
        }
    }

    promdir::MergeEngine engine(dir);
    engine.refresh();
    std::vector<double> unchanged;
    std::string unchangedOut;
    promdir::detail::RefreshDetail stats;
    for (int i = 0; i < repeat; ++i) {
        const auto t0 = Clock::now();
        const auto r = engine.refresh();
        unchangedOut = promdir::render(r->families);
        unchanged.push_back(msSince(t0));
        stats = promdir::detail::refreshDetail(*r);
    }

    std::vector<double> changed;
    std::string changedOut;
    for (int i = 0; i < repeat; ++i) {
        poke(liveFiles[static_cast<std::size_t>(i) % liveFiles.size()], 1000.0 + i);
        const auto t0 = Clock::now();
        const auto r = engine.refresh();
        changedOut = promdir::render(r->families);
        changed.push_back(msSince(t0));
    }
    const auto referenceAfter = pythonReference(dir);
    const long peak = coldRenderPeakKiB(dir);

    ::close(pipefd[1]);
    for (pid_t c : children)
        ::waitpid(c, nullptr, 0);

    const std::uint64_t used = usedBytes(files);
    std::printf("files %zu count\n", files.size());
    std::printf("pids %zu count\n", byPid.size());
    std::printf("live_pids %zu count\n", children.size());
    std::printf("used_bytes %llu bytes\n", static_cast<unsigned long long>(used));
    std::printf("output_bytes %zu bytes\n", coldOut.size());
    std::printf("python_scrape %.3f ms\n", python);
    std::printf("promdir_cold %.3f ms\n", median(cold));
    std::printf("promdir_unchanged %.3f ms\n", median(unchanged));
    std::printf("promdir_one_changed %.3f ms\n", median(changed));
    std::printf("files_frozen %zu count\n", stats.filesFrozen);
    std::printf("peak_rss %ld KiB\n", peak);
    std::printf("peak_rss_limit %llu KiB\n", static_cast<unsigned long long>((2 * used + (64ull << 20)) / 1024));
    const bool same = coldOut == reference && unchangedOut == reference && changedOut == referenceAfter;
    std::printf("outputs_equal %s\n", same ? "yes" : "NO");
    if (!same) {
        std::ofstream(dir + ".promdir.prom") << changedOut;
        std::ofstream(dir + ".python.prom") << referenceAfter;
        std::fprintf(stderr, "bench_merge: outputs differ; see %s.promdir.prom and %s.python.prom\n", dir.c_str(),
                     dir.c_str());
    }
    return same ? 0 : 1;
}
