// promdir's merge and renderer against a naive reference (referencemerge.h)
// on every fixture the real clients wrote and on many random directories:
// all types, all ten gauge modes, live and dead pids, the same series in
// several files and generations and spelled differently, histogram buckets
// in odd orders and spellings, NaN and infinities, names and labels that
// need escaping, and an engine refreshed while live files change and files
// come and go. The random cases are reproducible: each failure names its
// seed, and PROMDIR_REFMERGE_SEED=<seed> runs that case alone
// (PROMDIR_REFMERGE_CASES=<n> runs more or fewer cases).
// PROMDIR_REFMERGE_KEEP=<folder> keeps every case's directory there as it
// is after the last round, with the reference's text and OpenMetrics
// beside it (<dir>.prom, <dir>.om), to hold the reference itself against a
// real Python client.
#include "dbbuilder.h"
#include "referencemerge.h"
#include "testutil.h"

#include "promdir/format/floatformat.h"
#include "promdir/format/key.h"
#include "promdir/engine/detail/refreshdetail.h"
#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"

#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace promdir;
using namespace promdir::test;

namespace {

FileList readSorted(const LoadResult &load)
{
    FileList files;
    for (const auto &f : load.files)
        files.push_back(std::make_shared<const ParsedFile>(readFile(f->path)));
    sortByName(files);
    return files;
}

std::vector<RefFile> refFilesOf(const FileList &files)
{
    std::vector<RefFile> out;
    for (const auto &f : files)
        out.push_back(refFileOf(*f));
    return out;
}

// ---------------------------------------------------------------------------
// Random directories.

// Bounded picks from one 64-bit generator: `% n` keeps a seed's case the
// same on every standard library (the distributions are not specified).
class Random
{
public:
    explicit Random(std::uint64_t seed) : m_rng(seed) {}
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(m_rng() % n); }
    int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::size_t>(hi - lo + 1))); }
    bool chance(double p) { return static_cast<double>(m_rng() % 1000000) < p * 1000000.0; }
    template<typename T>
    const T &pick(const std::vector<T> &v) { return v[below(v.size())]; }
    template<typename T>
    void shuffle(std::vector<T> &v)
    {
        for (std::size_t i = v.size(); i > 1; --i)
            std::swap(v[i - 1], v[below(i)]);
    }

private:
    std::mt19937_64 m_rng;
};

// How one key is spelled: the reference's exact json.dumps, or another valid
// JSON text of the same key (other writers, other spacing).
struct KeyStyle
{
    bool ascii = true;       // \uXXXX for everything outside ASCII
    bool compact = false;    // "," and ":" instead of ", " and ": "
    bool sorted = true;      // label names sorted (sort_keys=True)
    bool escapeSlash = false; // "\/"
};

void appendJsonString(std::string &out, const std::string &s, const KeyStyle &style)
{
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b >= 0x80) {
            const std::size_t n = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            if (!style.ascii) {
                out.append(s, i, n);
            } else {
                std::uint32_t cp = n == 2 ? (b & 0x1Fu) : n == 3 ? (b & 0x0Fu) : (b & 0x07u);
                for (std::size_t k = 1; k < n; ++k)
                    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
                char buf[16];
                if (cp >= 0x10000) {
                    cp -= 0x10000;
                    std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
                } else {
                    std::snprintf(buf, sizeof buf, "\\u%04x", cp);
                }
                out += buf;
            }
            i += n;
            continue;
        }
        switch (b) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '/': out += style.escapeSlash ? "\\/" : "/"; break;
        default:
            if (b < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", b);
                out += buf;
            } else {
                out += static_cast<char>(b);
            }
        }
        ++i;
    }
    out += '"';
}

// The key text of `e` in format generation `generation` (1: label lists,
// 2: a dict without help, 3 and 4: a dict and help).
std::string keyText(const RefEntry &e, int generation, const KeyStyle &style)
{
    const std::string comma = style.compact ? "," : ", ";
    const std::string colon = style.compact ? ":" : ": ";
    std::string out = "[";
    appendJsonString(out, e.metric, style);
    out += comma;
    appendJsonString(out, e.sample, style);
    out += comma;
    if (generation == 1) {
        out += '[';
        for (std::size_t i = 0; i < e.labels.size(); ++i) {
            if (i)
                out += comma;
            appendJsonString(out, e.labels[i].first, style);
        }
        out += ']' + comma + '[';
        for (std::size_t i = 0; i < e.labels.size(); ++i) {
            if (i)
                out += comma;
            appendJsonString(out, e.labels[i].second, style);
        }
        out += ']';
    } else {
        out += '{';
        for (std::size_t i = 0; i < e.labels.size(); ++i) {
            if (i)
                out += comma;
            appendJsonString(out, e.labels[i].first, style);
            out += colon;
            appendJsonString(out, e.labels[i].second, style);
        }
        out += '}';
    }
    if (generation >= 3) {
        out += comma;
        appendJsonString(out, *e.help, style);
    }
    return out + ']';
}

struct GenEntry
{
    RefEntry entry;
    std::string key; // as written
};

struct GenFile
{
    std::string pid;
    bool gauge = false;
    int generation = 4;
    std::size_t capacity = 0; // 0: exactly `used` bytes
    std::vector<GenEntry> entries;
};

struct MetricSpec
{
    std::string name;
    std::string type; // counter, gauge, histogram, summary
    std::string mode; // gauges
    std::string help;
    bool helpVaries = false; // each process wrote another help text (a deploy changed it)
    std::vector<std::string> labelNames;
    std::vector<double> bounds; // histograms
};

const std::vector<std::string> kModes = {"all", "liveall", "min", "livemin", "max", "livemax",
                                         "sum", "livesum", "mostrecent", "livemostrecent"};
const std::vector<std::string> kHelps = {"Help text.", "", "back\\slash", "new\nline", "quote \"q\"",
                                         "caf\u00e9 \u2615 \u65e5\u672c", "Multiprocess metric", "tab\there"};
const std::vector<std::string> kLabelNames = {"a", "method", "route", "code", "\u00fcn\u00ef", "0bad",
                                              "dash-ed", "__r", "a:b", "x.y"};
const std::vector<std::string> kLabelValues = {"", "x", "GET", "POST", "a\\b", "q\"t", "nl\nx",
                                               "caf\u00e9 \u65e5\u672c", "\U0001F600", "/api/v1", "tab\tt",
                                               "0", "ctl\x01", "del\x7f"};

// A directory being generated, and what has been written of it.
class DirectoryModel
{
public:
    // `plain`: every key spelled as the Python client spells it, one help
    // per family, no series twice in a file, as a real directory is (the
    // engine's sums by key only apply where each series has one key).
    DirectoryModel(std::uint64_t seed, bool big, bool plain) : m_rng(seed), m_big(big), m_plain(plain)
    {
        // One live process, this one: a second one's pid could sort either
        // side of it, and the order of files decides some results.
        m_alive = {std::to_string(getpid())};
        const int metrics = big ? m_rng.between(6, 10) : m_rng.between(1, 6);
        for (int i = 0; i < metrics; ++i)
            m_metrics.push_back(makeMetric(i));
        const int pids = big ? m_rng.between(45, 60) : m_rng.between(1, 6);
        for (int i = 0; i < pids; ++i)
            addProcess(newPid());
        // A series that one process also wrote under another type, or a
        // gauge family whose files disagree on the mode.
        if (!plain && m_rng.chance(0.15))
            writeElsewhere(false);
        if (!plain && m_rng.chance(0.15))
            writeElsewhere(true);
        if (m_rng.chance(0.05)) {
            // A file created and never written to: used = 8, no entries.
            const std::string pid = newPid();
            fileFor("counter_" + pid + ".db", pid);
        }
        for (auto &[name, f] : m_files)
            m_rng.shuffle(f.entries);
    }

    const std::map<std::string, GenFile> &files() const { return m_files; }
    std::vector<RefFile> refFiles() const
    {
        std::vector<RefFile> out;
        for (const auto &[name, f] : m_files) {
            RefFile r{name, {}};
            for (const GenEntry &e : f.entries) {
                r.entries.push_back(e.entry);
                if (f.generation < 4)
                    r.entries.back().timestamp = 0.0; // the file has no room for it
            }
            out.push_back(std::move(r));
        }
        return out;
    }
    bool isAlive(const std::string &pid) const
    {
        return std::find(m_alive.begin(), m_alive.end(), pid) != m_alive.end();
    }

    // The writes of a live process: new values for what it has.
    void changeLiveValues()
    {
        for (auto &[name, f] : m_files) {
            if (!isAlive(f.pid))
                continue;
            m_dirty.insert(name);
            for (GenEntry &e : f.entries) {
                e.entry.value = value(name.starts_with("histogram") && e.entry.sample.ends_with("_bucket"));
                e.entry.timestamp = f.gauge ? timestamp() : 0.0;
            }
        }
    }

    // New series in live files, a process marked dead (its live gauges
    // removed), a file removed, a new dead process.
    void changeStructure()
    {
        for (auto &[name, f] : m_files) {
            if (!isAlive(f.pid) || m_metrics.empty())
                continue;
            m_dirty.insert(name);
            std::vector<const MetricSpec *> own; // the metrics this file is for
            for (const MetricSpec &m : m_metrics)
                if (fileNameFor(m.type, m.mode, f.pid) == name)
                    own.push_back(&m);
            const int more = own.empty() ? 0 : m_rng.between(1, 2);
            for (int i = 0; i < more; ++i) {
                const MetricSpec &m = *m_rng.pick(own);
                addSeries(f, m, makeLabels(m));
            }
        }
        std::vector<std::string> dead;
        for (const auto &[name, f] : m_files)
            if (!isAlive(f.pid))
                dead.push_back(name);
        if (!dead.empty()) {
            const std::string victim = m_rng.pick(dead);
            const std::string pid = m_files[victim].pid;
            if (m_rng.chance(0.5)) {
                // mark_process_dead: every gauge_live*_<pid>.db goes.
                for (auto it = m_files.begin(); it != m_files.end();)
                    it = it->first.starts_with("gauge_live") && it->second.pid == pid ? removeFile(it) : std::next(it);
            } else {
                removeFile(m_files.find(victim));
            }
        }
        addProcess(newPid(/*deadOnly=*/true));
    }

    // Writes the files changed since the last call; removes those removed.
    bool write(const QString &dir)
    {
        for (const std::string &name : m_removed)
            if (!QFile::remove(dir + QLatin1Char('/') + QString::fromStdString(name)))
                return false;
        m_removed.clear();
        for (const auto &[name, f] : m_files) {
            if (m_written.contains(name) && !m_dirty.contains(name))
                continue;
            DbBuilder b(f.generation == 4 ? 16 : 8);
            for (const GenEntry &e : f.entries)
                b.add(e.key, e.entry.value, e.entry.timestamp);
            std::ofstream out((dir + QLatin1Char('/') + QString::fromStdString(name)).toStdString(),
                              std::ios::binary | std::ios::trunc);
            const std::string bytes = b.bytes(f.capacity);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            if (!out)
                return false;
            m_written.insert(name);
        }
        m_dirty.clear();
        return true;
    }

private:
    std::map<std::string, GenFile>::iterator removeFile(std::map<std::string, GenFile>::iterator it)
    {
        m_removed.push_back(it->first);
        m_written.erase(it->first);
        return m_files.erase(it);
    }

    std::string newPid(bool deadOnly = false)
    {
        const std::size_t r = m_rng.below(100);
        if (!deadOnly && r < 20)
            return m_alive[m_rng.below(m_alive.size())];
        if (r < 90)
            // Above the largest pid_max Linux allows, so never a running
            // process, and after every real pid in byte order, so a seed
            // makes the same directory whatever this process's pid is.
            return std::to_string(999999900 + m_nextDead++);
        static const std::vector<std::string> names = {"worker-3", "archive", "w2", "uuid-7f3a"};
        return m_rng.pick(names) + std::to_string(m_nextDead++);
    }

    MetricSpec makeMetric(int i)
    {
        static const std::vector<std::string> types = {"counter", "gauge", "gauge", "histogram", "summary"};
        MetricSpec m;
        m.type = m_rng.pick(types);
        m.mode = m_rng.pick(kModes);
        const std::string n = std::to_string(i);
        static const std::vector<std::string> odd = {"req:latency", "weird.name", "caf\u00e9", "9lives", "x-y",
                                                      "done_total_"};
        m.name = m_rng.chance(0.15) ? m_rng.pick(odd) + n : "m" + n;
        if (m.name.starts_with("done_total_"))
            m.name = "done" + n + "_total"; // a counter stored with _total: shown as _total_total
        m.help = m_rng.chance(0.6) ? kHelps[0] : m_rng.pick(kHelps);
        m.helpVaries = !m_plain && m_rng.chance(0.1);
        const int labels = m_rng.between(0, 3);
        for (int k = 0; k < labels; ++k) {
            std::string l = m_rng.chance(0.7) ? std::vector<std::string>{"a", "method", "route", "code"}[std::size_t(k)]
                                               : m_rng.pick(kLabelNames);
            if (m_rng.chance(0.03))
                l = m_rng.pick(std::vector<std::string>{"", "pid", "le", "quantile"});
            if (std::find(m.labelNames.begin(), m.labelNames.end(), l) == m.labelNames.end())
                m.labelNames.push_back(l);
        }
        if (m.type == "histogram") {
            std::erase(m.labelNames, std::string("le"));
            static const std::vector<double> pool = {-1.0, 0.0, 0.005, 0.1, 0.25, 1.0, 2.5, 10.0, 100.0, 2500000.0, 1e16};
            for (double b : pool)
                if (m_rng.chance(0.45))
                    m.bounds.push_back(b);
            if (m.bounds.empty() || m_rng.chance(0.85))
                m.bounds.push_back(HUGE_VAL);
        }
        return m;
    }

    LabelPairs makeLabels(const MetricSpec &m)
    {
        LabelPairs labels;
        for (const std::string &n : m.labelNames)
            labels.emplace_back(n, m_rng.chance(0.5) ? std::string("v") + std::to_string(m_rng.below(3)) : m_rng.pick(kLabelValues));
        return labels;
    }

    double value(bool count)
    {
        const std::size_t r = m_rng.below(1000);
        if (r < 700)
            return static_cast<double>(m_rng.below(21));
        if (r < 800)
            return count ? static_cast<double>(m_rng.below(3)) : static_cast<double>(m_rng.below(80)) / 8.0 + 0.1;
        static const std::vector<double> special = {NAN, HUGE_VAL, -HUGE_VAL, -0.0, 1e16, 1234567.0,
                                                    1e-05, 5e-324, -1234567.5, 1.7976931348623157e308, 0.1, 100.0};
        return count && r < 900 ? 1.0 : m_rng.pick(special);
    }

    double timestamp()
    {
        static const std::vector<double> pool = {0.0, 0.0, 1.5, 100.0, 100.0, 1e9 + 0.25, 1.7e9, -5.0, NAN, -0.0};
        return m_rng.pick(pool);
    }

    // A bound as the key spells it: mostly floatToGoString, as the Python
    // client writes it, else another text float() reads as the same number.
    std::string spell(double b)
    {
        if (std::isinf(b))
            return m_plain || m_rng.chance(0.6) ? "+Inf" : m_rng.pick(std::vector<std::string>{"inf", "Infinity", "+inf", "INF"});
        if (b == 0.0)
            return m_plain ? "0.0" : m_rng.pick(std::vector<std::string>{"0.0", "0.0", "-0.0", "0", "0e0"});
        const std::string canonical = referenceGoString(b);
        switch (m_plain ? 7 : m_rng.below(8)) {
        case 0: return referenceRepr(b);
        case 1: {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", b);
            return buf;
        }
        case 2: return " " + canonical + " ";
        case 3: return b > 0 ? "+" + referenceRepr(b) : canonical;
        case 4: {
            const std::string r = referenceRepr(b);
            const std::size_t digits = r.find_first_not_of("0123456789");
            return digits != std::string::npos && digits >= 2 ? r.substr(0, 1) + "_" + r.substr(1) : canonical;
        }
        default: return canonical;
        }
    }

    KeyStyle style()
    {
        KeyStyle s;
        if (m_plain || m_rng.chance(0.8))
            return s; // the reference's own bytes
        s.ascii = m_rng.chance(0.5);
        s.compact = m_rng.chance(0.5);
        s.sorted = m_rng.chance(0.5);
        s.escapeSlash = m_rng.chance(0.2);
        return s;
    }

    void addEntry(GenFile &f, RefEntry e)
    {
        if (f.generation <= 2)
            e.help.reset();
        // Writers store timestamps in gauge files only (the Python client
        // writes 0.0 elsewhere); smallDirectories covers the other case.
        if (!f.gauge)
            e.timestamp = 0.0;
        KeyStyle st = style();
        if (st.sorted)
            std::sort(e.labels.begin(), e.labels.end());
        else
            m_rng.shuffle(e.labels);
        // Rarely a label name twice in the key's object, first with another
        // value: the last one counts.
        if (!m_plain && !e.labels.empty() && f.generation >= 2 && m_rng.chance(0.02))
            e.labels.insert(e.labels.begin(), {m_rng.pick(e.labels).first, "shadowed"});
        const std::string key = keyText(e, f.generation, st);
        f.entries.push_back({e, key});
        // Rarely the same series twice in one file, spelled another way.
        if (!m_plain && m_rng.chance(0.03)) {
            KeyStyle other = st;
            other.ascii = !st.ascii;
            other.compact = !st.compact;
            RefEntry again = e;
            again.value = value(false);
            f.entries.push_back({again, keyText(again, f.generation, other)});
        }
    }

    static std::string fileNameFor(const std::string &type, const std::string &mode, const std::string &pid)
    {
        return type == "gauge" ? "gauge_" + mode + "_" + pid + ".db" : type + "_" + pid + ".db";
    }

    GenFile &fileFor(const std::string &name, const std::string &pid)
    {
        auto [it, fresh] = m_files.try_emplace(name);
        if (fresh) {
            GenFile &f = it->second;
            f.pid = pid;
            f.gauge = name.starts_with("gauge_");
            const std::size_t g = m_rng.below(100);
            f.generation = m_plain || g < 82 ? 4 : g < 88 ? 3 : g < 94 ? 2 : 1;
            const std::size_t c = m_rng.below(10);
            f.capacity = c < 5 ? 0 : c < 8 ? 65536 : 4096 * (1 + m_rng.below(3));
            m_dirty.insert(name);
        }
        return it->second;
    }

    // The entries of one series of `m` as its type writes them.
    void addSeries(GenFile &f, const MetricSpec &m, const LabelPairs &labels, const std::string &asType = {})
    {
        const std::string type = asType.empty() ? m.type : asType;
        std::optional<std::string> help = m.helpVaries ? m_rng.pick(kHelps) : m.help;
        auto entry = [&](const std::string &sample, LabelPairs l, double v, double t = 0.0) {
            addEntry(f, RefEntry{m.name, sample, std::move(l), help, v, t});
        };
        if (type == "counter") {
            const std::size_t r = m_rng.below(100);
            entry(r < 94 ? m.name + "_total" : r < 97 ? m.name + "_created" : m.name, labels, value(false));
        } else if (type == "gauge") {
            entry(m.name, labels, value(false), timestamp());
        } else if (type == "summary") {
            entry(m.name + "_count", labels, value(true));
            entry(m.name + "_sum", labels, value(false));
            if (m_rng.chance(0.03))
                entry(m.name + "_created", labels, value(false));
        } else {
            if (m_rng.chance(0.85))
                entry(m.name + "_sum", labels, value(false));
            std::vector<double> bounds = m.bounds;
            if (bounds.empty())
                bounds.push_back(HUGE_VAL);
            m_rng.shuffle(bounds); // buckets in any order
            for (double b : bounds) {
                if (!m_rng.chance(0.8))
                    continue;
                LabelPairs withLe = labels;
                withLe.emplace_back("le", spell(b));
                entry(m.name + "_bucket", withLe, value(true));
            }
            // A file merged back with accumulate=False holds no _count; one
            // written by another tool might.
            if (m_rng.chance(0.03))
                entry(m.name + "_count", labels, value(true));
            if (m_rng.chance(0.02))
                entry(m.name + "_gsum", labels, value(false));
        }
    }

    void addProcess(const std::string &pid)
    {
        for (const MetricSpec &m : m_metrics) {
            if (!m_rng.chance(0.75))
                continue;
            GenFile &f = fileFor(fileNameFor(m.type, m.mode, pid), pid);
            const int series = m_rng.between(1, m_big ? 2 : 3);
            for (int s = 0; s < series; ++s)
                addSeries(f, m, makeLabels(m));
        }
    }

    void writeElsewhere(bool otherMode)
    {
        if (m_metrics.empty() || m_files.empty())
            return;
        const MetricSpec &m = m_rng.pick(m_metrics);
        // An le label in a family that becomes a histogram would have to
        // be a number (the reference fails on it otherwise).
        if (std::find(m.labelNames.begin(), m.labelNames.end(), "le") != m.labelNames.end())
            return;
        std::vector<std::string> pids;
        for (const auto &[name, f] : m_files)
            pids.push_back(f.pid);
        const std::string pid = m_rng.pick(pids);
        static const std::vector<std::string> types = {"counter", "gauge", "histogram", "summary"};
        const std::string type = otherMode ? std::string("gauge") : m_rng.pick(types);
        const std::string mode = m_rng.pick(kModes);
        if (type == m.type && (type != "gauge" || mode == m.mode))
            return;
        GenFile &f = fileFor(fileNameFor(type, mode, pid), pid);
        addSeries(f, m, makeLabels(m), m.type);
    }

    Random m_rng;
    bool m_big = false;
    bool m_plain = false;
    std::vector<std::string> m_alive;
    std::uint64_t m_nextDead = 0;
    std::vector<MetricSpec> m_metrics;
    std::map<std::string, GenFile> m_files;
    std::set<std::string> m_dirty;   // to write
    std::set<std::string> m_written; // on disk
    std::vector<std::string> m_removed;
};

// What the random cases went through, to show they reach every path.
struct Coverage
{
    int cases = 0;
    int refreshes = 0;
    std::size_t files = 0;
    std::size_t entries = 0;
    int summedByKey = 0;
    int planReused = 0;
    int baseReused = 0; // a warm refresh after a warm refresh: the base of kept files made before
    int frozen = 0;
    int oldGenerations = 0;
};

// One expectation of a round: the merge, the text and OpenMetrics bytes.
QString compareWithReference(const std::vector<RefFamily> &expected, std::span<const MetricFamily> actual)
{
    std::string d = firstDifference(expected, refFamiliesOf(actual));
    if (d.empty())
        d = firstLineDifference(referenceText(expected), render(actual));
    if (d.empty())
        d = firstLineDifference(referenceOpenMetrics(expected), render(actual, {Format::OpenMetrics, {}}));
    return QString::fromStdString(d);
}

// Every file as promdir read it must hold what was written, so that a
// difference in the merge is the merge's.
QString compareParse(const DirectoryModel &model, const FileList &files)
{
    const std::vector<RefFile> written = model.refFiles();
    if (written.size() != files.size())
        return QStringLiteral("%1 files written, %2 read").arg(written.size()).arg(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        const RefFile read = refFileOf(*files[i]);
        const RefFile &w = written[i];
        if (read.name != w.name || read.entries.size() != w.entries.size() || !files[i]->ok())
            return QString::fromStdString(w.name + ": read as " + read.name + " with " + std::to_string(read.entries.size())
                                          + " entries (written " + std::to_string(w.entries.size()) + "), "
                                          + std::to_string(files[i]->problems.size()) + " problems");
        for (std::size_t k = 0; k < read.entries.size(); ++k) {
            const RefEntry &r = read.entries[k], &e = w.entries[k];
            LabelPairs labels;
            for (const auto &[n, v] : e.labels) {
                std::erase_if(labels, [&](const auto &l) { return l.first == n; });
                labels.emplace_back(n, v);
            }
            std::sort(labels.begin(), labels.end());
            const bool same = r.metric == e.metric && r.sample == e.sample && r.labels == labels && r.help == e.help
                              && std::bit_cast<std::uint64_t>(r.value) == std::bit_cast<std::uint64_t>(e.value)
                              && std::bit_cast<std::uint64_t>(r.timestamp) == std::bit_cast<std::uint64_t>(e.timestamp);
            if (!same)
                return QString::fromStdString(w.name + ": entry " + std::to_string(k) + " (" + e.sample + ") read differently");
        }
    }
    return {};
}

// A small directory written by hand: files of this process (alive, so a
// refresh reads them again), then the same files with other values.
struct SmallCase
{
    const char *name;
    std::vector<RefFile> before;
    std::vector<RefFile> after;
};

RefEntry e(std::string metric, std::string sample, LabelPairs labels, double value, double timestamp = 0.0)
{
    return {std::move(metric), std::move(sample), std::move(labels), std::string("h"), value, timestamp};
}

std::vector<SmallCase> smallCases()
{
    const std::string me = std::to_string(getpid());
    auto f = [&](const std::string &kind, std::vector<RefEntry> entries) {
        return RefFile{kind + "_" + me + ".db", std::move(entries)};
    };
    // Files of a process that is gone; 999999990 sorts after this one's.
    auto other = [&](const std::string &name, std::vector<RefEntry> entries) { return RefFile{name, std::move(entries)}; };
    return {
        // The reference takes no timestamp from a file that is not a
        // gauge's (it adds those samples without one), so in a mostrecent
        // family they never win, whatever their file holds.
        {"mostrecent: a summary file's timestamp does not count",
         {f("gauge_mostrecent", {e("g", "g", {}, 1, 5)}), f("summary", {e("g", "g", {}, 2, 10)})},
         {f("gauge_mostrecent", {e("g", "g", {}, 3, 5)}), f("summary", {e("g", "g", {}, 4, 10)})}},
        {"min: NaN seen first stays, a later NaN never replaces",
         {f("gauge_min", {e("g", "g", {{"a", "1"}}, NAN), e("g", "g", {{"a", "2"}}, 5)}),
          other("gauge_min_999999990.db", {e("g", "g", {{"a", "1"}}, 1), e("g", "g", {{"a", "2"}}, NAN)})},
         {f("gauge_min", {e("g", "g", {{"a", "1"}}, 2), e("g", "g", {{"a", "2"}}, 5)}),
          other("gauge_min_999999990.db", {e("g", "g", {{"a", "1"}}, 1), e("g", "g", {{"a", "2"}}, NAN)})}},
        {"max: the first value stays unless strictly larger (-0.0 before 0.0)",
         {f("gauge_max", {e("g", "g", {}, -0.0)}), other("gauge_max_999999990.db", {e("g", "g", {}, 0.0)})},
         {f("gauge_max", {e("g", "g", {}, 0.0)}), other("gauge_max_999999990.db", {e("g", "g", {}, -0.0)})}},
        {"sum starts from 0.0: one -0.0 sums to 0.0",
         {f("gauge_sum", {e("g", "g", {}, -0.0)})},
         {f("gauge_sum", {e("g", "g", {}, -0.0), e("g", "g", {{"a", "1"}}, 1)})}},
        {"histogram: the bound first seen names the bucket (-0.0 and 0.0 are one)",
         {f("histogram", {e("h", "h_bucket", {{"le", "-0.0"}}, 1), e("h", "h_bucket", {{"le", "0"}}, 2),
                          e("h", "h_bucket", {{"le", "+Inf"}}, 1)})},
         {f("histogram", {e("h", "h_bucket", {{"le", "-0.0"}}, 1), e("h", "h_bucket", {{"le", "0"}}, 5),
                          e("h", "h_bucket", {{"le", "+Inf"}}, 1)})}},
        {"histogram: a label set with buckets and no _sum comes after those with one",
         {f("histogram", {e("h", "h_bucket", {{"a", "1"}, {"le", "1.0"}}, 1), e("h", "h_sum", {{"a", "2"}}, 1),
                          e("h", "h_bucket", {{"a", "2"}, {"le", "1.0"}}, 1)})},
         {f("histogram", {e("h", "h_bucket", {{"a", "1"}, {"le", "1.0"}}, 2), e("h", "h_sum", {{"a", "2"}}, 2),
                          e("h", "h_bucket", {{"a", "2"}, {"le", "1.0"}}, 2)})}},
        {"histogram: a stored _count keeps its place and becomes the total",
         {f("histogram", {e("h", "h_count", {}, 9), e("h", "h_sum", {}, 1), e("h", "h_bucket", {{"le", "+Inf"}}, 3)})},
         {f("histogram", {e("h", "h_count", {}, 9), e("h", "h_sum", {}, 1), e("h", "h_bucket", {{"le", "+Inf"}}, 4)})}},
        {"gauge all: a pid label of the key loses to the file's pid",
         {f("gauge_all", {e("g", "g", {{"pid", "mine"}}, 1)})},
         {f("gauge_all", {e("g", "g", {{"pid", "mine"}}, 2)})}},
        {"gauge livesum: a pid label of the key is dropped with the file's",
         {f("gauge_livesum", {e("g", "g", {{"pid", "mine"}}, 1)}), other("gauge_livesum_999999990.db", {e("g", "g", {}, 1)})},
         {f("gauge_livesum", {e("g", "g", {{"pid", "mine"}}, 2)}), other("gauge_livesum_999999990.db", {e("g", "g", {}, 1)})}},
        {"the first file's type: gauge entries in a counter family add up per pid",
         {f("counter", {e("c", "c_total", {}, 1)}), f("gauge_max", {e("c", "c_total", {}, 5)}),
          other("gauge_min_999999990.db", {e("c", "c_total", {}, 7)})},
         {f("counter", {e("c", "c_total", {}, 2)}), f("gauge_max", {e("c", "c_total", {}, 6)}),
          other("gauge_min_999999990.db", {e("c", "c_total", {}, 7)})}},
        {"the last gauge file's mode: a max family read as min",
         {f("gauge_max", {e("g", "g", {}, 1)}), f("gauge_min", {e("g", "g", {}, 5)}),
          other("gauge_max_999999990.db", {e("g", "g", {}, 3)})},
         {f("gauge_max", {e("g", "g", {}, 2)}), f("gauge_min", {e("g", "g", {}, 6)}),
          other("gauge_max_999999990.db", {e("g", "g", {}, 3)})}},
        {"mostrecent: a group appears where its first winner is",
         {f("gauge_mostrecent", {e("g", "g", {{"a", "1"}}, 1, 0), e("g", "g", {{"a", "2"}}, 2, 5),
                                 e("g", "g", {{"a", "1"}}, 3, 0)}),
          other("gauge_mostrecent_999999990.db", {e("g", "g", {{"a", "1"}}, 4, 7)})},
         {f("gauge_mostrecent", {e("g", "g", {{"a", "1"}}, 1, 0), e("g", "g", {{"a", "2"}}, 2, 5),
                                 e("g", "g", {{"a", "1"}}, 3, 9)}),
          other("gauge_mostrecent_999999990.db", {e("g", "g", {{"a", "1"}}, 4, 7)})}},
    };
}

bool writeRefFile(const QString &dir, const RefFile &file)
{
    DbBuilder b(16);
    for (const RefEntry &entry : file.entries)
        b.add(encodeKey(entry.metric, entry.sample, Labels(entry.labels.begin(), entry.labels.end()), *entry.help),
              entry.value, entry.timestamp);
    std::ofstream out((dir + QLatin1Char('/') + QString::fromStdString(file.name)).toStdString(), std::ios::binary | std::ios::trunc);
    const std::string bytes = b.bytes();
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out);
}

// Under the sanitizers a case costs about six times as much (400 took two
// minutes there); the first 100 still reach every path checked below.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kDefaultCases = 100;
#else
constexpr int kDefaultCases = 400;
#endif

} // namespace

class TestReferenceMerge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The two number formatters agree on every kind of double.
    void numbersAgree()
    {
        Random rng(7);
        std::vector<double> values = {0.0, -0.0, 1.0, 0.1, 100.0, 1e16, 1e15, 1e-05, 1e-04, 1234567.0, 999999.0,
                                      1e6, -1e6, 2.5e6, 5e-324, 1.7976931348623157e308, 9007199254740992.0,
                                      123456.7, 0.30000000000000004, NAN, HUGE_VAL, -HUGE_VAL};
        for (int i = 0; i < 200000; ++i) {
            const std::uint64_t bits = (std::uint64_t(rng.below(1u << 31)) << 33) ^ (std::uint64_t(rng.below(1u << 31)) << 2)
                                       ^ rng.below(4);
            values.push_back(std::bit_cast<double>(bits));
            values.push_back(static_cast<double>(rng.below(100000000)) / std::pow(10.0, rng.between(0, 12)));
        }
        for (double v : values) {
            QCOMPARE(QString::fromStdString(referenceGoString(v)), QString::fromStdString(floatToGoString(v)));
            if (!std::isnan(v) && !std::isinf(v))
                QCOMPARE(QString::fromStdString(referenceRepr(v)), QString::fromStdString(pythonRepr(v)));
        }
    }

    // Every fixture a real client wrote: promdir's merge and the reference
    // agree, and the reference renders what the real current client printed
    // (expected-current.*: that checks the reference itself).
    void fixtures_data()
    {
        QTest::addColumn<QString>("version");
        for (const char *v : {"current", "v0.21.1", "v0.17.1", "v0.15.0"})
            QTest::newRow(v) << QString::fromLatin1(v);
    }
    void fixtures()
    {
        QFETCH(QString, version);
        const std::string dir = std::string(PROMDIR_TEST_DATA) + "/client_python/" + version.toStdString();
        const LoadResult load = loadDirectory(dir + "/metrics");
        QVERIFY(load.ok);
        QVERIFY(load.allProblems().empty());
        QVERIFY(load.files.size() >= 36);
        const FileList files = readSorted(load);
        const std::vector<RefFile> input = refFilesOf(files);

        const auto expected = referenceMerge(input, true);
        QCOMPARE(QString::fromStdString(firstLineDifference(slurp(dir + "/expected-current.prom"), referenceText(expected))),
                 QString());
        QCOMPARE(QString::fromStdString(firstLineDifference(slurp(dir + "/expected-current.om"), referenceOpenMetrics(expected))),
                 QString());

        QCOMPARE(compareWithReference(expected, merge(files)), QString());
        MergeEngine engine(dir + "/metrics");
        QCOMPARE(compareWithReference(expected, engine.refresh()->families), QString());
        QCOMPARE(compareWithReference(expected, engine.refresh()->families), QString());

        const auto raw = referenceMerge(input, false);
        QCOMPARE(compareWithReference(raw, merge(files, {.accumulate = false})), QString());
        MergeEngineOptions noAcc;
        noAcc.merge.accumulate = false;
        MergeEngine rawEngine(dir + "/metrics", noAcc);
        QCOMPARE(compareWithReference(raw, rawEngine.refresh()->families), QString());
    }

    // Hand-made directories for the reference's less obvious rules, each
    // merged cold and again after this process changed its values.
    void smallDirectories_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = smallCases();
        for (std::size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i].name) << int(i);
    }
    void smallDirectories()
    {
        QFETCH(int, index);
        const SmallCase c = smallCases()[std::size_t(index)];
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (const RefFile &f : c.before)
            QVERIFY(writeRefFile(dir.path(), f));
        MergeEngine engine(dir.path().toStdString());
        QCOMPARE(compareWithReference(referenceMerge(c.before), engine.refresh()->families), QString());
        // Back and forth: the second warm refresh is the first to run on a
        // base made before its values changed.
        for (const auto *files : {&c.after, &c.before, &c.after}) {
            for (const RefFile &f : *files)
                QVERIFY(writeRefFile(dir.path(), f));
            const auto expected = referenceMerge(*files);
            QCOMPARE(compareWithReference(expected, merge(readSorted(loadDirectory(dir.path().toStdString())))), QString());
            QCOMPARE(compareWithReference(expected, engine.refresh()->families), QString());
        }
    }

    // Random directories, refreshed by an engine through six rounds: cold;
    // live processes' values changed, twice (the first warm refresh makes
    // the base of files that stay, the second runs on it); new series, files
    // removed and a new process; nothing changed; values changed. Each
    // round against the reference, with and without accumulating buckets;
    // the first also through merge() of files read one by one.
    void randomDirectories()
    {
        const QByteArray only = qgetenv("PROMDIR_REFMERGE_SEED");
        const int cases = qEnvironmentVariableIsSet("PROMDIR_REFMERGE_CASES")
                              ? qEnvironmentVariableIntValue("PROMDIR_REFMERGE_CASES")
                              : kDefaultCases;
        const std::uint64_t base = 20261203;
        Coverage seen;
        for (int i = 0; i < cases; ++i) {
            const std::uint64_t seed = only.isEmpty() ? base + std::uint64_t(i) : only.toULongLong();
            // Every 25th case is big enough (>= 128 files) for the engine to
            // sum by key beside the plan compiler; every other of those is
            // plain, so that it can.
            const bool big = seed % 25 == 0;
            runCase(seed, big, big && seed % 50 == 0, seen);
            if (QTest::currentTestFailed())
                return;
            if (!only.isEmpty())
                break;
        }
        qInfo("%d random directories (%zu files, %zu entries, %d of older generations), %d refreshes: "
              "summed by key %d, plan reused %d, base reused %d, with frozen files %d",
              seen.cases, seen.files, seen.entries, seen.oldGenerations, seen.refreshes, seen.summedByKey,
              seen.planReused, seen.baseReused, seen.frozen);
        if (only.isEmpty() && cases >= 100) {
            // The cases must keep reaching the engine's fast paths, or this
            // test would stop testing them without anyone noticing.
            QVERIFY(seen.summedByKey > 0);
            QVERIFY(seen.planReused > 0);
            QVERIFY(seen.baseReused > 0);
            QVERIFY(seen.frozen > 0);
        }
    }

private:
    void runCase(std::uint64_t seed, bool big, bool plain, Coverage &seen)
    {
        const QString keep = qEnvironmentVariable("PROMDIR_REFMERGE_KEEP");
        QTemporaryDir dir(keep.isEmpty() ? QDir::tempPath() + QStringLiteral("/tst_referencemerge-XXXXXX")
                                         : keep + QStringLiteral("/seed-%1-XXXXXX").arg(seed));
        dir.setAutoRemove(keep.isEmpty());
        QVERIFY(dir.isValid());
        DirectoryModel model(seed, big, plain);
        const std::string path = dir.path().toStdString();
        MergeEngine engine(path);
        MergeEngineOptions noAccOptions;
        noAccOptions.merge.accumulate = false;
        MergeEngine rawEngine(path, noAccOptions);
        ++seen.cases;
        for (const auto &[name, f] : model.files()) {
            seen.entries += f.entries.size();
            seen.oldGenerations += f.generation < 4;
        }
        seen.files += model.files().size();

        static const char *const rounds[] = {"cold", "live values changed", "live values changed again",
                                             "structure changed", "nothing changed", "live values changed after that"};
        bool lastPlanReused = false;
        for (int round = 0; round < 6; ++round) {
            if (round == 1 || round == 2 || round == 5)
                model.changeLiveValues();
            if (round == 3)
                model.changeStructure();
            QVERIFY2(model.write(dir.path()), "could not write the directory");
            const auto input = model.refFiles();
            const auto expected = referenceMerge(input, true);
            const auto raw = referenceMerge(input, false);
            // Keeps the directory, with both renderings beside it, and says
            // how to run the case again.
            auto fail = [&](const char *what, const QString &difference) {
                dir.setAutoRemove(false);
                std::ofstream(path + ".expected.prom", std::ios::binary) << referenceText(expected);
                std::ofstream(path + ".actual.prom", std::ios::binary) << render(merge(readSorted(loadDirectory(path))));
                QFAIL(qPrintable(QStringLiteral("seed %1 (%2 directory, kept in %3), round '%4', %5: %6\n"
                                      "  run it alone: PROMDIR_REFMERGE_SEED=%1 %7")
                    .arg(seed)
                    .arg(QLatin1String(plain ? "big plain" : big ? "big" : "small"), dir.path(), QLatin1String(rounds[round]),
                         QLatin1String(what), difference, QCoreApplication::applicationFilePath())));
            };

            const auto result = engine.refresh();
            QVERIFY(result->load.ok);
            if (round == 0) {
                const FileList files = readSorted(result->load);
                QString d = compareParse(model, files);
                if (!d.isEmpty())
                    return fail("reading", d);
                d = compareWithReference(expected, merge(files));
                if (!d.isEmpty())
                    return fail("merge()", d);
                d = compareWithReference(raw, merge(files, {.accumulate = false}));
                if (!d.isEmpty())
                    return fail("merge(accumulate=false)", d);
            }
            QString d = compareWithReference(expected, result->families);
            if (!d.isEmpty())
                    return fail("engine", d);
            d = compareWithReference(raw, rawEngine.refresh()->families);
            if (!d.isEmpty())
                    return fail("engine (accumulate=false)", d);

            if (!keep.isEmpty()) {
                std::ofstream(path + ".prom", std::ios::binary) << referenceText(expected);
                std::ofstream(path + ".om", std::ios::binary) << referenceOpenMetrics(expected);
            }
            ++seen.refreshes;
            const auto &detail = detail::refreshDetail(*result);
            seen.summedByKey += detail.summedByKey;
            seen.planReused += detail.planReused;
            seen.baseReused += detail.planReused && lastPlanReused;
            lastPlanReused = detail.planReused;
            seen.frozen += detail.filesFrozen > 0;
        }
    }
};

QTEST_GUILESS_MAIN(TestReferenceMerge)
#include "tst_referencemerge.moc"
