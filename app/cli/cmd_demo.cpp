// promdir demo: a pre-forking "web application" writing metrics with the
// writer, as a gunicorn app with prometheus_client would, to try the
// inspector without a Python stack; and a fast generator of big
// directories for benchmarks.
#include "commands.h"
#include "options.h"

#include "promdir/writer/writer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace promdir::cli {

namespace {

struct Config
{
    std::filesystem::path dir;
    int processes = 4;
    int endpoints = 20;
    double seconds = 30;
    double recycleEvery = 10;
    double rate = 50;
    int requests = 200;
    unsigned seed = 1;
};

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int)
{
    g_stop = 1;
}

// The application's metrics, created in each worker.
struct AppMetrics
{
    Counter requests;
    Histogram latency;
    Summary responseSize;
    Gauge inProgress;
    Gauge memory;
    Gauge maxLatency;
    Gauge lastRequest;
};

Result<AppMetrics> createMetrics(const Writer &w)
{
    auto requests = w.counter({.name = "http_requests_total", .help = "HTTP requests handled.",
                               .labelNames = {"method", "endpoint", "status"}, .ns = "demo"});
    auto latency = w.histogram({.name = "http_request_duration", .help = "Time spent handling a request.",
                                .labelNames = {"method", "endpoint"}, .ns = "demo", .unit = "seconds"});
    auto size = w.summary({.name = "http_response_size", .help = "Size of responses.",
                           .labelNames = {"endpoint"}, .ns = "demo", .unit = "bytes"});
    auto inProgress = w.gauge({.name = "http_requests_in_progress", .help = "Requests being handled.",
                               .labelNames = {"endpoint"}, .ns = "demo"},
                              GaugeMode::LiveSum);
    auto memory = w.gauge({.name = "worker_resident_memory", .help = "Resident memory of each worker.",
                           .ns = "demo", .unit = "bytes"},
                          GaugeMode::All);
    auto maxLatency = w.gauge({.name = "slowest_request", .help = "Slowest request any worker has seen.",
                               .ns = "demo", .unit = "seconds"},
                              GaugeMode::Max);
    auto last = w.gauge({.name = "last_request_timestamp", .help = "When the last request was handled.",
                         .ns = "demo", .unit = "seconds"},
                        GaugeMode::MostRecent);
    for (const Error *e : {requests ? nullptr : &requests.error(), latency ? nullptr : &latency.error(),
                                 size ? nullptr : &size.error(), inProgress ? nullptr : &inProgress.error(),
                                 memory ? nullptr : &memory.error(), maxLatency ? nullptr : &maxLatency.error(),
                                 last ? nullptr : &last.error()})
        if (e)
            return *e;
    return AppMetrics{*requests, *latency, *size, *inProgress, *memory, *maxLatency, *last};
}

double residentBytes()
{
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    if (statm >> pages >> resident)
        return double(resident) * double(::sysconf(_SC_PAGESIZE));
    return 0;
}

// One simulated request: what it hit, how long it took, what it sent.
struct Request
{
    int endpoint;
    const char *method;
    const char *status;
    double seconds;
    double bytes;
};

class Traffic
{
public:
    Traffic(int endpoints, unsigned seed) : m_rng(seed), m_endpoints(endpoints)
    {
        // Zipf-like popularity: a few endpoints get most requests.
        for (int i = 0; i < endpoints; ++i)
            m_weights.push_back(1.0 / (i + 1));
        m_pick = std::discrete_distribution<int>(m_weights.begin(), m_weights.end());
    }

    Request next()
    {
        Request r;
        r.endpoint = m_pick(m_rng);
        r.method = m_unit(m_rng) < 0.8 ? "GET" : "POST";
        const double u = m_unit(m_rng);
        r.status = u < 0.01 ? "500" : u < 0.04 ? "404" : "200";
        // Slower endpoints further down the list; log-normal around that.
        std::lognormal_distribution<double> lat(std::log(0.004 * (1 + r.endpoint % 7)), 0.8);
        r.seconds = std::min(lat(m_rng), 12.0);
        std::lognormal_distribution<double> size(std::log(800.0 * (1 + r.endpoint % 5)), 1.0);
        r.bytes = std::round(size(m_rng));
        return r;
    }

    double unit() { return m_unit(m_rng); }
    std::string endpointName(int i) const { return "/api/v1/resource" + std::to_string(i); }

private:
    std::mt19937_64 m_rng;
    int m_endpoints;
    std::vector<double> m_weights;
    std::discrete_distribution<int> m_pick;
    std::uniform_real_distribution<double> m_unit{0.0, 1.0};
};

// Records one request; `live` waits for it in real time.
void handle(const AppMetrics &m, const Traffic &t, const Request &r, double &slowest, bool live)
{
    const std::string endpoint = t.endpointName(r.endpoint);
    auto inProgress = *m.inProgress.labels(endpoint);
    {
        auto tracked = inProgress.trackInProgress();
        if (live)
            std::this_thread::sleep_for(std::chrono::duration<double>(std::min(r.seconds, 0.5)));
    }
    m.requests.labels(r.method, endpoint, r.status)->inc();
    m.latency.labels(r.method, endpoint)->observe(r.seconds);
    m.responseSize.labels(endpoint)->observe(r.bytes);
    if (r.seconds > slowest) {
        slowest = r.seconds;
        m.maxLatency.set(slowest);
    }
    m.lastRequest.setToCurrentTime();
}

[[noreturn]] void workerMain(const Config &c, unsigned seed)
{
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, SIG_IGN); // the master decides
    auto w = Writer::open({.directory = c.dir});
    if (!w) {
        std::fprintf(stderr, "promdir demo: worker %d: %s\n", int(::getpid()), w.error().message.c_str());
        ::_exit(1);
    }
    auto m = createMetrics(*w);
    if (!m) {
        std::fprintf(stderr, "promdir demo: worker %d: %s\n", int(::getpid()), m.error().message.c_str());
        ::_exit(1);
    }
    Traffic traffic(c.endpoints, seed);
    double slowest = 0;
    m->memory.set(residentBytes());
    auto lastMemory = std::chrono::steady_clock::now();
    std::exponential_distribution<double> gap(c.rate > 0 ? c.rate : 1.0);
    std::mt19937 rng(seed);
    while (!g_stop) {
        handle(*m, traffic, traffic.next(), slowest, true);
        if (std::chrono::steady_clock::now() - lastMemory > std::chrono::seconds(1)) {
            m->memory.set(residentBytes());
            lastMemory = std::chrono::steady_clock::now();
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(std::min(gap(rng), 1.0)));
    }
    ::_exit(0);
}

std::size_t countDbFiles(const std::filesystem::path &dir)
{
    std::size_t files = 0;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec))
        files += e.path().extension() == ".db" ? 1 : 0;
    return files;
}

int runLive(const Config &c)
{
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::deque<pid_t> workers; // oldest first
    unsigned nextSeed = c.seed;
    int started = 0, recycled = 0, failures = 0;
    auto spawn = [&]() -> bool {
        const unsigned seed = nextSeed++;
        const pid_t pid = ::fork();
        if (pid < 0) {
            std::perror("promdir demo: fork");
            return false;
        }
        if (pid == 0)
            workerMain(c, seed);
        workers.push_back(pid);
        ++started;
        return true;
    };
    auto buried = [&](pid_t pid, int status) {
        // gunicorn's child_exit: multiprocess.mark_process_dead(worker.pid)
        if (auto r = markProcessDead(std::int64_t(pid), c.dir); !r)
            std::fprintf(stderr, "promdir demo: %s\n", r.error().message.c_str());
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            ++failures;
        workers.erase(std::remove(workers.begin(), workers.end(), pid), workers.end());
    };
    auto stopWorker = [&](pid_t pid) {
        ::kill(pid, SIGTERM);
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        buried(pid, status);
    };

    for (int i = 0; i < c.processes; ++i)
        if (!spawn())
            return 1;
    std::printf("promdir demo: %d workers writing to %s for %gs (Ctrl-C stops)\n", c.processes, c.dir.c_str(),
                c.seconds);
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    auto lastRecycle = start;
    while (!g_stop) {
        const auto now = std::chrono::steady_clock::now();
        if (std::chrono::duration<double>(now - start).count() >= c.seconds)
            break;
        int status = 0;
        for (pid_t pid; (pid = ::waitpid(-1, &status, WNOHANG)) > 0;) {
            buried(pid, status); // died on its own: replace it
            if (failures > 3 * c.processes)
                g_stop = 1;
            else
                spawn();
        }
        if (c.recycleEvery > 0 && std::chrono::duration<double>(now - lastRecycle).count() >= c.recycleEvery &&
            !workers.empty()) {
            lastRecycle = now;
            stopWorker(workers.front()); // like max_requests: the oldest goes
            ++recycled;
            spawn();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    while (!workers.empty())
        stopWorker(workers.front());
    std::printf("promdir demo: %d worker processes ran (%d recycled); %zu .db files left in %s\n", started, recycled,
                countDbFiles(c.dir), c.dir.c_str());
    return failures ? 1 : 0;
}

long pidMax()
{
    std::ifstream f("/proc/sys/kernel/pid_max");
    long v = 0;
    if (f >> v && v > 0)
        return v;
    return 4194304;
}

int runFast(const Config &c)
{
    // Pids above pid_max: no running process can have them.
    const long base = pidMax() + 1;
    Traffic traffic(c.endpoints, c.seed);
    for (int p = 0; p < c.processes; ++p) {
        const std::string pid = std::to_string(base + p);
        auto w = Writer::open({.directory = c.dir, .processIdentifier = [pid] { return pid; }});
        if (!w) {
            printError("demo", w.error().message);
            return 1;
        }
        auto m = createMetrics(*w);
        if (!m) {
            printError("demo", m.error().message);
            return 1;
        }
        double slowest = 0;
        m->memory.set(40e6 + 1e6 * std::floor(traffic.unit() * 60));
        // Every worker has seen every endpoint's in-progress gauge at least once.
        for (int e = 0; e < c.endpoints; ++e)
            (void)m->inProgress.labels(traffic.endpointName(e));
        for (int i = 0; i < c.requests; ++i)
            handle(*m, traffic, traffic.next(), slowest, false);
        w->close();
    }
    std::printf("promdir demo: wrote %d processes' files (pids %ld-%ld) to %s\n", c.processes, base,
                base + c.processes - 1, c.dir.c_str());
    return 0;
}

// Numbers as the options always took them: any decimal notation, at least `min`.
CLI::Option *addNumber(CLI::App &cmd, const std::string &name, double min, double &out, const std::string &description)
{
    return cmd
        .add_option_function<std::string>(
            name,
            [name, min, &out](const std::string &v) {
                char *end = nullptr;
                const double d = std::strtod(v.c_str(), &end);
                if (v.empty() || *end || !(d >= min) || !std::isfinite(d))
                    throw notA(name, v, "a number >= " + std::to_string(int(min)));
                out = d;
            },
            description)
        ->type_name(min >= 1 ? "N" : "S");
}

struct DemoSettings
{
    std::string dir;
    double processes = 4, endpoints = 20, requests = 200, seed = 1;
    Config config;
};

int run(DemoSettings &s)
{
    Config c = s.config;
    c.dir = s.dir;
    c.processes = int(s.processes);
    c.endpoints = int(s.endpoints);
    c.requests = int(s.requests);
    c.seed = unsigned(s.seed);
    std::error_code ec;
    std::filesystem::create_directories(c.dir, ec);
    if (!std::filesystem::is_directory(c.dir, ec)) {
        printError("demo", s.dir + ": not a directory and cannot be created");
        return 2;
    }
    return c.seconds == 0 ? runFast(c) : runLive(c);
}

} // namespace

Command addDemo(CLI::App &program)
{
    auto s = std::make_shared<DemoSettings>();
    CLI::App *cmd = program.add_subcommand(
        "demo", "run worker processes writing metrics (or generate a big directory)\n\n"
                "Runs a pre-forking web application that writes Prometheus multiprocess metrics\n"
                "into DIR (created if missing) like a gunicorn app with prometheus_client:\n"
                "request counters, latency histograms, response-size summaries, in-progress\n"
                "(livesum) gauges, a memory gauge (all), a max gauge and a mostrecent gauge.\n"
                "Workers are real processes; every --recycle-every seconds the oldest one exits\n"
                "and is marked dead (mark_process_dead, as gunicorn's child_exit hook does) and a\n"
                "new one with a new pid takes its place. The directory is left behind.");
    cmd->add_option("DIR", s->dir, "the metrics directory to write")->type_name("")->required();
    addNumber(*cmd, "--processes", 1, s->processes, "workers at a time (default 4)");
    addNumber(*cmd, "--endpoints", 1, s->endpoints, "distinct endpoints (default 20)");
    addNumber(*cmd, "--seconds", 0, s->config.seconds, "run time (default 30; 0: fast generation, see below)");
    addNumber(*cmd, "--recycle-every", 0, s->config.recycleEvery, "recycle a worker every S seconds (default 10; 0: never)");
    addNumber(*cmd, "--rate", 0, s->config.rate, "requests per second per worker (default 50)")->type_name("R");
    addNumber(*cmd, "--requests", 0, s->requests, "fast generation: requests per process (default 200)")->type_name("N");
    addNumber(*cmd, "--seed", 0, s->seed, "random seed (default 1)")->type_name("N");
    cmd->footer("With --seconds 0 nothing waits: N processes' files (7 per process) are written\n"
                "directly, one simulated process after the other, under made-up pids above the\n"
                "system's pid range (so they all read as dead processes), e.g.\n"
                "  promdir demo /tmp/big --processes 1000 --seconds 0\n\n"
                "Exit status: 0 done, 1 a worker or a file failed, 2 bad usage.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
