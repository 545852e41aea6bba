#pragma once
// What compaction must keep: the merged output of a directory after
// compaction equals the merge of the original files with the folded ones
// taken together where the compacted file sorts (the only change of order
// compaction makes), values equal up to the rounding of a different order
// of additions (exact for integer-valued sums).

#include "dbbuilder.h"

#include "promdir/format/filename.h"
#include "promdir/format/key.h"
#include "promdir/merge/merge.h"
#include "promdir/read/directory.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include <fcntl.h>
#include <sys/stat.h>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace promdir::test {

// The name a folded file takes its place under (compact/plan.cpp's rule).
inline std::string compactedPlace(const ParsedFile &f)
{
    std::string prefix = std::string(toString(f.fileName.type));
    if (f.fileName.type == MetricType::Gauge)
        prefix = "gauge_" + std::string(toString(f.fileName.mode));
    std::string pid = "compacted";
    if (f.generation != 4)
        pid += "-g" + std::to_string(f.generation);
    return prefix + "_" + pid + ".db";
}

// The files of `before` in the order the compacted directory merges them:
// the files folded by each compaction in turn (`rounds`, by name within one)
// together where their compacted file sorts, the rest by name; files in
// `removed` left out.
inline FileList foldedOrder(const FileList &before, const std::vector<std::set<std::string>> &rounds,
                            const std::set<std::string> &removed = {})
{
    struct Place
    {
        std::string name;
        std::size_t round;
        std::string own;
        std::shared_ptr<const ParsedFile> file;
    };
    std::vector<Place> placed;
    for (const auto &f : before) {
        if (removed.contains(f->name))
            continue;
        std::size_t round = 0;
        while (round < rounds.size() && !rounds[round].contains(f->name))
            ++round;
        const bool moves = round < rounds.size() || isCompactedIdentifier(f->fileName.pid);
        placed.push_back({moves ? compactedPlace(*f) : f->name, moves ? round : 0, f->name, f});
    }
    std::sort(placed.begin(), placed.end(), [](const Place &a, const Place &b) {
        return std::tie(a.name, a.round, a.own) < std::tie(b.name, b.round, b.own);
    });
    FileList out;
    for (const Place &p : placed)
        out.push_back(p.file);
    return out;
}

inline bool closeEnough(double a, double b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    if (a == b)
        return true;
    const bool integral = a == std::trunc(a) && b == std::trunc(b) && std::fabs(a) < 9e15 && std::fabs(b) < 9e15;
    if (integral)
        return false; // integer-valued sums are exact in any order
    return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

// The first difference, said for a person; empty when equal.
inline std::string familiesDiffer(const std::vector<MetricFamily> &expected, const std::vector<MetricFamily> &actual)
{
    if (expected.size() != actual.size())
        return "families: " + std::to_string(expected.size()) + " expected, " + std::to_string(actual.size()) + " got";
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const MetricFamily &e = expected[i], &a = actual[i];
        if (e.name != a.name || e.type != a.type || e.help != a.help || e.mode != a.mode)
            return "family " + std::to_string(i) + ": " + e.name + " expected, " + a.name + " got (or its type, help, mode)";
        if (e.samples.size() != a.samples.size())
            return e.name + ": " + std::to_string(e.samples.size()) + " samples expected, " + std::to_string(a.samples.size());
        for (std::size_t j = 0; j < e.samples.size(); ++j) {
            const Sample &x = e.samples[j], &y = a.samples[j];
            if (x.name != y.name || x.labels != y.labels || !closeEnough(x.value, y.value)) {
                std::ostringstream s;
                s.precision(17);
                const auto labels = [](const Labels &l) {
                    std::string t;
                    for (const auto &[k, v] : l)
                        t += k + "=" + v + ",";
                    return t;
                };
                s << e.name << " sample " << j << " " << x.name << "{" << labels(x.labels) << "}: " << x.value
                  << " expected, " << y.name << "{" << labels(y.labels) << "} " << y.value << " got";
                return s.str();
            }
        }
    }
    return {};
}

inline constexpr double kNow = 2'000'000'000.0; // "now" for every test: files are dated before it

inline void writeFile(const std::filesystem::path &path, const std::string &bytes, double mtime = kNow - 3600)
{
    std::ofstream(path, std::ios::binary) << bytes;
    const timespec times[2] = {{time_t(mtime), 0}, {time_t(mtime), 0}};
    ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

// Random directories: every kind and gauge mode, labels with non-ASCII
// and escapes, integer and fractional values, NaN and infinities (not in
// min/max, where NaN's answer depends on the order of files: see
// docs/compaction.md).
class RandomDirectory
{
public:
    RandomDirectory(unsigned seed, double mtime) : m_rng(seed), m_mtime(mtime) {}

    // Processes firstPid, firstPid + 1, ...
    void write(const std::filesystem::path &dir, long firstPid, int processes)
    {
        for (int p = 0; p < processes; ++p) {
            const std::string pid = std::to_string(firstPid + p);
            writeKind(dir / ("counter_" + pid + ".db"), "c", "_total", false);
            writeKind(dir / ("summary_" + pid + ".db"), "s", "_sum", false);
            writeHistogram(dir / ("histogram_" + pid + ".db"));
            for (GaugeMode mode : allGaugeModes())
                if (pick(3) > 0)
                    writeKind(dir / ("gauge_" + std::string(toString(mode)) + "_" + pid + ".db"),
                              "g_" + std::string(toString(mode)), "", mode == GaugeMode::Min || mode == GaugeMode::Max,
                              mode == GaugeMode::MostRecent || mode == GaugeMode::LiveMostRecent);
        }
    }

private:
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }

    double value(bool noNaN)
    {
        switch (pick(noNaN ? 8 : 10)) {
        case 0: return std::numeric_limits<double>::infinity() * (pick(2) ? 1 : -1);
        case 1: return 0.1 * pick(1000);
        case 2: return std::ldexp(1.0 + pick(1 << 20), -pick(30));
        case 8: return std::numeric_limits<double>::quiet_NaN();
        case 9: return 1e300;
        default: return pick(100000);
        }
    }

    Labels labels()
    {
        static const char *values[] = {"a", "caf\xc3\xa9", "\xf0\x9f\x98\x80", "q\"uote", "back\\slash", "new\nline", ""};
        return {{"path", values[pick(7)]}, {"method", pick(2) ? "get" : "post"}};
    }

    void writeKind(const std::filesystem::path &path, const std::string &metric, const std::string &suffix, bool noNaN,
                   bool timestamps = false)
    {
        DbBuilder b;
        for (int i = 0, n = 1 + pick(6); i < n; ++i) {
            const Labels l = labels();
            b.add(encodeKey(metric, metric + suffix, l, "Help of " + metric + "."), value(noNaN),
                  timestamps && pick(4) ? 1.7e9 + pick(100) : 0.0);
        }
        writeFile(path, b.bytes(pick(2) ? 65536 : 0), m_mtime);
    }

    void writeHistogram(const std::filesystem::path &path)
    {
        DbBuilder b;
        const Labels l = {{"route", pick(2) ? "/" : "/x\xc3\xa9"}};
        b.add(encodeKey("h", "h_sum", l, "Histogram."), value(false));
        for (const char *le : {"0.1", "1.0", "+Inf"}) {
            Labels withLe = l;
            withLe.emplace_back("le", le);
            b.add(encodeKey("h", "h_bucket", withLe, "Histogram."), pick(50));
        }
        writeFile(path, b.bytes(), m_mtime);
    }

    std::mt19937 m_rng;
    double m_mtime;
};


inline std::vector<MetricFamily> mergeDirectory(const std::filesystem::path &dir)
{
    const LoadResult load = loadDirectory(dir);
    return merge(load.files);
}

} // namespace promdir::test
