#include "promdir/render/render.h"

#include "promdir/format/floatformat.h"
#include "support/keptthreads_p.h"
#include "format/unicodeprintable_p.h"
#include "format/utf8_p.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace promdir {

namespace {

// The next code point; a byte that is not UTF-8 counts as one of its own
// (format/utf8_p.h).
std::uint32_t nextCodePoint(std::string_view s, std::size_t &i, std::size_t &len)
{
    const utf8::Decoded d = utf8::decodeEscaped(s, i);
    len = d.length;
    i += len;
    return d.codePoint;
}

bool isLabelRune(std::uint32_t c, std::size_t index)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9' && index > 0);
}

bool isMetricRune(std::uint32_t c, std::size_t index)
{
    return isLabelRune(c, index) || c == ':';
}

template<typename Valid>
bool allValid(std::string_view s, Valid valid)
{
    if (s.empty())
        return false;
    // Names are nearly always ASCII: one byte is one code point.
    std::size_t ascii = 0;
    while (ascii < s.size() && static_cast<unsigned char>(s[ascii]) < 0x80) {
        if (!valid(static_cast<unsigned char>(s[ascii]), ascii))
            return false;
        ++ascii;
    }
    if (ascii == s.size())
        return true;
    std::size_t i = 0, index = 0, len = 0;
    while (i < s.size())
        if (!valid(nextCodePoint(s, i, len), index++))
            return false;
    return true;
}

enum class NameKind { Metric, Label };

using RuneCheck = bool (*)(std::uint32_t, std::size_t);

// The client's _is_valid_legacy_metric_name / _is_valid_legacy_labelname
// (label names starting with "__" are reserved, so not legacy). Stricter
// than the client's regular expressions, whose '$' also matches before a
// final newline (docs/compatibility.md).
bool isLegacyName(std::string_view s, NameKind kind)
{
    if (kind == NameKind::Metric)
        return allValid(s, isMetricRune);
    return allValid(s, isLabelRune) && !s.starts_with("__");
}

// The client's _escape for the three schemes that rewrite names, code point
// by code point (`valid`: which runes stay).
void appendRewritten(std::string &out, std::string_view s, NameEscaping escaping, RuneCheck valid)
{
    if (escaping == NameEscaping::Values)
        out += "U__";
    std::size_t i = 0, index = 0, len = 0;
    while (i < s.size()) {
        const std::size_t at = i;
        const std::uint32_t c = nextCodePoint(s, i, len);
        const bool keep = valid(c, index++);
        if (escaping == NameEscaping::Underscores) {
            if (keep)
                out.append(s.substr(at, len));
            else
                out += '_';
        } else if (c == '_') {
            out += "__";
        } else if (c == '.' && escaping == NameEscaping::Dots) {
            out += "_dot_";
        } else if (keep) {
            out.append(s.substr(at, len));
        } else if (escaping == NameEscaping::Dots) {
            out += "__";
        } else if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) {
            out += "_FFFD_";
        } else {
            char hex[16];
            std::snprintf(hex, sizeof hex, "_%x_", c);
            out += hex;
        }
    }
}

void appendEscaped(std::string &out, std::string_view s, bool quotes);

// The client's _escape(s, escaping, valid): allow-utf-8 only backslash-
// escapes what a quoted string needs.
void appendEscapedName(std::string &out, std::string_view s, NameEscaping escaping, RuneCheck valid)
{
    if (escaping == NameEscaping::AllowUtf8)
        appendEscaped(out, s, true);
    else
        appendRewritten(out, s, escaping, valid);
}

// The client's escape_metric_name / escape_label_name, but for an empty
// label name: the client writes it empty (`g{="v"}`), which Prometheus
// rejects; it is written "_" in every scheme, as underscores escaping writes
// whatever a name cannot hold (docs/compatibility.md). An empty metric name
// never gets here from a directory: the reader refuses its entry.
void appendName(std::string &out, std::string_view s, NameKind kind, NameEscaping escaping)
{
    const RuneCheck valid = kind == NameKind::Metric ? isMetricRune : isLabelRune;
    if (s.empty() && kind == NameKind::Label) {
        out += '_';
    } else if (s.empty() || (escaping != NameEscaping::Dots && isLegacyName(s, kind))) {
        out.append(s);
    } else if (escaping == NameEscaping::AllowUtf8) {
        out += '"';
        appendEscaped(out, s, true);
        out += '"';
    } else {
        appendRewritten(out, s, escaping, valid);
    }
}

void appendEscaped(std::string &out, std::string_view s, bool quotes)
{
    const std::string_view specials = quotes ? std::string_view("\\\n\"") : std::string_view("\\\n");
    for (;;) {
        const std::size_t at = s.find_first_of(specials);
        out.append(s.substr(0, at));
        if (at == std::string_view::npos)
            return;
        out += s[at] == '\n' ? std::string_view("\\n") : s[at] == '"' ? std::string_view("\\\"") : std::string_view("\\\\");
        s.remove_prefix(at + 1);
    }
}

bool keep(const RenderOptions &options, const std::string &sampleName)
{
    return options.names.empty()
           || std::find(options.names.begin(), options.names.end(), sampleName) != options.names.end();
}

// The labels without braces: k="v",... (label values always keep UTF-8).
void appendLabelPairs(std::string &out, const Labels &labels, NameEscaping escaping)
{
    bool first = true;
    for (const auto &[k, v] : labels) {
        if (!first)
            out += ',';
        first = false;
        appendName(out, k, NameKind::Label, escaping);
        out += "=\"";
        appendEscaped(out, v, true);
        out += '"';
    }
}

// A sample's name and labels. A name that is not legacy under allow-utf-8
// goes quoted inside the braces: {"my.gauge","lbl.x"="y"}. Otherwise
// `appendSampleName` writes the name: the text format escapes it as a
// metric name, OpenMetrics (the client's quirk) with the label-name runes
// and whether or not it is legacy, so ':' becomes '_' there.
template<typename AppendSampleName>
void appendSeries(std::string &out, const Sample &s, NameEscaping escaping, AppendSampleName appendSampleName)
{
    if (escaping == NameEscaping::AllowUtf8 && !isLegacyName(s.name, NameKind::Metric)) {
        out += '{';
        appendName(out, s.name, NameKind::Metric, escaping);
        if (!s.labels.empty())
            out += ',';
    } else {
        appendSampleName(out, s.name);
        if (s.labels.empty())
            return;
        out += '{';
    }
    appendLabelPairs(out, s.labels, escaping);
    out += '}';
}

void appendHelpType(std::string &out, std::string_view name, std::string_view help, std::string_view type,
                    bool om, NameEscaping escaping)
{
    out += "# HELP ";
    appendName(out, name, NameKind::Metric, escaping);
    out += ' ';
    appendEscaped(out, help, om);
    out += "\n# TYPE ";
    appendName(out, name, NameKind::Metric, escaping);
    out += ' ';
    out += type;
    out += '\n';
}

void renderTextFamily(std::string &out, const MetricFamily &fam, const std::vector<const Sample *> &samples,
                      NameEscaping escaping)
{
    const std::string mname = fam.type == MetricType::Counter ? fam.name + "_total" : fam.name;
    appendHelpType(out, mname, fam.help, toString(fam.type), false, escaping);
    const auto appendSampleName = [escaping](std::string &o, std::string_view name) {
        appendName(o, name, NameKind::Metric, escaping);
    };
    // OpenMetrics-only samples go into gauges of their own, after the family.
    std::vector<std::pair<std::string, std::string>> extra; // suffix, lines
    const char *const suffixes[] = {"_created", "_gsum", "_gcount"};
    const std::string specialNames[] = {fam.name + suffixes[0], fam.name + suffixes[1], fam.name + suffixes[2]};
    std::string line;
    for (const Sample *s : samples) {
        line.clear();
        appendSeries(line, *s, escaping, appendSampleName);
        line += ' ';
        line += floatToGoString(s->value);
        line += '\n';
        bool special = false;
        for (int k = 0; k < 3; ++k) {
            const char *suffix = suffixes[k];
            if (s->name == specialNames[k]) {
                auto it = std::find_if(extra.begin(), extra.end(), [&](const auto &e) { return e.first == suffix; });
                if (it == extra.end())
                    extra.emplace_back(suffix, line);
                else
                    it->second += line;
                special = true;
                break;
            }
        }
        if (!special)
            out += line;
    }
    std::sort(extra.begin(), extra.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &[suffix, lines] : extra) {
        appendHelpType(out, fam.name + suffix, fam.help, "gauge", false, escaping);
        out += lines;
    }
}

void renderOpenMetricsFamily(std::string &out, const MetricFamily &fam, const std::vector<const Sample *> &samples,
                             NameEscaping escaping)
{
    appendHelpType(out, fam.name, fam.help, toString(fam.type), true, escaping);
    const auto appendSampleName = [escaping](std::string &o, std::string_view name) {
        appendEscapedName(o, name, escaping, isLabelRune);
    };
    for (const Sample *s : samples) {
        appendSeries(out, *s, escaping, appendSampleName);
        out += ' ';
        out += floatToGoString(s->value);
        out += '\n';
    }
}

// Python's repr(str) for the sample table: what str.isprintable() says.
bool isPrintable(std::uint32_t c)
{
    const auto *end = std::end(detail::kNotPrintable);
    const auto *it = std::upper_bound(std::begin(detail::kNotPrintable), end, c,
                                      [](std::uint32_t v, const detail::CodePointRange &r) { return v < r.first; });
    return it == std::begin(detail::kNotPrintable) || c > std::prev(it)->last;
}

void appendPyRepr(std::string &out, std::string_view s)
{
    const bool hasSingle = s.find('\'') != std::string_view::npos;
    const bool hasDouble = s.find('"') != std::string_view::npos;
    const char quote = hasSingle && !hasDouble ? '"' : '\'';
    out += quote;
    std::size_t i = 0, len = 0;
    while (i < s.size()) {
        const std::size_t at = i;
        const std::uint32_t c = nextCodePoint(s, i, len);
        char buf[16];
        if (c == static_cast<std::uint32_t>(quote) || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (isPrintable(c)) {
            out.append(s.substr(at, len));
        } else {
            if (c <= 0xFF)
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
            else if (c <= 0xFFFF)
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
            else
                std::snprintf(buf, sizeof buf, "\\U%08x", c);
            out += buf;
        }
    }
    out += quote;
}

// The exposition of `families` (without the OpenMetrics end), appended to
// `out`.
void renderFamilies(std::string &out, std::span<const MetricFamily> families, const RenderOptions &options)
{
    std::vector<const Sample *> samples;
    for (const MetricFamily &fam : families) {
        samples.clear();
        for (const Sample &s : fam.samples)
            if (keep(options, s.name))
                samples.push_back(&s);
        if (samples.empty() && !options.names.empty())
            continue;
        if (options.format == Format::OpenMetrics)
            renderOpenMetricsFamily(out, fam, samples, options.escaping);
        else
            renderTextFamily(out, fam, samples, options.escaping);
    }
}

// From how many samples an exposition is rendered in two halves at once.
constexpr std::size_t kRenderInTwo = 1000;

} // namespace

std::string_view toString(NameEscaping escaping)
{
    switch (escaping) {
    case NameEscaping::AllowUtf8:
        return "allow-utf-8";
    case NameEscaping::Underscores:
        return "underscores";
    case NameEscaping::Dots:
        return "dots";
    case NameEscaping::Values:
        return "values";
    }
    return "underscores";
}

std::optional<NameEscaping> nameEscapingFromString(std::string_view name)
{
    for (const NameEscaping e : {NameEscaping::AllowUtf8, NameEscaping::Underscores, NameEscaping::Dots, NameEscaping::Values})
        if (toString(e) == name)
            return e;
    return std::nullopt;
}

std::string render(std::span<const MetricFamily> families, const RenderOptions &options)
{
    // A big exposition is rendered in two halves at once when a second core
    // is idle.
    std::size_t total = 0;
    for (const MetricFamily &fam : families)
        total += fam.samples.size();
    std::string out;
    if (total >= kRenderInTwo && families.size() > 1) {
        // Where the two halves are the most even.
        std::size_t split = 1, before = 0, best = total;
        for (std::size_t i = 0; i + 1 < families.size(); ++i) {
            before += families[i].samples.size();
            const std::size_t uneven = before > total - before ? 2 * before - total : total - 2 * before;
            if (uneven < best) {
                best = uneven;
                split = i + 1;
            }
        }
        std::string second;
        detail::runBesideIfIdle([&] { renderFamilies(out, families.first(split), options); },
                                [&] { renderFamilies(second, families.subspan(split), options); });
        out += second;
    } else {
        renderFamilies(out, families, options);
    }
    if (options.format == Format::OpenMetrics)
        out += "# EOF\n";
    return out;
}

std::string renderSampleTable(std::span<const MetricFamily> families)
{
    std::string out;
    for (const MetricFamily &fam : families) {
        for (const Sample &s : fam.samples) {
            out += fam.name;
            out += '\t';
            out += toString(fam.type);
            out += '\t';
            out += s.name;
            out += "\t[";
            bool first = true;
            for (const auto &[k, v] : s.labels) {
                if (!first)
                    out += ", ";
                first = false;
                out += '(';
                appendPyRepr(out, k);
                out += ", ";
                appendPyRepr(out, v);
                out += ')';
            }
            out += "]\t";
            out += pythonRepr(s.value);
            out += '\n';
        }
    }
    return out;
}

} // namespace promdir
