#include "referencemerge.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>

namespace promdir::test {

namespace {

// A Python dict: insertion order, assignment to an existing key keeps its
// place. Deliberately simple: a vector and an index.
template<typename K, typename V>
class OrderedDict
{
public:
    // dict.setdefault: the value for `key`, inserting `init` at the end if absent.
    V &setdefault(const K &key, V init = V())
    {
        auto [it, inserted] = m_index.try_emplace(key, m_items.size());
        if (inserted)
            m_items.emplace_back(key, std::move(init));
        return m_items[it->second].second;
    }
    bool contains(const K &key) const { return m_index.contains(key); }
    std::vector<std::pair<K, V>> &items() { return m_items; }

private:
    std::map<K, std::size_t> m_index;
    std::vector<std::pair<K, V>> m_items;
};

// dict(pairs) then sorted(items()): the last value of a name wins.
LabelPairs asSortedDict(const LabelPairs &pairs)
{
    std::map<std::string, std::string> d;
    for (const auto &[k, v] : pairs)
        d[k] = v;
    return {d.begin(), d.end()};
}

LabelPairs without(const LabelPairs &labels, const std::string &name)
{
    LabelPairs out;
    for (const auto &l : labels)
        if (l.first != name)
            out.push_back(l);
    return out;
}

struct ParsedName
{
    bool valid = false;
    std::string type;
    std::string mode;
    std::string pid;
};

// The reference splits the base name on '_': type, then for gauges the mode,
// then the pid with ".db" cut off.
ParsedName parseName(const std::string &name)
{
    static const std::vector<std::string> modes = {"all",      "liveall", "min",        "livemin",       "max",
                                                   "livemax",  "sum",     "livesum",    "mostrecent",    "livemostrecent"};
    ParsedName p;
    if (name.size() < 4 || name.compare(name.size() - 3, 3, ".db") != 0)
        return p;
    std::vector<std::string> parts;
    std::string part;
    for (char c : name.substr(0, name.size() - 3)) {
        if (c == '_') {
            parts.push_back(part);
            part.clear();
        } else {
            part += c;
        }
    }
    parts.push_back(part);
    if (parts.size() == 2 && (parts[0] == "counter" || parts[0] == "histogram" || parts[0] == "summary")) {
        p = {!parts[1].empty(), parts[0], "", parts[1]};
    } else if (parts.size() == 3 && parts[0] == "gauge"
               && std::find(modes.begin(), modes.end(), parts[1]) != modes.end()) {
        p = {!parts[2].empty(), "gauge", parts[1], parts[2]};
    }
    return p;
}

// Python's float(str) for the bounds the tests write: white space around,
// '_' between digits, inf/infinity/nan in any case with a sign.
double pythonFloat(std::string s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.erase(s.begin());
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.pop_back();
    std::erase(s, '_');
    std::string lower;
    for (char c : s)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    double sign = 1.0;
    std::string body = lower;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
        sign = body[0] == '-' ? -1.0 : 1.0;
        body.erase(0, 1);
    }
    if (body == "inf" || body == "infinity")
        return sign * HUGE_VAL;
    if (body == "nan")
        return std::nan("");
    char *end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    // The reference fails the whole scrape on a bound float() rejects; a
    // test that writes one has a bug.
    if (s.empty() || *end != '\0' || lower.find('x') != std::string::npos || body.starts_with("in")
        || body.starts_with("na"))
        throw std::invalid_argument("le=\"" + s + "\" is not a number to Python's float()");
    return d;
}

bool isMode(const std::string &mode, const char *plain)
{
    return mode == plain || mode == std::string("live") + plain;
}

struct RawSample
{
    std::string name;
    LabelPairs labels; // the reference's tuple: sorted key labels, then ('pid', p) for gauge files
    double value;
    double timestamp; // 0 outside gauge files
};

using SampleKey = std::pair<std::string, LabelPairs>;
using Group = OrderedDict<SampleKey, double>;

std::vector<RefSample> accumulate(const RefFamily &family, const std::vector<RawSample> &raw, bool accumulateBuckets)
{
    OrderedDict<LabelPairs, Group> groups;
    std::map<LabelPairs, std::map<std::string, double>> timestamps;
    // Per label set without le, the bounds seen (compared with ==, as a
    // dict of floats does: -0.0 and 0.0 are one bound, kept as first seen).
    OrderedDict<LabelPairs, std::vector<std::pair<double, double>>> buckets;
    const bool gauge = family.type == "gauge";
    const std::string &mode = family.mode;
    const bool dropPid = gauge
                         && (isMode(mode, "min") || isMode(mode, "max") || isMode(mode, "sum")
                             || isMode(mode, "mostrecent"));
    for (const RawSample &r : raw) {
        const LabelPairs labels = dropPid ? without(r.labels, "pid") : r.labels;
        const SampleKey key{r.name, labels};
        if (gauge) {
            if (isMode(mode, "min") || isMode(mode, "max")) {
                double &current = groups.setdefault(labels).setdefault(key, r.value);
                if (isMode(mode, "min") ? r.value < current : r.value > current)
                    current = r.value;
            } else if (isMode(mode, "sum")) {
                groups.setdefault(labels).setdefault(key, 0.0) += r.value;
            } else if (isMode(mode, "mostrecent")) {
                // The group is only created when a value wins.
                double &best = timestamps[labels].try_emplace(r.name, 0.0).first->second;
                const double t = r.timestamp == 0.0 ? 0.0 : r.timestamp;
                if (best < t) {
                    groups.setdefault(labels).setdefault(key) = r.value;
                    best = t;
                }
            } else {
                groups.setdefault(labels).setdefault(key) = r.value;
            }
        } else if (family.type == "histogram") {
            const auto le = std::find_if(labels.begin(), labels.end(), [](const auto &l) { return l.first == "le"; });
            if (le != labels.end()) {
                const double bound = pythonFloat(le->second);
                auto &bounds = buckets.setdefault(without(labels, "le"));
                auto it = std::find_if(bounds.begin(), bounds.end(), [&](const auto &b) { return b.first == bound; });
                if (it == bounds.end())
                    bounds.emplace_back(bound, 0.0 + r.value);
                else
                    it->second += r.value;
            } else {
                groups.setdefault(labels).setdefault(key, 0.0) += r.value;
            }
        } else {
            groups.setdefault(labels).setdefault(key, 0.0) += r.value;
        }
    }
    for (auto &[labels, bounds] : buckets.items()) {
        std::stable_sort(bounds.begin(), bounds.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        double total = 0.0;
        Group &group = groups.setdefault(labels);
        for (const auto &[bound, count] : bounds) {
            LabelPairs withLe = labels;
            withLe.emplace_back("le", referenceGoString(bound));
            total += count;
            group.setdefault({family.name + "_bucket", withLe}) = accumulateBuckets ? total : count;
        }
        if (accumulateBuckets)
            group.setdefault({family.name + "_count", labels}) = total;
    }
    std::vector<RefSample> out;
    for (auto &[labels, group] : groups.items())
        for (auto &[key, value] : group.items())
            out.push_back({key.first, asSortedDict(key.second), value});
    return out;
}

// Code points of valid UTF-8, with the byte range of each.
struct CodePoint
{
    std::uint32_t cp;
    std::string bytes;
};

std::vector<CodePoint> codePoints(const std::string &s)
{
    std::vector<CodePoint> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        std::uint32_t cp = n == 1 ? b : n == 2 ? (b & 0x1Fu) : n == 3 ? (b & 0x0Fu) : (b & 0x07u);
        for (std::size_t k = 1; k < n && i + k < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        out.push_back({cp, s.substr(i, n)});
        i += n;
    }
    return out;
}

bool labelRune(std::uint32_t c, std::size_t i)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9' && i > 0);
}

bool metricRune(std::uint32_t c, std::size_t i)
{
    return labelRune(c, i) || c == ':';
}

// The reference tests names with re.match(r'^...$'), and Python's '$' also
// matches just before a final newline: "abc\n" counts as a valid name.
std::string beforeFinalNewline(const std::string &s)
{
    return !s.empty() && s.back() == '\n' ? s.substr(0, s.size() - 1) : s;
}

bool matchesAll(const std::string &s, bool (*rune)(std::uint32_t, std::size_t))
{
    if (s.empty())
        return false;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (static_cast<unsigned char>(s[i]) >= 0x80 || !rune(static_cast<unsigned char>(s[i]), i))
            return false;
    return true;
}

std::string underscored(const std::string &s, bool (*rune)(std::uint32_t, std::size_t))
{
    std::string out;
    std::size_t i = 0;
    for (const CodePoint &c : codePoints(s))
        out += rune(c.cp, i++) ? c.bytes : std::string("_");
    return out;
}

// escape_metric_name with the default (underscores) escaping.
std::string metricName(const std::string &s)
{
    if (s.empty() || matchesAll(beforeFinalNewline(s), metricRune))
        return s;
    return underscored(s, metricRune);
}

// escape_label_name: a legacy label name that is not reserved (__...) stays.
// Our documented choice, not the client's: an empty label name (the client
// prints `{="v"}`, which Prometheus rejects) is written as "_", as any
// character a name cannot hold becomes '_' (docs/compatibility.md).
std::string labelName(const std::string &s)
{
    if (s.empty())
        return "_";
    const bool reserved = s.size() >= 2 && s[0] == '_' && s[1] == '_'
                          && s.find('\n') >= beforeFinalNewline(s).size();
    if (matchesAll(beforeFinalNewline(s), labelRune) && !reserved)
        return s;
    return underscored(s, labelRune);
}

std::string escaped(const std::string &s, bool quotes)
{
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quotes)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

std::string labelsText(const LabelPairs &labels)
{
    if (labels.empty())
        return {};
    std::string out = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i)
            out += ',';
        out += labelName(labels[i].first) + "=\"" + escaped(labels[i].second, true) + '"';
    }
    return out + '}';
}

bool sameValue(double a, double b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::memcmp(&a, &b, sizeof a) == 0;
}

std::string show(const RefSample &s)
{
    std::string out = s.name + labelsText(s.labels) + " " + referenceRepr(s.value);
    std::string printable;
    for (char c : out)
        printable += c == '\n' ? std::string("\\n") : std::string(1, c);
    return printable;
}

} // namespace

std::vector<RefFamily> referenceMerge(std::vector<RefFile> files, bool accumulateBuckets)
{
    std::sort(files.begin(), files.end(), [](const RefFile &a, const RefFile &b) {
        return std::lexicographical_compare(a.name.begin(), a.name.end(), b.name.begin(), b.name.end(),
                                            [](char x, char y) { return static_cast<unsigned char>(x) < static_cast<unsigned char>(y); });
    });
    struct Build
    {
        RefFamily family;
        std::vector<RawSample> raw;
    };
    OrderedDict<std::string, Build> families;
    for (const RefFile &file : files) {
        const ParsedName name = parseName(file.name);
        if (!name.valid)
            continue;
        for (const RefEntry &e : file.entries) {
            // Our documented choice: no exposition can carry an empty metric
            // or sample name, so such an entry is a problem of its file, not
            // merged (docs/compatibility.md).
            if (e.metric.empty() || e.sample.empty())
                continue;
            if (!families.contains(e.metric))
                families.setdefault(e.metric, Build{{e.metric, name.type, e.help.value_or("Multiprocess metric"), "", {}}, {}});
            Build &b = families.setdefault(e.metric);
            LabelPairs labels = asSortedDict(e.labels);
            if (name.type == "gauge") {
                b.family.mode = name.mode;
                labels.emplace_back("pid", name.pid);
            }
            b.raw.push_back({e.sample, labels, e.value, name.type == "gauge" ? e.timestamp : 0.0});
        }
    }
    std::vector<RefFamily> out;
    for (auto &[metric, b] : families.items()) {
        b.family.samples = accumulate(b.family, b.raw, accumulateBuckets);
        out.push_back(std::move(b.family));
    }
    return out;
}

std::string referenceText(std::span<const RefFamily> families)
{
    std::string out;
    for (const RefFamily &f : families) {
        const std::string shown = f.type == "counter" ? f.name + "_total" : f.name;
        out += "# HELP " + metricName(shown) + " " + escaped(f.help, false) + "\n";
        out += "# TYPE " + metricName(shown) + " " + f.type + "\n";
        // Samples of OpenMetrics-only names go into gauges of their own after
        // the family, by suffix in sorted order.
        std::map<std::string, std::string> extra;
        for (const RefSample &s : f.samples) {
            const std::string line = metricName(s.name) + labelsText(s.labels) + " " + referenceGoString(s.value) + "\n";
            bool moved = false;
            for (const char *suffix : {"_created", "_gsum", "_gcount"}) {
                if (s.name == f.name + suffix) {
                    extra[suffix] += line;
                    moved = true;
                    break;
                }
            }
            if (!moved)
                out += line;
        }
        for (const auto &[suffix, lines] : extra) {
            out += "# HELP " + metricName(f.name + suffix) + " " + escaped(f.help, false) + "\n";
            out += "# TYPE " + metricName(f.name + suffix) + " gauge\n";
            out += lines;
        }
    }
    return out;
}

std::string referenceOpenMetrics(std::span<const RefFamily> families)
{
    std::string out;
    for (const RefFamily &f : families) {
        out += "# HELP " + metricName(f.name) + " " + escaped(f.help, true) + "\n";
        out += "# TYPE " + metricName(f.name) + " " + f.type + "\n";
        // Sample names are escaped with the label-name rules, always.
        for (const RefSample &s : f.samples)
            out += underscored(s.name, labelRune) + labelsText(s.labels) + " " + referenceGoString(s.value) + "\n";
    }
    return out + "# EOF\n";
}

std::string referenceRepr(double d)
{
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d > 0 ? "inf" : "-inf";
    // The shortest digits that read back, in scientific form: [-]D[.DDD]e±XX.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const std::string sci(buf, res.ptr);
    const bool negative = sci[0] == '-';
    const std::size_t e = sci.find('e');
    std::string digits;
    for (std::size_t i = negative ? 1 : 0; i < e; ++i)
        if (sci[i] != '.')
            digits += sci[i];
    const int exponent = std::atoi(sci.c_str() + e + 1);
    std::string out = negative ? "-" : "";
    // repr switches to an exponent when the decimal point would be more than
    // 16 places right of the first digit or 4 or more left of it.
    if (exponent < -4 || exponent >= 16) {
        out += digits.substr(0, 1);
        if (digits.size() > 1)
            out += "." + digits.substr(1);
        char ex[16];
        std::snprintf(ex, sizeof ex, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        return out + ex;
    }
    const int point = exponent + 1; // digits before the decimal point
    if (point <= 0)
        return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
    if (static_cast<std::size_t>(point) >= digits.size())
        return out + digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0') + ".0";
    return out + digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
}

std::string referenceGoString(double d)
{
    if (std::isnan(d))
        return "NaN";
    if (std::isinf(d))
        return d > 0 ? "+Inf" : "-Inf";
    const std::string s = referenceRepr(d);
    const std::size_t dot = s.find('.');
    // Go writes an exponent sooner than Python: from a point at index 7 on.
    if (d > 0 && dot != std::string::npos && dot > 6) {
        std::string mantissa = s.substr(0, 1) + "." + s.substr(1, dot - 1) + s.substr(dot + 1);
        while (!mantissa.empty() && (mantissa.back() == '0' || mantissa.back() == '.'))
            mantissa.pop_back();
        char ex[16];
        std::snprintf(ex, sizeof ex, "e+%02d", static_cast<int>(dot) - 1);
        return mantissa + ex;
    }
    return s;
}

RefFile refFileOf(const ParsedFile &file)
{
    RefFile out{file.name, {}};
    for (const Entry &e : file.entries) {
        const Key &k = *e.key;
        out.entries.push_back({k.metric, k.sample, {k.labels.begin(), k.labels.end()},
                               k.hasHelp ? std::optional<std::string>(k.help) : std::nullopt, e.value, e.timestamp});
    }
    return out;
}

std::vector<RefFamily> refFamiliesOf(std::span<const MetricFamily> families)
{
    std::vector<RefFamily> out;
    for (const MetricFamily &f : families) {
        RefFamily r{f.name, std::string(toString(f.type)), f.help,
                    f.type == MetricType::Gauge ? std::string(toString(f.mode)) : std::string(), {}};
        for (const Sample &s : f.samples)
            r.samples.push_back({s.name, {s.labels.begin(), s.labels.end()}, s.value});
        out.push_back(std::move(r));
    }
    return out;
}

std::string firstDifference(std::span<const RefFamily> expected, std::span<const RefFamily> actual)
{
    std::ostringstream d;
    const std::size_t n = std::min(expected.size(), actual.size());
    for (std::size_t i = 0; i < n; ++i) {
        const RefFamily &e = expected[i], &a = actual[i];
        const std::string where = "family " + std::to_string(i) + " (" + e.name + ")";
        if (e.name != a.name || e.type != a.type || e.help != a.help)
            return where + ": expected " + e.name + " " + e.type + " help '" + e.help + "', got " + a.name + " "
                   + a.type + " help '" + a.help + "'";
        if (e.type == "gauge" && e.mode != a.mode)
            return where + ": expected mode " + e.mode + ", got " + a.mode;
        const std::size_t m = std::min(e.samples.size(), a.samples.size());
        for (std::size_t j = 0; j < m; ++j) {
            const RefSample &es = e.samples[j], &as = a.samples[j];
            if (es.name != as.name || es.labels != as.labels || !sameValue(es.value, as.value))
                return where + " sample " + std::to_string(j) + ": expected " + show(es) + ", got " + show(as);
        }
        if (e.samples.size() != a.samples.size())
            return where + ": expected " + std::to_string(e.samples.size()) + " samples, got "
                   + std::to_string(a.samples.size()) + "; the first extra: "
                   + show(e.samples.size() > m ? e.samples[m] : a.samples[m]);
    }
    if (expected.size() != actual.size())
        return "expected " + std::to_string(expected.size()) + " families, got " + std::to_string(actual.size())
               + "; the first extra: " + (expected.size() > n ? expected[n].name : actual[n].name);
    return {};
}

std::string firstLineDifference(const std::string &expected, const std::string &actual)
{
    if (expected == actual)
        return {};
    std::istringstream e(expected), a(actual);
    std::string le, la;
    for (int line = 1;; ++line) {
        const bool he = static_cast<bool>(std::getline(e, le));
        const bool ha = static_cast<bool>(std::getline(a, la));
        if (!he && !ha)
            return "the texts differ only in their final newline";
        if (!he || !ha || le != la)
            return "line " + std::to_string(line) + ": expected '" + (he ? le : std::string("<end>")) + "', got '"
                   + (ha ? la : std::string("<end>")) + "'";
    }
}

} // namespace promdir::test
