// ns per update of promdir's writer, single-threaded and with 2 threads,
// next to the Python client's Counter.inc() / Histogram.observe() in
// multiprocess mode, measured in the same run; and the ratio.
//
//   bench_writer [--iterations N] [--python PY] [--pythonpath P]
//
// --pythonpath names a client to measure (e.g. the 0.21.1 the interop
// tests fetch); without it, or when it does not exist, /usr/bin/python3's
// own (Debian 12: 0.16). Prints whether Counter.inc() is at least 100 times
// faster than the Python client's single-threaded (the issue's target) and
// what a bare atomic add costs on the machine. Exit status 1 when the totals
// are wrong or Python could not be measured.
#include "promdir/writer/writer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace promdir;
using Clock = std::chrono::steady_clock;

namespace {

// Best of three runs, like the Python side's timeit.repeat(repeat=3).
constexpr int kRepeat = 3;

template<typename F>
double nsPerOp(long n, F &&f)
{
    double best = 1e300;
    for (int r = 0; r < kRepeat; ++r) {
        const auto t0 = Clock::now();
        for (long i = 0; i < n; ++i)
            f(i);
        best = std::min(best, std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / double(n));
    }
    return best;
}

// Both threads run `f` n times at once; wall time per operation of one thread.
template<typename F>
double nsPerOpTwoThreads(long n, F &&f)
{
    double best = 1e300;
    for (int r = 0; r < kRepeat; ++r) {
        const auto t0 = Clock::now();
        std::thread a([&] { f(0, n); });
        std::thread b([&] { f(1, n); });
        a.join();
        b.join();
        best = std::min(best, std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / double(n));
    }
    return best;
}

// What the hardware charges for the atomic add alone (no writer around it).
double rawAtomicAdd(long n)
{
    alignas(8) static double d = 0;
    return nsPerOp(n, [](long) { std::atomic_ref<double>(d).fetch_add(1.0, std::memory_order_relaxed); });
}

const char kPythonBench[] = R"PY(
import os, sys, tempfile, timeit
d = tempfile.mkdtemp(prefix="promdir-bench-py-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = d
import prometheus_client
from prometheus_client import Counter, Histogram
n = int(sys.argv[1])
c = Counter("c", "h", registry=None)
h = Histogram("h", "h", registry=None)
l = Counter("l", "h", ["method", "endpoint"], registry=None)
lc = l.labels("get", "/")
for name, f in (("counter_inc", c.inc), ("labelled_child_inc", lc.inc),
                ("histogram_observe", lambda: h.observe(0.3)),
                ("labels_then_inc", lambda: l.labels("get", "/").inc())):
    best = min(timeit.repeat(f, number=n, repeat=3))
    print("%s %.1f" % (name, best / n * 1e9))
import shutil; shutil.rmtree(d)
)PY";

std::string runPython(const std::string &python, const std::string &pythonPath, long n)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], 1);
        ::close(fds[0]);
        if (pythonPath.empty())
            ::unsetenv("PYTHONPATH");
        else
            ::setenv("PYTHONPATH", pythonPath.c_str(), 1);
        const std::string count = std::to_string(n);
        ::execl(python.c_str(), python.c_str(), "-c", kPythonBench, count.c_str(), static_cast<char *>(nullptr));
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string out;
    char buf[4096];
    for (ssize_t r; (r = ::read(fds[0], buf, sizeof buf)) > 0;)
        out.append(buf, std::size_t(r));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return out;
}

double pythonFigure(const std::string &out, const std::string &name)
{
    const auto at = out.find(name + " ");
    return at == std::string::npos ? 0.0 : std::atof(out.c_str() + at + name.size() + 1);
}

} // namespace

int main(int argc, char **argv)
{
    long n = 5'000'000;
    std::string python = "/usr/bin/python3";
    std::string pythonPath;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--iterations")
            n = std::atol(argv[i + 1]);
        else if (a == "--python")
            python = argv[i + 1];
        else if (a == "--pythonpath")
            pythonPath = argv[i + 1];
    }
    if (!pythonPath.empty() && !std::filesystem::exists(pythonPath + "/prometheus_client/__init__.py")) {
        std::printf("(no client in %s; measuring %s's own)\n", pythonPath.c_str(), python.c_str());
        pythonPath.clear();
    }

    const auto dir = std::filesystem::temp_directory_path() / ("promdir-bench-writer-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto w = Writer::open({.directory = dir});
    if (!w) {
        std::fprintf(stderr, "%s\n", w.error().message.c_str());
        return 2;
    }
    auto c = *w->counter({.name = "c", .help = "h"});
    auto l = *w->counter({.name = "l", .help = "h", .labelNames = {"method", "endpoint"}});
    auto lc = *l.labels("get", "/");
    auto h = *w->histogram({.name = "h", .help = "h"});
    auto s = *w->summary({.name = "s", .help = "h"});
    auto g = *w->gauge({.name = "g", .help = "h"}, GaugeMode::LiveSum);
    auto per = *w->counter({.name = "per_thread", .help = "h", .labelNames = {"t"}});
    Counter mine[2] = {*per.labels("0"), *per.labels("1")};

    struct Row { const char *what; double cpp1; double cpp2; const char *py; };
    std::vector<Row> rows;
    const double incOne = nsPerOp(n, [&](long) { c.inc(); });
    const double incTwo = nsPerOpTwoThreads(n / 2, [&](int, long k) { for (long i = 0; i < k; ++i) c.inc(); });
    rows.push_back({"Counter.inc() (same series)", incOne, incTwo, "counter_inc"});
    const double ownTwo = nsPerOpTwoThreads(n / 2, [&](int t, long k) { for (long i = 0; i < k; ++i) mine[t].inc(); });
    rows.push_back({"labelled child .inc() (own series)", nsPerOp(n, [&](long) { lc.inc(); }), ownTwo, "labelled_child_inc"});
    rows.push_back({"Histogram.observe(0.3)", nsPerOp(n, [&](long) { h.observe(0.3); }),
                    nsPerOpTwoThreads(n / 2, [&](int, long k) { for (long i = 0; i < k; ++i) h.observe(0.3); }),
                    "histogram_observe"});
    rows.push_back({"Summary.observe(0.3)", nsPerOp(n, [&](long) { s.observe(0.3); }),
                    nsPerOpTwoThreads(n / 2, [&](int, long k) { for (long i = 0; i < k; ++i) s.observe(0.3); }), nullptr});
    rows.push_back({"Gauge.set(i)", nsPerOp(n, [&](long i) { g.set(double(i)); }),
                    nsPerOpTwoThreads(n / 2, [&](int, long k) { for (long i = 0; i < k; ++i) g.set(double(i)); }), nullptr});
    const long slow = n / 50;
    rows.push_back({"labels(\"get\", \"/\").inc()", nsPerOp(slow, [&](long) { l.labels("get", "/")->inc(); }),
                    nsPerOpTwoThreads(slow / 2, [&](int, long k) { for (long i = 0; i < k; ++i) l.labels("get", "/")->inc(); }),
                    "labels_then_inc"});

    const std::string py = runPython(python, pythonPath, 200'000);
    std::printf("promdir writer vs prometheus_client (%s%s), multiprocess mode, %ld iterations\n",
                python.c_str(), pythonPath.empty() ? "" : (" with PYTHONPATH=" + pythonPath).c_str(), n);
    std::printf("%-38s %12s %14s %12s %9s\n", "operation", "ns/op 1 thr", "ns/op 2 thr", "python ns", "ratio");
    for (const Row &r : rows) {
        const double p = r.py ? pythonFigure(py, r.py) : 0.0;
        if (p > 0)
            std::printf("%-38s %12.1f %14.1f %12.1f %8.0fx\n", r.what, r.cpp1, r.cpp2, p, p / r.cpp1);
        else
            std::printf("%-38s %12.1f %14.1f %12s %9s\n", r.what, r.cpp1, r.cpp2, "-", "-");
    }
    const double pyInc = pythonFigure(py, "counter_inc");
    const double bare = rawAtomicAdd(n);
    bool pythonOk = pyInc > 0;
    if (!pythonOk) {
        std::printf("python measurement failed:\n%s\n", py.c_str());
    } else {
        std::printf("Counter.inc(): %.0fx the Python client's speed single-threaded (target: 100x) - %s\n",
                    pyInc / incOne, pyInc / incOne >= 100 ? "met" : "NOT met");
        // An update cannot be cheaper than one atomic add of a double: on a
        // machine where that alone is slow, this is the best ratio possible.
        std::printf("(a bare atomic add of a double costs %.1f ns on this machine now: at most %.0fx;"
                    " the writer adds %.1f ns to it)\n",
                    bare, pyInc / bare, incOne - bare);
    }
    const double expected = double(kRepeat) * double(n + (n / 2) * 2);
    std::printf("Totals check: c = %.0f (expected %.0f)\n", c.value(), expected);
    const bool exact = c.value() == expected;
    w->close();
    std::filesystem::remove_all(dir);
    // Figures depend on the machine and its load; the status only says the
    // run was sound (exact totals, Python measured).
    return pythonOk && exact ? 0 : 1;
}
