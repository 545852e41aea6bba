// Compaction (issue 15, docs/compaction.md): the merged output before and
// after is the same on the fixtures of four client generations and on
// random directories; pid reuse, changed files and a second compaction;
// what is kept and why; the readers' lock.
#include "compacttestutil.h"
#include "dbbuilder.h"
#include "openwatch.h"

#include "promdir/compact/compact.h"
#include "promdir/diagnostics/processes.h"
#include "promdir/format/key.h"
#include "promdir/read/directory.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <map>
#include <random>

using namespace promdir;
using namespace promdir::test;
namespace fs = std::filesystem;

namespace {

void copyFixture(const std::string &version, const fs::path &to)
{
    const fs::path from = fs::path(PROMDIR_TEST_DATA) / "client_python" / version / "metrics";
    for (const auto &e : fs::directory_iterator(from)) {
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        writeFile(to / e.path().filename(), ss.str());
    }
}

std::set<std::string> namesOf(const CompactReport &r, CompactFile::Action action)
{
    std::set<std::string> names;
    for (const CompactFile &f : r.files)
        if (f.action == action)
            names.insert(f.name);
    return names;
}

CompactOptions optionsWithDead(std::set<std::string> dead)
{
    CompactOptions o;
    o.now = kNow;
    o.liveness = [dead = std::move(dead)](std::string_view pid) {
        if (!numericPid(pid))
            return Liveness::Unknown; // as probeLocalProcess says
        return dead.contains(std::string(pid)) ? Liveness::Dead : Liveness::Alive;
    };
    return o;
}

// The *.db files of `dir` opened while `run` ran.
template <class Run>
std::set<std::string> dbFilesOpened(const fs::path &dir, Run run)
{
    OpenWatch watch(dir.string());
    run();
    std::set<std::string> names;
    for (const auto &[name, count] : OpenWatch::dbFiles(watch.opened()))
        names.insert(name);
    return names;
}

// Processes 100, 101, ... running, each with a counter, a histogram and a
// gauge_max file; one of them corrupt. Returns how many files.
std::size_t writeRunningProcesses(const fs::path &dir, int processes)
{
    const std::string c = encodeKey("c", "c_total", {}, "C."), g = encodeKey("g", "g", {}, "G.");
    const std::string h = encodeKey("h", "h_bucket", {{"le", "+Inf"}}, "H.");
    for (int p = 100; p < 100 + processes; ++p) {
        const std::string pid = std::to_string(p);
        writeFile(dir / ("counter_" + pid + ".db"), p == 100 ? std::string("corrupt!corrupt!") : DbBuilder().add(c, p).bytes());
        writeFile(dir / ("histogram_" + pid + ".db"), DbBuilder().add(h, 1).bytes(), kNow - 5);
        writeFile(dir / ("gauge_max_" + pid + ".db"), DbBuilder().add(g, p).bytes());
    }
    return std::size_t(processes) * 3;
}

std::uint64_t bytesOfDbFiles(const fs::path &dir)
{
    std::uint64_t bytes = 0;
    for (const auto &e : fs::directory_iterator(dir))
        if (e.path().extension() == ".db" && e.is_regular_file())
            bytes += e.file_size();
    return bytes;
}

} // namespace

class TestCompact : public QObject
{
    Q_OBJECT
private slots:
    void fixtures_data()
    {
        QTest::addColumn<QString>("version");
        for (const char *v : {"v0.15.0", "v0.17.1", "v0.21.1", "current"})
            QTest::newRow(v) << QString::fromLatin1(v);
    }

    // Pids 102, 103 and 104 dead, 101 running: their counters, histograms,
    // summaries and min/max/sum/mostrecent gauges are folded; gauge_all and
    // 103's live gauges are kept.
    void fixtures()
    {
        QFETCH(QString, version);
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        copyFixture(version.toStdString(), dir);
        const LoadResult before = loadDirectory(dir);

        const auto report = compactDirectory(dir, optionsWithDead({"102", "103", "104"}));
        QVERIFY2(report.ok(), report.error().message.c_str());
        const auto folded = namesOf(*report, CompactFile::Action::Fold);
        QVERIFY(folded.contains("counter_104.db"));
        QVERIFY(folded.contains("gauge_max_103.db"));
        QVERIFY(!folded.contains("counter_101.db"));
        const auto kept = namesOf(*report, CompactFile::Action::Keep);
        QVERIFY(kept.contains("gauge_all_102.db"));
        QVERIFY(kept.contains("gauge_livesum_103.db"));
        QVERIFY(!fs::exists(dir / "counter_102.db"));
        QVERIFY(fs::exists(dir / "counter_101.db"));
        const std::string suffix = version == QLatin1String("v0.15.0") ? "-g2" : version == QLatin1String("v0.17.1") ? "-g3" : "";
        QVERIFY(fs::exists(dir / ("counter_compacted" + suffix + ".db")));
        QVERIFY(fs::exists(dir / ("histogram_compacted" + suffix + ".db")));

        const LoadResult after = loadDirectory(dir);
        QCOMPARE(after.allProblems().size(), std::size_t(0)); // nor the compaction folder
        QCOMPARE(after.files.size(), before.files.size() - folded.size() + report->outputs.size());
        const std::string diff = familiesDiffer(merge(foldedOrder(before.files, {folded})), merge(after.files));
        QVERIFY2(diff.empty(), diff.c_str());
        QCOMPARE(report->filesAfter, after.files.size());
        std::uint64_t bytes = 0;
        for (const auto &f : after.files)
            bytes += f->size;
        QCOMPARE(report->bytesAfter, bytes);
    }

    // A second compaction folds the first one's file in too.
    void randomDirectories_data()
    {
        QTest::addColumn<unsigned>("seed");
        for (unsigned seed = 1; seed <= 25; ++seed)
            QTest::newRow(qPrintable(QString::number(seed))) << seed;
    }

    void randomDirectories()
    {
        QFETCH(unsigned, seed);
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        RandomDirectory(seed, kNow - 3600).write(dir, 1000, 8);
        const LoadResult before = loadDirectory(dir);
        QCOMPARE(before.allProblems().size(), std::size_t(0));

        std::vector<std::set<std::string>> folded;
        for (const auto &dead : {std::set<std::string>{"1001", "1002", "1005"},
                                 std::set<std::string>{"1001", "1002", "1005", "1000", "1007"}}) {
            const auto report = compactDirectory(dir, optionsWithDead(dead));
            QVERIFY2(report.ok(), report.error().message.c_str());
            folded.emplace_back();
            for (const auto &name : namesOf(*report, CompactFile::Action::Fold))
                if (!isCompactedIdentifier(parseFileName(name).pid))
                    folded.back().insert(name);
            const std::string diff = familiesDiffer(merge(foldedOrder(before.files, folded)), mergeDirectory(dir));
            QVERIFY2(diff.empty(), diff.c_str());
        }
        QVERIFY(fs::exists(dir / "counter_compacted.db"));
        QVERIFY(!fs::exists(dir / "counter_1007.db"));
        QVERIFY(fs::exists(dir / "counter_1003.db"));
        for (const auto &f : before.files) // live gauges of dead processes stay
            if (f->fileName.type == MetricType::Gauge && isLiveMode(f->fileName.mode))
                QVERIFY(fs::exists(dir / f->name));
    }

    // Integer-valued counters are exact whatever the order of additions.
    void integerSumsExact()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        for (int pid = 1; pid <= 50; ++pid)
            writeFile(dir / ("counter_" + std::to_string(pid) + ".db"),
                      DbBuilder().add(encodeKey("c", "c_total", {}, "C."), 9007199254740000.0 / 64 + pid).bytes());
        std::set<std::string> dead;
        for (int pid = 1; pid <= 49; ++pid)
            dead.insert(std::to_string(pid));
        const auto before = mergeDirectory(dir);
        QVERIFY(compactDirectory(dir, optionsWithDead(dead)).ok());
        const auto after = mergeDirectory(dir);
        QCOMPARE(after.size(), std::size_t(1));
        QCOMPARE(after[0].samples[0].value, before[0].samples[0].value);
    }

    // mostrecent keeps the newest timestamp's value and its timestamp
    // (client_python #1056); a series that never had one stays unexported.
    void mostRecentKeepsNewest()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const std::string key = encodeKey("m", "m", {}, "M.");
        const std::string never = encodeKey("n", "n", {}, "N.");
        writeFile(dir / "gauge_mostrecent_1.db", DbBuilder().add(key, 10, 1000).add(never, 1, 0).bytes());
        writeFile(dir / "gauge_mostrecent_2.db", DbBuilder().add(key, 20, 3000).add(never, 2, 0).bytes());
        writeFile(dir / "gauge_mostrecent_3.db", DbBuilder().add(key, 30, 2000).bytes());
        writeFile(dir / "gauge_mostrecent_4.db", DbBuilder().add(key, 40, 2500).bytes());
        QVERIFY(compactDirectory(dir, optionsWithDead({"1", "2", "3"})).ok());
        const ParsedFile folded = readFile(dir / "gauge_mostrecent_compacted.db");
        QCOMPARE(folded.entries.size(), std::size_t(2));
        QCOMPARE(folded.entries[0].value, 20.0);
        QCOMPARE(folded.entries[0].timestamp, 3000.0);
        QCOMPARE(folded.entries[1].timestamp, 0.0);
        const auto after = mergeDirectory(dir);
        QCOMPARE(after.size(), std::size_t(2));
        QCOMPARE(after[0].samples.size(), std::size_t(1));
        QCOMPARE(after[0].samples[0].value, 20.0);
        QCOMPARE(after[1].samples.size(), std::size_t(0));
    }

    // Only dead processes past the grace period; live gauges and gauge_all
    // kept and said why; --drop-dead-all removes gauge_all.
    void whatIsKept()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const std::string c = encodeKey("c", "c_total", {}, "C."), g = encodeKey("g", "g", {}, "G.");
        writeFile(dir / "counter_1.db", DbBuilder().add(c, 1).bytes());
        writeFile(dir / "counter_2.db", DbBuilder().add(c, 2).bytes(), kNow - 60); // dead within the grace period
        writeFile(dir / "counter_3.db", DbBuilder().add(c, 3).bytes());             // running
        writeFile(dir / "counter_worker-1.db", DbBuilder().add(c, 4).bytes());      // liveness unknown
        writeFile(dir / "gauge_all_1.db", DbBuilder().add(g, 5).bytes());
        writeFile(dir / "gauge_livesum_1.db", DbBuilder().add(encodeKey("l", "l", {}, "L."), 6).bytes());
        writeFile(dir / "summary_1.db", DbBuilder().bytes());                       // empty
        writeFile(dir / "histogram_1.db", "garbage!garbage!");                      // unreadable
        CompactOptions o = optionsWithDead({"1", "2"});
        o.dryRun = true;
        const auto dry = compactDirectory(dir, o);
        QVERIFY(dry.ok());
        QCOMPARE(namesOf(*dry, CompactFile::Action::Fold), std::set<std::string>{"counter_1.db"});
        QCOMPARE(namesOf(*dry, CompactFile::Action::Remove), std::set<std::string>{"summary_1.db"});
        QCOMPARE(namesOf(*dry, CompactFile::Action::Keep),
                 (std::set<std::string>{"counter_2.db", "counter_worker-1.db", "gauge_all_1.db", "gauge_livesum_1.db", "histogram_1.db"}));
        QCOMPARE(dry->outputs.size(), std::size_t(1));
        QCOMPARE(dry->outputs[0].name, std::string("counter_compacted.db"));
        // Each reason also as a code and its argument (the inspector's words).
        using Why = CompactFile::Why;
        auto why = [](const CompactReport &r, const std::string &name) {
            for (const CompactFile &f : r.files)
                if (f.name == name)
                    return std::pair{f.why, f.detail};
            return std::pair{Why::PutBack, std::string("(not listed)")};
        };
        QVERIFY(why(*dry, "counter_1.db") == std::pair(Why::Folded, std::string("counter_compacted.db")));
        QVERIFY(why(*dry, "summary_1.db") == std::pair(Why::Empty, std::string()));
        QVERIFY(why(*dry, "counter_worker-1.db") == std::pair(Why::LivenessUnknown, std::string()));
        QVERIFY(why(*dry, "gauge_all_1.db") == std::pair(Why::AllGauge, std::string()));
        QVERIFY(why(*dry, "gauge_livesum_1.db") == std::pair(Why::LiveGauge, std::string()));
        QVERIFY(why(*dry, "counter_2.db").first == Why::WithinGrace); // detail: the age the reason says
        for (const CompactFile &f : dry->files)
            if (f.name == "counter_2.db")
                QVERIFY2(!f.detail.empty() && f.reason == "written " + f.detail + " ago, within the grace period",
                         f.reason.c_str());
        QVERIFY(why(*dry, "histogram_1.db").first == Why::Unreadable);
        QVERIFY(!why(*dry, "histogram_1.db").second.empty());
        QVERIFY(fs::exists(dir / "counter_1.db")); // a dry run changes nothing
        QVERIFY(!fs::exists(dir / "counter_compacted.db"));

        o.dryRun = false;
        o.dropDeadAll = true;
        const auto done = compactDirectory(dir, o);
        QVERIFY(done.ok());
        QVERIFY(!fs::exists(dir / "gauge_all_1.db"));
        QVERIFY(!fs::exists(dir / "summary_1.db"));
        QVERIFY(fs::exists(dir / "gauge_livesum_1.db"));
        QVERIFY(fs::exists(dir / "histogram_1.db"));
        QCOMPARE(readFile(dir / "counter_compacted.db").entries.at(0).value, 1.0);
        QVERIFY(why(*done, "gauge_all_1.db") == std::pair(Why::Dropped, std::string()));
        // Again: the compacted file has nothing new of its kind (counter_2
        // is still within the grace period).
        o.dryRun = true;
        const auto again = compactDirectory(dir, o);
        QVERIFY(again.ok());
        QVERIFY(why(*again, "counter_compacted.db") == std::pair(Why::NothingNew, std::string()));
        o.now = kNow + 3600; // counter_2 past it: folded, the compacted file folded in again
        const auto later = compactDirectory(dir, o);
        QVERIFY(later.ok());
        QVERIFY(why(*later, "counter_compacted.db") == std::pair(Why::FoldedAgain, std::string()));
        QVERIFY(why(*later, "counter_2.db") == std::pair(Why::Folded, std::string("counter_compacted.db")));
    }

    // A pid found running again after staging (reused) has its files put
    // back; a name a new process took meanwhile keeps the staged file folded.
    void pidReuse()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const std::string c = encodeKey("c", "c_total", {}, "C.");
        writeFile(dir / "counter_1.db", DbBuilder().add(c, 1).bytes());
        writeFile(dir / "counter_2.db", DbBuilder().add(c, 2).bytes());
        writeFile(dir / "gauge_max_2.db", DbBuilder().add(encodeKey("g", "g", {}, "G."), 7).bytes());
        writeFile(dir / "counter_3.db", DbBuilder().add(c, 4).bytes());
        int asked2 = 0;
        bool staged = false;
        CompactOptions o;
        o.now = kNow;
        o.liveness = [&](std::string_view pid) {
            if (pid == "2" && staged)
                return Liveness::Alive; // a new process took pid 2 after the plan
            asked2 += pid == "2";
            return Liveness::Dead;
        };
        o.afterStep = [&](int step) {
            if (step == 3) {
                staged = true;
                // The new process 3 created its own new file after staging.
                writeFile(dir / "counter_3.db", DbBuilder().add(c, 100).bytes(), kNow);
            }
        };
        const auto r = compactDirectory(dir, o);
        QVERIFY2(r.ok(), r.error().message.c_str());
        QCOMPARE(r->putBack, std::vector<std::string>{"2"});
        QVERIFY(fs::exists(dir / "counter_2.db"));
        QVERIFY(fs::exists(dir / "gauge_max_2.db"));
        QVERIFY(!fs::exists(dir / "counter_1.db"));
        QCOMPARE(readFile(dir / "counter_compacted.db").entries.at(0).value, 5.0); // 1 + 4: pid 3's old file
        const auto after = mergeDirectory(dir);
        QCOMPARE(after.at(0).samples.at(0).value, 1.0 + 2 + 4 + 100);
        QCOMPARE(namesOf(*r, CompactFile::Action::Keep).count("counter_2.db"), std::size_t(1));
        for (const CompactFile &f : r->files)
            if (f.name == "counter_2.db" || f.name == "gauge_max_2.db")
                QVERIFY(f.why == CompactFile::Why::PutBack);
        QVERIFY(asked2 >= 1);
    }

    // Between the plan and the staging, pid 2's file is written again (it
    // goes back, with its process's other files) or deleted by someone else,
    // the directory being wiped (its values do not come back inside the
    // folded file).
    void betweenPlanAndStaging_data()
    {
        QTest::addColumn<bool>("rewritten");
        QTest::addColumn<double>("merged");
        QTest::newRow("written again") << true << 4.0;
        QTest::newRow("deleted") << false << 1.0;
    }

    void betweenPlanAndStaging()
    {
        QFETCH(bool, rewritten);
        QFETCH(double, merged);
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const std::string c = encodeKey("c", "c_total", {}, "C.");
        writeFile(dir / "counter_1.db", DbBuilder().add(c, 1).bytes());
        writeFile(dir / "counter_2.db", DbBuilder().add(c, 2).bytes());
        CompactOptions o = optionsWithDead({"1", "2"});
        o.afterStep = [&](int step) {
            if (step == 1 && rewritten)
                writeFile(dir / "counter_2.db", DbBuilder().add(c, 3).bytes(), kNow - 1800);
            else if (step == 1)
                fs::remove(dir / "counter_2.db");
        };
        const auto r = compactDirectory(dir, o);
        QVERIFY(r.ok());
        QCOMPARE(r->putBack, rewritten ? std::vector<std::string>{"2"} : std::vector<std::string>{});
        QCOMPARE(readFile(dir / "counter_compacted.db").entries.at(0).value, 1.0);
        QCOMPARE(mergeDirectory(dir).at(0).samples.at(0).value, merged);
    }

    // promdir's writer locks its files: one locked is never folded.
    void lockedFileGoesBack()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeFile(dir / "counter_1.db", DbBuilder().add(encodeKey("c", "c_total", {}, "C."), 1).bytes());
        const int fd = ::open((dir / "counter_1.db").c_str(), O_RDONLY);
        QVERIFY(::flock(fd, LOCK_EX) == 0);
        const auto r = compactDirectory(dir, optionsWithDead({"1"}));
        ::close(fd);
        QVERIFY(r.ok());
        QCOMPARE(r->putBack, std::vector<std::string>{"1"});
        QVERIFY(fs::exists(dir / "counter_1.db"));
        QVERIFY(!fs::exists(dir / "counter_compacted.db"));
    }

    // Readers hold the directory shared while they read: compaction waits
    // (bounded) and changes nothing when they do not let go.
    void readersLock()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeFile(dir / "counter_1.db", DbBuilder().add(encodeKey("c", "c_total", {}, "C."), 1).bytes());
        const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        QVERIFY(::flock(fd, LOCK_SH) == 0);
        CompactOptions o = optionsWithDead({"1"});
        o.lockWait = std::chrono::milliseconds(200);
        const auto r = compactDirectory(dir, o);
        QVERIFY(!r.ok());
        QVERIFY(r.error().code == CompactErrorCode::ReadersHold);
        QVERIFY(fs::exists(dir / "counter_1.db"));
        ::close(fd);
        QVERIFY(compactDirectory(dir, o).ok());
        QVERIFY(!fs::exists(dir / "counter_1.db"));
    }

    // The other side: a directory read by loadDirectory (and so loadPath,
    // render, inspect) waits while a compaction holds the directory for its
    // swap, and reads once it lets go.
    void loadWaitsForTheSwap()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeFile(dir / "counter_1.db", DbBuilder().add(encodeKey("c", "c_total", {}, "C."), 1).bytes());
        const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        QVERIFY(::flock(fd, LOCK_EX) == 0);
        auto load = std::async(std::launch::async, [&] { return loadDirectory(dir); });
        QVERIFY(load.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
        ::close(fd);
        const LoadResult r = load.get();
        QVERIFY(r.ok);
        QCOMPARE(r.files.size(), std::size_t(1));
    }

    // Pids of another namespace: refused unless the user says so.
    void pidsNotVisible()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const std::string c = encodeKey("c", "c_total", {}, "C.");
        writeFile(dir / "counter_1.db", DbBuilder().add(c, 1).bytes());
        writeFile(dir / "counter_2.db", DbBuilder().add(c, 2).bytes(), kNow - 5); // "dead", yet just written
        CompactOptions o = optionsWithDead({"1", "2"});
        auto r = compactDirectory(dir, o);
        QVERIFY(!r.ok());
        QVERIFY(r.error().code == CompactErrorCode::PidsNotVisible);
        o.pidNamespace = PidNamespace::Separate;
        o.now = kNow + 3600; // both unchanged for an hour now
        r = compactDirectory(dir, o);
        QVERIFY(r.error().code == CompactErrorCode::PidsNotVisible);
        o.assumeDeadWhenUnchanged = true;
        o.liveness = [](std::string_view) { return Liveness::Alive; }; // never asked
        r = compactDirectory(dir, o);
        QVERIFY2(r.ok(), r.error().message.c_str());
        QCOMPARE(namesOf(*r, CompactFile::Action::Fold).size(), std::size_t(2));
    }

    // Planned from a listing and stat() alone: of a directory of running
    // processes, one dead process, one dead within the grace period and an
    // earlier compacted file, only the dead process's files and the
    // compacted file are opened (the running processes' files are not even
    // looked into: the corrupt one is no problem of the report); the totals
    // are the directory's.
    void readsOnlyWhatItFolds_data()
    {
        QTest::addColumn<bool>("dryRun");
        QTest::newRow("dry run") << true;
        QTest::newRow("compaction") << false;
    }

    void readsOnlyWhatItFolds()
    {
        QFETCH(bool, dryRun);
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        std::size_t files = writeRunningProcesses(dir, 40);
        const std::string c = encodeKey("c", "c_total", {}, "C.");
        writeFile(dir / "counter_7.db", DbBuilder().add(c, 7).bytes());
        writeFile(dir / "gauge_max_7.db", DbBuilder().add(encodeKey("g", "g", {}, "G."), 70).bytes());
        writeFile(dir / "counter_8.db", DbBuilder().add(c, 8).bytes(), kNow - 60); // dead within the grace period
        writeFile(dir / "counter_compacted.db", DbBuilder().add(c, 1000).bytes());
        // FIFOs (a blocking open would hang): one of a running process, one
        // of the dead one, which is looked at and kept, never opened.
        QVERIFY(::mkfifo((dir / "counter_140.db").c_str(), 0644) == 0);
        QVERIFY(::mkfifo((dir / "gauge_sum_7.db").c_str(), 0644) == 0);
        files += 6;
        const std::uint64_t bytes = bytesOfDbFiles(dir);
        std::set<std::string> dead{"7", "8"};
        CompactOptions o = optionsWithDead(dead);
        o.dryRun = dryRun;
        Result<CompactReport> r = Error{CompactErrorCode::Busy, "not run"};
        const auto opened = dbFilesOpened(dir, [&] { r = compactDirectory(dir, o); });
        QVERIFY2(r.ok(), r.error().message.c_str());
        QCOMPARE(opened, (std::set<std::string>{"counter_7.db", "gauge_max_7.db", "counter_compacted.db"}));
        QCOMPARE(namesOf(*r, CompactFile::Action::Fold),
                 (std::set<std::string>{"counter_7.db", "gauge_max_7.db", "counter_compacted.db"}));
        QCOMPARE(namesOf(*r, CompactFile::Action::Keep), (std::set<std::string>{"counter_8.db", "gauge_sum_7.db"}));
        QCOMPARE(r->filesBefore, files);
        QCOMPARE(r->bytesBefore, bytes);
        QCOMPARE(r->filesAfter, files - 1); // three out, two folded files in
        if (!dryRun) {
            QCOMPARE(r->bytesAfter, bytesOfDbFiles(dir));
            QCOMPARE(readFile(dir / "counter_compacted.db").entries.at(0).value, 1007.0);
        }
    }

    // Nothing to fold (running processes, a dead one within the grace
    // period, one whose liveness is unknown, an earlier compacted file): no
    // *.db file is opened at all, and the report says what it said before.
    void nothingToFoldReadsNothing_data()
    {
        QTest::addColumn<bool>("dryRun");
        QTest::newRow("dry run") << true;
        QTest::newRow("compaction") << false;
    }

    void nothingToFoldReadsNothing()
    {
        QFETCH(bool, dryRun);
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        std::size_t files = writeRunningProcesses(dir, 40);
        const std::string c = encodeKey("c", "c_total", {}, "C.");
        writeFile(dir / "counter_8.db", DbBuilder().add(c, 8).bytes(), kNow - 60);
        writeFile(dir / "counter_worker-1.db", DbBuilder().add(c, 9).bytes());
        writeFile(dir / "counter_compacted.db", DbBuilder().add(c, 1000).bytes());
        writeFile(dir / "notes.db", "not a metrics file");
        files += 4;
        const std::uint64_t bytes = bytesOfDbFiles(dir);
        CompactOptions o = optionsWithDead({"8"});
        o.dryRun = dryRun;
        Result<CompactReport> r = Error{CompactErrorCode::Busy, "not run"};
        const auto opened = dbFilesOpened(dir, [&] { r = compactDirectory(dir, o); });
        QVERIFY2(r.ok(), r.error().message.c_str());
        QCOMPARE(opened, std::set<std::string>{});
        QCOMPARE(namesOf(*r, CompactFile::Action::Keep),
                 (std::set<std::string>{"counter_8.db", "counter_worker-1.db", "counter_compacted.db"}));
        QCOMPARE(r->files.size(), std::size_t(3));
        for (const CompactFile &f : r->files)
            QCOMPARE(f.bytes, std::uint64_t(fs::file_size(dir / f.name)));
        QVERIFY(r->outputs.empty());
        QCOMPARE(r->filesBefore, files);
        QCOMPARE(r->filesAfter, files);
        QCOMPARE(r->bytesBefore, bytes);
        QCOMPARE(r->bytesAfter, bytes);
    }

    // A family written in more than one kind of file among the files read
    // (dead processes' past the grace period, earlier compacted files)
    // keeps its files; one that only a running process writes in another
    // kind is not seen, since running processes' files are not read
    // (docs/compaction.md, "What is folded").
    void mixedFamilies()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const std::string x = encodeKey("x", "x_total", {}, "X."), xg = encodeKey("x", "x", {}, "X.");
        const std::string y = encodeKey("y", "y_total", {}, "Y."), yg = encodeKey("y", "y", {}, "Y.");
        const std::string z = encodeKey("z", "z_total", {}, "Z."), zg = encodeKey("z", "z", {}, "Z.");
        writeFile(dir / "counter_1.db", DbBuilder().add(x, 1).bytes());
        writeFile(dir / "gauge_sum_2.db", DbBuilder().add(xg, 2).bytes());
        writeFile(dir / "counter_3.db", DbBuilder().add(y, 3).bytes());
        writeFile(dir / "gauge_max_4.db", DbBuilder().add(yg, 4).bytes()); // running
        writeFile(dir / "counter_5.db", DbBuilder().add(z, 5).bytes());
        writeFile(dir / "gauge_min_compacted.db", DbBuilder().add(zg, 6).bytes());
        CompactOptions o = optionsWithDead({"1", "2", "3", "5"});
        o.dryRun = true;
        const auto r = compactDirectory(dir, o);
        QVERIFY2(r.ok(), r.error().message.c_str());
        QCOMPARE(namesOf(*r, CompactFile::Action::Keep),
                 (std::set<std::string>{"counter_1.db", "gauge_sum_2.db", "counter_5.db", "gauge_min_compacted.db"}));
        QCOMPARE(namesOf(*r, CompactFile::Action::Fold), std::set<std::string>{"counter_3.db"});
        for (const CompactFile &f : r->files)
            if (f.name == "counter_1.db" || f.name == "counter_5.db")
                QVERIFY2(f.reason.find("more than one kind of file") != std::string::npos, f.reason.c_str());
    }

    // Liveness as the system says it: a zombie (exited, not reaped) is dead,
    // this process runs.
    void livenessOfThisSystem()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const pid_t zombie = ::fork();
        if (zombie == 0)
            ::_exit(0);
        QVERIFY(zombie > 0);
        siginfo_t info{};
        QVERIFY(::waitid(P_PID, zombie, &info, WEXITED | WNOWAIT) == 0); // exited, still a zombie
        const std::string c = encodeKey("c", "c_total", {}, "C.");
        writeFile(dir / ("counter_" + std::to_string(zombie) + ".db"), DbBuilder().add(c, 1).bytes());
        writeFile(dir / ("counter_" + std::to_string(::getpid()) + ".db"), DbBuilder().add(c, 2).bytes());
        CompactOptions o;
        o.now = kNow;
        o.dryRun = true;
        const auto r = compactDirectory(dir, o);
        ::waitpid(zombie, nullptr, 0);
        QVERIFY2(r.ok(), r.error().message.c_str());
        QCOMPARE(namesOf(*r, CompactFile::Action::Fold), std::set<std::string>{"counter_" + std::to_string(zombie) + ".db"});
        QCOMPARE(r->files.size(), std::size_t(1));
    }

    // The compacted contributions are their own row: never alive, never stale.
    void compactedRow()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeFile(dir / "counter_1.db", DbBuilder().add(encodeKey("c", "c_total", {}, "C."), 1).bytes());
        QVERIFY(compactDirectory(dir, optionsWithDead({"1"})).ok());
        ProcessOptions options;
        options.staleAfter = std::chrono::seconds(1);
        const auto rows = summarizeProcesses(loadDirectory(dir), options);
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].pid, std::string("compacted"));
        QVERIFY(rows[0].compacted);
        QVERIFY(rows[0].info.state == Liveness::Unknown);
        QCOMPARE(rows[0].livenessSource, std::string("compacted"));
        QCOMPARE(rows[0].staleCount, std::size_t(0));
        QVERIFY(!rows[0].writerGone());
    }
};

QTEST_GUILESS_MAIN(TestCompact)
#include "tst_compact.moc"
