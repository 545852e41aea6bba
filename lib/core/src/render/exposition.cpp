// GCC 12 at -O3 warns falsely about overlapping copies (-Wrestrict) inside
// std::string, where Boost's gzip compressor writes its header and footer
// (GCC bug 105651). The warning is raised at the standard header's lines,
// so it is turned off before anything includes them; this file only.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "promdir/render/exposition.h"

#include <boost/iostreams/device/back_inserter.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace promdir {

namespace {

std::string_view trim(std::string_view s)
{
    const auto isSpace = [](char c) { return c == ' ' || c == '\t'; };
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

template<typename F>
void forEachPart(std::string_view s, char sep, F f)
{
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = s.find(sep, start);
        if (!f(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)))
            return;
        if (end == std::string_view::npos)
            return;
        start = end + 1;
    }
}

// The reference's _get_version: the value of the first `version=` token
// (the part after the first '='), "" when there is none.
std::string_view versionOf(std::string_view entry)
{
    std::string_view version;
    bool first = true;
    bool found = false;
    forEachPart(entry, ';', [&](std::string_view tok) {
        if (first) { // the media type itself
            first = false;
            return true;
        }
        const std::size_t eq = tok.find('=');
        if (eq == std::string_view::npos)
            return true;
        // Python: tok.strip().split('=', 1); key compared as is.
        const std::string_view stripped = trim(tok);
        const std::size_t e = stripped.find('=');
        if (stripped.substr(0, e) == "version") {
            version = stripped.substr(e + 1);
            found = true;
            return false;
        }
        return true;
    });
    return found ? version : std::string_view();
}

// parse_version(v) >= (1, 0, 0) for the versions that compare in Python
// (numeric parts); anything else is taken as not new enough.
bool atLeast100(std::string_view version)
{
    std::vector<long> parts;
    bool numeric = true;
    forEachPart(version, '.', [&](std::string_view p) {
        p = trim(p);
        if (p.empty() || p.size() > 9 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            numeric = false;
            return false;
        }
        parts.push_back(std::stol(std::string(p)));
        return true;
    });
    if (!numeric)
        return false;
    const std::vector<long> one{1, 0, 0};
    return !std::lexicographical_compare(parts.begin(), parts.end(), one.begin(), one.end());
}

} // namespace

Negotiated negotiate(std::string_view accept)
{
    Negotiated result{Format::Text, std::string(kTextContentType)};
    forEachPart(accept, ',', [&](std::string_view entry) {
        const std::string_view type = trim(entry.substr(0, entry.find(';')));
        if (type == "application/openmetrics-text") {
            const std::string_view version = versionOf(entry);
            if (version.empty() || atLeast100(version)) {
                result = {Format::OpenMetrics, std::string(kOpenMetricsContentType)};
                return false;
            }
        } else if (type == "text/plain") {
            if (atLeast100(versionOf(entry))) {
                result = {Format::Text, "text/plain; version=1.0.0; charset=utf-8"};
                return false;
            }
        }
        return true;
    });
    return result;
}

bool acceptsGzip(std::string_view acceptEncoding)
{
    bool yes = false;
    forEachPart(acceptEncoding, ',', [&](std::string_view entry) {
        std::string_view coding = trim(entry.substr(0, entry.find(';')));
        yes = coding.size() == 4 && std::equal(coding.begin(), coding.end(), "gzip", [](char a, char b) {
                  return (a >= 'A' && a <= 'Z' ? char(a - 'A' + 'a') : a) == b;
              });
        return !yes;
    });
    return yes;
}

std::string gzipCompress(std::string_view data)
{
    namespace io = boost::iostreams;
    std::string out;
    out.reserve(data.size() / 4 + 64);
    {
        io::filtering_ostream os;
        os.push(io::gzip_compressor(io::gzip_params(io::gzip::default_compression)));
        os.push(io::back_inserter(out));
        os.write(data.data(), static_cast<std::streamsize>(data.size()));
        io::close(os);
    }
    return out;
}

std::optional<MetricFamily> fileErrorsFamily(const LoadResult &load)
{
    // Only *.db files: the Python client never looks at anything else, and
    // a stray notes.txt must not change what a scrape returns.
    std::map<std::string, std::set<std::string>> filesByKind;
    for (const Problem &p : load.allProblems())
        if (p.file.ends_with(".db"))
            filesByKind[std::string(toString(p.kind))].insert(p.file);
    if (filesByKind.empty())
        return std::nullopt;
    MetricFamily fam;
    fam.name = std::string(kFileErrorsName);
    fam.type = MetricType::Gauge;
    fam.help = "Files promdir could not read completely, by kind of problem; everything readable is served.";
    for (const auto &[kind, files] : filesByKind)
        fam.samples.push_back({fam.name, {{"kind", kind}}, static_cast<double>(files.size())});
    return fam;
}

std::string renderScrape(const MergeResult &result, const RenderOptions &options)
{
    std::string out = render(result.families, options);
    const auto errors = fileErrorsFamily(result.load);
    if (!errors)
        return out;
    const std::string extra = render(std::span<const MetricFamily>(&*errors, 1), options);
    if (options.format == Format::OpenMetrics) {
        // Both end in "# EOF\n": keep only the last.
        constexpr std::string_view eof = "# EOF\n";
        if (extra.size() == eof.size())
            return out;
        if (out.ends_with(eof))
            out.resize(out.size() - eof.size());
    }
    out += extra;
    return out;
}

} // namespace promdir
