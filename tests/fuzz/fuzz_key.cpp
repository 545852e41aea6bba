// Key text -> json::parse and parseKey. What is checked beyond not
// crashing: every string the parser returns comes back unchanged through
// the Python-exact encoder, and a parsed key re-encoded with encodeKey
// parses to the same key, whose encoding is then a fixed point (the
// writer relies on both to write keys the reader and Python agree on).
#include "fuzzcheck.h"

#include "promdir/format/json.h"
#include "promdir/format/key.h"

using namespace promdir;

namespace {

// Recursion is bounded by the parser's own nesting limit.
void checkStrings(const json::Value &v)
{
    if (v.isString()) {
        const std::string encoded = json::pythonString(v.str());
        const auto back = json::parse(encoded);
        FUZZ_CHECK(back && back->isString());
        FUZZ_CHECK(back->str() == v.str());
    } else if (v.isArray()) {
        for (const json::Value &e : v.array())
            checkStrings(e);
    } else if (v.isObject()) {
        for (const auto &[name, e] : v.object()) {
            const auto back = json::parse(json::pythonString(name));
            FUZZ_CHECK(back && back->isString() && back->str() == name);
            checkStrings(e);
        }
    }
}

void checkLabels(const Labels &labels)
{
    for (std::size_t i = 1; i < labels.size(); ++i)
        FUZZ_CHECK(labels[i - 1].first < labels[i].first);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text = fuzz::bytesOf(data, size);
    (void)json::findInvalidUtf8(text);

    const auto parsed = json::parse(text);
    if (parsed)
        checkStrings(*parsed);
    else
        FUZZ_CHECK(parsed.error().offset <= text.size() && !parsed.error().message.empty());

    const auto key = parseKey(text);
    if (!key) {
        FUZZ_CHECK(!key.error().message.empty());
        FUZZ_CHECK(key.error().offset <= text.size());
        // Only JSON that is no key array is a shape problem.
        FUZZ_CHECK((key.error().kind == ProblemKind::BadJson) == !parsed);
        return 0;
    }
    FUZZ_CHECK(parsed.ok());
    const Key &k = *key;
    FUZZ_CHECK(k.raw == text);
    FUZZ_CHECK(k.shape >= 1 && k.shape <= 3);
    FUZZ_CHECK(k.hasHelp == (k.shape == 3));
    FUZZ_CHECK(k.hasHelp || k.help.empty());
    checkLabels(k.labels);

    const std::string encoded = encodeKey(k.metric, k.sample, k.labels, k.help);
    const auto again = parseKey(encoded);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->shape == 3);
    FUZZ_CHECK(again->metric == k.metric);
    FUZZ_CHECK(again->sample == k.sample);
    FUZZ_CHECK(again->labels == k.labels);
    FUZZ_CHECK(again->help == k.help);
    FUZZ_CHECK(encodeKey(again->metric, again->sample, again->labels, again->help) == encoded);
    return 0;
}
