// The key interner and its store: one parsed key per distinct byte string,
// dense ids, keys that live as long as a file read with them, and the same
// answers when many threads intern at once (lookups take no lock).
#include "promdir/read/directory.h"
#include "promdir/merge/merge.h"
#include "promdir/read/reader.h"
#include "promdir/render/render.h"

#include "dbbuilder.h"

#include <QtTest>

#include <algorithm>
#include <set>
#include <thread>

using namespace promdir;

namespace {

std::string keyBytes(int i)
{
    return encodeKey("m", "m_total", {{"n", std::to_string(i)}}, "help text shared by every key of this metric");
}

} // namespace

class TestInterner : public QObject
{
    Q_OBJECT
private slots:
    void sameBytesSameKey()
    {
        KeyInterner interner;
        Problem err;
        const std::string a = keyBytes(1);
        const Key *k1 = interner.intern(a, &err);
        QVERIFY(k1);
        QCOMPARE(k1->raw, a);
        QCOMPARE(k1->metric, std::string("m"));
        const std::string copy = a; // other memory, same bytes
        QCOMPARE(interner.intern(copy, &err), k1);
        const Key *k2 = interner.intern(keyBytes(2), &err);
        QVERIFY(k2 && k2 != k1);
        QVERIFY(k1->id != k2->id);
        QCOMPARE(interner.size(), std::size_t(2));
    }

    void badKeysAreNotStored()
    {
        KeyInterner interner;
        Problem err;
        QVERIFY(!interner.intern("[\"m\", \"m_total\", {}", &err));
        QVERIFY(err.kind == ProblemKind::BadJson);
        QVERIFY(!interner.intern("[\"m\xff\", \"m_total\", {}, \"h\"]", &err));
        QVERIFY(err.kind == ProblemKind::BadUtf8);
        QCOMPARE(interner.size(), std::size_t(0));
    }

    // Many keys (the table grows many times) from several threads at once,
    // each thread in its own order: every byte string gets exactly one key,
    // and ids are 0..n-1.
    void concurrentInterning()
    {
        constexpr int kKeys = 20000;
        constexpr int kThreads = 4;
        std::vector<std::string> bytes;
        for (int i = 0; i < kKeys; ++i)
            bytes.push_back(keyBytes(i));
        KeyInterner interner(8);
        std::vector<std::vector<const Key *>> seen(kThreads, std::vector<const Key *>(kKeys));
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                for (int round = 0; round < 2; ++round)
                    for (int j = 0; j < kKeys; ++j) {
                        const int i = t % 2 ? kKeys - 1 - j : (j * 7919 + t) % kKeys; // different orders
                        Problem err;
                        const Key *k = interner.intern(bytes[static_cast<std::size_t>(i)], &err);
                        if (round == 0)
                            seen[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)] = k;
                        else if (seen[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)] != k)
                            seen[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)] = nullptr;
                    }
            });
        for (auto &th : threads)
            th.join();
        QCOMPARE(interner.size(), std::size_t(kKeys));
        std::set<std::uint32_t> ids;
        for (int i = 0; i < kKeys; ++i) {
            const Key *k = seen[0][static_cast<std::size_t>(i)];
            QVERIFY(k);
            QCOMPARE(k->raw, bytes[static_cast<std::size_t>(i)]);
            for (int t = 1; t < kThreads; ++t)
                QCOMPARE(seen[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)], k);
            ids.insert(k->id);
        }
        QCOMPARE(ids.size(), std::size_t(kKeys));
        QCOMPARE(*ids.rbegin(), std::uint32_t(kKeys - 1));
    }

    // A file's keys outlive the interner it was read with.
    void keysLiveWithTheirFile()
    {
        const std::string key = keyBytes(7);
        const std::string db = test::DbBuilder().add(key, 42.5).bytes();

        ParsedFile f;
        {
            KeyInterner interner;
            ReadOptions options;
            options.interner = &interner;
            f = readBytes("counter_1.db", db, options);
        }
        QVERIFY2(f.ok(), f.problems.empty() ? "" : f.problems.front().describe().c_str());
        QCOMPARE(f.entries.size(), std::size_t(1));
        QCOMPARE(f.entries[0].key->raw, key); // the store went with the file
        QCOMPARE(f.entries[0].value, 42.5);

        // Without an interner the file stores its own keys.
        const ParsedFile g = readBytes("counter_2.db", db);
        QVERIFY(g.entries[0].key != f.entries[0].key);
        QCOMPARE(g.entries[0].key->raw, key);

        // A key kept from a file outlives the file.
        std::shared_ptr<const Key> kept;
        {
            const ParsedFile h = readBytes("counter_3.db", db);
            kept = h.keepKey(h.entries[0]);
            QCOMPARE(kept.get(), h.entries[0].key);
        }
        QCOMPARE(kept->raw, key);
        QCOMPARE(kept->labels, (Labels{{"n", "7"}}));

        // Files from two stores merge like files from one.
        auto a = std::make_shared<const ParsedFile>(f);
        auto b = std::make_shared<const ParsedFile>(g);
        const std::vector<std::shared_ptr<const ParsedFile>> files{a, b};
        const auto families = merge(files);
        QCOMPARE(families.size(), std::size_t(1));
        QCOMPARE(families[0].samples.size(), std::size_t(1));
        QCOMPARE(families[0].samples[0].value, 85.0);
    }

    // Files merge the same whichever stores hold their keys: all from one
    // interner, the first alone and the rest from an interner (the merge
    // numbers the first file's keys by id and the others' apart), or each
    // alone. Keys repeat within and across files, a histogram's buckets
    // accumulate, and a gauge keeps the pid as a label.
    void mergeAcrossStoresIsTheSame()
    {
        auto key = [](const std::string &metric, const std::string &sample, const std::string &path,
                      const std::string &extra = "") {
            return "[\"" + metric + "\", \"" + sample + "\", {\"path\": \"" + path + "\"" + extra + "}, \"Help.\"]";
        };
        std::vector<std::pair<std::string, std::string>> files; // name, bytes
        for (int pid = 1; pid <= 4; ++pid) {
            test::DbBuilder counter, histogram, gauge;
            for (int path = 0; path < 3; ++path) {
                const std::string p = "/p" + std::to_string((path + pid) % 4);
                counter.add(key("req", "req_total", p), 1.0 + pid * path);
                counter.add(key("req", "req_total", p), 0.5); // the same key again
                histogram.add(key("lat", "lat_sum", p), 0.25 * pid);
                for (const char *le : {"0.1", "1.0", "+Inf"})
                    histogram.add(key("lat", "lat_bucket", p, std::string(", \"le\": \"") + le + "\""), double(pid));
                gauge.add(key("inflight", "inflight", p), double(pid * 10 + path));
            }
            const std::string pidText = std::to_string(pid);
            files.emplace_back("counter_" + pidText + ".db", counter.bytes());
            files.emplace_back("histogram_" + pidText + ".db", histogram.bytes());
            files.emplace_back("gauge_all_" + pidText + ".db", gauge.bytes());
        }
        std::sort(files.begin(), files.end());
        // How each file is read: 0 alone, 1 with `shared`.
        auto mergeWith = [&](const std::vector<int> &how) {
            KeyInterner shared;
            ReadOptions withShared;
            withShared.interner = &shared;
            FileList list;
            for (std::size_t i = 0; i < files.size(); ++i)
                list.push_back(std::make_shared<const ParsedFile>(
                    readBytes(files[i].first, files[i].second, how[i] ? withShared : ReadOptions{})));
            return renderSampleTable(merge(list)) + render(merge(list, MergeOptions{false}));
        };
        const std::string oneStore = mergeWith(std::vector<int>(files.size(), 1));
        QVERIFY(oneStore.find("req_total") != std::string::npos);
        std::vector<int> firstAlone(files.size(), 1);
        firstAlone[0] = 0;
        QCOMPARE(mergeWith(firstAlone), oneStore);
        QCOMPARE(mergeWith(std::vector<int>(files.size(), 0)), oneStore);
        std::vector<int> alternate(files.size(), 0);
        for (std::size_t i = 0; i < alternate.size(); i += 2)
            alternate[i] = 1;
        QCOMPARE(mergeWith(alternate), oneStore);
    }

    // The reader guesses each key from the one before it in earlier files.
    // A guess must never stand in for a key that only looks alike: here the
    // keys have one length and differ in one byte, first in the middle
    // (where the comparison looks first), then at the very end.
    void predictedKeysAreChecked()
    {
        auto bucketKey = [](const std::string &path, const std::string &le) {
            return encodeKey("h", "h_bucket", {{"le", le}, {"path", path}}, "help");
        };
        const std::vector<std::string> les{"0.1", "0.2", "0.3", "0.4"};
        KeyInterner interner;
        ReadOptions options;
        options.interner = &interner;
        auto read = [&](const std::string &name, const std::vector<std::string> &keys) {
            test::DbBuilder b;
            for (std::size_t i = 0; i < keys.size(); ++i)
                b.add(keys[i], static_cast<double>(i + 1));
            ParsedFile f = readBytes(name, b.bytes(4096), options);
            QVERIFY2(f.ok(), f.problems.empty() ? "" : f.problems.front().describe().c_str());
            QCOMPARE(f.entries.size(), keys.size());
            for (std::size_t i = 0; i < keys.size(); ++i) {
                QCOMPARE(f.entries[i].key->raw, keys[i]);
                QCOMPARE(f.entries[i].value, static_cast<double>(i + 1));
            }
        };
        std::vector<std::string> first, middle, last;
        for (const auto &le : les) {
            first.push_back(bucketKey("/aaaa", le));
            middle.push_back(bucketKey("/abaa", le)); // same length, differs mid-key
            last.push_back(bucketKey("/aaab", le));   // differs near the end
        }
        read("histogram_1.db", first);
        read("histogram_2.db", middle); // every guess from file 1 is wrong
        read("histogram_3.db", last);
        // Another order: runs as before, series swapped, one bucket missing.
        std::vector<std::string> mixed{last[0], last[1], first[0], first[1], first[3], middle[2], middle[3]};
        read("histogram_4.db", mixed);
        read("histogram_5.db", first);
        QCOMPARE(interner.size(), std::size_t(12));
    }

    // What the reader learned about one store is not used for another:
    // reading the same bytes with two interners in turn gives each file
    // keys of its own store, also once the first store is gone and a new
    // one may sit at its address.
    void predictionsStayWithTheirStore()
    {
        const std::string k1 = keyBytes(1), k2 = keyBytes(2);
        const std::string db = test::DbBuilder().add(k1, 1).add(k2, 2).bytes();
        auto check = [&](KeyInterner &interner, std::size_t size) {
            ReadOptions options;
            options.interner = &interner;
            const ParsedFile f = readBytes("counter_1.db", db, options);
            QVERIFY(f.ok());
            QCOMPARE(f.entries.size(), std::size_t(2));
            Problem err;
            QCOMPARE(f.entries[0].key, interner.intern(k1, &err));
            QCOMPARE(f.entries[1].key, interner.intern(k2, &err));
            QCOMPARE(interner.size(), size);
            QVERIFY(f.entries[1].key->id < interner.size());
        };
        KeyInterner a;
        for (int round = 0; round < 3; ++round) {
            KeyInterner b;
            Problem err;
            for (int i = 0; i < round; ++i) // other keys first: other places
                QVERIFY(b.intern(keyBytes(100 + i), &err));
            check(a, 2);
            check(b, std::size_t(2 + round));
            check(a, 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestInterner)
#include "tst_interner.moc"
