// The reader on good and bad input: every corrupt case gives a clear
// problem with the right offset, never a crash, and other files still merge.
#include "dbbuilder.h"

#include "promdir/read/directory.h"
#include "promdir/render/render.h"

#include <QtTest>

#include <atomic>
#include <set>
#include <fcntl.h>
#include <fstream>
#include <sys/mman.h>
#include <chrono>
#include <thread>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <cstring>
#include <future>
#include <map>

using namespace promdir;
using promdir::test::DbBuilder;

namespace {

const std::string kKeyA = R"(["c", "c_total", {"a": "1"}, "Help."])";
constexpr int kSpin = 50; // work between the two halves of a pair
const std::string kKeyB = R"(["c", "c_total", {"a": "2"}, "Help."])";

void writeFile(const std::string &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

// One trial: reads while a writer rewrites a value+timestamp pair with two
// stores (equal halves); returns how many reads saw unequal halves.
int tornReads()
{
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/gauge_mostrecent_1.db";
    const std::size_t cap = 1 << 16;
    writeFile(path, DbBuilder().add(kKeyA, 0.0, 0.0).bytes(cap));
    const int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0)
        return -1;
    void *mem = ::mmap(nullptr, cap, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mem == MAP_FAILED)
        return -1;
    auto *base = static_cast<char *>(mem);
    const std::size_t valueAt = 8 + 4 + kKeyA.size() + (8 - (kKeyA.size() + 4) % 8);
    std::atomic<bool> stop{false};
    // Odd while a pair is half written, even between writes.
    std::atomic<std::uint64_t> sequence{0};
    std::thread writer([&] {
        double k = 0;
        while (!stop.load(std::memory_order_relaxed)) {
            k += 1;
            // Two separate stores, as a memcpy may do: in between, the
            // pair holds a value that was never written.
            auto *pair = reinterpret_cast<volatile double *>(base + valueAt);
            // 2k-1 from before the first store (a full barrier) to after
            // the second: a reader that sees the pair half written and
            // then the sequence knows the writer was inside this pair.
            sequence.fetch_add(1);
            pair[0] = k;
            for (int spin = 0; spin < kSpin; ++spin)
                __asm__ __volatile__("" ::: "memory");
            pair[1] = k;
            sequence.fetch_add(1);
            // A busy Python worker updates a value about once a microsecond.
            const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(1);
            while (std::chrono::steady_clock::now() < until) {
            }
        }
    });
    int torn = 0;
    int unstable = 0;
    for (int i = 0; i < 3000; ++i) {
        ReadOptions options;
        options.verifyStable = !qEnvironmentVariableIsSet("PROMDIR_TEST_NO_VERIFY"); // to see the test fail
        const auto before = sequence.load(std::memory_order_acquire);
        const auto f = readFile(path, options);
        const auto after = sequence.load(std::memory_order_acquire);
        // The half-written pair the writer was in when the read began or
        // ended (odd sequence 2k-1: pair k half written) may have stood
        // still through the whole read: excused. Any other is a tear.
        auto halfWritten = [](std::uint64_t seq, double v) { return seq % 2 == 1 && v == double((seq + 1) / 2); };
        unstable += !f.ok();
        for (const auto &e : f.entries)
            torn += e.value != e.timestamp && !halfWritten(before, e.value) && !halfWritten(after, e.value);
    }
    qInfo() << "torn reads:" << torn << "reads that could not settle:" << unstable << "of 3000";
    stop = true;
    writer.join();
    ::munmap(mem, cap);
    ::close(fd);
    return torn + (unstable >= 30 ? 1 : 0);
}

} // namespace

class TestReader : public QObject
{
    Q_OBJECT
private slots:
    void generations_data()
    {
        QTest::addColumn<int>("stride");
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("generation");
        QTest::newRow("gen1") << 8 << QStringLiteral(R"(["c", "c_total", ["a"], ["1"]])") << 1;
        QTest::newRow("gen2") << 8 << QStringLiteral(R"(["c", "c_total", {"a": "1"}])") << 2;
        QTest::newRow("gen3") << 8 << QString::fromStdString(kKeyA) << 3;
        QTest::newRow("gen4") << 16 << QString::fromStdString(kKeyA) << 4;
    }

    void generations()
    {
        QFETCH(int, stride);
        QFETCH(QString, key);
        QFETCH(int, generation);
        for (std::size_t capacity : {std::size_t(0), std::size_t(65536)}) {
            const auto f = readBytes("counter_1.db", DbBuilder(stride).add(key.toStdString(), 3.5, 7.0)
                                                         .add(R"(["c", "c_total", {"a": "2"}, "Help."])", 1.0)
                                                         .bytes(capacity));
            if (generation <= 2) {
                // the second key is of generation 3: mixed
                QCOMPARE(f.generation, 3);
                QCOMPARE(f.problems.size(), std::size_t(1));
                QCOMPARE(int(f.problems[0].kind), int(ProblemKind::MixedGeneration));
            } else {
                QCOMPARE(f.generation, generation);
                QVERIFY(f.ok());
            }
            QCOMPARE(f.entries.size(), std::size_t(2));
            QCOMPARE(f.entries[0].value, 3.5);
            QCOMPARE(f.entries[0].timestamp, stride == 16 ? 7.0 : 0.0);
            QCOMPARE(f.entries[0].offset, std::uint64_t(8));
            QCOMPARE(f.entries[0].key->labels.at(0).second, std::string("1"));
        }
        const auto single = readBytes("counter_1.db", DbBuilder(stride).add(key.toStdString(), 2.0).bytes());
        QCOMPARE(single.generation, generation);
        QVERIFY(single.ok());
    }

    void emptyFiles()
    {
        const auto zero = readBytes("counter_1.db", "");
        QCOMPARE(zero.problems.size(), std::size_t(1));
        QCOMPARE(int(zero.problems[0].kind), int(ProblemKind::Empty));
        QCOMPARE(zero.problems[0].message, std::string("file is empty (0 bytes)"));

        const auto fresh = readBytes("counter_1.db", DbBuilder().bytes(65536));
        QVERIFY(fresh.ok());
        QCOMPARE(fresh.generation, 0);
        QCOMPARE(fresh.used, std::int64_t(8));

        const auto unset = readBytes("counter_1.db", std::string(65536, '\0'));
        QVERIFY(unset.ok());
        QCOMPARE(unset.entries.size(), std::size_t(0));
    }

    void corrupt_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("kind");
        QTest::addColumn<qulonglong>("offset");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("entries");

        const std::string good = DbBuilder().add(kKeyA, 1.0).add(kKeyB, 2.0).bytes();
        auto row = [](const char *name, const std::string &b, ProblemKind k, std::uint64_t off, const char *msg, int n) {
            QTest::newRow(name) << QByteArray(b.data(), qsizetype(b.size())) << int(k) << qulonglong(off)
                                << QString::fromUtf8(msg) << n;
        };

        row("short header", std::string("\x10\0\0", 3), ProblemKind::BadHeader, 0,
            "file is 3 bytes, shorter than the 8-byte header", 0);
        std::string usedSmall = good;
        DbBuilder::setInt(usedSmall, 0, 4);
        row("used < 8", usedSmall, ProblemKind::BadHeader, 0, "used is 4, smaller than the 8-byte header", 0);
        std::string usedNeg = good;
        DbBuilder::setInt(usedNeg, 0, -16);
        row("used negative", usedNeg, ProblemKind::BadHeader, 0, "used is -16, smaller than the 8-byte header", 0);
        std::string usedBig = good;
        DbBuilder::setInt(usedBig, 0, 4096);
        row("used > size", usedBig, ProblemKind::Truncated, 0,
            ("used is 4096 but the file has only " + std::to_string(good.size()) + " bytes").c_str(), 2);
        std::string usedOdd = good + std::string(8, '\0');
        DbBuilder::setInt(usedOdd, 0, static_cast<std::int32_t>(good.size()) + 4);
        row("used not multiple of 8", usedOdd, ProblemKind::BadHeader, 0,
            ("used is " + std::to_string(good.size() + 4) + ", not a multiple of 8").c_str(), 2);

        const std::size_t second = 8 + 4 + kKeyA.size() + (8 - (kKeyA.size() + 4) % 8) + 16;
        std::string negLen = good;
        DbBuilder::setInt(negLen, second, -7);
        row("negative key length", negLen, ProblemKind::BadKeyLength, second, "negative key length -7", 1);
        std::string hugeLen = good;
        DbBuilder::setInt(hugeLen, second, 0x7fffffff);
        row("huge key length", hugeLen, ProblemKind::BadKeyLength, second,
            ("key length 2147483647 runs past used (" + std::to_string(good.size())
             + ") (read beyond file size; the file is corrupted or truncated)").c_str(), 1);

        const std::string notJson = R"(["c", "c_total", {"a": "1"}, "Help.")"; // missing ]
        row("key not JSON", DbBuilder().add(notJson, 1.0).add(kKeyB, 2.0).bytes(), ProblemKind::BadJson,
            12 + notJson.size(), "key is not JSON: unterminated array (entry at offset 8)", 1);
        row("key wrong shape", DbBuilder().add(R"({"a": 1})", 1.0).add(kKeyB, 2.0).bytes(), ProblemKind::BadKeyShape,
            12, "key is not a JSON array (entry at offset 8)", 1);
        row("label value not a string", DbBuilder().add(R"(["c", "c_total", {"a": 1}, "h"])", 1.0).add(kKeyB, 2.0).bytes(),
            ProblemKind::BadKeyShape, 12, "value of label 'a' in the key is not a string (entry at offset 8)", 1);
        // No exposition can carry an empty metric or sample name (the client
        // would print `{l="v"} 1.0`, which Prometheus rejects): a problem of
        // the file, the entry left out (docs/compatibility.md).
        row("empty metric name", DbBuilder().add(R"(["", "", {"l": "v"}, "h"])", 1.0).add(kKeyB, 2.0).bytes(),
            ProblemKind::BadKeyShape, 12,
            "metric name in the key is empty; no exposition can carry it (entry at offset 8)", 1);
        row("empty sample name", DbBuilder().add(R"(["c", "", {"l": "v"}, "h"])", 1.0).add(kKeyB, 2.0).bytes(),
            ProblemKind::BadKeyShape, 12,
            "sample name in the key is empty; no exposition can carry it (entry at offset 8)", 1);
        row("empty metric name, gen 1", DbBuilder().add(R"(["", "c_total", ["l"], ["v"]])", 1.0).add(kKeyB, 2.0).bytes(),
            ProblemKind::BadKeyShape, 12,
            "metric name in the key is empty; no exposition can carry it (entry at offset 8)", 1);
        const std::string badUtf8 = "[\"c\", \"c_total\", {\"a\": \"\xff\"}, \"h\"]";
        row("invalid UTF-8", DbBuilder().add(badUtf8, 1.0).add(kKeyB, 2.0).bytes(), ProblemKind::BadUtf8,
            12 + badUtf8.find('\xff'), "key is not valid UTF-8 (entry at offset 8)", 1);
        const std::string surrogate = "[\"c\", \"c_total\", {\"a\": \"\xed\xa0\x80\"}, \"h\"]";
        row("encoded surrogate", DbBuilder().add(surrogate, 1.0).add(kKeyB, 2.0).bytes(), ProblemKind::BadUtf8,
            12 + surrogate.find('\xed'), "key is not valid UTF-8 (entry at offset 8)", 1);
    }

    void corrupt()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, kind);
        QFETCH(qulonglong, offset);
        QFETCH(QString, message);
        QFETCH(int, entries);
        const auto f = readBytes("/dir/counter_9.db", std::string_view(bytes.constData(), std::size_t(bytes.size())));
        QVERIFY(!f.problems.empty());
        QCOMPARE(int(f.problems[0].kind), kind);
        QCOMPARE(f.problems[0].offset, std::uint64_t(offset));
        QCOMPARE(QString::fromStdString(f.problems[0].message), message);
        QCOMPARE(f.problems[0].file, std::string("/dir/counter_9.db"));
        QCOMPARE(int(f.entries.size()), entries);
    }

    // Cut a valid file at every length: no crash, a problem unless the cut is
    // at `used` or beyond, and only whole entries come back.
    void truncatedAnywhere()
    {
        for (int stride : {8, 16}) {
            const std::string good = DbBuilder(stride).add(kKeyA, 1.0).add(kKeyB, 2.0).add(kKeyA + " ", 3.0).bytes(256);
            const std::size_t used = DbBuilder(stride).add(kKeyA, 1.0).add(kKeyB, 2.0).add(kKeyA + " ", 3.0).bytes().size();
            for (std::size_t n = 0; n <= good.size(); ++n) {
                const auto f = readBytes("counter_1.db", std::string_view(good).substr(0, n));
                if (n >= used) {
                    QVERIFY2(f.ok(), qPrintable(QString::number(n)));
                    QCOMPARE(f.entries.size(), std::size_t(3));
                } else {
                    QVERIFY2(!f.ok(), qPrintable(QString::number(n)));
                    QVERIFY(f.entries.size() < 3);
                    for (std::size_t i = 0; i < f.entries.size(); ++i)
                        QCOMPARE(f.entries[i].value, double(i + 1));
                }
            }
        }
    }

    // Problem files never change what the other files contribute.
    // Files come in byte order of their names, whatever their lengths and
    // however long a head they share (the listing compares the first 24
    // bytes as numbers, then whole names).
    void filesInNameOrder()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        std::vector<std::string> names{
            "counter_1.db", "counter_10.db", "counter_9.db", "counter_100000000000000001.db",
            "counter_100000000000000000.db", "gauge_mostrecent_123456789012345.db",
            "gauge_mostrecent_12345678901234.db", "gauge_mostrecent_123456789012346.db",
            "gauge_mostrecent_1234567.db", "gauge_mostrecent_1234567a.db", "histogram_\xc3\xa9.db",
            "histogram_z.db", "histogram_Z.db", "a.db", "gauge_mostrecent_123456.db"};
        for (int i = 0; i < 200; ++i) // enough to read while listing
            names.push_back("summary_" + std::to_string(i * 7919 % 100003) + ".db");
        const std::string bytes = DbBuilder().add(R"(["x", "x_total", {}, "X."])", 1.0).bytes(4096);
        for (const auto &n : names)
            std::ofstream(dir + "/" + n, std::ios::binary) << bytes;
        std::sort(names.begin(), names.end());
        const LoadResult r = loadDirectory(dir);
        QCOMPARE(r.files.size(), names.size());
        for (std::size_t i = 0; i < names.size(); ++i) {
            QCOMPARE(r.files[i]->name, names[i]);
            QCOMPARE(r.files[i]->path, dir + "/" + names[i]);
        }
    }

    // An entry with an empty metric name is a problem of its file, named
    // with the file and the entry's offset, and left out of the merge; the
    // file's other entries and the other files are merged.
    void emptyMetricNameNotMerged()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        const std::string empty = R"(["", "", {"l": "v"}, "h"])";
        writeFile(dir + "/counter_1.db", DbBuilder().add(kKeyA, 1.0).add(empty, 5.0).add(kKeyB, 2.0).bytes());
        writeFile(dir + "/counter_2.db", DbBuilder().add(kKeyA, 10.0).bytes());
        const LoadResult r = loadDirectory(dir);
        const auto problems = r.allProblems();
        QCOMPARE(int(problems.size()), 1);
        const std::size_t at = 8 + 4 + kKeyA.size() + (8 - (kKeyA.size() + 4) % 8) + 16;
        QCOMPARE(problems[0].file, dir + "/counter_1.db");
        QCOMPARE(problems[0].offset, std::uint64_t(at + 4));
        QVERIFY(problems[0].code == ProblemCode::BadKeyInEntry);
        QCOMPARE(QString::fromStdString(problems[0].message),
                 QStringLiteral("metric name in the key is empty; no exposition can carry it (entry at offset %1)").arg(at));
        const std::string text = render(merge(r.files));
        QVERIFY2(text.find("\n{") == std::string::npos, text.c_str());
        QVERIFY2(text.find(" 5.0") == std::string::npos, text.c_str());
        QVERIFY2(text.find("c_total{a=\"1\"} 11.0\n") != std::string::npos, text.c_str());
        QVERIFY2(text.find("c_total{a=\"2\"} 2.0\n") != std::string::npos, text.c_str());
    }

    void otherFilesStillMerged()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        const std::string fixtures = std::string(PROMDIR_TEST_DATA) + "/client_python/current/metrics";
        for (const auto &e : std::filesystem::directory_iterator(fixtures))
            std::filesystem::copy_file(e.path(), dir + "/" + e.path().filename().string());
        const std::string before = render(loadDirectory(dir).files.empty() ? std::vector<MetricFamily>{}
                                                                           : merge(loadDirectory(dir).files));
        std::string negLen = DbBuilder().add(R"(["zz", "zz_total", {}, "h"])", 5.0).bytes();
        DbBuilder::setInt(negLen, 8, -1);
        writeFile(dir + "/counter_0.db", negLen);
        writeFile(dir + "/counter_zz.db", "");
        writeFile(dir + "/histogram_7.db", DbBuilder().add("not json", 1.0).bytes(4096));
        writeFile(dir + "/app.sqlite.db", "SQLite format 3");
        writeFile(dir + "/notes.txt", "hello");
        std::filesystem::create_directory(dir + "/sub");
        std::filesystem::create_directory_symlink(dir + "/sub", dir + "/linked"); // a folder too
        const LoadResult r = loadDirectory(dir);
        QVERIFY(r.ok);
        QCOMPARE(render(merge(r.files)), before);
        const auto problems = r.allProblems();
        QCOMPARE(problems.size(), std::size_t(7));
        std::set<std::string> files;
        for (const auto &p : problems)
            files.insert(std::filesystem::path(p.file).filename().string());
        QCOMPARE(files, (std::set<std::string>{"counter_0.db", "counter_zz.db", "histogram_7.db", "app.sqlite.db",
                                               "notes.txt", "sub", "linked"}));
        // What the listing says of the foreign entries, with their full paths.
        QCOMPARE(r.problems.size(), std::size_t(3));
        for (const auto &p : r.problems) {
            QVERIFY(p.kind == ProblemKind::ForeignFile);
            if (p.file == dir + "/sub" || p.file == dir + "/linked")
                QCOMPARE(p.message, std::string("sub-folder ignored (the directory is not read recursively)"));
            else
                QCOMPARE(p.file, dir + "/notes.txt");
        }
        // Files in byte order of their names, with full paths.
        for (std::size_t i = 0; i < r.files.size(); ++i) {
            QCOMPARE(r.files[i]->path, dir + "/" + r.files[i]->name);
            if (i > 0)
                QVERIFY(r.files[i - 1]->name < r.files[i]->name);
        }
    }

    // Loading threads are kept between loads: two loads at once (one of
    // them makes its own threads) and a load in a forked child (which has
    // none of its parent's threads) must both work, and give the same.
    void loadsAtOnceAndAfterFork()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        for (int p = 0; p < 150; ++p) // enough files for several threads
            writeFile(dir + "/counter_" + std::to_string(p) + ".db",
                      DbBuilder().add(kKeyA, 1.0).add(kKeyB, double(p)).bytes(4096));
        const std::string expected = render(merge(loadDirectory(dir).files));
        QVERIFY(expected.find("c_total{a=\"2\"} 11175.0") != std::string::npos); // 0 + 1 + ... + 149
        std::string a, b;
        std::thread other([&] {
            for (int i = 0; i < 20; ++i)
                a = render(merge(loadDirectory(dir).files));
        });
        for (int i = 0; i < 20; ++i)
            b = render(merge(loadDirectory(dir).files));
        other.join();
        QCOMPARE(a, expected);
        QCOMPARE(b, expected);

        const pid_t child = ::fork();
        if (child == 0)
            ::_exit(render(merge(loadDirectory(dir).files)) == expected ? 0 : 1);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
    }

    // Names ending in .db that are not regular files (a FIFO, a socket, a
    // device behind a link, a link to a FIFO) are reported and never opened
    // in a way that blocks: a FIFO opened for reading waits for a writer
    // forever, and with it every scrape of `serve`.
    void nonRegularFilesNeverBlock()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        writeFile(dir + "/counter_1.db", DbBuilder().add(kKeyA, 4.0).bytes(4096));
        QCOMPARE(::mkfifo((dir + "/counter_2.db").c_str(), 0600), 0);
        std::filesystem::create_symlink("/dev/zero", dir + "/counter_3.db");
        std::filesystem::create_symlink(dir + "/counter_2.db", dir + "/counter_4.db");
        const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
        QVERIFY(sock >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const std::string sockPath = dir + "/counter_5.db";
        QVERIFY(sockPath.size() < sizeof addr.sun_path);
        std::memcpy(addr.sun_path, sockPath.c_str(), sockPath.size() + 1);
        QCOMPARE(::bind(sock, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);

        auto loading = std::async(std::launch::async, [&] { return loadDirectory(dir); });
        if (loading.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
            // Unblock the reader so that the test can end, then fail.
            const int w = ::open((dir + "/counter_2.db").c_str(), O_WRONLY | O_NONBLOCK);
            (void)w;
            QFAIL("loading a directory with a FIFO named counter_2.db did not return");
        }
        const LoadResult r = loading.get();
        ::close(sock);
        QVERIFY(r.ok);
        QVERIFY(render(merge(r.files)).find("c_total{a=\"1\"} 4.0") != std::string::npos);
        std::map<std::string, std::string> messages;
        for (const auto &p : r.allProblems()) {
            QVERIFY(p.kind == ProblemKind::Unreadable);
            messages[std::filesystem::path(p.file).filename().string()] = p.message;
        }
        QCOMPARE(messages.size(), std::size_t(4));
        QCOMPARE(messages["counter_2.db"], std::string("not a regular file (a FIFO); not opened"));
        QCOMPARE(messages["counter_3.db"], std::string("not a regular file (a character device); not opened"));
        QCOMPARE(messages["counter_4.db"], std::string("not a regular file (a FIFO); not opened"));
        QCOMPARE(messages["counter_5.db"], std::string("not a regular file (a socket); not opened"));
    }

    // 64 MiB of zeros behind a valid `used`: millions of entries with an
    // empty key. Problems are capped per file with a count of the rest, and
    // memory stays a small multiple of the bytes read (not a problem
    // object per entry: gigabytes).
    void zerosFileStaysBounded()
    {
        QTemporaryDir tmp;
        const std::string path = tmp.path().toStdString() + "/counter_9.db";
        const std::size_t size = std::size_t(64) << 20;
        {
            std::string bytes(size, '\0');
            DbBuilder::setInt(bytes, 0, static_cast<std::int32_t>(size));
            writeFile(path, bytes);
        }
        auto check = [&] {
            const ParsedFile f = readFile(path);
            if (f.entries.size() != 0 || f.problems.size() != kMaxProblemsPerFile + 1)
                return false;
            const Problem &last = f.problems.back();
            return last.message.find("more problems in this file not listed") != std::string::npos;
        };
#if defined(__SANITIZE_ADDRESS__)
        QVERIFY(check());
#else
        // In a child with its address space limited to 512 MiB: a blow-up
        // ends it instead of the machine.
        const pid_t child = ::fork();
        if (child == 0) {
            rlimit limit{std::size_t(512) << 20, std::size_t(512) << 20};
            ::setrlimit(RLIMIT_AS, &limit);
            try {
                ::_exit(check() ? 0 : 1);
            } catch (...) {
                ::_exit(2);
            }
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY2(WIFEXITED(status), "the reader was killed (out of memory?)");
        QCOMPARE(WEXITSTATUS(status), 0);
#endif
        const ParsedFile f = readFile(path);
        QCOMPARE(f.problems.front().offset, std::uint64_t(12)); // the first key, after its length
        QVERIFY(f.problems.back().message.find("more problems") != std::string::npos);
    }

    void missingDirectory()
    {
        const LoadResult r = loadDirectory("/nonexistent/promdir");
        QVERIFY(!r.ok);
        QCOMPARE(r.error, std::string("/nonexistent/promdir: no such directory"));
    }

    // A writer rewrites a 16-byte value+timestamp pair (always equal halves)
    // and appends entries while we read: no read may mix two writes.
    void concurrentWriterNeverTears()
    {
        // Reads that agree twice in a row cannot tell a pair the writer left
        // half written for longer than both reads (it was preempted between
        // its two stores) from a real value; such stalls are rare, and this
        // writer's window between the stores is far wider than a memcpy's.
        // Without verification (PROMDIR_TEST_NO_VERIFY=1) 1-3 % of the reads
        // are torn here; with it, none but the odd stall.
        const int torn = tornReads();
        QVERIFY(torn >= 0);
        QVERIFY2(torn <= 15, qPrintable(QStringLiteral("%1 of 3000 reads torn").arg(torn)));
    }

};

QTEST_GUILESS_MAIN(TestReader)
#include "tst_reader.moc"
