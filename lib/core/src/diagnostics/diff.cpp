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

} // namespace

std::vector<DiffEntry> diffFamilies(std::span<const MetricFamily> a, std::span<const MetricFamily> b)
{
    std::vector<DiffEntry> out;
    std::unordered_map<std::string, const MetricFamily *> inA, inB;
    for (const auto &f : a)
        inA.emplace(f.name, &f);
    for (const auto &f : b)
        inB.emplace(f.name, &f);

    auto entry = [](DiffEntry::Kind k, const MetricFamily &f) {
        DiffEntry e;
        e.kind = k;
        e.family = f.name;
        return e;
    };
    for (const auto &fb : b) {
        auto it = inA.find(fb.name);
        if (it == inA.end()) {
            out.push_back(entry(DiffEntry::Kind::FamilyAdded, fb));
            for (const auto &s : fb.samples) {
                DiffEntry e = entry(DiffEntry::Kind::SeriesAdded, fb);
                e.sample = s.name;
                e.labels = s.labels;
                e.after = s.value;
                out.push_back(std::move(e));
            }
            continue;
        }
        const MetricFamily &fa = *it->second;
        if (fa.type != fb.type) {
            DiffEntry e = entry(DiffEntry::Kind::TypeChanged, fb);
            e.beforeText = std::string(toString(fa.type));
            e.afterText = std::string(toString(fb.type));
            out.push_back(std::move(e));
        }
        if (fa.help != fb.help) {
            DiffEntry e = entry(DiffEntry::Kind::HelpChanged, fb);
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
            auto sa = samplesA.find(key);
            DiffEntry e = entry(DiffEntry::Kind::SeriesAdded, fb);
            e.sample = s.name;
            e.labels = s.labels;
            e.after = s.value;
            if (sa == samplesA.end()) {
                out.push_back(std::move(e));
            } else if (!sameValue(sa->second->value, s.value)) {
                e.kind = DiffEntry::Kind::ValueChanged;
                e.before = sa->second->value;
                out.push_back(std::move(e));
            }
        }
        for (const auto &s : fa.samples) {
            if (seen.count(seriesKey(s)))
                continue;
            DiffEntry e = entry(DiffEntry::Kind::SeriesRemoved, fa);
            e.sample = s.name;
            e.labels = s.labels;
            e.before = s.value;
            out.push_back(std::move(e));
        }
    }
    for (const auto &fa : a) {
        if (inB.count(fa.name))
            continue;
        out.push_back(entry(DiffEntry::Kind::FamilyRemoved, fa));
        for (const auto &s : fa.samples) {
            DiffEntry e = entry(DiffEntry::Kind::SeriesRemoved, fa);
            e.sample = s.name;
            e.labels = s.labels;
            e.before = s.value;
            out.push_back(std::move(e));
        }
    }
    return out;
}

} // namespace promdir
