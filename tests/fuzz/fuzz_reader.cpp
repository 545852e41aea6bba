// One or more .db files' bytes -> reader -> merge -> text 0.0.4 and
// OpenMetrics. Input: files separated by kFileSeparator; each starts with
// one selector byte:
//   bits 0-3  the name's kind (kKinds, modulo its size): counter,
//             histogram, summary, the ten gauge modes, or a foreign name
//   bit 4     merge with accumulate=false (raw buckets, no _count)
// File i is named <kind>_<i+1>.db, so several files of one kind are
// several processes, which is what the gauge modes and the histogram
// merge need. tests/fuzz/make-seeds writes the fixtures in this form.
#include "fuzzcheck.h"

#include "promdir/merge/merge.h"
#include "promdir/read/reader.h"
#include "promdir/render/render.h"

#include <bit>
#include <cstring>

using namespace promdir;

namespace {

constexpr std::string_view kFileSeparator = "\n--promdir-fuzz-next-file--\n";
constexpr std::size_t kMaxFiles = 8;

constexpr std::string_view kKinds[] = {
    "counter",        "histogram",     "summary",         "gauge_all",     "gauge_liveall",
    "gauge_min",      "gauge_livemin", "gauge_max",       "gauge_livemax", "gauge_sum",
    "gauge_livesum",  "gauge_mostrecent", "gauge_livemostrecent",
    "foreign", // not of the reference's form: read, then skipped by the merge
};

struct Input
{
    std::string name;
    std::string_view bytes;
};

std::vector<Input> split(std::string_view data, bool &raw)
{
    std::vector<Input> files;
    raw = false;
    std::size_t index = 0;
    while (!data.empty() && files.size() < kMaxFiles) {
        const std::size_t end = data.find(kFileSeparator);
        std::string_view part = data.substr(0, end);
        data = end == std::string_view::npos ? std::string_view() : data.substr(end + kFileSeparator.size());
        if (part.empty())
            continue;
        const auto selector = static_cast<unsigned char>(part.front());
        part.remove_prefix(1);
        if (index == 0)
            raw = selector & 0x10;
        files.push_back({std::string(kKinds[(selector & 0x0F) % std::size(kKinds)]) + '_'
                             + std::to_string(++index) + ".db",
                         part});
    }
    return files;
}

void checkFile(const ParsedFile &f, std::string_view bytes)
{
    FUZZ_CHECK(f.size == bytes.size());
    FUZZ_CHECK(f.generation >= 0 && f.generation <= 4);
    std::uint64_t last = 0;
    for (const Entry &e : f.entries) {
        // Entries are in file order, behind the 8-byte header, inside the data.
        FUZZ_CHECK(e.key != nullptr);
        FUZZ_CHECK(e.offset >= 8 && e.offset < bytes.size());
        FUZZ_CHECK(e.offset > last || last == 0);
        FUZZ_CHECK(e.key->raw.size() <= bytes.size());
        last = e.offset;
    }
    for (const Problem &p : f.problems) {
        FUZZ_CHECK(p.file == f.path);
        FUZZ_CHECK(p.offset <= bytes.size());
        FUZZ_CHECK(!p.message.empty());
    }
    // A file with entries and no problem is of a known generation.
    FUZZ_CHECK(f.entries.empty() || f.generation > 0);
}

// Reading with a shared interner (keys guessed from earlier files) must give
// what reading each file on its own gives.
void checkSameParse(const ParsedFile &a, const ParsedFile &b)
{
    FUZZ_CHECK(a.generation == b.generation);
    FUZZ_CHECK(a.used == b.used);
    FUZZ_CHECK(a.entries.size() == b.entries.size());
    for (std::size_t i = 0; i < a.entries.size(); ++i) {
        const Entry &x = a.entries[i];
        const Entry &y = b.entries[i];
        FUZZ_CHECK(x.offset == y.offset);
        FUZZ_CHECK(x.rawKey() == y.rawKey());
        FUZZ_CHECK(std::bit_cast<std::uint64_t>(x.value) == std::bit_cast<std::uint64_t>(y.value));
        FUZZ_CHECK(std::bit_cast<std::uint64_t>(x.timestamp) == std::bit_cast<std::uint64_t>(y.timestamp));
    }
    FUZZ_CHECK(a.problems.size() == b.problems.size());
    for (std::size_t i = 0; i < a.problems.size(); ++i) {
        FUZZ_CHECK(a.problems[i].kind == b.problems[i].kind);
        FUZZ_CHECK(a.problems[i].offset == b.problems[i].offset);
        FUZZ_CHECK(a.problems[i].message == b.problems[i].message);
    }
}

void checkExposition(const std::string &text, const std::string &om)
{
    FUZZ_CHECK(text.empty() || text.back() == '\n');
    FUZZ_CHECK(om.ends_with("# EOF\n"));
    // One end marker only: a label value holding "\n# EOF\n" must be escaped.
    FUZZ_CHECK(om.find("# EOF\n") == om.size() - 6);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    bool raw = false;
    const std::vector<Input> inputs = split(fuzz::bytesOf(data, size), raw);

    KeyInterner interner;
    FileList shared, alone;
    for (const Input &in : inputs) {
        ReadOptions options;
        options.interner = &interner;
        auto a = std::make_shared<ParsedFile>(readBytes(in.name, in.bytes, options));
        auto b = std::make_shared<ParsedFile>(readBytes(in.name, in.bytes));
        checkFile(*a, in.bytes);
        checkFile(*b, in.bytes);
        checkSameParse(*a, *b);
        shared.push_back(std::move(a));
        alone.push_back(std::move(b));
    }
    sortByName(shared);
    sortByName(alone);

    MergeOptions mergeOptions;
    mergeOptions.accumulate = !raw;
    const std::vector<MetricFamily> families = merge(shared, mergeOptions);
    for (const MetricFamily &fam : families)
        for (const Sample &s : fam.samples)
            for (std::size_t i = 1; i < s.labels.size(); ++i)
                FUZZ_CHECK(s.labels[i - 1].first < s.labels[i].first); // sorted, unique

    const std::string text = render(families, {Format::Text, {}});
    const std::string om = render(families, {Format::OpenMetrics, {}});
    checkExposition(text, om);

    // Keys interned once for all files merge to the same bytes.
    const std::vector<MetricFamily> again = merge(alone, mergeOptions);
    FUZZ_CHECK(render(again, {Format::Text, {}}) == text);
    FUZZ_CHECK(render(again, {Format::OpenMetrics, {}}) == om);

    (void)renderSampleTable(families);

    // name[] keeps only the samples asked for: a name no sample has keeps none.
    const std::vector<std::string> none{"\x01 no such sample"};
    FUZZ_CHECK(render(families, {Format::Text, none}).empty());
    FUZZ_CHECK(render(families, {Format::OpenMetrics, none}) == "# EOF\n");
    if (!families.empty() && !families.front().samples.empty()) {
        const std::vector<std::string> one{families.front().samples.front().name};
        const std::string some = render(families, {Format::Text, one});
        FUZZ_CHECK(!some.empty() && some.size() <= text.size());
    }
    return 0;
}
