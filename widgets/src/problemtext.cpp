#include "promdir/problemtext.h"

#include <QCoreApplication>

namespace promdir {

namespace {

constexpr char kContext[] = "promdir::ProblemText";

// The same sentences as the core's English (format/types.cpp), for
// translating: a code missing here is a compiler warning (-Wswitch).
const char *sourceOf(ProblemCode code)
{
    using C = ProblemCode;
    switch (code) {
    case C::Verbatim: return nullptr;
    case C::ListingFailed: return QT_TRANSLATE_NOOP("promdir::ProblemText", "listing failed: %1");
    case C::SubfolderIgnored:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "sub-folder ignored (the directory is not read recursively)");
    case C::NotMetricsFileIgnored:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "not a metrics file (*.db); ignored");
    case C::FolderNotMetricsFile: return QT_TRANSLATE_NOOP("promdir::ProblemText", "is a folder, not a metrics file");
    case C::BadFileName: return QT_TRANSLATE_NOOP("promdir::ProblemText", "not a metrics file name (%1); not merged");
    case C::NameNotDb: return QT_TRANSLATE_NOOP("promdir::ProblemText", "not a .db file");
    case C::NameUnknownType:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "name does not start with counter_, gauge_, histogram_ or summary_");
    case C::NameExpectedGauge: return QT_TRANSLATE_NOOP("promdir::ProblemText", "expected gauge_<mode>_<pid>.db");
    case C::NameExpectedType: return QT_TRANSLATE_NOOP("promdir::ProblemText", "expected %1_<pid>.db");
    case C::NameUnknownGaugeMode: return QT_TRANSLATE_NOOP("promdir::ProblemText", "unknown gauge mode '%1'");
    case C::NameEmptyPid: return QT_TRANSLATE_NOOP("promdir::ProblemText", "empty process id");
    case C::FolderNotFile: return QT_TRANSLATE_NOOP("promdir::ProblemText", "is a folder, not a file");
    case C::NotRegularFile: return QT_TRANSLATE_NOOP("promdir::ProblemText", "not a regular file (%1); not opened");
    case C::TypeFifo: return QT_TRANSLATE_NOOP("promdir::ProblemText", "a FIFO");
    case C::TypeSocket: return QT_TRANSLATE_NOOP("promdir::ProblemText", "a socket");
    case C::TypeCharDevice: return QT_TRANSLATE_NOOP("promdir::ProblemText", "a character device");
    case C::TypeBlockDevice: return QT_TRANSLATE_NOOP("promdir::ProblemText", "a block device");
    case C::TypeUnknown: return QT_TRANSLATE_NOOP("promdir::ProblemText", "of an unknown type");
    case C::Vanished: return QT_TRANSLATE_NOOP("promdir::ProblemText", "file vanished before it could be read");
    case C::CannotOpen: return QT_TRANSLATE_NOOP("promdir::ProblemText", "cannot open: %1");
    case C::ReadFailed: return QT_TRANSLATE_NOOP("promdir::ProblemText", "read failed: %1");
    case C::Unstable:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "file kept changing while being read; values may be from different moments");
    case C::FileEmpty: return QT_TRANSLATE_NOOP("promdir::ProblemText", "file is empty (0 bytes)");
    case C::FileShorterThanHeader:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "file is %1 bytes, shorter than the 8-byte header");
    case C::UsedBelowHeader:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "used is %1, smaller than the 8-byte header");
    case C::UsedNotMultipleOf8: return QT_TRANSLATE_NOOP("promdir::ProblemText", "used is %1, not a multiple of 8");
    case C::UsedBeyondFile:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "used is %1 but the file has only %2 bytes");
    case C::EntryHeaderRunsPast: return QT_TRANSLATE_NOOP("promdir::ProblemText", "entry header runs past %1");
    case C::NegativeKeyLength: return QT_TRANSLATE_NOOP("promdir::ProblemText", "negative key length %1");
    case C::KeyLengthRunsPast:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "key length %1 runs past %2 (read beyond file size; the file is corrupted or truncated)");
    case C::ValueRunsPast: return QT_TRANSLATE_NOOP("promdir::ProblemText", "value of the entry runs past %1");
    case C::LimitEndOfData: return QT_TRANSLATE_NOOP("promdir::ProblemText", "the end of the data");
    case C::LimitUsed: return QT_TRANSLATE_NOOP("promdir::ProblemText", "used (%1)");
    case C::MixedGenerations:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "keys of different format generations in one file");
    case C::MoreProblems:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1 more problems in this file not listed (from this offset on)");
    case C::BadKeyInEntry: return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1 (entry at offset %2)");
    case C::KeyNotUtf8: return QT_TRANSLATE_NOOP("promdir::ProblemText", "key is not valid UTF-8");
    case C::KeyNotJson: return QT_TRANSLATE_NOOP("promdir::ProblemText", "key is not JSON: %1");
    case C::KeyNotArray: return QT_TRANSLATE_NOOP("promdir::ProblemText", "key is not a JSON array");
    case C::KeyWrongLength:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "key array has %1 elements, expected 3 or 4");
    case C::KeyNamesNotStrings:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "metric and sample names in the key are not strings");
    case C::KeyLabelValuesNotArray:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "label values of the key are not an array");
    case C::KeyLabelCountMismatch:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "key has %1 label names but %2 values");
    case C::KeyLabelsNotStrings:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "label names and values in the key must be strings");
    case C::KeyLabelsNotObject:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "labels in the key are not a JSON object");
    case C::KeyLabelValueNotString:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "value of label '%1' in the key is not a string");
    case C::KeyHelpNotString: return QT_TRANSLATE_NOOP("promdir::ProblemText", "help text in the key is not a string");
    case C::KeyMetricNameEmpty:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "metric name in the key is empty; no exposition can carry it");
    case C::KeySampleNameEmpty:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "sample name in the key is empty; no exposition can carry it");
    case C::JsonExtraData: return QT_TRANSLATE_NOOP("promdir::ProblemText", "extra data after the JSON value");
    case C::JsonTooDeep: return QT_TRANSLATE_NOOP("promdir::ProblemText", "JSON nested too deeply");
    case C::JsonUnexpectedEnd: return QT_TRANSLATE_NOOP("promdir::ProblemText", "unexpected end of JSON text");
    case C::JsonExpectedValue: return QT_TRANSLATE_NOOP("promdir::ProblemText", "expected a JSON value");
    case C::JsonBadNumber: return QT_TRANSLATE_NOOP("promdir::ProblemText", "bad number");
    case C::JsonNoFractionDigits: return QT_TRANSLATE_NOOP("promdir::ProblemText", "bad number: no digits after '.'");
    case C::JsonNoExponentDigits: return QT_TRANSLATE_NOOP("promdir::ProblemText", "bad number: no digits in exponent");
    case C::JsonTruncatedUnicodeEscape: return QT_TRANSLATE_NOOP("promdir::ProblemText", "truncated \\u escape");
    case C::JsonBadUnicodeEscape: return QT_TRANSLATE_NOOP("promdir::ProblemText", "bad \\u escape");
    case C::JsonUnterminatedString: return QT_TRANSLATE_NOOP("promdir::ProblemText", "unterminated string");
    case C::JsonControlCharacter: return QT_TRANSLATE_NOOP("promdir::ProblemText", "control character in string");
    case C::JsonBadEscape: return QT_TRANSLATE_NOOP("promdir::ProblemText", "bad escape in string");
    case C::JsonInvalidUtf8: return QT_TRANSLATE_NOOP("promdir::ProblemText", "invalid UTF-8 in string");
    case C::JsonUnterminatedArray: return QT_TRANSLATE_NOOP("promdir::ProblemText", "unterminated array");
    case C::JsonExpectedCommaOrBracket: return QT_TRANSLATE_NOOP("promdir::ProblemText", "expected ',' or ']'");
    case C::JsonExpectedKey: return QT_TRANSLATE_NOOP("promdir::ProblemText", "expected a string as object key");
    case C::JsonExpectedColon: return QT_TRANSLATE_NOOP("promdir::ProblemText", "expected ':'");
    case C::JsonUnterminatedObject: return QT_TRANSLATE_NOOP("promdir::ProblemText", "unterminated object");
    case C::JsonExpectedCommaOrBrace: return QT_TRANSLATE_NOOP("promdir::ProblemText", "expected ',' or '}'");
    case C::MemberNotRead: return QT_TRANSLATE_NOOP("promdir::ProblemText", "is a %1, so its metrics were not read");
    case C::MemberHardLink:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "hard link to '%1'; links are not followed");
    case C::MemberSymlink:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "symbolic link to '%1'; links are not followed");
    case C::MemberCharDevice: return QT_TRANSLATE_NOOP("promdir::ProblemText", "character device; not read");
    case C::MemberBlockDevice: return QT_TRANSLATE_NOOP("promdir::ProblemText", "block device; not read");
    case C::MemberFifo: return QT_TRANSLATE_NOOP("promdir::ProblemText", "FIFO; not read");
    case C::MemberSocket: return QT_TRANSLATE_NOOP("promdir::ProblemText", "socket; not read");
    case C::MemberSpecial: return QT_TRANSLATE_NOOP("promdir::ProblemText", "special member; not read");
    case C::MemberTooBig:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "member is %1 bytes, more than the limit of %2 for one file; not read (raise it with --max-member-size)");
    case C::MoreForeignFiles:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "and %1 more files that are not metrics files (*.db); ignored");
    case C::ManifestNotUsable:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "manifest not usable: %1; liveness unknown");
    case C::ArchiveStopped:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1; stopped at byte %2 of %3 of the file (byte %4 of the tar data), after %5 members; the files read before are kept");
    case C::ArchiveStoppedInMember:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1; in or right after member '%2' (%3 bytes)");
    case C::ArchiveEndsInside: return QT_TRANSLATE_NOOP("promdir::ProblemText", "the archive ends inside %1 (%2)");
    case C::ArchiveDamagedIn: return QT_TRANSLATE_NOOP("promdir::ProblemText", "damaged tar data in %1 (%2)");
    case C::TarFirstHeader: return QT_TRANSLATE_NOOP("promdir::ProblemText", "its first header");
    case C::TarMemberData: return QT_TRANSLATE_NOOP("promdir::ProblemText", "a member's data");
    case C::TarMemberHeader: return QT_TRANSLATE_NOOP("promdir::ProblemText", "a member header");
    case C::ArchiveEmpty: return QT_TRANSLATE_NOOP("promdir::ProblemText", "the archive is empty");
    case C::ArchiveNotTar:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "not a tar archive, or its first header is damaged (%1)");
    case C::ArchiveNoEndMarker:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "the archive ends without its end-of-archive marker (cut at a member boundary?)");
    case C::ArchiveDamagedAfterEnd:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1 after the end-of-archive marker, so the members read may hold damaged values");
    case C::ArchiveReadingStopped: return QT_TRANSLATE_NOOP("promdir::ProblemText", "reading stopped: %1");
    case C::DataEndsEarly:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1 data ends early (the file is truncated)");
    case C::DataChecksumMismatch:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1 data is corrupt (checksum mismatch)");
    case C::DataBadHeader: return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1 data has a bad header");
    case C::DataCorrupt: return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1 data is corrupt (%2 error %3)");
    case C::DataUnreadable: return QT_TRANSLATE_NOOP("promdir::ProblemText", "%1 data could not be read (%2)");
    case C::ArchiveNotDecompressed:
        return QT_TRANSLATE_NOOP("promdir::ProblemText", "the archive could not be decompressed");
    }
    return nullptr;
}

} // namespace

QString ProblemText::sentence(ProblemCode code)
{
    const char *source = sourceOf(code);
    return source ? QCoreApplication::translate(kContext, source) : QString();
}

QString ProblemText::of(ProblemCode code, std::span<const Phrase> args)
{
    // One pass, like the core: an argument's own words are never searched
    // for %N (QString::arg would, one argument after the other).
    const QString t = sentence(code);
    QString out;
    out.reserve(t.size() + 32);
    for (qsizetype i = 0; i < t.size(); ++i) {
        const QChar c = t.at(i);
        if (c == QLatin1Char('%') && i + 1 < t.size() && t.at(i + 1) >= QLatin1Char('1')
            && t.at(i + 1) <= QLatin1Char('9')) {
            const auto n = std::size_t(t.at(i + 1).unicode() - '1');
            if (n < args.size())
                out += of(args[n]);
            ++i;
            continue;
        }
        out += c;
    }
    return out;
}

QString ProblemText::of(const Phrase &phrase)
{
    return phrase.code == ProblemCode::Verbatim ? QString::fromStdString(phrase.text)
                                                : of(phrase.code, phrase.args);
}

QString ProblemText::of(const Problem &problem)
{
    return problem.code == ProblemCode::Verbatim ? QString::fromStdString(problem.message)
                                                 : of(problem.code, problem.args);
}

QString ProblemText::describe(const Problem &problem)
{
    return QCoreApplication::translate("promdir::ProblemText", "%1: offset %2: %3")
        .arg(QString::fromStdString(problem.file), QString::number(problem.offset), of(problem));
}

} // namespace promdir
