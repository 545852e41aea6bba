#include "promdir/format/key.h"

#include "promdir/format/json.h"

#include <algorithm>

namespace promdir {

Labels normaliseLabels(Labels labels)
{
    // Usually already so (keys are written sorted): nothing to do.
    if (std::adjacent_find(labels.begin(), labels.end(),
                           [](const auto &a, const auto &b) { return !(a.first < b.first); }) == labels.end())
        return labels;
    std::stable_sort(labels.begin(), labels.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    Labels out;
    out.reserve(labels.size());
    for (auto &l : labels) {
        if (!out.empty() && out.back().first == l.first)
            out.back().second = std::move(l.second);
        else
            out.push_back(std::move(l));
    }
    return out;
}

namespace {

KeyParseResult shapeError(std::string msg)
{
    KeyParseResult r;
    r.kind = ProblemKind::BadKeyShape;
    r.error = std::move(msg);
    return r;
}

} // namespace

KeyParseResult parseKey(std::string_view text)
{
    auto parsed = json::parse(text);
    if (!parsed.ok) {
        KeyParseResult r;
        r.kind = ProblemKind::BadJson;
        r.errorOffset = parsed.errorOffset;
        r.error = "key is not JSON: " + parsed.error;
        return r;
    }
    if (!parsed.value.isArray())
        return shapeError("key is not a JSON array");
    const auto &a = parsed.value.array();
    if (a.size() != 3 && a.size() != 4)
        return shapeError("key array has " + std::to_string(a.size()) + " elements, expected 3 or 4");
    if (!a[0].isString() || !a[1].isString())
        return shapeError("metric and sample names in the key are not strings");

    KeyParseResult r;
    Key &k = r.key;
    k.metric = a[0].str();
    k.sample = a[1].str();
    Labels labels;
    if (a.size() == 4 && a[2].isArray()) {
        // Generation 1: [metric, sample, [names], [values]].
        if (!a[3].isArray())
            return shapeError("label values of the key are not an array");
        const auto &names = a[2].array();
        const auto &values = a[3].array();
        if (names.size() != values.size())
            return shapeError("key has " + std::to_string(names.size()) + " label names but "
                              + std::to_string(values.size()) + " values");
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (!names[i].isString() || !values[i].isString())
                return shapeError("label names and values in the key must be strings");
            labels.emplace_back(names[i].str(), values[i].str());
        }
        k.shape = 1;
    } else {
        if (!a[2].isObject())
            return shapeError("labels in the key are not a JSON object");
        for (const auto &[name, value] : a[2].object()) {
            if (!value.isString())
                return shapeError("value of label '" + name + "' in the key is not a string");
            labels.emplace_back(name, value.str());
        }
        if (a.size() == 4) {
            if (!a[3].isString())
                return shapeError("help text in the key is not a string");
            k.help = a[3].str();
            k.hasHelp = true;
            k.shape = 3;
        } else {
            k.shape = 2;
        }
    }
    k.labels = normaliseLabels(std::move(labels));
    k.raw = std::string(text);
    r.ok = true;
    return r;
}

std::string encodeKey(std::string_view metric, std::string_view sample, const Labels &labels,
                      std::string_view help)
{
    const Labels sorted = normaliseLabels(labels);
    std::string out;
    out.reserve(32 + metric.size() + sample.size() + help.size() + sorted.size() * 24);
    out += '[';
    json::appendPythonString(out, metric);
    out += ", ";
    json::appendPythonString(out, sample);
    out += ", {";
    bool first = true;
    for (const auto &[name, value] : sorted) {
        if (!first)
            out += ", ";
        first = false;
        json::appendPythonString(out, name);
        out += ": ";
        json::appendPythonString(out, value);
    }
    out += "}, ";
    json::appendPythonString(out, help);
    out += ']';
    return out;
}

} // namespace promdir
