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
        const json::ParseResult back = json::parse(encoded);
        FUZZ_CHECK(back.ok && back.value.isString());
        FUZZ_CHECK(back.value.str() == v.str());
    } else if (v.isArray()) {
        for (const json::Value &e : v.array())
            checkStrings(e);
    } else if (v.isObject()) {
        for (const auto &[name, e] : v.object()) {
            const json::ParseResult back = json::parse(json::pythonString(name));
            FUZZ_CHECK(back.ok && back.value.isString() && back.value.str() == name);
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

    const json::ParseResult parsed = json::parse(text);
    if (parsed.ok)
        checkStrings(parsed.value);
    else
        FUZZ_CHECK(parsed.errorOffset <= text.size() && !parsed.error.empty());

    const KeyParseResult key = parseKey(text);
    if (!key.ok) {
        FUZZ_CHECK(!key.error.empty());
        FUZZ_CHECK(key.errorOffset <= text.size());
        // Only JSON that is no key array is a shape problem.
        FUZZ_CHECK((key.kind == ProblemKind::BadJson) == !parsed.ok);
        return 0;
    }
    FUZZ_CHECK(parsed.ok);
    const Key &k = key.key;
    FUZZ_CHECK(k.raw == text);
    FUZZ_CHECK(k.shape >= 1 && k.shape <= 3);
    FUZZ_CHECK(k.hasHelp == (k.shape == 3));
    FUZZ_CHECK(k.hasHelp || k.help.empty());
    checkLabels(k.labels);

    const std::string encoded = encodeKey(k.metric, k.sample, k.labels, k.help);
    const KeyParseResult again = parseKey(encoded);
    FUZZ_CHECK(again.ok);
    FUZZ_CHECK(again.key.shape == 3);
    FUZZ_CHECK(again.key.metric == k.metric);
    FUZZ_CHECK(again.key.sample == k.sample);
    FUZZ_CHECK(again.key.labels == k.labels);
    FUZZ_CHECK(again.key.help == k.help);
    FUZZ_CHECK(encodeKey(again.key.metric, again.key.sample, again.key.labels, again.key.help) == encoded);
    return 0;
}
