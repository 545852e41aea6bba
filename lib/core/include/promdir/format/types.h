#pragma once
// Basic vocabulary of the multiprocess format: file kinds, gauge modes and
// problems. Errors from the core are values (Problem), never exceptions.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace promdir {

enum class MetricType { Counter, Gauge, Histogram, Summary };

enum class GaugeMode {
    None, // not a gauge
    All,
    LiveAll,
    Min,
    LiveMin,
    Max,
    LiveMax,
    Sum,
    LiveSum,
    MostRecent,
    LiveMostRecent,
};

std::string_view toString(MetricType type);
std::string_view toString(GaugeMode mode); // "" for None
std::optional<MetricType> metricTypeFromString(std::string_view s);
std::optional<GaugeMode> gaugeModeFromString(std::string_view s);
bool isLiveMode(GaugeMode mode);
// All ten modes in the reference's documentation order.
const std::vector<GaugeMode> &allGaugeModes();

// Labels as (name, value) pairs, sorted by name with unique names.
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class ProblemKind {
    Unreadable,      // could not open/read the file
    Vanished,        // listed, then gone before it was read
    Empty,           // zero-length file
    BadHeader,       // `used` out of range or not a multiple of 8
    Truncated,       // an entry runs past `used` or the end of the data
    BadKeyLength,    // negative or impossible key length
    BadUtf8,         // key bytes are not UTF-8
    BadJson,         // key is not JSON text
    BadKeyShape,     // JSON but not a key array of a known generation
    MixedGeneration, // entries of different generations in one file
    ForeignFile,     // file name not of the reference's form, not a .db, a folder
    Unstable,        // kept changing while read (concurrent writer)
};

std::string_view toString(ProblemKind kind);

// What a problem says, one code per sentence or part of a sentence, so that
// it can be said in any language: the core says it in English
// (problemText: what `promdir` prints and logs), the inspector through its
// translations. %1, %2, ... in the comments stand for the arguments.
enum class ProblemCode : std::uint16_t {
    Verbatim, // no sentence of ours: a Phrase's text as it stands, a Problem's message

    // Listing a directory, and the names in it
    ListingFailed,         // listing failed: %1 (the system's words)
    SubfolderIgnored,      // sub-folder ignored (the directory is not read recursively)
    NotMetricsFileIgnored, // not a metrics file (*.db); ignored
    FolderNotMetricsFile,  // is a folder, not a metrics file
    BadFileName,           // not a metrics file name (%1: one of Name*); not merged
    NameNotDb,             // not a .db file
    NameUnknownType,       // name does not start with counter_, gauge_, histogram_ or summary_
    NameExpectedGauge,     // expected gauge_<mode>_<pid>.db
    NameExpectedType,      // expected %1_<pid>.db
    NameUnknownGaugeMode,  // unknown gauge mode '%1'
    NameEmptyPid,          // empty process id

    // Opening and reading a file
    FolderNotFile,    // is a folder, not a file
    NotRegularFile,   // not a regular file (%1: one of Type*); not opened
    TypeFifo,         // a FIFO
    TypeSocket,       // a socket
    TypeCharDevice,   // a character device
    TypeBlockDevice,  // a block device
    TypeUnknown,      // of an unknown type
    Vanished,         // file vanished before it could be read
    CannotOpen,       // cannot open: %1
    ReadFailed,       // read failed: %1
    Unstable,         // file kept changing while being read; values may be from different moments

    // The header and the entries' framing
    FileEmpty,             // file is empty (0 bytes)
    FileShorterThanHeader, // file is %1 bytes, shorter than the 8-byte header
    UsedBelowHeader,       // used is %1, smaller than the 8-byte header
    UsedNotMultipleOf8,    // used is %1, not a multiple of 8
    UsedBeyondFile,        // used is %1 but the file has only %2 bytes
    EntryHeaderRunsPast,   // entry header runs past %1 (LimitEndOfData or LimitUsed)
    NegativeKeyLength,     // negative key length %1
    KeyLengthRunsPast,     // key length %1 runs past %2 (read beyond file size; ...)
    ValueRunsPast,         // value of the entry runs past %1
    LimitEndOfData,        // the end of the data
    LimitUsed,             // used (%1)
    MixedGenerations,      // keys of different format generations in one file
    MoreProblems,          // %1 more problems in this file not listed (from this offset on)

    // Keys
    BadKeyInEntry,          // %1 (one of Key*) (entry at offset %2)
    KeyNotUtf8,             // key is not valid UTF-8
    KeyNotJson,             // key is not JSON: %1 (one of Json*)
    KeyNotArray,            // key is not a JSON array
    KeyWrongLength,         // key array has %1 elements, expected 3 or 4
    KeyNamesNotStrings,     // metric and sample names in the key are not strings
    KeyLabelValuesNotArray, // label values of the key are not an array
    KeyLabelCountMismatch,  // key has %1 label names but %2 values
    KeyLabelsNotStrings,    // label names and values in the key must be strings
    KeyLabelsNotObject,     // labels in the key are not a JSON object
    KeyLabelValueNotString, // value of label '%1' in the key is not a string
    KeyHelpNotString,       // help text in the key is not a string
    KeyMetricNameEmpty,     // metric name in the key is empty; no exposition can carry it
    KeySampleNameEmpty,     // sample name in the key is empty; no exposition can carry it

    // JSON text (json::parse)
    JsonExtraData,              // extra data after the JSON value
    JsonTooDeep,                // JSON nested too deeply
    JsonUnexpectedEnd,          // unexpected end of JSON text
    JsonExpectedValue,          // expected a JSON value
    JsonBadNumber,              // bad number
    JsonNoFractionDigits,       // bad number: no digits after '.'
    JsonNoExponentDigits,       // bad number: no digits in exponent
    JsonTruncatedUnicodeEscape, // truncated \u escape
    JsonBadUnicodeEscape,       // bad \u escape
    JsonUnterminatedString,     // unterminated string
    JsonControlCharacter,       // control character in string
    JsonBadEscape,              // bad escape in string
    JsonInvalidUtf8,            // invalid UTF-8 in string
    JsonUnterminatedArray,      // unterminated array
    JsonExpectedCommaOrBracket, // expected ',' or ']'
    JsonExpectedKey,            // expected a string as object key
    JsonExpectedColon,          // expected ':'
    JsonUnterminatedObject,     // unterminated object
    JsonExpectedCommaOrBrace,   // expected ',' or '}'

    // Archives
    MemberNotRead,          // is a %1 (one of Member*), so its metrics were not read
    MemberHardLink,         // hard link to '%1'; links are not followed
    MemberSymlink,          // symbolic link to '%1'; links are not followed
    MemberCharDevice,       // character device; not read
    MemberBlockDevice,      // block device; not read
    MemberFifo,             // FIFO; not read
    MemberSocket,           // socket; not read
    MemberSpecial,          // special member; not read
    MemberTooBig,           // member is %1 bytes, more than the limit of %2 for one file; not read (...)
    MoreForeignFiles,       // and %1 more files that are not metrics files (*.db); ignored
    ManifestNotUsable,      // manifest not usable: %1; liveness unknown
    ArchiveStopped,         // %1; stopped at byte %2 of %3 of the file (byte %4 of the tar data), after %5 members; ...
    ArchiveStoppedInMember, // %1; in or right after member '%2' (%3 bytes)
    ArchiveEndsInside,      // the archive ends inside %1 (one of Tar*) (%2: the tar reader's words)
    ArchiveDamagedIn,       // damaged tar data in %1 (%2)
    TarFirstHeader,         // its first header
    TarMemberData,          // a member's data
    TarMemberHeader,        // a member header
    ArchiveEmpty,           // the archive is empty
    ArchiveNotTar,          // not a tar archive, or its first header is damaged (%1)
    ArchiveNoEndMarker,     // the archive ends without its end-of-archive marker (cut at a member boundary?)
    ArchiveDamagedAfterEnd, // %1 after the end-of-archive marker, so the members read may hold damaged values
    ArchiveReadingStopped,  // reading stopped: %1
    DataEndsEarly,          // %1 (the compression) data ends early (the file is truncated)
    DataChecksumMismatch,   // %1 data is corrupt (checksum mismatch)
    DataBadHeader,          // %1 data has a bad header
    DataCorrupt,            // %1 data is corrupt (%2 error %3)
    DataUnreadable,         // %1 data could not be read (%2)
    ArchiveNotDecompressed, // the archive could not be decompressed
};

// An argument of a problem's sentence: text shown as it stands (a file
// name, a number, the system's own words) or a phrase of ours, said in
// turn in the reader's language.
struct Phrase
{
    ProblemCode code = ProblemCode::Verbatim;
    std::string text;         // Verbatim: the words themselves
    std::vector<Phrase> args; // what fills the code's %1, %2, ...

    Phrase() = default;
    Phrase(std::string verbatim) : text(std::move(verbatim)) {}
    Phrase(const char *verbatim) : text(verbatim) {}
    template<typename N>
        requires std::is_integral_v<N>
    Phrase(N number) : text(std::to_string(number)) {}
    Phrase(ProblemCode c, std::vector<Phrase> a = {}) : code(c), args(std::move(a)) {}

    friend bool operator==(const Phrase &, const Phrase &) = default;
};

// The enumerator's name: "UsedNotMultipleOf8", ...
std::string_view nameOf(ProblemCode code);
// The code's English sentence with %1, %2, ... where its arguments go
// ("" for Verbatim).
std::string_view englishTemplate(ProblemCode code);
// The English sentence: the template with each argument said in turn. What
// `promdir` prints and logs, and every Problem's message.
std::string problemText(ProblemCode code, std::span<const Phrase> args);
std::string problemText(const Phrase &phrase);
// Every code but Verbatim, for whoever says them in another language.
std::span<const ProblemCode> allProblemCodes();

struct Problem
{
    std::string file;    // path or name as the user gave it
    std::uint64_t offset = 0; // byte offset in the file where it was found
    ProblemKind kind = ProblemKind::Unreadable;
    std::string message; // one clear English sentence: problemText(code, args)
    // What the message says, to say it in another language. Verbatim: a
    // problem made by hand, whose message is all there is.
    ProblemCode code = ProblemCode::Verbatim;
    std::vector<Phrase> args{}; // (an initialiser: {file, offset, kind, message} stays quiet)

    // "file: offset N: message"
    std::string describe() const;
};

// A problem with its English message made from its code and arguments.
Problem makeProblem(std::string file, std::uint64_t offset, ProblemKind kind, ProblemCode code,
                    std::vector<Phrase> args = {});

} // namespace promdir
