// What the exporter reads from a /metrics request, without a server.
// Input: lines of
//   0  the Accept header
//   1  the Accept-Encoding header
//   2  the request target (/metrics?name[]=...), as it comes on the wire
//   3  the Authorization header
//   4  user:password, sent as Basic credentials (see below)
// Checked: the negotiated format, name escaping and Content-Type agree
// (the client's Content-Type forms); name[] keeps
// exactly the samples asked for; gzip bodies decompress to the body; the
// cache key of a variant tells different variants apart; a self-metrics
// body made of a kept head and a new tail (gzipped too) is the body made
// at once; Basic auth accepts exactly the configured pairs; a credentials
// line parses to a user without ':'.
#include "fuzzcheck.h"

#include "../../lib/exporter/src/request_p.h"

#include "promdir/auth/credentials.h"
#include "promdir/render/exposition.h"

#include <boost/iostreams/copy.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <algorithm>
#include <sstream>

using namespace promdir;

namespace {

// A small scrape with every kind of family and one file problem, so that
// promdir_file_errors is rendered too.
const MergeResult &scrape()
{
    static const MergeResult result = [] {
        MergeResult r;
        r.load.ok = true;
        r.load.problems.push_back({"metrics/x.db", 0, ProblemKind::ForeignFile, "not a name of the reference's form"});
        r.families.push_back({"jobs", MetricType::Counter, "Jobs done.", GaugeMode::None,
                              {{"jobs_total", {{"queue", "a"}}, 3.0}, {"jobs_created", {{"queue", "a"}}, 1.5e9}}});
        r.families.push_back({"temp", MetricType::Gauge, "Temperature.", GaugeMode::All,
                              {{"temp", {{"pid", "1"}}, 21.5}, {"temp", {{"pid", "2"}}, -4.0}}});
        r.families.push_back({"latency", MetricType::Histogram, "Latency.", GaugeMode::None,
                              {{"latency_bucket", {{"le", "0.5"}}, 1.0},
                               {"latency_bucket", {{"le", "+Inf"}}, 2.0},
                               {"latency_count", {}, 2.0},
                               {"latency_sum", {}, 1.25}}});
        return r;
    }();
    return result;
}

std::string gunzip(const std::string &data)
{
    namespace io = boost::iostreams;
    std::istringstream in(data);
    io::filtering_istream f;
    f.push(io::gzip_decompressor());
    f.push(in);
    std::ostringstream out;
    io::copy(f, out);
    return out.str();
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : char(c); });
    return out;
}

// The sample name of an exposition line ("" for comments and blank lines).
std::string_view sampleName(std::string_view line)
{
    if (line.empty() || line.front() == '#')
        return {};
    return line.substr(0, line.find_first_of("{ "));
}

void checkBody(const std::string &body, const Variant &v)
{
    if (v.format == Format::OpenMetrics)
        FUZZ_CHECK(body.ends_with("# EOF\n"));
    if (v.escaping == NameEscaping::Dots || v.escaping == NameEscaping::Values) {
        // Every name is rewritten (my_gauge -> my__gauge, U__my__gauge):
        // the same lines as with the names left alone, renamed.
        RenderOptions plain = v.renderOptions();
        plain.escaping = NameEscaping::Underscores;
        const std::string same = renderScrape(scrape(), plain);
        FUZZ_CHECK(std::count(body.begin(), body.end(), '\n') == std::count(same.begin(), same.end(), '\n'));
        return;
    }
    std::size_t start = 0;
    while (start < body.size()) {
        const std::size_t end = body.find('\n', start);
        FUZZ_CHECK(end != std::string::npos);
        const std::string_view name = sampleName(std::string_view(body).substr(start, end - start));
        if (!name.empty() && !v.names.empty())
            FUZZ_CHECK(std::find(v.names.begin(), v.names.end(), name) != v.names.end());
        start = end + 1;
    }
    // Every sample asked for that the scrape has is served.
    for (const std::string &n : v.names) {
        bool known = n == "promdir_file_errors";
        for (const MetricFamily &fam : scrape().families)
            for (const Sample &s : fam.samples)
                known |= s.name == n;
        if (known)
            FUZZ_CHECK(body.find("\n" + n + (n.ends_with("_count") || n.ends_with("_sum") ? " " : "{"))
                       != std::string::npos);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::string_view rest = fuzz::bytesOf(data, size);
    std::string_view field[5];
    for (auto &f : field) {
        const std::size_t nl = rest.find('\n');
        f = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    const auto bytes = [](std::string_view s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); };

    // Content negotiation and the query.
    const QUrl url = QUrl::fromEncoded(bytes(field[2]), QUrl::TolerantMode);
    const Variant v = variantFor(bytes(field[0]), bytes(field[1]), url);
    const Negotiated n = negotiate(field[0]);
    FUZZ_CHECK(v.format == n.format && v.contentType == n.contentType && v.escaping == n.escaping);
    if (v.format == Format::OpenMetrics)
        FUZZ_CHECK(v.contentType == kOpenMetricsContentType
                   || (v.contentType.starts_with("application/openmetrics-text; version=")
                       && v.contentType.ends_with("; charset=utf-8; escaping=" + std::string(toString(v.escaping)))));
    else
        FUZZ_CHECK(v.contentType == kTextContentType
                   || v.contentType == "text/plain; version=1.0.0; charset=utf-8; escaping=" + std::string(toString(v.escaping)));
    if (v.gzip)
        FUZZ_CHECK(lower(field[1]).find("gzip") != std::string::npos);
    FUZZ_CHECK(v.names.size() <= static_cast<std::size_t>(std::count(field[2].begin(), field[2].end(), '&')) + 1);

    // The cache key: names are length-prefixed, so joining two names into
    // one (with what the key puts between them) is another variant.
    if (v.names.size() >= 2) {
        Variant joined = v;
        joined.names[0] += "|" + std::to_string(joined.names[1].size()) + ":" + joined.names[1];
        joined.names.erase(joined.names.begin() + 1);
        FUZZ_CHECK(joined.key() != v.key());
    }
    Variant other = v;
    other.gzip = !v.gzip;
    FUZZ_CHECK(other.key() != v.key());

    const std::string body = renderScrape(scrape(), v.renderOptions());
    checkBody(body, v);
    if (v.gzip)
        FUZZ_CHECK(gunzip(gzipCompress(body)) == body);
    // Self-metrics: a kept head and a tail of this merge make the same
    // body as one render; a gzipped head with any tail is that head + tail.
    const std::string head = scrapeHead(body, v.format);
    FUZZ_CHECK(head + renderSelfMetrics(scrape(), v.renderOptions())
               == renderScrape(scrape(), v.renderOptions(), SelfMetrics::On));
    FUZZ_CHECK(gunzip(gzipWithTail(gzipHead(head), field[0])) == head + std::string(field[0]));

    // The credentials file: every entry has a user without ':' or a line break.
    if (const auto entries = parseCredentials(field[4], "creds"))
        for (const CredentialsEntry &e : *entries)
            FUZZ_CHECK(!e.user.empty() && e.user.find_first_of(":\n") == std::string::npos && e.line >= 1);

    // Basic auth against a fixed table; one password holds a colon, which
    // only the first colon of the credentials splits off.
    QHash<QByteArray, QByteArray> credentials{{"prometheus", "s3cret"}, {"admin", "pass:word"}};
    const QByteArray header = bytes(field[3]);
    if (basicAuthAccepts(header, credentials)) {
        const QByteArray h = header.trimmed();
        FUZZ_CHECK(h.startsWith("Basic ") || h.startsWith("basic "));
    }
    FUZZ_CHECK(!basicAuthAccepts(header, {}));
    const std::string_view pair = field[4];
    const std::size_t colon = pair.find(':');
    const QByteArray user = bytes(pair.substr(0, colon));
    const bool listed = colon != std::string_view::npos && credentials.contains(user)
                        && credentials.value(user) == bytes(pair.substr(colon + 1));
    FUZZ_CHECK(basicAuthAccepts("Basic " + bytes(pair).toBase64(), credentials) == listed);
    return 0;
}
