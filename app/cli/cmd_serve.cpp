// promdir serve: the exporter, headless. One log line per scrape.
#include "commands.h"
#include "servecompaction.h"
#include "options.h"
#include "stopsignals.h"

#include "promdir/exporter.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>

#include <cstdio>
#include <optional>
#include <fcntl.h>
#include <sys/resource.h>

namespace promdir::cli {

namespace {

bool parseListen(const std::string &spec, QHostAddress &address, quint16 &port, std::string &why)
{
    std::string host = spec, portText;
    if (!spec.empty() && spec.front() == '[') {
        const auto close = spec.find(']');
        if (close == std::string::npos) {
            why = "missing ']'";
            return false;
        }
        host = spec.substr(1, close - 1);
        if (close + 1 < spec.size()) {
            if (spec[close + 1] != ':') {
                why = "expected ':' after ']'";
                return false;
            }
            portText = spec.substr(close + 2);
        }
    } else if (const auto colon = spec.rfind(':'); colon != std::string::npos && spec.find(':') == colon) {
        host = spec.substr(0, colon);
        portText = spec.substr(colon + 1);
    }
    if (host.empty())
        address = QHostAddress(QHostAddress::LocalHost);
    else if (host == "localhost")
        address = QHostAddress(QHostAddress::LocalHost);
    else if (host == "*")
        address = QHostAddress(QHostAddress::Any);
    else if (!address.setAddress(QString::fromStdString(host))) {
        why = "'" + host + "' is not an IP address";
        return false;
    }
    if (!portText.empty()) {
        bool ok = false;
        const uint p = QString::fromStdString(portText).toUInt(&ok);
        if (!ok || p > 65535) {
            why = "'" + portText + "' is not a port";
            return false;
        }
        port = static_cast<quint16>(p);
    }
    return true;
}

void messageHandler(QtMsgType, const QMessageLogContext &, const QString &message)
{
    std::fprintf(stderr, "promdir serve: %s\n", qUtf8Printable(message));
}

struct ServeSettings
{
    std::string path;
    QHostAddress address{QHostAddress::LocalHost};
    quint16 port = 8000;
    std::string credentials, cert, key;
    int maxConnections = 0; // 0: the exporter's default
    bool quiet = false;
    bool selfMetrics = false;
    MergeEngineOptions engine;
    std::optional<std::chrono::seconds> compactAfter; // --compact-dead-after
    bool assumeDeadWhenUnchanged = false;              // ... of pids not visible from here
};

// Many scrapers (and abusive clients) need descriptors: take what we may.
void raiseFileLimit()
{
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
}

// The exporter as the options say; false when a file given is not usable (printed).
bool configure(Exporter &exporter, const ServeSettings &s)
{
    exporter.setPath(QString::fromStdString(s.path), s.engine);
    exporter.setListenAddress(s.address);
    exporter.setPort(s.port);
    exporter.setSelfMetrics(s.selfMetrics);
    if (s.maxConnections > 0) {
        ExporterLimits limits = exporter.limits();
        limits.maxConnections = s.maxConnections;
        exporter.setLimits(limits);
    }
    QObject::connect(&exporter, &Exporter::warning, [](const QString &m) {
        std::fprintf(stderr, "promdir serve: warning: %s\n", qUtf8Printable(m));
    });
    QObject::connect(&exporter, &Exporter::error, [](const QString &m) {
        std::fprintf(stderr, "promdir serve: %s\n", qUtf8Printable(m));
    });
    QString error;
    if (!s.credentials.empty() && !exporter.setCredentialsFile(QString::fromStdString(s.credentials), &error)) {
        printError("serve", error.toStdString());
        return false;
    }
    if (!s.cert.empty() && !exporter.setTlsFiles(QString::fromStdString(s.cert), QString::fromStdString(s.key), &error)) {
        printError("serve", error.toStdString());
        return false;
    }
    if (!s.quiet) {
        QObject::connect(&exporter, &Exporter::requestLogged, [](const QString &line) {
            const QString t = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
            std::fprintf(stderr, "%s %s\n", qUtf8Printable(t), qUtf8Printable(line));
        });
    }
    return true;
}

int run(ServeSettings &s)
{
    if (!resolvePath("serve", s.path))
        return 2;
    if (!QFileInfo::exists(QString::fromStdString(s.path))) {
        printError("serve", s.path + ": no such file or directory");
        return 2;
    }
    if (s.compactAfter && !QFileInfo(QString::fromStdString(s.path)).isDir()) {
        printError("serve", s.path + ": --compact-dead-after needs a directory, not an archive");
        return 2;
    }
    raiseFileLimit();
    int argc = 1;
    char arg0[] = "promdir";
    char *argv[] = {arg0, nullptr};
    QCoreApplication app(argc, argv);
    qInstallMessageHandler(messageHandler);
    // The exporter's own log lines arrive through its signals (configure()).
    QLoggingCategory::setFilterRules(QStringLiteral("promdir.exporter.warning=false"));
    Exporter exporter;
    const bool stoppable = stopOnSignals(app, "serve", [&exporter, &app] {
        std::fprintf(stderr, "promdir serve: stopping\n");
        exporter.stop();
        app.quit();
    });
    if (!configure(exporter, s) || !stoppable)
        return 2;
    if (!exporter.start())
        return 2; // the reason was logged
    std::fprintf(stderr, "promdir serve: serving %s at %s\n", s.path.c_str(),
                 qUtf8Printable(exporter.boundUrl().toString()));
    std::fflush(stderr);
    std::optional<BackgroundCompaction> compaction;
    if (s.compactAfter)
        compaction.emplace(s.path, *s.compactAfter, s.engine.pidNamespace, s.assumeDeadWhenUnchanged);
    app.exec();
    compaction.reset();
    closeSignalPipe();
    return 0;
}

void addListenOption(CLI::App &cmd, ServeSettings &s)
{
    cmd.add_option_function<std::string>(
           "--listen",
           [&s](const std::string &v) {
               std::string why;
               if (!parseListen(v, s.address, s.port, why))
                   throw CLI::ValidationError("--listen", "bad address '" + v + "': " + why);
           },
           "default 127.0.0.1:8000; PORT 0 picks a free one;\nIPv6 as [::1]:8000; ADDR alone or :PORT also work")
        ->type_name("ADDR:PORT");
}

} // namespace

Command addServe(CLI::App &program)
{
    auto s = std::make_shared<ServeSettings>();
    CLI::App *cmd = program.add_subcommand(
        "serve", "serve the merged metrics over HTTP at /metrics\n\n"
                 "Serves the merged metrics of PATH at http://ADDR:PORT/metrics, as the Python\n"
                 "client's exporter would, without blocking on slow clients or big directories.\n"
                 "Logs one line per request on stderr: time, peer, method, path, status, bytes, ms.\n"
                 "Stops cleanly on SIGINT or SIGTERM.");
    addPathArgument(*cmd, s->path);
    addListenOption(*cmd, *s);
    cmd->add_option("--credentials", s->credentials,
                    "require HTTP basic auth; FILE has user:password lines\n(never give passwords on the command line)")
        ->type_name("FILE");
    auto *cert = cmd->add_option("--tls-cert", s->cert, "serve HTTPS with this PEM certificate (chain) ...")->type_name("FILE");
    auto *key = cmd->add_option("--tls-key", s->key, "... and this PEM private key")->type_name("FILE");
    cert->needs(key);
    key->needs(cert);
    addNoAccumulateOption(*cmd, s->engine.merge);
    cmd->add_option_function<std::string>(
           "--max-connections",
           [s](const std::string &v) {
               bool ok = false;
               s->maxConnections = QString::fromStdString(v).toInt(&ok);
               if (!ok || s->maxConnections < 1)
                   throw notA("--max-connections", v, "a positive number");
           },
           "open connections at most (default 256); beyond, the\nlongest idle one is closed")
        ->type_name("N");
    cmd->add_flag("-q,--quiet", s->quiet, "no per-request log lines");
    cmd->add_flag("--self-metrics", s->selfMetrics,
                  "add promdir's own promdir_* metrics to every scrape (files,\n"
                  "bytes, processes alive and dead, stale files, last merge);\n"
                  "alerting rules for them: /usr/share/promdir/promdir-alerts.yml\n"
                  "(installers/prometheus/ in the source)");
    addLivenessOptions(*cmd, s->engine);
    addDurationOption(*cmd, "--compact-dead-after", [s](std::chrono::seconds d) { s->compactAfter = d; },
                      "fold the files of processes dead and unchanged for\nthis long, in the background (promdir compact;\n"
                      "docs/compaction.md): the directory stays small");
    addAssumeDeadOption(*cmd, s->assumeDeadWhenUnchanged)->needs("--compact-dead-after");
    cmd->footer("Liveness: files of processes that are gone are not read on every scrape. A\n"
                "worker in another container (pid namespace) looks gone from here; its files\n"
                "are still read again within --recheck, and once one is seen changing, liveness\n"
                "is no longer trusted for the directory (logged once). --pid-namespace separate\n"
                "says so from the start.\n"
                "If PATH goes away, becomes unreadable or is replaced by a file, /metrics\n"
                "answers 503 with the reason until it is back.\n\n"
                "Files with problems are skipped and counted in promdir_file_errors{kind=...}.\n"
                "The format and name escaping follow the scraper's Accept header exactly as the\n"
                "Python client's (Prometheus 3 gets UTF-8 names as they are).\n"
                "Exit status: 0 stopped by a signal, 2 bad usage, PATH or address.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
