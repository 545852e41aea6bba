#include "promdir/diagnostics/diff.h"

#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

namespace promdir {

std::string_view toString(DiffEntry::Kind kind)
{
    switch (kind) {
    case DiffEntry::Kind::FamilyAdded: return "family-added";
    case DiffEntry::Kind::FamilyRemoved: return "family-removed";
    case DiffEntry::Kind::TypeChanged: return "type-changed";
    case DiffEntry::Kind::HelpChanged: return "help-changed";
    case DiffEntry::Kind::SeriesAdded: return "series-added";
    case DiffEntry::Kind::SeriesRemoved: return "series-removed";
    case DiffEntry::Kind::ValueChanged: return "value-changed";
    }
    return "";
}

namespace {

std::string seriesKey(const Sample &s)
{
    std::string k = std::to_string(s.name.size()) + ':' + s.name;
    for (const auto &[n, v] : s.labels)
        k += std::to_string(n.size()) + ':' + n + std::to_string(v.size()) + ':' + v;
    return k;
}

bool sameValue(double a, double b)
{
    if (std::isnan(a) && std::isnan(b))
        return true;
    return a == b && std::signbit(a) == std::signbit(b);
}

DiffEntry familyEntry(DiffEntry::Kind kind, const MetricFamily &f)
{
    DiffEntry e;
    e.kind = kind;
    e.family = f.name;
    return e;
}

DiffEntry seriesEntry(DiffEntry::Kind kind, const MetricFamily &f, const Sample &s)
{
    DiffEntry e = familyEntry(kind, f);
    e.sample = s.name;
    e.labels = s.labels;
    (kind == DiffEntry::Kind::SeriesRemoved ? e.before : e.after) = s.value;
    return e;
}

// A family present on one side only: the family, then each of its series.
void wholeFamily(std::vector<DiffEntry> &out, DiffEntry::Kind familyKind, DiffEntry::Kind seriesKind,
                 const MetricFamily &f)
{
    out.push_back(familyEntry(familyKind, f));
    for (const auto &s : f.samples)
        out.push_back(seriesEntry(seriesKind, f, s));
}

// A family on both sides: its type and help, then its series in b's order,
// then the series b no longer has in a's order.
void changedFamily(std::vector<DiffEntry> &out, const MetricFamily &fa, const MetricFamily &fb)
{
    if (fa.type != fb.type) {
        DiffEntry e = familyEntry(DiffEntry::Kind::TypeChanged, fb);
        e.beforeText = std::string(toString(fa.type));
        e.afterText = std::string(toString(fb.type));
        out.push_back(std::move(e));
    }
    if (fa.help != fb.help) {
        DiffEntry e = familyEntry(DiffEntry::Kind::HelpChanged, fb);
        e.beforeText = fa.help;
        e.afterText = fb.help;
        out.push_back(std::move(e));
    }
    std::unordered_map<std::string, const Sample *> samplesA;
    for (const auto &s : fa.samples)
        samplesA.emplace(seriesKey(s), &s);
    std::unordered_map<std::string, bool> seen;
    for (const auto &s : fb.samples) {
        const std::string key = seriesKey(s);
        seen[key] = true;
        const auto sa = samplesA.find(key);
        if (sa == samplesA.end()) {
            out.push_back(seriesEntry(DiffEntry::Kind::SeriesAdded, fb, s));
        } else if (!sameValue(sa->second->value, s.value)) {
            DiffEntry e = seriesEntry(DiffEntry::Kind::ValueChanged, fb, s);
            e.before = sa->second->value;
            out.push_back(std::move(e));
        }
    }
    for (const auto &s : fa.samples)
        if (!seen.count(seriesKey(s)))
            out.push_back(seriesEntry(DiffEntry::Kind::SeriesRemoved, fa, s));
}

} // namespace

std::vector<DiffEntry> diffFamilies(std::span<const MetricFamily> a, std::span<const MetricFamily> b)
{
    std::vector<DiffEntry> out;
    std::unordered_map<std::string, const MetricFamily *> inA, inB;
    for (const auto &f : a)
        inA.emplace(f.name, &f);
    for (const auto &f : b)
        inB.emplace(f.name, &f);
    for (const auto &fb : b) {
        if (const auto it = inA.find(fb.name); it != inA.end())
            changedFamily(out, *it->second, fb);
        else
            wholeFamily(out, DiffEntry::Kind::FamilyAdded, DiffEntry::Kind::SeriesAdded, fb);
    }
    for (const auto &fa : a)
        if (!inB.count(fa.name))
            wholeFamily(out, DiffEntry::Kind::FamilyRemoved, DiffEntry::Kind::SeriesRemoved, fa);
    return out;
}

} // namespace promdir
