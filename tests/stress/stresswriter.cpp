// One writer process of tst_stress, with promdir's writer: the same metrics
// and operations as stress_writer.py (the Python client), so that both write
// the same series into one directory. What one operation does and the report
// format are described in tst_stress.cpp.
//
// Usage: promdir_stresswriter SEED MAX_OPS STOP_FILE VALUE...
//   The directory is $PROMETHEUS_MULTIPROC_DIR. Reads one line from stdin
//   first: "go" starts writing, anything else exits at once without touching
//   the directory (the test refuses a process whose pid an earlier writer
//   had). MAX_OPS 0: until STOP_FILE exists. VALUEs: what gauges are set to.
// Exit: 0 done (report on stdout), 3 the writer returned an error, 2 usage.
#include "promdir/writer/writer.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <time.h>

using namespace promdir;

namespace {

constexpr int kSeries = 4;
constexpr int kItems = 4000;
const std::vector<double> kBounds = {1, 2, 5, 10, 20}; // +Inf added by the writer

int fail(const std::string &what)
{
    std::cerr << "promdir_stresswriter: " << what << '\n';
    return 3;
}

template<typename T>
bool take(Result<T> r, T &out, std::string &error)
{
    if (!r) {
        error = r.error().message;
        return false;
    }
    out = std::move(*r);
    return true;
}

// The label value of growth item i: long and varied, so that the files grow
// past their first 64 KiB several times while being read.
std::string itemName(int i)
{
    char head[16];
    std::snprintf(head, sizeof head, "item-%04d-", i);
    return head + std::string(static_cast<std::size_t>(i % 40), 'x');
}

bool stopRequested(const char *stopFile)
{
    struct stat st{};
    return ::stat(stopFile, &st) == 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 5) {
        std::cerr << "usage: promdir_stresswriter SEED MAX_OPS STOP_FILE VALUE...\n";
        return 2;
    }
    const unsigned long seed = std::strtoul(argv[1], nullptr, 10);
    const long maxOps = std::strtol(argv[2], nullptr, 10);
    const char *stopFile = argv[3];
    std::vector<double> values;
    for (int i = 4; i < argc; ++i)
        values.push_back(std::strtod(argv[i], nullptr));

    std::string line;
    if (!std::getline(std::cin, line) || line != "go")
        return 0;

    auto opened = Writer::open();
    if (!opened)
        return fail(opened.error().message);
    const Writer &w = *opened;
    std::string error;
    Counter ops, items;
    Histogram size;
    if (!take(w.counter({.name = "stress_ops", .help = "Operations.", .labelNames = {"series"}}), ops, error)
        || !take(w.counter({.name = "stress_items", .help = "Operations by item.", .labelNames = {"item"}}), items, error)
        || !take(w.histogram({.name = "stress_size", .help = "Sizes.", .labelNames = {"series"}}, kBounds), size, error))
        return fail(error);

    // Gauges that are set to one of the values; the modes the Python client
    // 0.16 has, and the two mostrecent modes only promdir's writer has.
    struct SetGauge
    {
        const char *mode;
        GaugeMode m;
        Gauge g;
        double last = 0;
    };
    std::vector<SetGauge> setGauges = {
        {"all", GaugeMode::All, {}},           {"liveall", GaugeMode::LiveAll, {}},
        {"min", GaugeMode::Min, {}},           {"livemin", GaugeMode::LiveMin, {}},
        {"max", GaugeMode::Max, {}},           {"livemax", GaugeMode::LiveMax, {}},
        {"mostrecent", GaugeMode::MostRecent, {}}, {"livemostrecent", GaugeMode::LiveMostRecent, {}},
    };
    for (auto &s : setGauges)
        if (!take(w.gauge({.name = std::string("stress_g_") + s.mode, .help = "Set gauge."}, s.m), s.g, error))
            return fail(error);
    // Work in progress: 1 during an operation, 0 between them.
    Gauge busySum, busyLiveSum;
    if (!take(w.gauge({.name = "stress_g_sum", .help = "Busy."}, GaugeMode::Sum), busySum, error)
        || !take(w.gauge({.name = "stress_g_livesum", .help = "Busy."}, GaugeMode::LiveSum), busyLiveSum, error))
        return fail(error);

    std::array<Counter, kSeries> opsBySeries;
    std::array<Histogram, kSeries> sizeBySeries;
    for (int s = 0; s < kSeries; ++s) {
        const std::string name = "s" + std::to_string(s);
        if (!take(ops.labels(name), opsBySeries[s], error) || !take(size.labels(name), sizeBySeries[s], error))
            return fail(error);
    }

    // What this process did, counted here (not read back from its files).
    std::array<double, kSeries> counted{};
    std::array<std::array<long, 6>, kSeries> buckets{};
    std::array<double, kSeries> sums{};

    std::mt19937_64 rng(seed);
    long done = 0;
    bool ok = true;
    auto check = [&](WriteStatus st) { ok = ok && st == WriteStatus::Ok; };
    while (ok) {
        check(busySum.inc());
        check(busyLiveSum.inc());
        const int s = static_cast<int>(rng() % kSeries);
        const double amount = static_cast<double>(1 + rng() % 5);
        check(opsBySeries[s].inc(amount));
        counted[s] += amount;
        Counter item;
        if (!take(items.labels(itemName(static_cast<int>(done % kItems))), item, error))
            return fail(error);
        check(item.inc());
        const double x = static_cast<double>(rng() % 26);
        check(sizeBySeries[s].observe(x));
        std::size_t b = 0;
        while (b < kBounds.size() && x > kBounds[b])
            ++b;
        ++buckets[s][b];
        sums[s] += x;
        for (auto &g : setGauges) {
            g.last = values[rng() % values.size()];
            check(g.g.set(g.last));
        }
        check(busySum.dec());
        check(busyLiveSum.dec());
        ++done;
        if (maxOps > 0 ? done >= maxOps : (done % 64 == 0 && stopRequested(stopFile)))
            break;
        if (done % 64 == 0) {
            // Leave some of the two shared cores to the reader and the
            // Python writers; the writes themselves are never paced.
            const timespec pause{0, 1'000'000};
            ::nanosleep(&pause, nullptr);
        }
    }
    if (!ok)
        return fail("an update did not return Ok");

    std::printf("ops %ld\n", done);
    for (int s = 0; s < kSeries; ++s) {
        std::printf("counter s%d %.17g\n", s, counted[s]);
        std::printf("hist s%d", s);
        for (long n : buckets[s])
            std::printf(" %ld", n);
        std::printf(" %.17g\n", sums[s]);
    }
    for (const auto &g : setGauges) {
        std::printf("last %s %.17g\n", g.mode, g.last);
        if (g.m == GaugeMode::MostRecent || g.m == GaugeMode::LiveMostRecent)
            std::printf("stamp %s %.17g\n", g.mode, g.g.timestamp());
    }
    return 0;
}
