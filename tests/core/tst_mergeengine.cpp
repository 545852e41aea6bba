// The merge engine with memory gives exactly what a fresh full merge gives,
// whatever changed in between, and skips what cannot have changed.
#include "dbbuilder.h"

#include "promdir/mergeengine.h"
#include "promdir/render.h"

#include <QtTest>

#include <fcntl.h>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using namespace promdir;
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
        QVERIFY(!r1->stats.planReused);
        const auto r2 = engine.refresh();
        QCOMPARE(render(r2->families), fullRender(m_dir));
        QVERIFY(r2->stats.planReused);
        // Files of pids 102-104 (not running here) are neither read nor merged again.
        QCOMPARE(r2->stats.filesFrozen, std::size_t(42 - 13)); // pid 101 had 13 files
        QVERIFY(r2->stats.filesFolded > 0);
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
        QVERIFY(r->stats.planReused);
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
        QVERIFY(!r->stats.planReused);
        QCOMPARE(render(r->families), fullRender(m_dir));
        QCOMPARE(render(r->families, {Format::OpenMetrics, {}}), fullRender(m_dir, Format::OpenMetrics));
        fs::remove(m_dir + "/gauge_liveall_103.db"); // mark_process_dead
        r = engine.refresh();
        QCOMPARE(render(r->families), fullRender(m_dir));
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
