// Archives (issue 4): every fixture packed in every compression renders like
// its directory; folder detection and --subdir; limits; truncated, corrupt
// and hostile archives; links skipped; pack round trip with liveness.
#include "testutil.h"

#include "promdir/archive/archive.h"
#include "promdir/engine/mergeengine.h"
#include "promdir/diagnostics/processes.h"
#include "promdir/render/render.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <set>

#include <sys/stat.h>

using namespace promdir;
using namespace promdir::test;
namespace fs = std::filesystem;

namespace {

std::string fixtureDir(const QString &version)
{
    return std::string(PROMDIR_TEST_DATA) + "/client_python/" + version.toStdString();
}

std::string renderOf(const LoadResult &load, Format format = Format::Text)
{
    return promdir::render(merge(load.files), {format, {}});
}

// tar of `folder` (relative to `base`) in the given compression.
bool makeTar(const QString &base, const QStringList &members, const QString &compression, const QString &out,
             const QStringList &extra = {})
{
    const QString tarFile = out + QStringLiteral(".plain.tar");
    QStringList args = {QStringLiteral("-C"), base, QStringLiteral("-cf"), tarFile};
    args += extra;
    args += members;
    if (run(QStringLiteral("tar"), args) != 0)
        return false;
    bool ok = true;
    if (compression == QLatin1String("none"))
        ok = QFile::rename(tarFile, out);
    else {
        // A small block size for bzip2, so a cut file still has whole blocks.
        QStringList cargs = {QStringLiteral("-c")};
        if (compression != QLatin1String("zstd"))
            cargs << QStringLiteral("-1"); // fast; bzip2's small blocks also help the cut tests
        if (compression == QLatin1String("zstd"))
            cargs << QStringLiteral("-q");
        cargs << tarFile;
        ok = run(compression, cargs, out) == 0;
        QFile::remove(tarFile);
    }
    return ok;
}

// The same parse: generation, used bytes and every entry (offset, key,
// value and timestamp bit for bit), as a member read from an archive and
// the file read from the directory must give.
bool sameParse(const ParsedFile &a, const ParsedFile &b)
{
    if (a.generation != b.generation || a.used != b.used || a.entries.size() != b.entries.size())
        return false;
    for (std::size_t i = 0; i < a.entries.size(); ++i) {
        const Entry &x = a.entries[i];
        const Entry &y = b.entries[i];
        if (x.offset != y.offset || x.rawKey() != y.rawKey() || std::memcmp(&x.value, &y.value, 8) != 0
            || std::memcmp(&x.timestamp, &y.timestamp, 8) != 0)
            return false;
    }
    return true;
}

// Loads `path` in a child process (runLimited: 256 MiB more address space,
// `cpuSeconds` of CPU time), so a runaway load ends the child, not the
// test run. True when it finished and `expected` held; otherwise what was
// loaded is said on stderr.
bool loadsWithinLimits(const std::string &path, unsigned cpuSeconds,
                       const std::function<bool(const LoadResult &)> &expected)
{
    const int rc = runLimited(
        [&] {
            const LoadResult r = loadPath(path);
            if (expected(r))
                return 0;
            std::fprintf(stderr, "ok %d, %zu files, %zu problems: %.200s\n", r.ok, r.files.size(), r.problems.size(),
                         r.problems.empty() ? r.error.c_str() : r.problems[0].message.c_str());
            return 1;
        },
        256 << 20, cpuSeconds);
    return rc == 0;
}

// tmp/prom holding the fixture's counter_101.db: a directory to pack.
std::string oneCounterDirectory(const QTemporaryDir &tmp)
{
    const std::string dir = tmp.filePath(QStringLiteral("prom")).toStdString();
    fs::create_directories(dir);
    fs::copy_file(fixtureDir(QStringLiteral("current")) + "/metrics/counter_101.db", dir + "/counter_101.db");
    return dir;
}

// tmp/victim holding kPrecious: what a link planted for pack points at,
// which must stay as it is.
const std::string kPrecious = "precious\n";

std::string victimFile(const QTemporaryDir &tmp)
{
    const std::string victim = tmp.filePath(QStringLiteral("victim")).toStdString();
    spit(victim, kPrecious);
    return victim;
}

const QStringList kCompressions = {QStringLiteral("none"), QStringLiteral("gzip"), QStringLiteral("bzip2"),
                                   QStringLiteral("xz"), QStringLiteral("zstd")};

} // namespace

class TestArchive : public QObject
{
    Q_OBJECT
private slots:
    void detectsByContent_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("compression");
        for (const char *v : {"v0.15.0", "v0.17.1", "v0.21.1", "current"})
            for (const auto &c : kCompressions)
                QTest::newRow(qPrintable(QString::fromLatin1(v) + QLatin1Char('/') + c)) << QString::fromLatin1(v) << c;
    }

    // Byte-identical to the directory, in every format, for every fixture;
    // the archive's name says nothing (".bin"): detection is by content.
    void detectsByContent()
    {
        QFETCH(QString, version);
        QFETCH(QString, compression);
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("support.bin"));
        QVERIFY(makeTar(QString::fromStdString(fixtureDir(version)), {QStringLiteral("metrics")}, compression, out));

        const LoadResult dir = loadPath(fixtureDir(version) + "/metrics");
        const LoadResult arc = loadPath(out.toStdString());
        QVERIFY2(arc.ok, arc.error.c_str());
        QVERIFY(arc.archive.isArchive);
        QCOMPARE(QString::fromStdString(arc.archive.compression), compression);
        QCOMPARE(arc.archive.folder, std::string("metrics"));
        QVERIFY(arc.archive.complete);
        QCOMPARE(arc.allProblems().size(), std::size_t(0));
        QCOMPARE(arc.files.size(), dir.files.size());
        for (std::size_t i = 0; i < dir.files.size(); ++i) {
            QCOMPARE(arc.files[i]->name, dir.files[i]->name);
            QVERIFY(sameParse(*arc.files[i], *dir.files[i]));
            QCOMPARE(arc.files[i]->size, dir.files[i]->size);
        }
        QCOMPARE(renderOf(arc), renderOf(dir));
        QCOMPARE(renderOf(arc, Format::OpenMetrics), renderOf(dir, Format::OpenMetrics));
        // And through the merge engine, as the CLI does.
        MergeEngine engine(out.toStdString());
        QCOMPARE(promdir::render(engine.refresh()->families), slurp(fixtureDir(version) + "/expected-current.prom"));
    }

    // Files at the top of the archive (tar -C metrics .), GNU long names,
    // pax headers and sparse members all read alike.
    void tarFlavours_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("gnu") << QStringList{QStringLiteral("--format=gnu")};
        QTest::newRow("pax") << QStringList{QStringLiteral("--format=pax")};
        QTest::newRow("ustar") << QStringList{QStringLiteral("--format=ustar")};
        QTest::newRow("v7") << QStringList{QStringLiteral("--format=v7")};
        QTest::newRow("gnu-sparse") << QStringList{QStringLiteral("--format=gnu"), QStringLiteral("--sparse")};
        QTest::newRow("pax-sparse-1.0") << QStringList{QStringLiteral("--format=pax"), QStringLiteral("--sparse")};
        QTest::newRow("pax-sparse-0.1") << QStringList{QStringLiteral("--format=pax"), QStringLiteral("--sparse"),
                                                        QStringLiteral("--sparse-version=0.1")};
        QTest::newRow("pax-sparse-0.0") << QStringList{QStringLiteral("--format=pax"), QStringLiteral("--sparse"),
                                                        QStringLiteral("--sparse-version=0.0")};
    }

    void tarFlavours()
    {
        QFETCH(QStringList, extra);
        QTemporaryDir tmp;
        // A folder name longer than ustar's 100/155-byte fields.
        const std::string deep = std::string(70, 'd') + "/" + std::string(70, 'e') + "/metrics_" + std::string(40, 'x');
        const std::string src = tmp.filePath(QStringLiteral("src")).toStdString();
        fs::create_directories(src + "/" + deep);
        for (const auto &e : fs::directory_iterator(fixtureDir(QStringLiteral("current")) + "/metrics"))
            fs::copy_file(e.path(), src + "/" + deep + "/" + e.path().filename().string());
        const QString out = tmp.filePath(QStringLiteral("a.tar"));
        const bool v7 = extra.contains(QStringLiteral("--format=v7"));
        const bool ustar = extra.contains(QStringLiteral("--format=ustar"));
        // v7 and ustar cannot hold the long names: use the top level for them.
        if (v7 || ustar)
            QVERIFY(makeTar(QString::fromStdString(src + "/" + deep), {QStringLiteral(".")}, QStringLiteral("none"), out, extra));
        else
            QVERIFY(makeTar(QString::fromStdString(src), QStringList{QString::fromStdString(std::string(70, 'd'))},
                            QStringLiteral("none"), out, extra));
        const LoadResult dir = loadPath(src + "/" + deep);
        const LoadResult arc = loadPath(out.toStdString());
        QVERIFY2(arc.ok, arc.error.c_str());
        QCOMPARE(arc.allProblems().size(), std::size_t(0));
        QCOMPARE(arc.archive.folder, v7 || ustar ? std::string() : deep);
        QCOMPARE(arc.files.size(), dir.files.size());
        QCOMPARE(renderOf(arc), renderOf(dir));
        for (std::size_t i = 0; i < dir.files.size(); ++i)
            QCOMPARE(arc.files[i]->size, dir.files[i]->size); // zero tails (holes) count
    }

    void autoDetectsFolder()
    {
        QTemporaryDir tmp;
        const std::string m = fixtureDir(QStringLiteral("current")) + "/metrics/";
        std::string tar = tarMember("case-123/", {}, '5') + tarMember("case-123/logs/app.log", "hello\n")
                          + tarMember("case-123/notes.db.txt", "x")
                          + tarMember("case-123/var/run/prom/counter_101.db", slurp(m + "counter_101.db"))
                          + tarMember("case-123/var/run/prom/gauge_all_101.db", slurp(m + "gauge_all_101.db")) + tarEnd();
        const std::string path = tmp.filePath(QStringLiteral("x.tar")).toStdString();
        spit(path, tar);
        const LoadResult r = loadPath(path);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.archive.folder, std::string("case-123/var/run/prom"));
        QCOMPARE(r.files.size(), std::size_t(2));
        QCOMPARE(r.archive.dbFolders.size(), std::size_t(1));
        QCOMPARE(r.problems.size(), std::size_t(0));
    }

    // tar -r appends a second copy of a name: the last one counts, once.
    void duplicateMembersLastWins()
    {
        QTemporaryDir tmp;
        const std::string m = fixtureDir(QStringLiteral("current")) + "/metrics/";
        const std::string tar = tarMember("m/counter_101.db", slurp(m + "counter_102.db"))
                                + tarMember("m/gauge_all_101.db", slurp(m + "gauge_all_101.db"))
                                + tarMember("m/counter_101.db", slurp(m + "counter_101.db")) + tarEnd();
        const std::string path = tmp.filePath(QStringLiteral("x.tar")).toStdString();
        spit(path, tar);
        const LoadResult r = loadPath(path);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.files.size(), std::size_t(2));
        QCOMPARE(r.archive.dbFolders.at(0).second, std::size_t(2));
        const LoadResult d = loadPath(m);
        const auto it = std::find_if(d.files.begin(), d.files.end(), [](const auto &f) { return f->name == "counter_101.db"; });
        QCOMPARE(r.files[0]->name, std::string("counter_101.db"));
        QVERIFY(sameParse(*r.files[0], **it));
    }

    void severalFoldersNeedSubdir()
    {
        QTemporaryDir tmp;
        const std::string m = fixtureDir(QStringLiteral("current")) + "/metrics/";
        const std::string tar = tarMember("a/counter_101.db", slurp(m + "counter_101.db"))
                                + tarMember("b/counter_102.db", slurp(m + "counter_102.db"))
                                + tarMember("b/counter_103.db", slurp(m + "counter_103.db"))
                                + tarMember("b/old/x.txt", "x") + tarEnd();
        const std::string path = tmp.filePath(QStringLiteral("x.tar")).toStdString();
        spit(path, tar);
        LoadResult r = loadPath(path);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("--subdir") != std::string::npos, r.error.c_str());
        QVERIFY2(r.error.find("a/ (1 metrics files)") != std::string::npos, r.error.c_str());
        QVERIFY2(r.error.find("b/ (2 metrics files)") != std::string::npos, r.error.c_str());
        QCOMPARE(r.archive.dbFolders.size(), std::size_t(2));

        LoadOptions o;
        o.subdir = "./b/";
        r = loadPath(path, o);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.files.size(), std::size_t(2));
        QCOMPARE(r.files[0]->name, std::string("counter_102.db"));
        // The sub-folder is reported, as for a directory.
        QCOMPARE(r.problems.size(), std::size_t(1));
        QVERIFY(r.problems[0].kind == ProblemKind::ForeignFile);

        o.subdir = "c";
        r = loadPath(path, o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("no folder 'c'") != std::string::npos, r.error.c_str());
    }

    void limits()
    {
        QTemporaryDir tmp;
        const std::string m = fixtureDir(QStringLiteral("current")) + "/metrics/";
        std::string tar;
        for (const char *n : {"counter_101.db", "counter_102.db", "counter_103.db", "counter_104.db", "gauge_all_101.db"})
            tar += tarMember(std::string("m/") + n, slurp(m + n));
        tar += tarEnd();
        const std::string path = tmp.filePath(QStringLiteral("x.tar")).toStdString();
        spit(path, tar);

        LoadOptions o;
        o.limits.maxMembers = 3;
        LoadResult r = loadPath(path, o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("more than 3 members") != std::string::npos, r.error.c_str());
        QVERIFY2(r.error.find("--max-members") != std::string::npos, r.error.c_str());

        o = {};
        o.limits.maxTotalBytes = 100000; // each member is 64 KiB
        r = loadPath(path, o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("uncompressed data") != std::string::npos, r.error.c_str());
        QVERIFY2(r.error.find("--max-total-size") != std::string::npos, r.error.c_str());

        o = {};
        o.limits.maxMemberBytes = 1000;
        r = loadPath(path, o);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.files.size(), std::size_t(5));
        for (const auto &f : r.files) {
            QCOMPARE(f->entries.size(), std::size_t(0));
            QCOMPARE(f->problems.size(), std::size_t(1));
            QVERIFY(f->problems[0].message.find("--max-member-size") != std::string::npos);
        }

        o.limits.maxMemberBytes = 65536; // exactly the size: allowed
        r = loadPath(path, o);
        QVERIFY(r.ok);
        QCOMPARE(r.allProblems().size(), std::size_t(0));
    }

    void truncated_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::addColumn<double>("cut");
        for (const auto &c : kCompressions) {
            QTest::newRow(qPrintable(c + QStringLiteral("-40%"))) << c << 0.4;
            QTest::newRow(qPrintable(c + QStringLiteral("-90%"))) << c << 0.9;
        }
    }

    // Cut short: what was read is kept, the break is reported with where.
    void truncated()
    {
        QFETCH(QString, compression);
        QFETCH(double, cut);
        QTemporaryDir tmp;
        // Random bytes after `used` (never read) make every member hard to
        // compress, so cuts fall inside members (and after a few whole
        // bzip2 blocks) in every format.
        const std::string src = tmp.filePath(QStringLiteral("src/metrics")).toStdString();
        fs::create_directories(src);
        std::uint32_t seed = 12345;
        for (const auto &e : fs::directory_iterator(fixtureDir(QStringLiteral("current")) + "/metrics")) {
            std::string b = slurp(e.path().string());
            std::int32_t used;
            std::memcpy(&used, b.data(), 4);
            const std::size_t end = std::min(b.size(), static_cast<std::size_t>(used) + 8192);
            for (std::size_t i = static_cast<std::size_t>(used); i < end; ++i) {
                seed = seed * 1664525u + 1013904223u;
                b[i] = static_cast<char>(seed >> 24);
            }
            spit(src + "/" + e.path().filename().string(), b);
        }
        const QString out = tmp.filePath(QStringLiteral("full"));
        QVERIFY(makeTar(tmp.filePath(QStringLiteral("src")), {QStringLiteral("metrics")}, compression, out));
        std::string bytes = slurp(out.toStdString());
        bytes.resize(static_cast<std::size_t>(static_cast<double>(bytes.size()) * cut));
        const std::string path = tmp.filePath(QStringLiteral("cut")).toStdString();
        spit(path, bytes);

        const LoadResult dir = loadPath(src);
        QCOMPARE(renderOf(dir), renderOf(loadPath(fixtureDir(QStringLiteral("current")) + "/metrics")));
        const LoadResult r = loadPath(path);
        QVERIFY(!r.archive.complete);
        const std::string where = r.ok ? (r.problems.empty() ? std::string() : r.problems.back().message) : r.error;
        QVERIFY2(where.find("stopped at byte") != std::string::npos, where.c_str());
        QVERIFY2(where.find("the files read before are kept") != std::string::npos, where.c_str());
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.files.size() < dir.files.size());
        QVERIFY(r.files.size() > 0);
        // Every file read without a problem is the directory's file.
        std::size_t intact = 0;
        for (const auto &f : r.files) {
            const auto it = std::find_if(dir.files.begin(), dir.files.end(), [&](const auto &d) { return d->name == f->name; });
            QVERIFY(it != dir.files.end());
            if (f->problems.empty()) {
                QVERIFY(sameParse(*f, **it));
                QCOMPARE(f->entries.size(), (*it)->entries.size());
                ++intact;
            }
        }
        QVERIFY(intact > 0);
    }

    void corrupt_data()
    {
        QTest::addColumn<QString>("compression");
        for (const auto &c : kCompressions)
            QTest::newRow(qPrintable(c)) << c;
    }

    void corrupt()
    {
        QFETCH(QString, compression);
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("full"));
        QVERIFY(makeTar(QString::fromStdString(fixtureDir(QStringLiteral("current"))), {QStringLiteral("metrics")},
                        compression, out));
        const std::string good = slurp(out.toStdString());
        // Garble 64 bytes at many places: wherever the damage lands, the load
        // must report it (a damaged compressed block may decode into plausible
        // member contents, so only the stream's checksum at its end tells).
        int checked = 0;
        for (int tenth = 2; tenth <= 8; ++tenth) {
            std::string bytes = good;
            const std::size_t at = bytes.size() * static_cast<std::size_t>(tenth) / 10;
            for (std::size_t i = at; i < at + 64 && i < bytes.size(); ++i)
                bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
            if (compression == QLatin1String("none")) {
                // An uncompressed tar has no checksum over member data; break a
                // member header: after the folder's header and the first 64 KiB
                // member comes the second member's header.
                if (tenth != 5)
                    continue;
                bytes[512 + 512 + 65536 + 10] ^= 0x33;
            }
            const std::string path = tmp.filePath(QStringLiteral("bad")).toStdString();
            spit(path, bytes);
            const LoadResult r = loadPath(path); // must not crash or hang
            const std::string all = "garbled at " + std::to_string(at) + ": " + r.error
                                    + (r.problems.empty() ? std::string() : r.problems.back().message);
            QVERIFY2(!r.ok || !r.allProblems().empty(), all.c_str());
            if (r.ok)
                QVERIFY2(!r.archive.complete, all.c_str());
            ++checked;
        }
        QVERIFY(checked > 0);
    }

    void hostileNames()
    {
        QTemporaryDir tmp;
        const std::string m = fixtureDir(QStringLiteral("current")) + "/metrics/";
        const std::string c = slurp(m + "counter_101.db");
        const std::string g = slurp(m + "gauge_all_101.db");
        const std::string tar = tarMember("../escape/counter_1.db", c) + tarMember("metrics/../../etc/counter_2.db", c)
                                + tarMember("/metrics/counter_101.db", c) // absolute: read as metrics/...
                                + tarMember(std::string("metrics/gauge_all_\x1b[2J\x07.db"), g)
                                + tarMember(std::string("metrics/\xff\xfe.txt"), "x") + tarEnd();
        const std::string path = tmp.filePath(QStringLiteral("x.tar")).toStdString();
        spit(path, tar);
        const LoadResult r = loadPath(path);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.archive.folder, std::string("metrics"));
        QCOMPARE(r.files.size(), std::size_t(2));
        QCOMPARE(r.archive.skippedCount, std::size_t(2));
        for (const auto &s : r.archive.skipped)
            QVERIFY2(s.reason.find("unsafe name") != std::string::npos, s.reason.c_str());
        QCOMPARE(r.archive.skipped[0].name, std::string("../escape/counter_1.db"));
        // The odd name is data (the pid label), but every display string is escaped.
        bool sawGauge = false;
        for (const auto &f : r.files) {
            QVERIFY(f->path.find('\x1b') == std::string::npos);
            if (f->name.starts_with("gauge_all_")) {
                sawGauge = true;
                QVERIFY2(f->path.find("gauge_all_\\x1b[2J\\x07.db") != std::string::npos, f->path.c_str());
            }
        }
        QVERIFY(sawGauge);
        for (const auto &p : r.allProblems()) {
            QVERIFY(p.describe().find('\x1b') == std::string::npos);
            QVERIFY(p.describe().find('\xff') == std::string::npos);
        }
        QCOMPARE(escapeMemberName("a\\b\x01\xc3\xa9\xc2\x85\xed\xa0\x80"), std::string("a\\x5cb\\x01\xc3\xa9\\xc2\\x85\\xed\\xa0\\x80"));
        // Nothing was ever written next to the archive.
        QVERIFY(!fs::exists(tmp.filePath(QStringLiteral("escape")).toStdString()));
        QVERIFY(!fs::exists(tmp.filePath(QStringLiteral("../escape")).toStdString()));
    }

    void linksAndSpecialFilesSkipped()
    {
        QTemporaryDir tmp;
        const std::string m = fixtureDir(QStringLiteral("current")) + "/metrics/";
        const std::string tar = tarMember("metrics/counter_101.db", slurp(m + "counter_101.db"))
                                + tarMember("metrics/counter_102.db", {}, '2', "/etc/passwd")
                                + tarMember("metrics/counter_103.db", {}, '1', "metrics/counter_101.db")
                                + tarMember("metrics/fifo", {}, '6') + tarMember("metrics/tty", {}, '3')
                                + tarMember("metrics/disk", {}, '4') + tarEnd();
        const std::string path = tmp.filePath(QStringLiteral("x.tar")).toStdString();
        spit(path, tar);
        const LoadResult r = loadPath(path);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.files.size(), std::size_t(1));
        QCOMPARE(r.archive.skippedCount, std::size_t(5));
        QStringList reasons;
        for (const auto &s : r.archive.skipped)
            reasons << QString::fromStdString(s.name + ": " + s.reason);
        QCOMPARE(reasons, (QStringList{
                              QStringLiteral("metrics/counter_102.db: symbolic link to '/etc/passwd'; links are not followed"),
                              QStringLiteral("metrics/counter_103.db: hard link to 'metrics/counter_101.db'; links are not followed"),
                              QStringLiteral("metrics/fifo: FIFO; not read"),
                              QStringLiteral("metrics/tty: character device; not read"),
                              QStringLiteral("metrics/disk: block device; not read"),
                          }));
        // The two linked .db names are reported: their metrics are missing.
        QCOMPARE(r.problems.size(), std::size_t(2));
        QVERIFY(r.problems[0].kind == ProblemKind::Unreadable);
    }

    // pack, then read: same output, liveness from the manifest (this test
    // process is one of the pids, so one is alive with a start time).
    void packRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *n : {"s.tar.gz", "s.tgz", "s.tar.bz2", "s.tar.xz", "s.tar.zst", "s.tar"})
            QTest::newRow(n) << QString::fromLatin1(n);
    }

    void packRoundTrip()
    {
        QFETCH(QString, name);
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath(QStringLiteral("prom")).toStdString();
        fs::create_directories(dir);
        const std::string me = std::to_string(QCoreApplication::applicationPid());
        for (const auto &e : fs::directory_iterator(fixtureDir(QStringLiteral("current")) + "/metrics")) {
            std::string n = e.path().filename().string();
            if (const auto p = n.find("_101.db"); p != std::string::npos)
                n = n.substr(0, p) + "_" + me + ".db";
            fs::copy_file(e.path(), dir + "/" + n);
        }
        const std::string out = tmp.filePath(name).toStdString();
        PackOptions po;
        po.compression = *compressionForName(name.toStdString());
        const auto pr = packDirectory(dir, out, po);
        QVERIFY2(pr, pr.error().message.c_str());
        QCOMPARE(pr->files, std::size_t(42));
        QCOMPARE(pr->manifest.processes.size(), std::size_t(4));

        const LoadResult d = loadPath(dir);
        const LoadResult a = loadPath(out);
        QVERIFY2(a.ok, a.error.c_str());
        QCOMPARE(a.allProblems().size(), std::size_t(0));
        QCOMPARE(a.archive.folder, std::string("prom"));
        QCOMPARE(renderOf(a), renderOf(d));
        QVERIFY(a.manifest.has_value());
        QCOMPARE(a.manifest->promdirVersion, std::string(promdirVersion()));
        QCOMPARE(a.manifest->folder, std::string("prom"));
        QVERIFY(!a.manifest->host.empty());

        const auto rows = summarizeProcesses(a);
        QCOMPARE(rows.size(), std::size_t(4));
        std::size_t alive = 0;
        for (const auto &row : rows) {
            QCOMPARE(row.livenessSource, std::string("manifest"));
            if (row.pid == me) {
                QVERIFY(row.info.state == Liveness::Alive);
                QVERIFY(row.info.startTime.has_value());
                QVERIFY2(row.info.cmdline.find("tst_archive") != std::string::npos, row.info.cmdline.c_str());
                QVERIFY(row.lastWriteNs > 0);
                ++alive;
            } else {
                QVERIFY(row.info.state == probeLocalProcess(row.pid).state);
            }
        }
        QCOMPARE(alive, std::size_t(1));

        // Refuses to overwrite, and to write into the directory itself.
        const auto again = packDirectory(dir, out, po);
        QVERIFY(again.error().code == PackErrorCode::OutputExists);
        const auto inside = packDirectory(dir, dir + "/x.tar.gz", po);
        QVERIFY(inside.error().code == PackErrorCode::OutputInsideDirectory);
        QVERIFY(!fs::exists(dir + "/x.tar.gz"));
    }

    void packEmptyDirectory()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath(QStringLiteral("empty")).toStdString();
        fs::create_directories(dir);
        const std::string out = tmp.filePath(QStringLiteral("e.tar.gz")).toStdString();
        QVERIFY(packDirectory(dir, out).ok());
        const LoadResult a = loadPath(out);
        QVERIFY2(a.ok, a.error.c_str());
        QCOMPARE(a.files.size(), std::size_t(0));
        QCOMPARE(a.archive.folder, std::string("empty"));
        QVERIFY(a.manifest.has_value());
    }

    void notAnArchive()
    {
        QTemporaryDir tmp;
        const std::string path = tmp.filePath(QStringLiteral("x.tar.gz")).toStdString();
        spit(path, std::string(2000, 'a'));
        LoadResult r = loadPath(path);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("not a directory nor a tar archive") != std::string::npos, r.error.c_str());
        spit(path, std::string("PK\x03\x04", 4) + std::string(100, '\0'));
        r = loadPath(path);
        QVERIFY2(r.error.find("zip") != std::string::npos, r.error.c_str());
        spit(path, {});
        r = loadPath(path);
        QVERIFY(!r.ok);
        // gzip of something that is not a tar.
        spit(tmp.filePath(QStringLiteral("t.txt")).toStdString(), std::string(5000, 'z'));
        QCOMPARE(run(QStringLiteral("gzip"), {QStringLiteral("-c"), tmp.filePath(QStringLiteral("t.txt"))},
                     QString::fromStdString(path)), 0);
        r = loadPath(path);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("not a tar archive") != std::string::npos, r.error.c_str());
    }

    void progressReported()
    {
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("a.tar"));
        QVERIFY(makeTar(QString::fromStdString(fixtureDir(QStringLiteral("current"))), {QStringLiteral("metrics")},
                        QStringLiteral("none"), out));
        std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
        LoadOptions o;
        o.progress = [&](std::uint64_t done, std::uint64_t total) { calls.emplace_back(done, total); };
        const LoadResult r = loadPath(out.toStdString(), o);
        QVERIFY(r.ok);
        QVERIFY(calls.size() >= 3);
        const auto size = static_cast<std::uint64_t>(QFileInfo(out).size());
        for (std::size_t i = 0; i < calls.size(); ++i) {
            QCOMPARE(calls[i].second, size);
            QVERIFY(calls[i].first <= size);
            if (i)
                QVERIFY(calls[i].first >= calls[i - 1].first);
        }
        QCOMPARE(calls.back().first, size);

        std::atomic<bool> cancel{true};
        o.cancel = &cancel;
        QVERIFY(!loadPath(out.toStdString(), o).ok);
    }

    // Random damage to a small archive with long names, pax records and a
    // sparse member: never a crash, a hang or a runaway allocation.
    void randomDamage_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::newRow("tar") << QStringLiteral("none");
        QTest::newRow("gzip") << QStringLiteral("gzip");
        QTest::newRow("zstd") << QStringLiteral("zstd");
    }

    void randomDamage()
    {
        QFETCH(QString, compression);
        QTemporaryDir tmp;
        const std::string src = tmp.filePath(QStringLiteral("s/") + QString(60, QLatin1Char('n')) + QStringLiteral("/metrics")).toStdString();
        fs::create_directories(src);
        const std::string m = fixtureDir(QStringLiteral("current")) + "/metrics/";
        for (const char *n : {"counter_101.db", "gauge_all_101.db", "histogram_101.db"})
            fs::copy_file(m + n, src + "/" + n);
        const QString base = tmp.filePath(QStringLiteral("base"));
        QVERIFY(makeTar(tmp.filePath(QStringLiteral("s")), {QString(60, QLatin1Char('n'))}, compression, base,
                        {QStringLiteral("--format=pax"), QStringLiteral("--sparse")}));
        const std::string good = slurp(base.toStdString());
        QVERIFY(loadPath(base.toStdString()).ok);
        std::uint32_t seed = 7;
        auto rnd = [&](std::uint32_t n) {
            seed = seed * 1664525u + 1013904223u;
            return n ? (seed >> 8) % n : 0u;
        };
        const std::string path = tmp.filePath(QStringLiteral("damaged")).toStdString();
        LoadOptions o;
        o.limits.maxTotalBytes = 32 << 20;
        for (int i = 0; i < 300; ++i) {
            std::string b = good;
            switch (rnd(3)) {
            case 0: // flip a few bytes
                for (std::uint32_t k = 0, n = 1 + rnd(8); k < n; ++k)
                    b[rnd(static_cast<std::uint32_t>(b.size()))] ^= static_cast<char>(1 + rnd(255));
                break;
            case 1: // cut
                b.resize(rnd(static_cast<std::uint32_t>(b.size())));
                break;
            default: // overwrite a header-sized run with bytes that look like digits
                for (std::uint32_t k = 0, at = rnd(static_cast<std::uint32_t>(b.size())); k < 24 && at + k < b.size(); ++k)
                    b[at + k] = static_cast<char>('0' + rnd(10));
            }
            spit(path, b);
            const LoadResult r = loadPath(path, o);
            QVERIFY(r.files.size() <= 3);
            QVERIFY(r.ok || !r.error.empty());
        }
    }

    // 100,000 tiny members: read, counted, bounded memory; a member limit
    // below that stops with a clear message.
    void hundredThousandMembers()
    {
        QTemporaryDir tmp;
        const std::string plain = tmp.filePath(QStringLiteral("many.tar")).toStdString();
        {
            std::ofstream o(plain, std::ios::binary);
            const std::string m = fixtureDir(QStringLiteral("current")) + "/metrics/";
            for (const char *n : {"counter_101.db", "gauge_all_101.db"}) {
                const std::string t = tarMember(std::string("prom/") + n, slurp(m + n));
                o.write(t.data(), static_cast<std::streamsize>(t.size()));
            }
            for (int i = 0; i < 100000; ++i) {
                const std::string h = tarHeader("junk/f" + std::to_string(i), '0', 0);
                o.write(h.data(), 512);
            }
            const std::string e = tarEnd();
            o.write(e.data(), static_cast<std::streamsize>(e.size()));
        }
        QCOMPARE(run(QStringLiteral("gzip"), {QStringLiteral("-1"), QString::fromStdString(plain)}), 0);
        const std::string gz = plain + ".gz";

        spit("/proc/self/clear_refs", "5"); // reset the peak RSS
        const long before = peakRssKiB();
        const LoadResult r = loadPath(gz);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.archive.members, std::uint64_t(100002));
        QCOMPARE(r.files.size(), std::size_t(2));
        QCOMPARE(r.archive.folder, std::string("prom"));
        const long grew = peakRssKiB() - before;
        QVERIFY2(grew < 64 * 1024, qPrintable(QString::number(grew)));

        // Choosing the junk folder: its 100,000 foreign files are reported
        // as 1000 plus a count, not one problem each.
        LoadOptions j;
        j.subdir = "junk";
        const LoadResult jr = loadPath(gz, j);
        QVERIFY2(jr.ok, jr.error.c_str());
        QCOMPARE(jr.files.size(), std::size_t(0));
        QCOMPARE(jr.problems.size(), std::size_t(1001));
        QVERIFY2(jr.problems.back().message.starts_with("and 99000 more files"), jr.problems.back().message.c_str());

        LoadOptions o;
        o.limits.maxMembers = 50000;
        const LoadResult l = loadPath(gz, o);
        QVERIFY(!l.ok);
        QVERIFY2(l.error.find("more than 50000 members") != std::string::npos, l.error.c_str());
    }

    // A small file expanding far past the limit: gzip members / zstd frames
    // of 1 MiB of zeros repeated behind a member header claiming 900 MiB.
    void compressionBomb_data()
    {
        QTest::addColumn<QString>("compressor");
        QTest::addColumn<qint64>("declared");
        QTest::newRow("gzip-under-member-limit") << QStringLiteral("gzip") << qint64(900) * 1048576;
        QTest::newRow("gzip-over-member-limit") << QStringLiteral("gzip") << qint64(4096) * 1048576;
        QTest::newRow("zstd-under-member-limit") << QStringLiteral("zstd") << qint64(900) * 1048576;
    }

    void compressionBomb()
    {
        QFETCH(QString, compressor);
        QFETCH(qint64, declared);
        QTemporaryDir tmp;
        const std::string head = tmp.filePath(QStringLiteral("head")).toStdString();
        const std::string zeros = tmp.filePath(QStringLiteral("zeros")).toStdString();
        // The header of a .db member of `declared` bytes; its data is all zeros.
        std::string h = tarHeader("metrics/counter_1.db", '0', 0);
        {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%011llo", static_cast<unsigned long long>(declared));
            std::memcpy(h.data() + 124, buf, 11);
            std::memset(h.data() + 148, ' ', 8);
            unsigned sum = 0;
            for (unsigned char c : h)
                sum += c;
            std::snprintf(buf, sizeof buf, "%06o", sum);
            std::memcpy(h.data() + 148, buf, 7);
        }
        spit(head, tarMember("metrics/counter_2.db", slurp(fixtureDir(QStringLiteral("current")) + "/metrics/counter_101.db")) + h);
        spit(zeros, std::string(1 << 20, '\0'));
        const QStringList q = compressor == QLatin1String("zstd") ? QStringList{QStringLiteral("-q")} : QStringList{};
        QCOMPARE(run(compressor, q + QStringList{QStringLiteral("-c"), QString::fromStdString(head)}, QString::fromStdString(head + ".z")), 0);
        QCOMPARE(run(compressor, q + QStringList{QStringLiteral("-c"), QString::fromStdString(zeros)}, QString::fromStdString(zeros + ".z")), 0);
        const std::string zhead = slurp(head + ".z"), zzero = slurp(zeros + ".z");
        std::string bomb = zhead;
        for (int i = 0; i < 1200; ++i) // 1.2 GiB of zeros, far past the 128 MiB limit
            bomb += zzero;
        const std::string path = tmp.filePath(QStringLiteral("bomb")).toStdString();
        spit(path, bomb);
        QVERIFY(bomb.size() < 8 * 1048576);

        spit("/proc/self/clear_refs", "5");
        const long before = peakRssKiB();
        LoadOptions o;
        o.limits.maxTotalBytes = 128 << 20;
        const LoadResult r = loadPath(path, o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("expands to more than 128 MiB of uncompressed data") != std::string::npos, r.error.c_str());
        const long grew = peakRssKiB() - before;
        QVERIFY2(grew < 64 * 1024, qPrintable(QString::number(grew)));
    }

    // A member 100,000 folders deep (a pax path of 200 KB) costs about what
    // was read, not every ancestor folder as a string of its own (the sum of
    // their lengths, gigabytes). In a child process with 20 s of CPU time at
    // most: the deep folder is still found, and its one sub-folder reported.
    void deepPathBoundedMemory()
    {
        QTemporaryDir tmp;
        std::string folder = "d";
        for (int i = 1; i < 100000; ++i)
            folder += "/d";
        const std::string c = slurp(fixtureDir(QStringLiteral("current")) + "/metrics/counter_101.db");
        const std::string path = tmp.filePath(QStringLiteral("deep.tar")).toStdString();
        spit(path, paxHeader(paxRecord("path", folder + "/counter_1.db")) + tarMember("counter_1.db", c)
                       + paxHeader(paxRecord("path", folder + "/sub/notes.txt")) + tarMember("notes.txt", "x")
                       + tarEnd());
        QVERIFY(loadsWithinLimits(path, 20, [&](const LoadResult &r) {
            return r.ok && r.files.size() == 1 && r.archive.folder == folder && r.problems.size() == 1
                   && r.problems[0].message.find("sub-folder ignored") != std::string::npos
                   && r.problems[0].file.ends_with(folder + "/sub");
        }));
    }

    // One member with 80,000 pax records: not each looked up among those
    // before it (quadratic). In a child with 4 s of CPU time.
    void manyPaxRecords()
    {
        QTemporaryDir tmp;
        std::string records;
        char key[16];
        for (int i = 0; i < 80000; ++i) {
            std::snprintf(key, sizeof key, "k%x", i);
            records += paxRecord(key, "");
        }
        const std::string c = slurp(fixtureDir(QStringLiteral("current")) + "/metrics/counter_101.db");
        const std::string path = tmp.filePath(QStringLiteral("pax.tar")).toStdString();
        spit(path, paxHeader(records) + tarMember("metrics/counter_1.db", c) + tarMember("metrics/counter_101.db", c)
                       + tarEnd());
        QVERIFY(loadsWithinLimits(path, 4, [](const LoadResult &r) {
            return r.ok && r.files.size() == 2 && r.allProblems().empty();
        }));
    }

    // A sparse member counts by the size it expands to, not by the bytes
    // stored: one 512-byte block in 1 GiB of holes is over a 64 MiB limit.
    void sparseCountsByRealSize()
    {
        QTemporaryDir tmp;
        const std::string c = slurp(fixtureDir(QStringLiteral("current")) + "/metrics/counter_101.db");
        const std::string sparse = paxHeader(paxRecord("GNU.sparse.size", "1073741824")
                                             + paxRecord("GNU.sparse.numblocks", "1")
                                             + paxRecord("GNU.sparse.map", "1073741312,512"))
                                   + tarMember("metrics/big.bin", std::string(512, 'b'));
        const std::string path = tmp.filePath(QStringLiteral("sparse.tar")).toStdString();
        spit(path, tarMember("metrics/counter_101.db", c) + sparse + tarEnd());
        LoadOptions o;
        o.limits.maxTotalBytes = 64 << 20;
        LoadResult r = loadPath(path, o);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("expands to more than 64 MiB of uncompressed data") != std::string::npos, r.error.c_str());

        o.limits.maxTotalBytes = std::uint64_t(2) << 30;
        r = loadPath(path, o);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.files.size(), std::size_t(1));
        QVERIFY(r.archive.complete);
    }

    // Header records past libarchive's bounds: a long name of 2 MiB (one
    // record is at most 1 MiB) and 100 pax headers in a row before one
    // member (at most 32): loading stops there with a problem saying where,
    // and keeps what was read before.
    void oversizedHeaderRecords()
    {
        QTemporaryDir tmp;
        const std::string c = slurp(fixtureDir(QStringLiteral("current")) + "/metrics/counter_101.db");
        const std::string longName = "m/" + std::string(2 << 20, 'a') + ".db";
        const std::string path = tmp.filePath(QStringLiteral("long.tar")).toStdString();
        spit(path, tarMember("m/counter_101.db", c) + tarMember("././@LongLink", longName, 'L')
                       + tarMember("m/counter_1.db", c) + tarEnd());
        LoadResult r = loadPath(path);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.files.size(), std::size_t(1));
        QVERIFY(!r.archive.complete);
        QVERIFY(!r.problems.empty());
        QVERIFY2(r.problems.back().message.find("in a member header") != std::string::npos,
                 r.problems.back().message.c_str());
        QVERIFY(r.problems.back().message.find("after 1 members") != std::string::npos);

        std::string chain;
        for (int i = 0; i < 100; ++i)
            chain += paxHeader(paxRecord("path", "m/x" + std::to_string(i) + ".db"));
        spit(path, tarMember("m/counter_101.db", c) + chain + tarMember("m/counter_1.db", c) + tarEnd());
        r = loadPath(path);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(!r.archive.complete);
        QVERIFY(r.files.size() >= 1);
        QVERIFY(!r.problems.empty());
        QVERIFY2(r.problems.back().message.find("the files read before are kept") != std::string::npos,
                 r.problems.back().message.c_str());
    }

    // pack reads each member without following it: a symbolic link (to
    // /etc/passwd) and a FIFO are notes, not members, and the FIFO does not
    // block. Notes come in name order.
    void packSkipsLinksAndSpecialFiles()
    {
        QTemporaryDir tmp;
        const std::string dir = oneCounterDirectory(tmp);
        fs::create_symlink("/etc/passwd", dir + "/counter_5.db");
        QCOMPARE(::mkfifo((dir + "/gauge_all_6.db").c_str(), 0644), 0);
        fs::create_directories(dir + "/histogram_7.db");
        const std::string out = tmp.filePath(QStringLiteral("s.tar")).toStdString();
        PackOptions po;
        po.compression = Compression::None;
        const int rc = runLimited([&] { return packDirectory(dir, out, po).ok() ? 0 : 1; }, 256 << 20, 10);
        QCOMPARE(rc, 0); // neither blocked nor failed (the child's notes are checked below)
        fs::remove(out);
        const auto pr = packDirectory(dir, out, po);
        QVERIFY2(pr, pr.error().message.c_str());
        QCOMPARE(pr->files, std::size_t(1));
        QStringList notes;
        for (const auto &n : pr->notes)
            notes << QString::fromStdString(n);
        QCOMPARE(notes, (QStringList{
                            QStringLiteral("counter_5.db: symbolic link; not packed (links are not followed)"),
                            QStringLiteral("gauge_all_6.db: FIFO; not packed"),
                            QStringLiteral("histogram_7.db: folder; not packed"),
                        }));
        const LoadResult a = loadPath(out);
        QVERIFY2(a.ok, a.error.c_str());
        QCOMPARE(a.files.size(), std::size_t(1));
        QCOMPARE(a.files[0]->name, std::string("counter_101.db"));
        QVERIFY(slurp(out).find("root:") == std::string::npos);
    }

    // The archive is written under a fresh private name: a symbolic link
    // planted at the old predictable name (FILE.promdir-tmp-PID) is neither
    // followed nor moved, and nothing is left beside FILE. FILE gets the
    // mode of a new file (0644 less the umask).
    void packTemporaryNeverFollowed()
    {
        QTemporaryDir tmp;
        const std::string dir = oneCounterDirectory(tmp);
        const std::string victim = victimFile(tmp);
        const std::string out = tmp.filePath(QStringLiteral("s.tar.gz")).toStdString();
        const std::string planted = out + ".promdir-tmp-" + std::to_string(QCoreApplication::applicationPid());
        fs::create_symlink(victim, planted);

        const auto pr = packDirectory(dir, out);
        QVERIFY2(pr, pr.error().message.c_str());
        QCOMPARE(slurp(victim), kPrecious);
        QVERIFY(fs::is_symlink(planted));
        QCOMPARE(fs::read_symlink(planted).string(), victim);
        QVERIFY(!fs::is_symlink(out));
        QVERIFY(loadPath(out).ok);
        std::set<std::string> names;
        for (const auto &e : fs::directory_iterator(tmp.path().toStdString()))
            names.insert(e.path().filename().string());
        QCOMPARE(names, (std::set<std::string>{"prom", "victim", "s.tar.gz", fs::path(planted).filename().string()}));
        const mode_t mask = ::umask(022);
        ::umask(mask);
        struct stat st{};
        QCOMPARE(::stat(out.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 07777, 0644u & ~mask);
    }

    // FILE itself a symbolic link (to a file, or dangling): refused without
    // overwrite; with it, the link is replaced and its target left alone.
    void packOutputLink()
    {
        QTemporaryDir tmp;
        const std::string dir = oneCounterDirectory(tmp);
        const std::string victim = victimFile(tmp);
        const std::string out = tmp.filePath(QStringLiteral("s.tar")).toStdString();
        PackOptions po;
        po.compression = Compression::None;

        fs::create_symlink(tmp.filePath(QStringLiteral("nowhere")).toStdString(), out);
        auto pr = packDirectory(dir, out, po);
        QVERIFY(!pr);
        QVERIFY(pr.error().code == PackErrorCode::OutputExists);
        QVERIFY2(pr.error().message.find("exists") != std::string::npos, pr.error().message.c_str());
        QVERIFY(fs::is_symlink(out));
        QVERIFY(!fs::exists(tmp.filePath(QStringLiteral("nowhere")).toStdString()));

        fs::remove(out);
        fs::create_symlink(victim, out);
        pr = packDirectory(dir, out, po);
        QVERIFY(!pr);
        QVERIFY(fs::is_symlink(out));

        po.overwrite = true;
        pr = packDirectory(dir, out, po);
        QVERIFY2(pr, pr.error().message.c_str());
        QVERIFY(!fs::is_symlink(out));
        QCOMPARE(slurp(victim), kPrecious);
        const LoadResult a = loadPath(out);
        QVERIFY2(a.ok, a.error.c_str());
        QCOMPARE(a.files.size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestArchive)
#include "tst_archive.moc"
