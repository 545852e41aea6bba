#include "promdir/format/types.h"

#include <array>
#include <iterator>

namespace promdir {

namespace {
constexpr std::array<std::pair<GaugeMode, std::string_view>, 10> kModes{{
    {GaugeMode::All, "all"},
    {GaugeMode::LiveAll, "liveall"},
    {GaugeMode::Min, "min"},
    {GaugeMode::LiveMin, "livemin"},
    {GaugeMode::Max, "max"},
    {GaugeMode::LiveMax, "livemax"},
    {GaugeMode::Sum, "sum"},
    {GaugeMode::LiveSum, "livesum"},
    {GaugeMode::MostRecent, "mostrecent"},
    {GaugeMode::LiveMostRecent, "livemostrecent"},
}};
} // namespace

std::string_view toString(MetricType type)
{
    switch (type) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
    case MetricType::Summary: return "summary";
    }
    return "unknown";
}

std::string_view toString(GaugeMode mode)
{
    for (const auto &[m, name] : kModes)
        if (m == mode)
            return name;
    return {};
}

std::optional<MetricType> metricTypeFromString(std::string_view s)
{
    if (s == "counter") return MetricType::Counter;
    if (s == "gauge") return MetricType::Gauge;
    if (s == "histogram") return MetricType::Histogram;
    if (s == "summary") return MetricType::Summary;
    return std::nullopt;
}

std::optional<GaugeMode> gaugeModeFromString(std::string_view s)
{
    for (const auto &[m, name] : kModes)
        if (name == s)
            return m;
    return std::nullopt;
}

bool isLiveMode(GaugeMode mode)
{
    return toString(mode).starts_with("live");
}

const std::vector<GaugeMode> &allGaugeModes()
{
    static const std::vector<GaugeMode> modes = [] {
        std::vector<GaugeMode> v;
        for (const auto &[m, name] : kModes)
            v.push_back(m);
        return v;
    }();
    return modes;
}

std::string_view toString(ProblemKind kind)
{
    switch (kind) {
    case ProblemKind::Unreadable: return "unreadable";
    case ProblemKind::Vanished: return "vanished";
    case ProblemKind::Empty: return "empty";
    case ProblemKind::BadHeader: return "bad_header";
    case ProblemKind::Truncated: return "truncated";
    case ProblemKind::BadKeyLength: return "bad_key_length";
    case ProblemKind::BadUtf8: return "bad_utf8";
    case ProblemKind::BadJson: return "bad_json";
    case ProblemKind::BadKeyShape: return "bad_key_shape";
    case ProblemKind::MixedGeneration: return "mixed_generation";
    case ProblemKind::ForeignFile: return "foreign_file";
    case ProblemKind::Unstable: return "unstable";
    }
    return "unknown";
}

namespace {

struct ProblemSentence
{
    ProblemCode code;
    std::string_view name;
    std::string_view english; // %1, %2, ... for the arguments
};

// One row per code, in the enum's order (checked below).
constexpr ProblemSentence kSentences[] = {
    {ProblemCode::Verbatim, "Verbatim", ""},
    {ProblemCode::ListingFailed, "ListingFailed", "listing failed: %1"},
    {ProblemCode::SubfolderIgnored, "SubfolderIgnored", "sub-folder ignored (the directory is not read recursively)"},
    {ProblemCode::NotMetricsFileIgnored, "NotMetricsFileIgnored", "not a metrics file (*.db); ignored"},
    {ProblemCode::FolderNotMetricsFile, "FolderNotMetricsFile", "is a folder, not a metrics file"},
    {ProblemCode::BadFileName, "BadFileName", "not a metrics file name (%1); not merged"},
    {ProblemCode::NameNotDb, "NameNotDb", "not a .db file"},
    {ProblemCode::NameUnknownType, "NameUnknownType", "name does not start with counter_, gauge_, histogram_ or summary_"},
    {ProblemCode::NameExpectedGauge, "NameExpectedGauge", "expected gauge_<mode>_<pid>.db"},
    {ProblemCode::NameExpectedType, "NameExpectedType", "expected %1_<pid>.db"},
    {ProblemCode::NameUnknownGaugeMode, "NameUnknownGaugeMode", "unknown gauge mode '%1'"},
    {ProblemCode::NameEmptyPid, "NameEmptyPid", "empty process id"},
    {ProblemCode::FolderNotFile, "FolderNotFile", "is a folder, not a file"},
    {ProblemCode::NotRegularFile, "NotRegularFile", "not a regular file (%1); not opened"},
    {ProblemCode::TypeFifo, "TypeFifo", "a FIFO"},
    {ProblemCode::TypeSocket, "TypeSocket", "a socket"},
    {ProblemCode::TypeCharDevice, "TypeCharDevice", "a character device"},
    {ProblemCode::TypeBlockDevice, "TypeBlockDevice", "a block device"},
    {ProblemCode::TypeUnknown, "TypeUnknown", "of an unknown type"},
    {ProblemCode::Vanished, "Vanished", "file vanished before it could be read"},
    {ProblemCode::CannotOpen, "CannotOpen", "cannot open: %1"},
    {ProblemCode::ReadFailed, "ReadFailed", "read failed: %1"},
    {ProblemCode::Unstable, "Unstable", "file kept changing while being read; values may be from different moments"},
    {ProblemCode::FileEmpty, "FileEmpty", "file is empty (0 bytes)"},
    {ProblemCode::FileShorterThanHeader, "FileShorterThanHeader", "file is %1 bytes, shorter than the 8-byte header"},
    {ProblemCode::UsedBelowHeader, "UsedBelowHeader", "used is %1, smaller than the 8-byte header"},
    {ProblemCode::UsedNotMultipleOf8, "UsedNotMultipleOf8", "used is %1, not a multiple of 8"},
    {ProblemCode::UsedBeyondFile, "UsedBeyondFile", "used is %1 but the file has only %2 bytes"},
    {ProblemCode::EntryHeaderRunsPast, "EntryHeaderRunsPast", "entry header runs past %1"},
    {ProblemCode::NegativeKeyLength, "NegativeKeyLength", "negative key length %1"},
    {ProblemCode::KeyLengthRunsPast, "KeyLengthRunsPast", "key length %1 runs past %2 (read beyond file size; the file is corrupted or truncated)"},
    {ProblemCode::ValueRunsPast, "ValueRunsPast", "value of the entry runs past %1"},
    {ProblemCode::LimitEndOfData, "LimitEndOfData", "the end of the data"},
    {ProblemCode::LimitUsed, "LimitUsed", "used (%1)"},
    {ProblemCode::MixedGenerations, "MixedGenerations", "keys of different format generations in one file"},
    {ProblemCode::MoreProblems, "MoreProblems", "%1 more problems in this file not listed (from this offset on)"},
    {ProblemCode::BadKeyInEntry, "BadKeyInEntry", "%1 (entry at offset %2)"},
    {ProblemCode::KeyNotUtf8, "KeyNotUtf8", "key is not valid UTF-8"},
    {ProblemCode::KeyNotJson, "KeyNotJson", "key is not JSON: %1"},
    {ProblemCode::KeyNotArray, "KeyNotArray", "key is not a JSON array"},
    {ProblemCode::KeyWrongLength, "KeyWrongLength", "key array has %1 elements, expected 3 or 4"},
    {ProblemCode::KeyNamesNotStrings, "KeyNamesNotStrings", "metric and sample names in the key are not strings"},
    {ProblemCode::KeyLabelValuesNotArray, "KeyLabelValuesNotArray", "label values of the key are not an array"},
    {ProblemCode::KeyLabelCountMismatch, "KeyLabelCountMismatch", "key has %1 label names but %2 values"},
    {ProblemCode::KeyLabelsNotStrings, "KeyLabelsNotStrings", "label names and values in the key must be strings"},
    {ProblemCode::KeyLabelsNotObject, "KeyLabelsNotObject", "labels in the key are not a JSON object"},
    {ProblemCode::KeyLabelValueNotString, "KeyLabelValueNotString", "value of label '%1' in the key is not a string"},
    {ProblemCode::KeyHelpNotString, "KeyHelpNotString", "help text in the key is not a string"},
    {ProblemCode::KeyMetricNameEmpty, "KeyMetricNameEmpty", "metric name in the key is empty; no exposition can carry it"},
    {ProblemCode::KeySampleNameEmpty, "KeySampleNameEmpty", "sample name in the key is empty; no exposition can carry it"},
    {ProblemCode::JsonExtraData, "JsonExtraData", "extra data after the JSON value"},
    {ProblemCode::JsonTooDeep, "JsonTooDeep", "JSON nested too deeply"},
    {ProblemCode::JsonUnexpectedEnd, "JsonUnexpectedEnd", "unexpected end of JSON text"},
    {ProblemCode::JsonExpectedValue, "JsonExpectedValue", "expected a JSON value"},
    {ProblemCode::JsonBadNumber, "JsonBadNumber", "bad number"},
    {ProblemCode::JsonNoFractionDigits, "JsonNoFractionDigits", "bad number: no digits after '.'"},
    {ProblemCode::JsonNoExponentDigits, "JsonNoExponentDigits", "bad number: no digits in exponent"},
    {ProblemCode::JsonTruncatedUnicodeEscape, "JsonTruncatedUnicodeEscape", "truncated \\u escape"},
    {ProblemCode::JsonBadUnicodeEscape, "JsonBadUnicodeEscape", "bad \\u escape"},
    {ProblemCode::JsonUnterminatedString, "JsonUnterminatedString", "unterminated string"},
    {ProblemCode::JsonControlCharacter, "JsonControlCharacter", "control character in string"},
    {ProblemCode::JsonBadEscape, "JsonBadEscape", "bad escape in string"},
    {ProblemCode::JsonInvalidUtf8, "JsonInvalidUtf8", "invalid UTF-8 in string"},
    {ProblemCode::JsonUnterminatedArray, "JsonUnterminatedArray", "unterminated array"},
    {ProblemCode::JsonExpectedCommaOrBracket, "JsonExpectedCommaOrBracket", "expected ',' or ']'"},
    {ProblemCode::JsonExpectedKey, "JsonExpectedKey", "expected a string as object key"},
    {ProblemCode::JsonExpectedColon, "JsonExpectedColon", "expected ':'"},
    {ProblemCode::JsonUnterminatedObject, "JsonUnterminatedObject", "unterminated object"},
    {ProblemCode::JsonExpectedCommaOrBrace, "JsonExpectedCommaOrBrace", "expected ',' or '}'"},
    {ProblemCode::MemberNotRead, "MemberNotRead", "is a %1, so its metrics were not read"},
    {ProblemCode::MemberHardLink, "MemberHardLink", "hard link to '%1'; links are not followed"},
    {ProblemCode::MemberSymlink, "MemberSymlink", "symbolic link to '%1'; links are not followed"},
    {ProblemCode::MemberCharDevice, "MemberCharDevice", "character device; not read"},
    {ProblemCode::MemberBlockDevice, "MemberBlockDevice", "block device; not read"},
    {ProblemCode::MemberFifo, "MemberFifo", "FIFO; not read"},
    {ProblemCode::MemberSocket, "MemberSocket", "socket; not read"},
    {ProblemCode::MemberSpecial, "MemberSpecial", "special member; not read"},
    {ProblemCode::MemberTooBig, "MemberTooBig", "member is %1 bytes, more than the limit of %2 for one file; not read (raise it with --max-member-size)"},
    {ProblemCode::MoreForeignFiles, "MoreForeignFiles", "and %1 more files that are not metrics files (*.db); ignored"},
    {ProblemCode::ManifestNotUsable, "ManifestNotUsable", "manifest not usable: %1; liveness unknown"},
    {ProblemCode::ArchiveStopped, "ArchiveStopped", "%1; stopped at byte %2 of %3 of the file (byte %4 of the tar data), after %5 members; the files read before are kept"},
    {ProblemCode::ArchiveStoppedInMember, "ArchiveStoppedInMember", "%1; in or right after member '%2' (%3 bytes)"},
    {ProblemCode::ArchiveEndsInside, "ArchiveEndsInside", "the archive ends inside %1 (%2)"},
    {ProblemCode::ArchiveDamagedIn, "ArchiveDamagedIn", "damaged tar data in %1 (%2)"},
    {ProblemCode::TarFirstHeader, "TarFirstHeader", "its first header"},
    {ProblemCode::TarMemberData, "TarMemberData", "a member's data"},
    {ProblemCode::TarMemberHeader, "TarMemberHeader", "a member header"},
    {ProblemCode::ArchiveEmpty, "ArchiveEmpty", "the archive is empty"},
    {ProblemCode::ArchiveNotTar, "ArchiveNotTar", "not a tar archive, or its first header is damaged (%1)"},
    {ProblemCode::ArchiveNoEndMarker, "ArchiveNoEndMarker", "the archive ends without its end-of-archive marker (cut at a member boundary?)"},
    {ProblemCode::ArchiveDamagedAfterEnd, "ArchiveDamagedAfterEnd", "%1 after the end-of-archive marker, so the members read may hold damaged values"},
    {ProblemCode::ArchiveReadingStopped, "ArchiveReadingStopped", "reading stopped: %1"},
    {ProblemCode::DataEndsEarly, "DataEndsEarly", "%1 data ends early (the file is truncated)"},
    {ProblemCode::DataChecksumMismatch, "DataChecksumMismatch", "%1 data is corrupt (checksum mismatch)"},
    {ProblemCode::DataBadHeader, "DataBadHeader", "%1 data has a bad header"},
    {ProblemCode::DataCorrupt, "DataCorrupt", "%1 data is corrupt (%2 error %3)"},
    {ProblemCode::DataUnreadable, "DataUnreadable", "%1 data could not be read (%2)"},
    {ProblemCode::ArchiveNotDecompressed, "ArchiveNotDecompressed", "the archive could not be decompressed"},
};

constexpr bool inEnumOrder()
{
    for (std::size_t i = 0; i < std::size(kSentences); ++i)
        if (static_cast<std::size_t>(kSentences[i].code) != i)
            return false;
    return true;
}
static_assert(inEnumOrder(), "kSentences: one row per ProblemCode, in order");
static_assert(std::size(kSentences) == static_cast<std::size_t>(ProblemCode::ArchiveNotDecompressed) + 1,
              "kSentences: a row for every ProblemCode");

constexpr auto kAllCodes = [] {
    std::array<ProblemCode, std::size(kSentences) - 1> codes{};
    for (std::size_t i = 1; i < std::size(kSentences); ++i)
        codes[i - 1] = kSentences[i].code;
    return codes;
}();

const ProblemSentence *sentenceOf(ProblemCode code)
{
    const auto i = static_cast<std::size_t>(code);
    return i < std::size(kSentences) ? &kSentences[i] : nullptr;
}

} // namespace

std::string_view nameOf(ProblemCode code)
{
    const ProblemSentence *s = sentenceOf(code);
    return s ? s->name : std::string_view("Unknown");
}

std::string_view englishTemplate(ProblemCode code)
{
    const ProblemSentence *s = sentenceOf(code);
    return s ? s->english : std::string_view();
}

std::span<const ProblemCode> allProblemCodes()
{
    return kAllCodes;
}

std::string problemText(ProblemCode code, std::span<const Phrase> args)
{
    // One pass: an argument's own words are never searched for %N.
    const std::string_view t = englishTemplate(code);
    std::string out;
    out.reserve(t.size() + 32);
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '%' && i + 1 < t.size() && t[i + 1] >= '1' && t[i + 1] <= '9') {
            const auto n = static_cast<std::size_t>(t[i + 1] - '1');
            if (n < args.size())
                out += problemText(args[n]);
            ++i;
            continue;
        }
        out += t[i];
    }
    return out;
}

std::string problemText(const Phrase &phrase)
{
    return phrase.code == ProblemCode::Verbatim ? phrase.text : problemText(phrase.code, phrase.args);
}

Problem makeProblem(std::string file, std::uint64_t offset, ProblemKind kind, ProblemCode code,
                    std::vector<Phrase> args)
{
    Problem p;
    p.file = std::move(file);
    p.offset = offset;
    p.kind = kind;
    p.message = problemText(code, args);
    p.code = code;
    p.args = std::move(args);
    return p;
}

std::string Problem::describe() const
{
    return file + ": offset " + std::to_string(offset) + ": " + message;
}

} // namespace promdir
