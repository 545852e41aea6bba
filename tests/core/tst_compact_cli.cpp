// `promdir compact` as a program: killed (SIGKILL) after each of its steps,
// then recovered (--recover, or the next run by itself), the directory
// merges as before; a full disk (RLIMIT_FSIZE) removes nothing; --dry-run
// --json; pids that cannot be checked are refused.
#include "compacttestutil.h"

#include "promdir/compact/compact.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <ctime>
#include <sys/resource.h>

using namespace promdir;
using namespace promdir::test;
namespace fs = std::filesystem;

namespace {

// Pids above the kernel's pid_max: never running here.
constexpr long kDeadPids = 1'000'000'001;

struct Ran
{
    int code = -1; // -1: killed
    QByteArray out, err;
};

Ran promdirRun(const QStringList &args, const QString &stopAt = {}, std::function<void()> inChild = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("PROMDIR_COMPACT_STOP_AT"));
    if (!stopAt.isEmpty())
        env.insert(QStringLiteral("PROMDIR_COMPACT_STOP_AT"), stopAt);
    p.setProcessEnvironment(env);
    if (inChild)
        p.setChildProcessModifier(inChild);
    p.start(QStringLiteral(PROMDIR_CLI), args);
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}

double realNow()
{
    return static_cast<double>(std::time(nullptr));
}

// Half the processes dead (pids above pid_max), half running (this test's
// own pid and its parent's, each a writer of several files).
void writeDirectory(const fs::path &dir, unsigned seed)
{
    RandomDirectory random(seed, realNow() - 3600);
    random.write(dir, kDeadPids, 6);
    RandomDirectory(seed + 100, realNow() - 3600).write(dir, ::getpid(), 1);
    RandomDirectory(seed + 200, realNow() - 3600).write(dir, ::getppid(), 1);
}

std::set<std::string> foldedByDryRun(const fs::path &dir)
{
    const Ran r = promdirRun({QStringLiteral("compact"), QStringLiteral("--dry-run"), QStringLiteral("--json"),
                              QString::fromStdString(dir.string())});
    std::set<std::string> folded;
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    for (const QJsonValue f : o.value(QStringLiteral("files")).toArray())
        if (f[QStringLiteral("action")].toString() == QLatin1String("fold")
            && !f[QStringLiteral("pid")].toString().startsWith(QLatin1String("compacted")))
            folded.insert(f[QStringLiteral("name")].toString().toStdString());
    return folded;
}

std::map<std::string, std::string> contents(const fs::path &dir)
{
    std::map<std::string, std::string> files;
    for (const auto &e : fs::directory_iterator(dir))
        if (e.is_regular_file()) {
            std::ifstream in(e.path(), std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            files[e.path().filename().string()] = ss.str();
        }
    return files;
}

bool compactionFolderEmpty(const fs::path &dir)
{
    const fs::path folder = dir / std::string(kCompactionFolder);
    return fs::is_empty(folder / "staged") && fs::is_empty(folder / "new") && !fs::exists(folder / "committed");
}

} // namespace

class TestCompactCli : public QObject
{
    Q_OBJECT
private slots:
    // Killed after step N of kCompactSteps, on a first and on a second
    // compaction (an earlier compacted file to fold in and replace); then
    // recovered by --recover or by the next run itself.
    void crashAtEveryStep_data()
    {
        QTest::addColumn<int>("step");
        QTest::addColumn<bool>("second");
        QTest::addColumn<bool>("explicitRecover");
        for (int step = 1; step <= kCompactSteps; ++step)
            for (bool second : {false, true}) {
                QTest::addRow("step %d%s, --recover", step, second ? ", second compaction" : "") << step << second << true;
                QTest::addRow("step %d%s, next run", step, second ? ", second compaction" : "") << step << second << false;
            }
    }

    void crashAtEveryStep()
    {
        QFETCH(int, step);
        QFETCH(bool, second);
        QFETCH(bool, explicitRecover);
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const QString path = tmp.path();
        writeDirectory(dir, unsigned(step));
        std::vector<std::set<std::string>> rounds;
        const LoadResult original = loadDirectory(dir);
        if (second) { // a first compaction of two of the dead processes
            CompactOptions first;
            first.liveness = [](std::string_view pid) {
                return pid == std::to_string(kDeadPids) || pid == std::to_string(kDeadPids + 1) ? Liveness::Dead : Liveness::Alive;
            };
            const auto r = compactDirectory(dir, first);
            QVERIFY(r.ok());
            rounds.emplace_back();
            for (const CompactFile &f : r->files)
                if (f.action == CompactFile::Action::Fold)
                    rounds.back().insert(f.name);
        }
        const auto beforeFiles = contents(dir);
        rounds.push_back(foldedByDryRun(dir));
        QVERIFY(rounds.back().size() >= 6);

        const Ran killed = promdirRun({QStringLiteral("compact"), path}, QString::number(step));
        QCOMPARE(killed.code, -1);
        const Ran recovered = explicitRecover ? promdirRun({QStringLiteral("compact"), QStringLiteral("--recover"), path})
                                              : promdirRun({QStringLiteral("compact"), path});
        QVERIFY2(recovered.code == 0, recovered.err.constData());
        QVERIFY(recovered.out.contains("an interrupted compaction had"));
        QVERIFY(compactionFolderEmpty(dir));
        const bool committed = step >= 5;
        if (!explicitRecover) { // recovered, then compacted
            const std::string diff = familiesDiffer(merge(foldedOrder(original.files, rounds)), mergeDirectory(dir));
            QVERIFY2(diff.empty(), diff.c_str());
        } else if (!committed) { // undone: every file back as it was
            QVERIFY(contents(dir) == beforeFiles);
        } else {
            const std::string diff = familiesDiffer(merge(foldedOrder(original.files, rounds)), mergeDirectory(dir));
            QVERIFY2(diff.empty(), diff.c_str());
        }
        // And a whole compaction afterwards.
        const Ran again = promdirRun({QStringLiteral("compact"), path});
        QVERIFY2(again.code == 0, again.err.constData());
        const std::string diff = familiesDiffer(merge(foldedOrder(original.files, rounds)), mergeDirectory(dir));
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY(compactionFolderEmpty(dir));
    }

    // A file size limit (as a full disk would) while the folded file is
    // written: an error that says so, every file as it was.
    void diskFull()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeDirectory(dir, 7);
        const auto before = contents(dir);
        const Ran r = promdirRun({QStringLiteral("compact"), tmp.path()}, {}, [] {
            ::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{512, 512};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        });
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("File too large") && r.err.contains("nothing was removed"), r.err.constData());
        QVERIFY(contents(dir) == before);
        QVERIFY(compactionFolderEmpty(dir));
    }

    void dryRunJson()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        writeDirectory(dir, 3);
        const auto before = contents(dir);
        const Ran r = promdirRun({QStringLiteral("compact"), QStringLiteral("-n"), QStringLiteral("--json"), tmp.path()});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o[QStringLiteral("dry_run")].toBool(), true);
        QVERIFY(o[QStringLiteral("files_after")].toInt() < o[QStringLiteral("files_before")].toInt());
        QVERIFY(o[QStringLiteral("bytes_after")].toDouble() < o[QStringLiteral("bytes_before")].toDouble());
        QVERIFY(!o[QStringLiteral("outputs")].toArray().isEmpty());
        QVERIFY(contents(dir) == before);
        const Ran text = promdirRun({QStringLiteral("compact"), QStringLiteral("--dry-run"), tmp.path()});
        QVERIFY(text.out.contains("would fold"));
        QVERIFY(text.out.contains("keep    gauge_all_"));
    }

    void pidsNotVisibleRefused()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        RandomDirectory(5, realNow() - 3600).write(dir, kDeadPids, 2);
        const Ran r = promdirRun({QStringLiteral("compact"), QStringLiteral("--pid-namespace"), QStringLiteral("separate"), tmp.path()});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--assume-dead-when-unchanged"));
        const Ran ok = promdirRun({QStringLiteral("compact"), QStringLiteral("--pid-namespace"), QStringLiteral("separate"),
                                   QStringLiteral("--assume-dead-when-unchanged"), tmp.path()});
        QCOMPARE(ok.code, 0);
        QVERIFY(fs::exists(dir / "counter_compacted.db"));
    }
};

QTEST_GUILESS_MAIN(TestCompactCli)
#include "tst_compact_cli.moc"
