// Problems as a code and its arguments: every code has an English sentence,
// and the sentences said from codes are the very words promdir printed
// before problems had codes (the CLI's and logs' output must not change).
#include "promdir/format/types.h"

#include <QtTest>

#include <set>
#include <string>

using namespace promdir;

Q_DECLARE_METATYPE(promdir::Phrase)

class TestProblems : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyCodeHasASentence()
    {
        QVERIFY(allProblemCodes().size() > 90);
        std::set<std::string_view> names;
        for (ProblemCode code : allProblemCodes()) {
            const std::string_view name = nameOf(code);
            QVERIFY2(!englishTemplate(code).empty(), name.data());
            QVERIFY2(name != "Unknown" && names.insert(name).second, name.data());
            // Its arguments are %1..%N, each used once.
            const std::string_view t = englishTemplate(code);
            int highest = 0, count = 0;
            for (std::size_t i = 0; i + 1 < t.size(); ++i)
                if (t[i] == '%' && t[i + 1] >= '1' && t[i + 1] <= '9') {
                    highest = std::max(highest, t[i + 1] - '0');
                    ++count;
                }
            QVERIFY2(highest == count, name.data());
        }
        QVERIFY(englishTemplate(ProblemCode::Verbatim).empty());
        QVERIFY(std::find(allProblemCodes().begin(), allProblemCodes().end(), ProblemCode::Verbatim)
                == allProblemCodes().end());
    }

    // The expected sentences are those the core built by hand before.
    void sentences_data()
    {
        QTest::addColumn<Phrase>("phrase");
        QTest::addColumn<QString>("english");
        using C = ProblemCode;
        auto row = [](const char *name, Phrase p, const char *english) {
            QTest::newRow(name) << p << QString::fromUtf8(english);
        };
        row("verbatim", Phrase("as it stands"), "as it stands");
        row("listing", Phrase(C::ListingFailed, {"Permission denied"}), "listing failed: Permission denied");
        row("sub-folder", Phrase(C::SubfolderIgnored), "sub-folder ignored (the directory is not read recursively)");
        row("bad name", Phrase(C::BadFileName, {Phrase(C::NameUnknownGaugeMode, {"median"})}),
            "not a metrics file name (unknown gauge mode 'median'); not merged");
        row("expected type", Phrase(C::BadFileName, {Phrase(C::NameExpectedType, {"histogram"})}),
            "not a metrics file name (expected histogram_<pid>.db); not merged");
        row("fifo", Phrase(C::NotRegularFile, {C::TypeFifo}), "not a regular file (a FIFO); not opened");
        row("unknown type", Phrase(C::NotRegularFile, {C::TypeUnknown}),
            "not a regular file (of an unknown type); not opened");
        row("cannot open", Phrase(C::CannotOpen, {"Permission denied"}), "cannot open: Permission denied");
        row("empty", Phrase(C::FileEmpty), "file is empty (0 bytes)");
        row("short", Phrase(C::FileShorterThanHeader, {3}), "file is 3 bytes, shorter than the 8-byte header");
        row("used < 8", Phrase(C::UsedBelowHeader, {-16}), "used is -16, smaller than the 8-byte header");
        row("used odd", Phrase(C::UsedNotMultipleOf8, {20}), "used is 20, not a multiple of 8");
        row("used big", Phrase(C::UsedBeyondFile, {4096, 64}), "used is 4096 but the file has only 64 bytes");
        row("header past end", Phrase(C::EntryHeaderRunsPast, {C::LimitEndOfData}),
            "entry header runs past the end of the data");
        row("key past used", Phrase(C::KeyLengthRunsPast, {1000, Phrase(C::LimitUsed, {64})}),
            "key length 1000 runs past used (64) (read beyond file size; the file is corrupted or truncated)");
        row("negative key", Phrase(C::NegativeKeyLength, {-7}), "negative key length -7");
        row("value past", Phrase(C::ValueRunsPast, {Phrase(C::LimitUsed, {48})}), "value of the entry runs past used (48)");
        row("more", Phrase(C::MoreProblems, {250}), "250 more problems in this file not listed (from this offset on)");
        row("key json", Phrase(C::BadKeyInEntry, {Phrase(C::KeyNotJson, {C::JsonUnterminatedString}), 8}),
            "key is not JSON: unterminated string (entry at offset 8)");
        row("key escape", Phrase(C::KeyNotJson, {C::JsonTruncatedUnicodeEscape}), "key is not JSON: truncated \\u escape");
        row("key label", Phrase(C::BadKeyInEntry, {Phrase(C::KeyLabelValueNotString, {"a"}), 8}),
            "value of label 'a' in the key is not a string (entry at offset 8)");
        row("key counts", Phrase(C::KeyLabelCountMismatch, {2, 1}), "key has 2 label names but 1 values");
        row("key utf8", Phrase(C::BadKeyInEntry, {C::KeyNotUtf8, 40}), "key is not valid UTF-8 (entry at offset 40)");
        row("symlink member", Phrase(C::MemberNotRead, {Phrase(C::MemberSymlink, {"../x"})}),
            "is a symbolic link to '../x'; links are not followed, so its metrics were not read");
        row("big member",
            Phrase(C::MemberTooBig, {6291456, "4 MiB"}),
            "member is 6291456 bytes, more than the limit of 4 MiB for one file; not read (raise it with "
            "--max-member-size)");
        row("foreign omitted", Phrase(C::MoreForeignFiles, {99000}),
            "and 99000 more files that are not metrics files (*.db); ignored");
        row("archive cut",
            Phrase(C::ArchiveStopped,
                   {Phrase(C::ArchiveStoppedInMember,
                           {Phrase(C::ArchiveEndsInside, {C::TarMemberData, "Truncated tar archive"}),
                            "metrics/counter_1.db", 4096}),
                    100, 200, 10240, 1}),
            "the archive ends inside a member's data (Truncated tar archive); in or right after member "
            "'metrics/counter_1.db' (4096 bytes); stopped at byte 100 of 200 of the file (byte 10240 of the tar "
            "data), after 1 members; the files read before are kept");
        row("gzip", Phrase(C::DataCorrupt, {"gzip", "zlib", -3}), "gzip data is corrupt (zlib error -3)");
        row("after end", Phrase(C::ArchiveDamagedAfterEnd, {Phrase(C::DataChecksumMismatch, {"xz"})}),
            "xz data is corrupt (checksum mismatch) after the end-of-archive marker, so the members read may "
            "hold damaged values");
        // An argument's own words are never taken for placeholders.
        row("percent in argument", Phrase(C::UsedBeyondFile, {"%2", "9"}), "used is %2 but the file has only 9 bytes");
        // A missing argument leaves its place empty rather than failing.
        row("missing argument", Phrase(C::UsedNotMultipleOf8), "used is , not a multiple of 8");
    }
    void sentences()
    {
        QFETCH(Phrase, phrase);
        QFETCH(QString, english);
        QCOMPARE(QString::fromStdString(problemText(phrase)), english);
    }

    void problemCarriesItsSentence()
    {
        const Problem p = makeProblem("dir/counter_1.db", 24, ProblemKind::BadHeader, ProblemCode::UsedNotMultipleOf8, {20});
        QVERIFY(p.code == ProblemCode::UsedNotMultipleOf8);
        QCOMPARE(p.args.size(), std::size_t(1));
        QCOMPARE(p.args[0].text, std::string("20"));
        QCOMPARE(p.message, std::string("used is 20, not a multiple of 8"));
        QCOMPARE(p.describe(), std::string("dir/counter_1.db: offset 24: used is 20, not a multiple of 8"));
        // A problem made by hand keeps its words.
        const Problem byHand{"x.db", 0, ProblemKind::Empty, "empty"};
        QVERIFY(byHand.code == ProblemCode::Verbatim);
        QCOMPARE(byHand.describe(), std::string("x.db: offset 0: empty"));
    }
};

QTEST_GUILESS_MAIN(TestProblems)
#include "tst_problems.moc"
