#include "promdir/format/filename.h"

#include <charconv>
#include <cstdlib>

namespace promdir {

// The reference splits the base name on '_': type, [mode,] pid + ".db".
FileName parseFileName(std::string_view base)
{
    FileName f;
    if (!base.ends_with(".db")) {
        f.reason = ProblemCode::NameNotDb;
        return f;
    }
    std::string_view stem = base.substr(0, base.size() - 3);
    // At most three parts matter (type, mode, pid); count the rest.
    std::string_view parts[3];
    std::size_t count = 0;
    for (std::size_t start = 0;;) {
        const std::size_t us = stem.find('_', start);
        const std::string_view part = stem.substr(start, us == std::string_view::npos ? std::string_view::npos : us - start);
        if (count < 3)
            parts[count] = part;
        ++count;
        if (us == std::string_view::npos)
            break;
        start = us + 1;
    }
    const auto type = metricTypeFromString(parts[0]);
    if (!type) {
        f.reason = ProblemCode::NameUnknownType;
        return f;
    }
    f.type = *type;
    const std::size_t expected = *type == MetricType::Gauge ? 3 : 2;
    if (count != expected) {
        f.reason = *type == MetricType::Gauge ? Phrase(ProblemCode::NameExpectedGauge)
                                              : Phrase(ProblemCode::NameExpectedType, {std::string(parts[0])});
        return f;
    }
    if (*type == MetricType::Gauge) {
        const auto mode = gaugeModeFromString(parts[1]);
        if (!mode) {
            f.reason = Phrase(ProblemCode::NameUnknownGaugeMode, {std::string(parts[1])});
            return f;
        }
        f.mode = *mode;
    }
    f.pid = std::string(parts[count - 1]);
    if (f.pid.empty()) {
        f.reason = ProblemCode::NameEmptyPid;
        return f;
    }
    f.valid = true;
    return f;
}

bool validProcessIdentifier(std::string_view pid)
{
    return !pid.empty() && pid.find_first_of(std::string_view("_/\0", 3)) == std::string_view::npos;
}

bool isCompactedIdentifier(std::string_view pid)
{
    return pid == kCompactedIdentifier
           || (pid.size() == kCompactedIdentifier.size() + 3 && pid.starts_with(kCompactedIdentifier)
               && pid.substr(kCompactedIdentifier.size(), 2) == "-g" && pid.back() >= '1' && pid.back() <= '3');
}

namespace {
bool asNumber(std::string_view s, unsigned long long &n)
{
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}
} // namespace

bool pidLess(std::string_view a, std::string_view b)
{
    unsigned long long x = 0, y = 0;
    const bool na = asNumber(a, x), nb = asNumber(b, y);
    if (na != nb)
        return na;
    if (na && x != y)
        return x < y;
    return a < b;
}

std::string multiprocessDirectoryFromEnvironment()
{
    for (const char *name : {"PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir"})
        if (const char *v = std::getenv(name); v && *v)
            return v;
    return {};
}

} // namespace promdir
