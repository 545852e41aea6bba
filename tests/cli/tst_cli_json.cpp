// promdir's JSON: inspect/doctor/diff --json and the archive manifest, read
// back with a strict parser (nlohmann-json): valid JSON text always, the
// fields documented in docs/cli.md, numbers that read back exactly.
#include "../core/testutil.h"
#include "../core/dbbuilder.h"

#include "promdir/diagnostics/doctor.h"
#include "promdir/format/key.h"
#include "promdir/archive/manifest.h"

#include <nlohmann/json.hpp>

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <cmath>
#include <filesystem>
#include <limits>

using namespace promdir;
using namespace promdir::test;
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

const std::string kFixture = PROMDIR_TEST_DATA "/client_python/current/metrics";
const std::string kReplacement = "\xEF\xBF\xBD"; // U+FFFD

// Strict: throws on anything that is not JSON text (lone surrogates too).
Json parsed(const QByteArray &text)
{
    return Json::parse(text.begin(), text.end());
}

QStringList keys(const Json &object)
{
    QStringList k;
    for (const auto &[key, value] : object.items())
        k << QString::fromStdString(key);
    return k;
}

std::string me()
{
    return std::to_string(QCoreApplication::applicationPid());
}

std::string counterFile()
{
    return DbBuilder(16).add(encodeKey("requests", "requests_total", {}, "Requests."), 1).bytes(4096);
}

} // namespace

class TestCliJson : public QObject
{
    Q_OBJECT
private slots:
    // Names that are not UTF-8 or hold control bytes still give JSON text.
    void inspectJson()
    {
        QTemporaryDir tmp;
        const std::string d = tmp.path().toStdString();
        for (const auto &e : fs::directory_iterator(kFixture))
            fs::copy_file(e.path(), d + "/" + e.path().filename().string());
        const std::string oddName = d + "/counter_\xff\x01.db";
        spit(oddName, counterFile());
        const CliRun o = cli({QStringLiteral("inspect"), QStringLiteral("--json"), tmp.path()});
        fs::remove(oddName); // QDir cannot name it to remove it
        QCOMPARE(o.code, 0);
        Json j;
        try {
            j = parsed(o.out);
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
        QCOMPARE(keys(j), (QStringList{QStringLiteral("path"), QStringLiteral("files"), QStringLiteral("directory_problems"),
                                       QStringLiteral("processes"), QStringLiteral("archive"), QStringLiteral("summary")}));
        QCOMPARE(j["path"].get<std::string>(), d);
        QCOMPARE(j["files"].size(), std::size_t(43));
        QCOMPARE(keys(j["files"][0]), (QStringList{QStringLiteral("name"), QStringLiteral("type"), QStringLiteral("mode"),
                                                   QStringLiteral("pid"), QStringLiteral("generation"), QStringLiteral("size"),
                                                   QStringLiteral("used"), QStringLiteral("entries"), QStringLiteral("problems")}));
        const auto isOdd = [](const Json &f) { return f["name"].get<std::string>().starts_with("counter_" + kReplacement); };
        const auto oddAt = std::find_if(j["files"].begin(), j["files"].end(), isOdd);
        QVERIFY(oddAt != j["files"].end());
        const Json &odd = *oddAt;
        QCOMPARE(odd["name"].get<std::string>(), "counter_" + kReplacement + "\x01.db");
        QCOMPARE(odd["pid"].get<std::string>(), kReplacement + "\x01");
        QCOMPARE(odd["type"].get<std::string>(), std::string("counter"));
        QVERIFY(odd["mode"].is_null());
        QCOMPARE(odd["generation"].get<int>(), 4);
        QCOMPARE(odd["entries"].get<int>(), 1);
        QVERIFY(odd["problems"].is_array() && odd["problems"].empty());
        QVERIFY(j["archive"].is_null());
        QCOMPARE(j["summary"]["files"].get<int>(), 43);
        QCOMPARE(j["summary"]["pids"].get<int>(), 5);
        QCOMPARE(j["summary"]["problems"].get<int>(), 0);
        QCOMPARE(j["processes"].size(), std::size_t(5));
        for (const auto &p : j["processes"])
            QCOMPARE(keys(p).mid(0, 11),
                     (QStringList{QStringLiteral("pid"), QStringLiteral("state"), QStringLiteral("liveness_source"),
                                  QStringLiteral("start_time"), QStringLiteral("cmdline"), QStringLiteral("note"),
                                  QStringLiteral("files"), QStringLiteral("bytes"), QStringLiteral("last_write"),
                                  QStringLiteral("stale"), QStringLiteral("pid_reuse_suspected")}));
        // The bytes are ASCII: everything else is escaped.
        QVERIFY(std::all_of(o.out.begin(), o.out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
    }

    void doctorJson()
    {
        QTemporaryDir tmp;
        const std::string d = tmp.path().toStdString();
        spit(d + "/counter_" + me() + ".db", counterFile());
        spit(d + "/gauge_liveall_999999991.db",
             DbBuilder(16).add(encodeKey("temperature", "temperature", {}, "Temperature."), 1).bytes(4096));
        const CliRun o = cli({QStringLiteral("doctor"), QStringLiteral("--json"), tmp.path()});
        QCOMPARE(o.code, 1);
        const Json j = parsed(o.out);
        QCOMPARE(keys(j), (QStringList{QStringLiteral("path"), QStringLiteral("healthy"), QStringLiteral("findings")}));
        QCOMPARE(j["healthy"].get<bool>(), false);
        QStringList checks, table;
        for (const auto &[id, description] : doctorChecks())
            table << QString::fromStdString(id);
        for (const auto &f : j["findings"]) {
            QCOMPARE(keys(f), (QStringList{QStringLiteral("check"), QStringLiteral("severity"), QStringLiteral("summary"),
                                           QStringLiteral("details"), QStringLiteral("advice")}));
            checks << QString::fromStdString(f["check"].get<std::string>());
            const std::string severity = f["severity"].get<std::string>();
            QVERIFY2(severity == "ok" || severity == "info" || severity == "problem", severity.c_str());
            // What to do is said for everything that is not ok.
            QCOMPARE(f["advice"].is_null(), severity == "ok");
            if (f["check"] == "dead-live-gauges") {
                QCOMPARE(severity, std::string("problem"));
                QCOMPARE(f["details"], Json::array({"gauge_liveall_999999991.db"}));
            }
        }
        QCOMPARE(checks, table);
    }

    // Values read back as the very same double (the sign of zero too);
    // NaN and the infinities, which JSON has not, are strings. A label value
    // Python wrote with a lone surrogate comes out as U+FFFD.
    void diffJsonValues()
    {
        const double inf = std::numeric_limits<double>::infinity();
        const std::vector<double> values = {0.1 + 0.2, 1e15, 123456789.123456789, 5e-324, 1.7976931348623157e308,
                                            -0.0, 1e-7, 3.0, std::nan(""), inf, -inf};
        QTemporaryDir a, b;
        DbBuilder before(16), after(16);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const std::string key = encodeKey("g", "g", {{"case", std::to_string(i)}}, "G.");
            before.add(key, 42);
            after.add(key, values[i]);
        }
        const std::string surrogate = encodeKey("g", "g", {{"case", "\xED\xB2\x80"}}, "G.");
        QVERIFY(surrogate.find("\\udc80") != std::string::npos);
        after.add(surrogate, 1);
        spit(a.filePath(QStringLiteral("gauge_all_1.db")).toStdString(), before.bytes(8192));
        spit(b.filePath(QStringLiteral("gauge_all_1.db")).toStdString(), after.bytes(8192));
        const CliRun o = cli({QStringLiteral("diff"), QStringLiteral("--json"), a.path(), b.path()});
        QCOMPARE(o.code, 1);
        const Json j = parsed(o.out);
        QCOMPARE(keys(j), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("changes")}));
        std::size_t seen = 0;
        for (const auto &c : j["changes"]) {
            const std::string which = c["labels"]["case"].get<std::string>();
            if (c["kind"] == "series-added") {
                // U+FFFD for each byte of the surrogate's generalised UTF-8.
                QCOMPARE(which, kReplacement + kReplacement + kReplacement);
                QCOMPARE(c["after"].get<double>(), 1.0);
                continue;
            }
            QCOMPARE(c["kind"].get<std::string>(), std::string("value-changed"));
            QCOMPARE(c["before"].get<double>(), 42.0);
            const double want = values.at(std::stoul(which));
            const Json &got = c["after"];
            if (std::isnan(want))
                QCOMPARE(got, Json("NaN"));
            else if (std::isinf(want))
                QCOMPARE(got, Json(want > 0 ? "+Inf" : "-Inf"));
            else
                QVERIFY2(got.is_number() && std::bit_cast<std::uint64_t>(got.get<double>()) == std::bit_cast<std::uint64_t>(want),
                         got.dump().c_str());
            ++seen;
        }
        QCOMPARE(seen, values.size());
    }

    void manifestRoundTrip()
    {
        Manifest m;
        m.host = "web-3 \"east\"\n";
        m.time = 1796312175.2346;
        m.promdirVersion = "0.1.0";
        m.directory = "/run/prometheus/métriques";
        m.folder = "prometheus";
        m.processes = {{"4711", Liveness::Alive, 1796300000.125, "gunicorn: worker [app]", {}},
                       {"4712", Liveness::Dead, std::nullopt, {}, {}},
                       {"worker-a", Liveness::Unknown, std::nullopt, {}, "not a number"}};
        const std::string text = toJson(m);
        QVERIFY(text.ends_with("}\n"));
        const Json j = Json::parse(text);
        QCOMPARE(keys(j), (QStringList{QStringLiteral("format"), QStringLiteral("generator"), QStringLiteral("promdir_version"),
                                       QStringLiteral("host"), QStringLiteral("time"), QStringLiteral("time_iso"),
                                       QStringLiteral("directory"), QStringLiteral("folder"), QStringLiteral("processes")}));
        QCOMPARE(j["generator"].get<std::string>(), std::string("promdir"));
        QCOMPARE(j["time_iso"].get<std::string>(), std::string("2026-12-03T15:36:15Z"));
        QCOMPARE(keys(j["processes"][0]), (QStringList{QStringLiteral("pid"), QStringLiteral("state"), QStringLiteral("start_time"),
                                                       QStringLiteral("start_time_iso"), QStringLiteral("cmdline")}));

        const Result<Manifest, Problem> r = parseManifest(text);
        QVERIFY2(r, r.error().message.c_str());
        QCOMPARE(r->format, 1);
        QCOMPARE(r->host, m.host);
        QCOMPARE(r->time, 1796312175.235); // to the millisecond
        QCOMPARE(r->promdirVersion, m.promdirVersion);
        QCOMPARE(r->directory, m.directory);
        QCOMPARE(r->folder, m.folder);
        QCOMPARE(r->processes.size(), m.processes.size());
        for (std::size_t i = 0; i < m.processes.size(); ++i) {
            const ProcessInfo &want = m.processes[i], &got = r->processes[i];
            QCOMPARE(got.pid, want.pid);
            QVERIFY(got.state == want.state);
            QCOMPARE(got.startTime, want.startTime);
            QCOMPARE(got.cmdline, want.cmdline);
            QCOMPARE(got.note, want.note);
        }

        // A command line that is not UTF-8 still gives JSON text.
        m.processes[0].cmdline = "python3 \xff\xfe";
        const Result<Manifest, Problem> odd = parseManifest(toJson(m));
        QVERIFY2(odd, odd.error().message.c_str());
        QCOMPARE(odd->processes[0].cmdline, "python3 " + kReplacement + kReplacement);
    }

    // What any JSON writer may have made of it, as earlier promdir wrote
    // it (one process a line, three decimals), and what is not a manifest.
    void manifestParse()
    {
        const Result<Manifest, Problem> old = parseManifest(
            "{\n  \"format\": 1,\n  \"generator\": \"promdir\",\n  \"promdir_version\": \"0.1.0\",\n"
            "  \"host\": \"web-3\",\n  \"time\": 1795535475.120,\n  \"time_iso\": \"2026-11-24T16:07:39Z\",\n"
            "  \"directory\": \"/run/prometheus\",\n  \"folder\": \"prometheus\",\n  \"processes\": [\n"
            "    {\"pid\": \"4711\", \"state\": \"alive\", \"start_time\": 1795530000.120, \"start_time_iso\": "
            "\"2026-11-24T14:36:40Z\", \"cmdline\": \"gunicorn: worker [app]\"},\n"
            "    {\"pid\": \"4712\", \"state\": \"dead\"}\n  ]\n}\n");
        QVERIFY2(old, old.error().message.c_str());
        QCOMPARE(old->host, std::string("web-3"));
        QCOMPARE(old->time, 1795535475.12);
        QCOMPARE(old->processes.size(), std::size_t(2));
        QCOMPARE(old->processes[0].startTime, std::optional<double>(1795530000.12));
        QVERIFY(old->processes[1].state == Liveness::Dead);

        const Result<Manifest, Problem> loose = parseManifest(
            R"({"host": 7, "extra": {"x": [1, 2]}, "time": "soon", "processes": [42, {"pid": 42, "state": "zombie"},)"
            R"( {"state": "dead"}, {"pid": "9", "start_time": "x", "cmdline": ["a"]}]})");
        QVERIFY2(loose, loose.error().message.c_str());
        QCOMPARE(loose->host, std::string());
        QCOMPARE(loose->time, 0.0);
        QCOMPARE(loose->processes.size(), std::size_t(2)); // the one without a pid is dropped
        QCOMPARE(loose->processes[0].pid, std::string("42"));
        QVERIFY(loose->processes[0].state == Liveness::Unknown);
        QCOMPARE(loose->processes[1].pid, std::string("9"));
        QVERIFY(!loose->processes[1].startTime);
        QCOMPARE(loose->processes[1].cmdline, std::string());

        const Result<Manifest, Problem> array = parseManifest("[1, 2]");
        QVERIFY(!array);
        QCOMPARE(array.error().message, std::string("not a JSON object"));
        QVERIFY(array.error().kind == ProblemKind::BadJson);
        const Result<Manifest, Problem> cut = parseManifest("{\"host\": \"web");
        QVERIFY(!cut);
        QVERIFY2(cut.error().message.starts_with("bad JSON at byte 14: "), cut.error().message.c_str());
        QVERIFY(cut.error().kind == ProblemKind::BadJson);
        QCOMPARE(cut.error().offset, std::uint64_t(13)); // from 0: the end of the text
        const Result<Manifest, Problem> huge = parseManifest(R"({"format": 1e999, "processes": [{"pid": 1e300}]})");
        QVERIFY(!huge || huge->processes.size() <= 1); // never undefined behaviour
    }
};

QTEST_GUILESS_MAIN(TestCliJson)
#include "tst_cli_json.moc"
