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

#include <zlib.h>

#include <algorithm>
#include <new>
#include <iterator>
#include <map>
#include <set>

namespace promdir {

namespace {

// Python's str.isspace() for the characters a header's bytes decode to
// (http.server decodes headers as Latin-1).
bool isPythonSpace(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x09 && u <= 0x0D) || (u >= 0x1C && u <= 0x20) || u == 0x85 || u == 0xA0;
}

// str.strip()
std::string_view trim(std::string_view s)
{
    while (!s.empty() && isPythonSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isPythonSpace(s.back()))
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

// The client's _get_version / _get_escaping: the value of the first
// `key=` parameter of an Accept entry (tok.strip().split('=', 1), the key
// compared as is); nullopt when there is none.
std::optional<std::string_view> parameter(std::string_view entry, std::string_view key)
{
    std::optional<std::string_view> value;
    forEachPart(entry, ';', [&](std::string_view tok) {
        if (tok.find('=') == std::string_view::npos)
            return true;
        const std::string_view stripped = trim(tok);
        const std::size_t eq = stripped.find('=');
        if (stripped.substr(0, eq) != key)
            return true;
        value = stripped.substr(eq + 1);
        return false;
    });
    return value;
}

NameEscaping escapingOf(std::string_view entry)
{
    const auto value = parameter(entry, "escaping");
    if (!value)
        return NameEscaping::Underscores;
    return nameEscapingFromString(*value).value_or(NameEscaping::Underscores);
}

// Python's int(part), saturated: nullopt when int() raises ValueError.
// Whitespace around, one sign, decimal digits with single underscores
// between them.
std::optional<long long> pythonInt(std::string_view part)
{
    part = trim(part);
    bool negative = false;
    if (!part.empty() && (part.front() == '+' || part.front() == '-')) {
        negative = part.front() == '-';
        part.remove_prefix(1);
    }
    if (part.empty() || part.front() == '_' || part.back() == '_' || part.find("__") != std::string_view::npos)
        return std::nullopt;
    long long value = 0;
    for (const char c : part) {
        if (c == '_')
            continue;
        if (c < '0' || c > '9')
            return std::nullopt;
        value = std::min<long long>(value * 10 + (c - '0'), 1'000'000'000);
    }
    return negative ? -value : value;
}

enum class Comparison { Older, AtLeast, Incomparable };

// parse_version(version) >= (1, 0, 0) as Python evaluates it: parts that
// int() rejects stay strings, and Python raises TypeError when it has to
// compare one with a number (Incomparable).
Comparison compareWith100(std::string_view version)
{
    constexpr long long target[] = {1, 0, 0};
    std::size_t index = 0;
    std::optional<Comparison> decided;
    forEachPart(version, '.', [&](std::string_view part) {
        if (index == 3)
            return false; // longer, equal so far: (1, 0, 0, x) > (1, 0, 0)
        const auto n = pythonInt(part);
        if (!n)
            decided = Comparison::Incomparable;
        else if (*n != target[index])
            decided = *n > target[index] ? Comparison::AtLeast : Comparison::Older;
        ++index;
        return !decided;
    });
    if (decided)
        return *decided;
    return index >= 3 ? Comparison::AtLeast : Comparison::Older;
}

// One Accept entry as the client's choose_encoder sees it; nullopt when it
// does not choose the format (the next entry is looked at).
std::optional<Negotiated> negotiateEntry(std::string_view entry)
{
    const std::string_view type = trim(entry.substr(0, entry.find(';')));
    const bool om = type == "application/openmetrics-text";
    if (!om && type != "text/plain")
        return std::nullopt;
    const std::string_view version = parameter(entry, "version").value_or(std::string_view());
    if (om && version.empty())
        return Negotiated{Format::OpenMetrics, NameEscaping::Underscores, "1.0.0",
                          std::string(kOpenMetricsContentType)};
    // Where the client raises TypeError, promdir goes on to the next entry
    // (docs/compatibility.md).
    if (version.empty() || compareWith100(version) != Comparison::AtLeast)
        return std::nullopt;
    const NameEscaping escaping = escapingOf(entry);
    if (om)
        return Negotiated{Format::OpenMetrics, escaping, std::string(version),
                          "application/openmetrics-text; version=" + std::string(version)
                              + "; charset=utf-8; escaping=" + std::string(toString(escaping))};
    return Negotiated{Format::Text, escaping, "1.0.0",
                      "text/plain; version=1.0.0; charset=utf-8; escaping=" + std::string(toString(escaping))};
}

} // namespace

Negotiated negotiate(std::string_view accept)
{
    std::optional<Negotiated> chosen;
    forEachPart(accept, ',', [&](std::string_view entry) {
        chosen = negotiateEntry(entry);
        return !chosen;
    });
    if (chosen)
        return *chosen;
    return Negotiated{Format::Text, NameEscaping::Underscores, "0.0.4", std::string(kTextContentType)};
}

RenderOptions Negotiated::renderOptions(std::vector<std::string> names) const
{
    return RenderOptions{format, std::move(names), escaping};
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

namespace {

// Raw deflate blocks of `data` (no zlib or gzip framing) appended to `out`,
// the last call with `flush`: Z_SYNC_FLUSH leaves the stream open and
// byte-aligned, Z_FINISH ends it with a final block.
void deflateRaw(std::string_view data, int flush, std::string &out)
{
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::bad_alloc();
    std::size_t at = 0;
    int rc = Z_OK;
    do {
        const std::size_t chunk = std::min<std::size_t>(data.size() - at, std::size_t(1) << 30);
        z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data() + at));
        z.avail_in = static_cast<uInt>(chunk);
        at += chunk;
        const int mode = at == data.size() ? flush : Z_NO_FLUSH;
        do { // until the input is taken and, when finishing, the stream ended
            const std::size_t have = out.size();
            out.resize(have + std::max<std::size_t>(chunk / 4, 16 * 1024));
            z.next_out = reinterpret_cast<Bytef *>(out.data() + have);
            z.avail_out = static_cast<uInt>(out.size() - have);
            rc = deflate(&z, mode);
            out.resize(out.size() - z.avail_out);
        } while (z.avail_out == 0 || (mode == Z_FINISH && rc != Z_STREAM_END));
    } while (at < data.size());
    deflateEnd(&z);
}

void appendLittleEndian32(std::string &out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>((v >> (8 * i)) & 0xff);
}

} // namespace

GzipHead gzipHead(std::string_view head)
{
    GzipHead g;
    g.deflated.reserve(head.size() / 4 + 64);
    deflateRaw(head, Z_SYNC_FLUSH, g.deflated);
    g.crc = static_cast<std::uint32_t>(crc32_z(0, reinterpret_cast<const Bytef *>(head.data()), head.size()));
    g.bytes = head.size();
    return g;
}

std::string gzipWithTail(const GzipHead &head, std::string_view tail)
{
    // RFC 1952: magic, deflate, no flags, no time, no extra flags, Unix.
    static constexpr char header[] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, 3};
    std::string out;
    out.reserve(sizeof header + head.deflated.size() + tail.size() / 2 + 64);
    out.append(header, sizeof header);
    out += head.deflated;
    deflateRaw(tail, Z_FINISH, out);
    const uLong tailCrc = crc32_z(0, reinterpret_cast<const Bytef *>(tail.data()), tail.size());
    appendLittleEndian32(out, static_cast<std::uint32_t>(
                                  crc32_combine(head.crc, tailCrc, static_cast<z_off_t>(tail.size()))));
    appendLittleEndian32(out, static_cast<std::uint32_t>(head.bytes + tail.size()));
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

namespace {

MetricFamily gaugeFamily(std::string name, std::string help)
{
    MetricFamily fam;
    fam.name = std::move(name);
    fam.type = MetricType::Gauge;
    fam.help = std::move(help);
    return fam;
}

void addSample(MetricFamily &fam, double value, Labels labels = {})
{
    fam.samples.push_back({fam.name, std::move(labels), value});
}

std::vector<MetricFamily> fileFamilies(const LoadResult &load, const ProcessReport &processes)
{
    std::uint64_t bytes = 0;
    for (const auto &file : load.files)
        bytes += file->size;
    const auto stale = std::count_if(processes.fileStale.begin(), processes.fileStale.end(),
                                     [](unsigned flags) { return flags != NotStale; });
    std::vector<MetricFamily> out;
    out.push_back(gaugeFamily("promdir_files", "Metrics files (*.db) in the directory."));
    addSample(out.back(), static_cast<double>(load.files.size()));
    out.push_back(gaugeFamily("promdir_files_size_bytes", "Total size of the metrics files (*.db)."));
    addSample(out.back(), static_cast<double>(bytes));
    double alive = 0, dead = 0, unknown = 0;
    for (const ProcessSummary &p : processes.processes)
        (p.writerGone() ? dead : p.info.state == Liveness::Alive ? alive : unknown) += 1;
    out.push_back(gaugeFamily("promdir_processes",
                              "Processes with files in the directory, by whether they still run (dead: gone, or "
                              "their pid is used by a later process)."));
    addSample(out.back(), alive, {{"state", "alive"}});
    addSample(out.back(), dead, {{"state", "dead"}});
    addSample(out.back(), unknown, {{"state", "unknown"}});
    out.push_back(gaugeFamily("promdir_stale_files",
                              "Files that still change the output though their process is gone, or that were not "
                              "written for 24 hours."));
    addSample(out.back(), static_cast<double>(stale));
    return out;
}

} // namespace

std::vector<MetricFamily> selfMetricsFamilies(const MergeResult &result, const ProcessReport &processes)
{
    std::vector<MetricFamily> out = fileFamilies(result.load, processes);
    const std::chrono::duration<double> merge = result.stats.loadTime + result.stats.mergeTime;
    out.push_back(gaugeFamily("promdir_last_merge_duration_seconds",
                              "Seconds the last refresh took to list, read and merge the files."));
    addSample(out.back(), merge.count());
    out.push_back(gaugeFamily("promdir_last_merge_files_read",
                              "Files the last refresh read again; the others were unchanged and kept."));
    addSample(out.back(), static_cast<double>(result.stats.filesRead));
    return out;
}

namespace {

constexpr std::string_view kEof = "# EOF\n";

} // namespace

std::string scrapeHead(std::string body, Format format)
{
    if (format == Format::OpenMetrics && body.ends_with(kEof))
        body.resize(body.size() - kEof.size());
    return body;
}

std::string renderSelfMetrics(const MergeResult &result, const RenderOptions &options)
{
    ProcessOptions processOptions;
    processOptions.describeFiles = false;
    if (!result.pids.visible)
        processOptions.pidsNotVisible = result.pids.reason;
    return render(selfMetricsFamilies(result, reportProcesses(result.load, processOptions)), options);
}

std::string renderScrape(const MergeResult &result, const RenderOptions &options, SelfMetrics selfMetrics)
{
    std::string out = render(result.families, options);
    if (auto errors = fileErrorsFamily(result.load)) {
        const std::string more = render(std::span<const MetricFamily>(&*errors, 1), options);
        if (options.format != Format::OpenMetrics || more.size() > kEof.size())
            out = scrapeHead(std::move(out), options.format) + more; // one "# EOF\n", the last
    }
    if (selfMetrics == SelfMetrics::On)
        out = scrapeHead(std::move(out), options.format) + renderSelfMetrics(result, options);
    return out;
}

} // namespace promdir
