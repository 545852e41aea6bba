// Scrapes of an unchanged directory, with and without self-metrics, as
// Prometheus makes them (identity and gzip): each refreshes the merge and
// answers from the cache of the merged families' body. Prints per scrape
// the median and mean wall time over loopback, the bodies rendered, and
// what rendering the whole body would cost instead (what every
// self-metrics scrape paid before they were cached).
//
// Usage: bench_scrape_cached DIR [SCRAPES]   (DIR: e.g. promdir demo DIR --processes 1000 --seconds 0)
#include "../../exporter/httpclient.h"
#include "../../exporter/serverthread.h"

#include "promdir/render/exposition.h"

#include <QtCore/QCoreApplication>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace promdir;

namespace {

struct Figures
{
    double medianMs = 0, meanMs = 0;
    quint64 bodies = 0, selfMetrics = 0;
    qint64 bytes = 0;
};

Figures scrapes(const QString &dir, bool self, bool gzip, int count)
{
    ServerThread s([&](Exporter &e) {
        e.setPath(dir);
        e.setSelfMetrics(self);
    });
    const QList<QByteArray> headers = gzip ? QList<QByteArray>{"Accept-Encoding: gzip"} : QList<QByteArray>{};
    for (int i = 0; i < 3; ++i) // the first merge, the pre-merged base, the cache
        testhttp::get(s.port(), "/metrics", headers);
    ExporterRenderStats before;
    s.call([&] { before = s.exporter()->renderStats(); });
    std::vector<double> ms;
    Figures f;
    for (int i = 0; i < count; ++i) {
        const auto r = testhttp::get(s.port(), "/metrics", headers);
        ms.push_back(r.ms);
        f.bytes = r.body.size();
    }
    ExporterRenderStats after;
    s.call([&] { after = s.exporter()->renderStats(); });
    std::sort(ms.begin(), ms.end());
    f.medianMs = ms[ms.size() / 2];
    for (double m : ms)
        f.meanMs += m / static_cast<double>(ms.size());
    f.bodies = after.bodies - before.bodies;
    f.selfMetrics = after.selfMetrics - before.selfMetrics;
    return f;
}

// Rendering the whole self-metrics body once (and gzipping it), or only
// the self-metrics (liveness probed, files counted): the median of 20.
double renderMs(const QString &dir, bool gzip, bool selfPartOnly)
{
    MergeEngine engine(dir.toStdString());
    engine.refresh();
    const auto result = engine.refresh();
    std::vector<double> ms;
    for (int i = 0; i < 20; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        std::string body = selfPartOnly ? renderSelfMetrics(*result, {}) : renderScrape(*result, {}, SelfMetrics::On);
        if (gzip && !selfPartOnly)
            body = gzipCompress(body);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_scrape_cached DIR [SCRAPES]\n");
        return 2;
    }
    const QString dir = QString::fromLocal8Bit(argv[1]);
    const int count = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
    std::printf("%d scrapes of an unchanged %s, one connection at a time\n", count, argv[1]);
    std::printf("%-22s %10s %10s %10s %8s %8s\n", "", "median ms", "mean ms", "bytes", "bodies", "self");
    for (const bool gzip : {false, true}) {
        for (const bool self : {false, true}) {
            const Figures f = scrapes(dir, self, gzip, count);
            std::printf("%-22s %10.3f %10.3f %10lld %8llu %8llu\n",
                        (std::string(self ? "self-metrics on" : "self-metrics off") + (gzip ? ", gzip" : "")).c_str(),
                        f.medianMs, f.meanMs, static_cast<long long>(f.bytes),
                        static_cast<unsigned long long>(f.bodies), static_cast<unsigned long long>(f.selfMetrics));
        }
        std::printf("%-22s %10.3f   (renderScrape with self-metrics%s, in process)\n", "whole body rendered",
                    renderMs(dir, gzip, false), gzip ? " + gzipCompress" : "");
    }
    std::printf("%-22s %10.3f   (renderSelfMetrics, in process)\n", "self-metrics alone", renderMs(dir, false, true));
    return 0;
}
