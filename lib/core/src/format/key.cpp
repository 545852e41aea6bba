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

Problem shapeError(ProblemCode why, std::vector<Phrase> args = {})
{
    return makeProblem({}, 0, ProblemKind::BadKeyShape, why, std::move(args));
}

} // namespace

Result<Key, Problem> parseKey(std::string_view text)
{
    const auto parsed = json::parse(text);
    if (!parsed) {
        const Problem &why = parsed.error();
        return makeProblem({}, why.offset, ProblemKind::BadJson, ProblemCode::KeyNotJson,
                           {Phrase(why.code, why.args)});
    }
    if (!parsed->isArray())
        return shapeError(ProblemCode::KeyNotArray);
    const auto &a = parsed->array();
    if (a.size() != 3 && a.size() != 4)
        return shapeError(ProblemCode::KeyWrongLength, {a.size()});
    if (!a[0].isString() || !a[1].isString())
        return shapeError(ProblemCode::KeyNamesNotStrings);

    Key k;
    k.metric = a[0].str();
    k.sample = a[1].str();
    Labels labels;
    if (a.size() == 4 && a[2].isArray()) {
        // Generation 1: [metric, sample, [names], [values]].
        if (!a[3].isArray())
            return shapeError(ProblemCode::KeyLabelValuesNotArray);
        const auto &names = a[2].array();
        const auto &values = a[3].array();
        if (names.size() != values.size())
            return shapeError(ProblemCode::KeyLabelCountMismatch, {names.size(), values.size()});
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (!names[i].isString() || !values[i].isString())
                return shapeError(ProblemCode::KeyLabelsNotStrings);
            labels.emplace_back(names[i].str(), values[i].str());
        }
        k.shape = 1;
    } else {
        if (!a[2].isObject())
            return shapeError(ProblemCode::KeyLabelsNotObject);
        for (const auto &[name, value] : a[2].object()) {
            if (!value.isString())
                return shapeError(ProblemCode::KeyLabelValueNotString, {name});
            labels.emplace_back(name, value.str());
        }
        if (a.size() == 4) {
            if (!a[3].isString())
                return shapeError(ProblemCode::KeyHelpNotString);
            k.help = a[3].str();
            k.hasHelp = true;
            k.shape = 3;
        } else {
            k.shape = 2;
        }
    }
    k.labels = normaliseLabels(std::move(labels));
    k.raw = std::string(text);
    return k;
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
