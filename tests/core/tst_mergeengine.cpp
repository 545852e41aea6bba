// The merge engine with memory gives exactly what a fresh full merge gives,
// whatever changed in between, and skips what cannot have changed.
#include "dbbuilder.h"

#include "promdir/engine/detail/refreshdetail.h"
#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"

#include <QtTest>

#include <fcntl.h>
#include <fstream>
#include <numeric>
#include <random>
#include <thread>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cstring>
#include <unistd.h>

using namespace promdir;
Q_DECLARE_METATYPE(promdir::PidNamespace)
using promdir::test::DbBuilder;
namespace fs = std::filesystem;

namespace {

std::string fullRender(const std::string &dir, Format format = Format::Text)
{
    return render(merge(loadDirectory(dir).files), {format, {}});
}

// Overwrites 8 bytes in place, keeping the file's times, as an mmap
// writer does.
void pokeDouble(const std::string &path, std::size_t offset, double v)
{
    struct stat st{};
    ::stat(path.c_str(), &st);
    const int fd = ::open(path.c_str(), O_WRONLY);
    QVERIFY(fd >= 0);
    QCOMPARE(::pwrite(fd, &v, 8, static_cast<off_t>(offset)), ssize_t(8));
    ::close(fd);
    const struct timespec times[2] = {st.st_atim, st.st_mtim};
    ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

// A file mapped and written once before the engine looks, as a worker
// does: later stores through the mapping raise no inotify event and leave
// the file's times as they are (the page is already dirty).
class MappedFile
{
public:
    MappedFile(const std::string &path, std::size_t valueAt) : m_valueAt(valueAt)
    {
        const int fd = ::open(path.c_str(), O_RDWR);
        struct stat st{};
        ::fstat(fd, &st);
        m_size = static_cast<std::size_t>(st.st_size);
        m_base = static_cast<char *>(::mmap(nullptr, m_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
        ::close(fd);
        double v;
        std::memcpy(&v, m_base + m_valueAt, 8);
        set(v);
    }
    ~MappedFile() { ::munmap(m_base, m_size); }
    void set(double v) { std::memcpy(m_base + m_valueAt, &v, 8); }

private:
    char *m_base = nullptr;
    std::size_t m_size = 0;
    std::size_t m_valueAt = 0;
};

// A pid that surely ran and is gone: a child waited for.
std::string goneChildPid()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    ::waitpid(child, nullptr, 0);
    return std::to_string(child);
}

} // namespace

class TestMergeEngine : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    std::string m_dir;
    std::string m_live; // our own pid: a process that is running

    // Fixture files; pid 101's files renamed to this process's pid.
    void makeDirectory()
    {
        m_dir = m_tmp.path().toStdString() + "/m" + std::to_string(std::rand());
        fs::create_directory(m_dir);
        m_live = std::to_string(::getpid());
        const std::string fixtures = std::string(PROMDIR_TEST_DATA) + "/client_python/current/metrics";
        for (const auto &e : fs::directory_iterator(fixtures)) {
            std::string name = e.path().filename().string();
            if (const auto at = name.find("_101.db"); at != std::string::npos)
                name = name.substr(0, at) + "_" + m_live + ".db";
            fs::copy_file(e.path(), m_dir + "/" + name);
            fs::permissions(m_dir + "/" + name, fs::perms::owner_read | fs::perms::owner_write);
        }
    }

private slots:
    void init() { makeDirectory(); }

    void sameAsFullMerge()
    {
        MergeEngine engine(m_dir);
        const auto r1 = engine.refresh();
        QCOMPARE(render(r1->families), fullRender(m_dir));
        QVERIFY(!detail::refreshDetail(*r1).planReused);
        const auto r2 = engine.refresh();
        QCOMPARE(render(r2->families), fullRender(m_dir));
        QVERIFY(detail::refreshDetail(*r2).planReused);
        // Files of pids 102-104 (not running here) are neither read nor merged again.
        QCOMPARE(detail::refreshDetail(*r2).filesFrozen, std::size_t(42 - 13)); // pid 101 had 13 files
        QVERIFY(detail::refreshDetail(*r2).baseFolded);
        QCOMPARE(r2->stats.filesReused, std::size_t(42));
    }

    // A live process changes a value in place without touching mtime.
    void liveValueChangeIsSeen()
    {
        MergeEngine engine(m_dir);
        const std::string before = render(engine.refresh()->families);
        const std::string path = m_dir + "/counter_" + m_live + ".db";
        const auto f = readFile(path);
        QVERIFY(!f.entries.empty());
        const std::size_t valueAt = f.entries[0].offset + 4 + f.entries[0].rawKey().size()
                                    + (8 - (f.entries[0].rawKey().size() + 4) % 8);
        pokeDouble(path, valueAt, 12345.5);
        const auto r = engine.refresh();
        QVERIFY(detail::refreshDetail(*r).planReused);
        QCOMPARE(render(r->families), fullRender(m_dir));
        QVERIFY(render(r->families) != before);
    }

    // A dead process's file changed on disk (new times): read again.
    void deadFileRewrittenIsSeen()
    {
        MergeEngine engine(m_dir);
        engine.refresh();
        engine.refresh();
        const std::string path = m_dir + "/counter_103.db";
        const auto f = readFile(path);
        const std::size_t valueAt = f.entries[0].offset + 4 + f.entries[0].rawKey().size()
                                    + (8 - (f.entries[0].rawKey().size() + 4) % 8);
        const double v = 777.0;
        const int fd = ::open(path.c_str(), O_WRONLY);
        QCOMPARE(::pwrite(fd, &v, 8, static_cast<off_t>(valueAt)), ssize_t(8));
        ::close(fd);
        const auto r = engine.refresh();
        QCOMPARE(render(r->families), fullRender(m_dir));
        // Only that file was parsed again; the live ones were read, found unchanged.
        QCOMPARE(r->stats.filesRead, std::size_t(1));
        QCOMPARE(r->stats.filesReused, std::size_t(41));
    }

    // A cold refresh watches only names coming and going; the next one adds
    // the files' own events and compares each dead process's file's stamp
    // once, for writes in between. Here the write goes through a second
    // name in another folder, which raises no event in this one at all.
    void deadFileWrittenBeforeContentsWatched()
    {
        const std::string dir = m_tmp.path().toStdString() + "/stamps";
        const std::string elsewhere = m_tmp.path().toStdString() + "/elsewhere";
        fs::create_directory(dir);
        fs::create_directory(elsewhere);
        const std::string key = R"(["jobs", "jobs_total", {"queue": "a"}, "Jobs."])";
        std::ofstream(dir + "/counter_4150001.db", std::ios::binary) << DbBuilder().add(key, 1.0).bytes(65536);
        std::ofstream(dir + "/counter_4150002.db", std::ios::binary) << DbBuilder().add(key, 2.0).bytes(65536);
        std::ofstream(dir + "/counter_" + m_live + ".db", std::ios::binary) << DbBuilder().add(key, 4.0).bytes(65536);
        MergeEngine engine(dir);
        QVERIFY(render(engine.refresh()->families).find("jobs_total{queue=\"a\"} 7.0") != std::string::npos);
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // file times are coarse
        QCOMPARE(::link((dir + "/counter_4150002.db").c_str(), (elsewhere + "/other.db").c_str()), 0);
        const auto f = readFile(dir + "/counter_4150002.db");
        const auto &e = f.entries.front();
        pokeDouble(elsewhere + "/other.db", e.offset + 4 + e.rawKey().size() + (8 - (e.rawKey().size() + 4) % 8), 20.0);
        const auto r = engine.refresh();
        QCOMPARE(render(r->families), fullRender(dir));
        QVERIFY(render(r->families).find("jobs_total{queue=\"a\"} 25.0") != std::string::npos);
        QCOMPARE(r->stats.filesRead, std::size_t(1));
    }

    // A file of a pid this machine does not run (a worker in another pid
    // namespace) written through mmap: no inotify event, no new times. It
    // is read again within recheckEvery whatever liveness says; with Auto,
    // liveness is no longer trusted for the directory after that.
    void silentWriteOfGoneProcessIsSeen_data()
    {
        QTest::addColumn<PidNamespace>("ns");
        QTest::newRow("auto") << PidNamespace::Auto;
        QTest::newRow("shared") << PidNamespace::Shared;
        QTest::newRow("separate") << PidNamespace::Separate;
    }
    void silentWriteOfGoneProcessIsSeen()
    {
        QFETCH(PidNamespace, ns);
        const std::string dir = m_tmp.path().toStdString() + "/silent" + std::to_string(int(ns));
        fs::create_directory(dir);
        const std::string key = R"(["jobs", "jobs_total", {"queue": "a"}, "Jobs."])";
        const std::string gone = goneChildPid();
        const std::string path = dir + "/counter_" + gone + ".db";
        std::ofstream(path, std::ios::binary) << DbBuilder().add(key, 0.0).bytes(65536);
        std::ofstream(dir + "/counter_" + m_live + ".db", std::ios::binary) << DbBuilder().add(key, 1.0).bytes(65536);
        const ParsedFile parsed = readFile(path); // owns the key e points to
        const auto &e = parsed.entries.front();
        MappedFile worker(path, e.offset + 4 + e.rawKey().size() + (8 - (e.rawKey().size() + 4) % 8));

        MergeEngineOptions options;
        options.pidNamespace = ns;
        options.recheckEvery = std::chrono::milliseconds(300);
        MergeEngine engine(dir, options);
        QCOMPARE(engine.refresh()->pids.visible, ns != PidNamespace::Separate);
        const auto second = engine.refresh();
        QCOMPARE(detail::refreshDetail(*second).filesFrozen, std::size_t(ns == PidNamespace::Separate ? 0 : 1));
        for (int write = 1; write <= 3; ++write) {
            worker.set(10.0 * write);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
            std::shared_ptr<const MergeResult> r;
            do {
                std::this_thread::sleep_for(std::chrono::milliseconds(40));
                r = engine.refresh();
            } while (render(r->families).find("jobs_total{queue=\"a\"} " + std::to_string(10 * write + 1) + ".0")
                         == std::string::npos
                     && std::chrono::steady_clock::now() < deadline);
            QCOMPARE(render(r->families), fullRender(dir));
        }
        const auto after = engine.refresh();
        switch (ns) {
        case PidNamespace::Auto:
            QVERIFY(!after->pids.visible);
            QCOMPARE(after->pids.reason, "pids here are not visible from this pid namespace: counter_" + gone
                                             + ".db changed after process " + gone + " was gone");
            QCOMPARE(detail::refreshDetail(*after).filesFrozen, std::size_t(0));
            break;
        case PidNamespace::Shared:
            QVERIFY(after->pids.visible);
            QCOMPARE(detail::refreshDetail(*after).filesFrozen, std::size_t(1));
            break;
        case PidNamespace::Separate:
            QVERIFY(!after->pids.visible);
            QCOMPARE(detail::refreshDetail(*after).filesFrozen, std::size_t(0));
            break;
        }
    }

    // A kept file that reads as damaged at its recheck is shown as it now
    // is, but only contents read cleanly say a writer elsewhere is alive:
    // Auto keeps trusting liveness.
    void damagedKeptFileDoesNotHidePids()
    {
        const std::string dir = m_tmp.path().toStdString() + "/damaged";
        fs::create_directory(dir);
        const std::string key = R"(["jobs", "jobs_total", {"queue": "a"}, "Jobs."])";
        const std::string path = dir + "/counter_" + goneChildPid() + ".db";
        std::ofstream(path, std::ios::binary) << DbBuilder().add(key, 5.0).bytes(65536);
        MappedFile header(path, 8); // the first entry's key length, and four bytes of its key
        MergeEngineOptions options;
        options.recheckEvery = std::chrono::milliseconds(200);
        MergeEngine engine(dir, options);
        engine.refresh();
        engine.refresh();
        header.set(-1.0); // key length 0: the entry no longer parses
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        const auto r = engine.refresh();
        QCOMPARE(detail::refreshDetail(*r).filesRechecked, std::size_t(1));
        QVERIFY(!r->load.allProblems().empty());
        QCOMPARE(render(r->families), fullRender(dir));
        QVERIFY(r->pids.visible);
        QVERIFY(engine.refresh()->pids.visible);
    }

    // The files kept unread are read again in turn: a share on each
    // refresh, all of them once recheckEvery has passed.
    void keptFilesRecheckedInTurn()
    {
        const std::string dir = m_tmp.path().toStdString() + "/turns";
        fs::create_directory(dir);
        const std::string key = R"(["jobs", "jobs_total", {"queue": "a"}, "Jobs."])";
        for (int i = 0; i < 40; ++i)
            std::ofstream(dir + "/counter_" + std::to_string(4150000 + i) + ".db", std::ios::binary)
                << DbBuilder().add(key, 1.0).bytes(4096);
        const std::string first = dir + "/counter_4150000.db";
        const ParsedFile parsed = readFile(first); // owns the key e points to
        const auto &e = parsed.entries.front();
        MappedFile worker(first, e.offset + 4 + e.rawKey().size() + (8 - (e.rawKey().size() + 4) % 8));
        MergeEngineOptions options;
        options.pidNamespace = PidNamespace::Shared;
        options.recheckEvery = std::chrono::milliseconds(2000);
        MergeEngine engine(dir, options);
        engine.refresh();
        std::size_t rechecked = 0;
        const auto start = std::chrono::steady_clock::now();
        int refreshes = 0;
        while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500)) {
            const auto r = engine.refresh();
            QCOMPARE(detail::refreshDetail(*r).filesFrozen, std::size_t(40));
            QVERIFY(detail::refreshDetail(*r).filesRechecked < 40);
            rechecked += detail::refreshDetail(*r).filesRechecked;
            ++refreshes;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        // About a quarter of the files in a quarter of the bound.
        QVERIFY2(rechecked >= 5 && rechecked <= 20, qPrintable(QString::number(rechecked)));
        QVERIFY(refreshes > 10);
        std::this_thread::sleep_for(std::chrono::milliseconds(2000));
        QCOMPARE(detail::refreshDetail(*engine.refresh()).filesRechecked, std::size_t(40));
        // Found unchanged, they are now compared by their bytes' hash; a
        // silent change is still seen at the next turn.
        worker.set(100.0);
        std::this_thread::sleep_for(std::chrono::milliseconds(2000));
        const auto r = engine.refresh();
        QCOMPARE(detail::refreshDetail(*r).filesRechecked, std::size_t(40));
        QVERIFY(render(r->families).find("jobs_total{queue=\"a\"} 139.0") != std::string::npos);
        QCOMPARE(render(r->families), fullRender(dir));
    }

    // Every file removed (a restart that wipes the directory), then
    // refreshed twice: the second found the plan for no files unchanged
    // and ran the base folded for the old files (a crash).
    void directoryEmptied()
    {
        MergeEngine engine(m_dir);
        engine.refresh();
        engine.refresh();
        for (const auto &e : fs::directory_iterator(m_dir))
            fs::remove(e.path());
        QVERIFY(engine.refresh()->families.empty());
        QVERIFY(engine.refresh()->families.empty());
        const auto r = engine.refresh();
        QVERIFY(r->load.ok);
        QCOMPARE(render(r->families), std::string());
    }

    // An archive is loaded once, and again when the file is replaced.
    void archiveReplacedIsLoadedAgain()
    {
        const std::string archive = m_tmp.path().toStdString() + "/case.tar";
        auto pack = [&] {
            const std::string cmd = "tar -cf '" + archive + ".new' -C '" + m_dir + "' . && mv '" + archive + ".new' '" + archive + "'";
            return std::system(cmd.c_str()) == 0;
        };
        QVERIFY(pack());
        MergeEngine engine(archive);
        const auto r1 = engine.refresh();
        QVERIFY(r1->load.ok);
        QVERIFY(r1->load.archive.isArchive);
        QCOMPARE(render(r1->families), fullRender(m_dir));
        QCOMPARE(engine.refresh()->load.files, r1->load.files); // not read again
        fs::remove(m_dir + "/counter_102.db");
        QVERIFY(pack());
        const auto r2 = engine.refresh();
        QCOMPARE(r2->load.files.size(), r1->load.files.size() - 1);
        QCOMPARE(render(r2->families), fullRender(m_dir));
        fs::remove(archive);
        QVERIFY(!engine.refresh()->load.ok);
    }

    // The directory removed, or replaced by a file: the result says so,
    // never the last good merge.
    void directoryGoneIsNotServed()
    {
        MergeEngine engine(m_dir);
        QVERIFY(engine.refresh()->load.ok);
        QVERIFY(engine.refresh()->load.ok);
        fs::remove_all(m_dir);
        auto r = engine.refresh();
        QVERIFY(!r->load.ok);
        QVERIFY(r->families.empty());
        QVERIFY(!engine.refresh()->load.ok);
        std::ofstream(m_dir) << "not a folder";
        r = engine.refresh();
        QVERIFY(!r->load.ok);
        QVERIFY(!r->load.error.empty());
        fs::remove(m_dir);
        const std::string path = m_dir;
        makeDirectory();
        fs::rename(m_dir, path);
        m_dir = path;
        QCOMPARE(render(engine.refresh()->families), fullRender(m_dir));
    }

    // The directory is removed and made again: the watch on the old one
    // ends, so the listing read then is not trusted later; a file that
    // comes after it is seen.
    void directoryMadeAgain()
    {
        const std::string dir = m_tmp.path().toStdString() + "/again";
        fs::create_directory(dir);
        const std::string key = R"(["jobs", "jobs_total", {"queue": "a"}, "Jobs."])";
        auto write = [&](const std::string &name, double v) {
            std::ofstream(dir + "/" + name, std::ios::binary) << DbBuilder().add(key, v).bytes(65536);
        };
        write("counter_4140001.db", 1.0);
        MergeEngine engine(dir);
        engine.refresh();
        engine.refresh();
        fs::remove_all(dir);
        fs::create_directory(dir);
        write("counter_4140002.db", 2.0);
        QCOMPARE(render(engine.refresh()->families), fullRender(dir));
        write("counter_4140003.db", 4.0);
        const auto r = engine.refresh();
        QCOMPARE(r->load.files.size(), std::size_t(2));
        QCOMPARE(render(r->families), fullRender(dir));
    }

    // New series, new files, removed files: the structure is rebuilt.
    void structureChanges()
    {
        MergeEngine engine(m_dir);
        engine.refresh();
        // a new live process with a new series and a mostrecent value
        const std::string other = std::to_string(::getppid());
        std::ofstream(m_dir + "/counter_" + other + ".db", std::ios::binary)
            << DbBuilder().add(R"(["jobs", "jobs_total", {"queue": "new", "state": "done"}, "Jobs processed."])", 4.0)
                   .bytes(65536);
        std::ofstream(m_dir + "/gauge_mostrecent_" + other + ".db", std::ios::binary)
            << DbBuilder().add(R"(["g_mostrecent", "g_mostrecent", {"kind": "z"}, "Gauge in mode mostrecent"])", 9.0, 1.0)
                   .bytes(65536);
        auto r = engine.refresh();
        QVERIFY(!detail::refreshDetail(*r).planReused);
        QCOMPARE(render(r->families), fullRender(m_dir));
        QCOMPARE(render(r->families, {Format::OpenMetrics, {}}), fullRender(m_dir, Format::OpenMetrics));
        // The files known by path from the refresh before are kept.
        QCOMPARE(r->stats.filesRead, std::size_t(2));
        QCOMPARE(r->stats.filesReused, std::size_t(42));
        fs::remove(m_dir + "/gauge_liveall_103.db"); // mark_process_dead
        r = engine.refresh();
        QCOMPARE(render(r->families), fullRender(m_dir));
        QCOMPARE(r->stats.filesRead, std::size_t(0));
        QCOMPARE(r->stats.filesReused, std::size_t(43));
    }

    // A cold refresh compiles from where each key was first seen while
    // loading (noted by the loading threads), a full merge looks at every
    // entry: the same output either way, then and after folding. Processes
    // hold random subsets of series in random orders, so keys are first
    // seen at all sorts of places, some only in late files; one metric is
    // written both as a counter and as a gauge; some files repeat a key.
    void coldFromSightingsMatchesFullMerge()
    {
        const std::string dir = m_tmp.path().toStdString() + "/sightings";
        fs::create_directory(dir);
        std::mt19937 rng(4242);
        auto key = [](const std::string &metric, const std::string &sample, const std::string &path,
                      const std::string &extra) {
            return "[\"" + metric + "\", \"" + sample + "\", {\"path\": \"" + path + "\"" + extra + "}, \"Help.\"]";
        };
        const std::vector<std::string> les{"0.1", "0.5", "1.0", "+Inf"};
        std::vector<std::string> pids;
        for (int p = 0; p < 40; ++p)
            pids.push_back(std::to_string(4190000 + p)); // above any pid in use: dead
        pids.push_back(m_live);
        for (std::size_t p = 0; p < pids.size(); ++p) {
            std::vector<int> paths(8 + p % 5);
            std::iota(paths.begin(), paths.end(), static_cast<int>(p / 3)); // later pids bring new series
            std::shuffle(paths.begin(), paths.end(), rng);
            DbBuilder counter, histogram, gauge, gaugeAll;
            for (int path : paths) {
                const std::string ps = "/p" + std::to_string(path);
                counter.add(key("req", "req_total", ps, ""), double(rng() % 5));
                if (rng() % 4 == 0)
                    counter.add(key("req", "req_total", ps, ""), 1.0); // the same key again
                histogram.add(key("lat", "lat_sum", ps, ""), double(rng() % 1000) / 7.0);
                for (const auto &le : les)
                    histogram.add(key("lat", "lat_bucket", ps, ", \"le\": \"" + le + "\""), double(rng() % 3));
                gauge.add(key("both", "both", ps, ""), double(rng() % 100) / 3.0);
                gaugeAll.add(key("inflight", "inflight", ps, ""), double(rng() % 9));
            }
            counter.add(key("both", "both_total", "/c", ""), 2.0); // a counter of a gauge's name
            const std::string pid = pids[p];
            std::ofstream(dir + "/counter_" + pid + ".db", std::ios::binary) << counter.bytes(65536);
            std::ofstream(dir + "/histogram_" + pid + ".db", std::ios::binary) << histogram.bytes(65536);
            std::ofstream(dir + "/gauge_max_" + pid + ".db", std::ios::binary) << gauge.bytes(65536);
            std::ofstream(dir + "/gauge_all_" + pid + ".db", std::ios::binary) << gaugeAll.bytes(65536);
        }
        for (const bool accumulate : {true, false}) {
            MergeEngine engine(dir, {MergeOptions{accumulate}, {}});
            const std::string full = renderSampleTable(merge(loadDirectory(dir).files, MergeOptions{accumulate}));
            const auto cold = engine.refresh();
            QVERIFY(!detail::refreshDetail(*cold).planReused);
            QCOMPARE(renderSampleTable(cold->families), full);
            if (accumulate)
                QCOMPARE(render(cold->families), fullRender(dir));
            const auto folded = engine.refresh(); // the fold fills in every instruction
            QVERIFY(detail::refreshDetail(*folded).planReused);
            QVERIFY(detail::refreshDetail(*folded).baseFolded);
            QCOMPARE(renderSampleTable(folded->families), full);
            const auto f = readFile(dir + "/histogram_" + m_live + ".db");
            const auto &e = f.entries.back();
            pokeDouble(dir + "/histogram_" + m_live + ".db",
                       e.offset + 4 + e.rawKey().size() + (8 - (e.rawKey().size() + 4) % 8), 1e6);
            QCOMPARE(renderSampleTable(engine.refresh()->families),
                     renderSampleTable(merge(loadDirectory(dir).files, MergeOptions{accumulate})));
        }
    }

    // A cold merge of many files sums counters and histograms by key beside
    // the plan compiler, and only where that is the same as summing by
    // series in file order: not when two keys (two help texts) make one
    // series, nor when a series also comes from a gauge file.
    void coldSumsByKeyOnlyWhereExact()
    {
        enum Case { Plain, TwoHelpTexts, AlsoInGauge };
        for (const Case c : {Plain, TwoHelpTexts, AlsoInGauge}) {
            const std::string dir = m_tmp.path().toStdString() + "/bykey" + std::to_string(c);
            fs::create_directory(dir);
            auto key = [](const std::string &metric, const std::string &sample, int path, const std::string &help,
                          const std::string &extra = "") {
                return "[\"" + metric + "\", \"" + sample + "\", {\"path\": \"/p" + std::to_string(path) + "\""
                       + extra + "}, \"" + help + "\"]";
            };
            std::mt19937 rng(7 + c);
            for (int p = 0; p < 45; ++p) { // 135 files: enough to sum beside the compiler
                const std::string pid = std::to_string(4180000 + p); // dead
                DbBuilder counter, histogram, gauge;
                for (int path = 0; path < 6; ++path) {
                    // Values whose float sum depends on the order of addition.
                    const bool odd = c == TwoHelpTexts && p % 9 == 4 && path == 2;
                    counter.add(key("req", "req_total", path, odd ? "Other help." : "Help."),
                                double(rng() % 1000) / 10.0 + 1e-7 * p);
                    histogram.add(key("lat", "lat_sum", path, "Help."), double(rng() % 1000) / 7.0);
                    histogram.add(key("lat", "lat_bucket", path, "Help.", ", \"le\": \"+Inf\""), double(rng() % 3));
                    gauge.add(key("temp", "temp", path, "Help."), double(rng() % 100) / 3.0);
                }
                if (c == AlsoInGauge) // a key of the histogram files (gauge files sort first: a gauge family)
                    gauge.add(key("lat", "lat_sum", 3, "Help."), 0.25 * p);
                std::ofstream(dir + "/counter_" + pid + ".db", std::ios::binary) << counter.bytes(65536);
                std::ofstream(dir + "/histogram_" + pid + ".db", std::ios::binary) << histogram.bytes(65536);
                std::ofstream(dir + "/gauge_livesum_" + pid + ".db", std::ios::binary) << gauge.bytes(65536);
            }
            MergeEngine engine(dir);
            const auto cold = engine.refresh();
            QCOMPARE(cold->load.files.size(), std::size_t(135));
            QVERIFY2(detail::refreshDetail(*cold).summedByKey == (c == Plain), dir.c_str());
            QCOMPARE(render(cold->families), fullRender(dir));
            const auto again = engine.refresh();
            QVERIFY(!detail::refreshDetail(*again).summedByKey);
            QCOMPARE(render(again->families), fullRender(dir));
        }
    }

    // Files are read while the directory is still being listed, in the
    // listing's order; each must still land in its place in name order, with
    // its keys' first sightings there. Compared with the files read one by
    // one in name order and merged without sightings.
    void readWhileListingKeepsNameOrder()
    {
        const std::string dir = m_tmp.path().toStdString() + "/arriving";
        fs::create_directory(dir);
        std::mt19937 rng(99);
        auto key = [](const std::string &metric, const std::string &sample, int path, const std::string &extra = "") {
            return "[\"" + metric + "\", \"" + sample + "\", {\"path\": \"/p" + std::to_string(path) + "\"" + extra
                   + "}, \"Help.\"]";
        };
        for (int p = 0; p < 300; ++p) {
            std::vector<int> paths(40);
            std::iota(paths.begin(), paths.end(), 0);
            std::shuffle(paths.begin(), paths.end(), rng);
            paths.resize(3 + rng() % 10); // a random few series, in random order
            DbBuilder counter, histogram, gauge;
            for (int path : paths) {
                counter.add(key("req", "req_total", path), double(rng() % 1000) / 10.0);
                histogram.add(key("lat", "lat_sum", path), double(rng() % 1000) / 7.0);
                histogram.add(key("lat", "lat_bucket", path, ", \"le\": \"+Inf\""), double(rng() % 3));
                gauge.add(key("inflight", "inflight", path), double(rng() % 9));
            }
            const std::string pid = std::to_string(4170000 + p * 7919 % 10007); // names not in pid order
            std::ofstream(dir + "/counter_" + pid + ".db", std::ios::binary) << counter.bytes(65536);
            std::ofstream(dir + "/histogram_" + pid + ".db", std::ios::binary) << histogram.bytes(65536);
            std::ofstream(dir + "/gauge_all_" + pid + ".db", std::ios::binary) << gauge.bytes(65536);
        }
        std::vector<std::string> names;
        for (const auto &e : fs::directory_iterator(dir))
            names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        FileList oneByOne;
        for (const auto &name : names)
            oneByOne.push_back(std::make_shared<const ParsedFile>(readFile(dir + "/" + name)));
        const std::string expected = render(merge(oneByOne));

        const LoadResult loaded = loadDirectory(dir);
        QCOMPARE(loaded.files.size(), names.size());
        for (std::size_t i = 0; i < names.size(); ++i) {
            QCOMPARE(loaded.files[i]->name, names[i]);
            QCOMPARE(loaded.files[i]->entries.size(), oneByOne[i]->entries.size());
        }
        for (int round = 0; round < 3; ++round) {
            MergeEngine engine(dir);
            const auto cold = engine.refresh();
            QVERIFY(detail::refreshDetail(*cold).summedByKey);
            QCOMPARE(render(cold->families), expected);
        }
    }

    // A big exposition is rendered in two halves at once; the bytes are
    // those of its families rendered one by one, in both formats, also
    // with a name filter.
    void renderInTwoHalvesIsTheSame()
    {
        std::vector<MetricFamily> families;
        for (int f = 0; f < 7; ++f) {
            MetricFamily fam;
            // Appended, not "m" + ...: GCC 12 at -O3 warns falsely (-Wrestrict, bug 105651).
            fam.name = "m";
            fam.name += std::to_string(f);
            fam.type = f % 2 ? MetricType::Gauge : MetricType::Counter;
            fam.help = "Help ";
            fam.help += std::to_string(f);
            fam.help += '.';
            for (int i = 0; i < 150 * (f + 1); ++i)
                fam.samples.push_back({fam.name + (f % 2 ? "" : "_total"), {{"i", std::to_string(i)}}, i / 7.0});
            families.push_back(std::move(fam));
        }
        for (const Format format : {Format::Text, Format::OpenMetrics}) {
            for (const std::vector<std::string> &names : {std::vector<std::string>{},
                                                          std::vector<std::string>{"m2_total", "m5"}}) {
                const RenderOptions options{format, names};
                std::string oneByOne;
                for (const auto &fam : families) {
                    std::string part = render(std::span(&fam, 1), options);
                    if (format == Format::OpenMetrics)
                        part.resize(part.size() - std::string("# EOF\n").size());
                    oneByOne += part;
                }
                if (format == Format::OpenMetrics)
                    oneByOne += "# EOF\n";
                QCOMPARE(render(families, options), oneByOne);
            }
        }
    }

    // Random changes of every kind, compared with a fresh merge each time.
    void randomChanges()
    {
        MergeEngine engine(m_dir);
        MergeEngine noAcc(m_dir, {MergeOptions{false}, {}});
        std::mt19937 rng(12345);
        std::vector<std::string> names;
        for (const auto &e : fs::directory_iterator(m_dir))
            names.push_back(e.path().string());
        std::sort(names.begin(), names.end());
        for (int round = 0; round < 60; ++round) {
            const std::string path = names[rng() % names.size()];
            const auto f = readFile(path);
            if (!f.entries.empty()) {
                const auto &e = f.entries[rng() % f.entries.size()];
                const std::size_t valueAt = e.offset + 4 + e.rawKey().size() + (8 - (e.rawKey().size() + 4) % 8);
                const double values[] = {0.0, -1.5, 1e300, std::nan(""), 3.0, 1234567.0};
                pokeDouble(path, valueAt + (rng() % 2) * 8, values[rng() % 6]); // value or timestamp
            }
            if (round % 7 == 0)
                engine.refresh(); // sometimes two changes between refreshes
            QCOMPARE(render(engine.refresh()->families), fullRender(m_dir));
            QCOMPARE(renderSampleTable(noAcc.refresh()->families),
                     renderSampleTable(merge(loadDirectory(m_dir).files, MergeOptions{false})));
        }
    }
};

QTEST_GUILESS_MAIN(TestMergeEngine)
#include "tst_mergeengine.moc"
