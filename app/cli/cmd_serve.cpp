// promdir serve: the exporter, headless. One log line per scrape.
#include "commands.h"
#include "loadoptions.h"

#include "promdir/exporter.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace promdir::cli {

namespace {

const char kHelp[] =
    "Usage: promdir serve [--listen ADDR:PORT] [--credentials FILE]\n"
    "                     [--tls-cert FILE --tls-key FILE] [--no-accumulate]\n"
    "                     [--max-connections N] [--quiet] [PATH]\n\n"
    "Serves the merged metrics of PATH (a directory or an archive; default\n"
    "$PROMETHEUS_MULTIPROC_DIR) at http://ADDR:PORT/metrics, as the Python\n"
    "client's exporter would, without blocking on slow clients or big directories.\n"
    "Logs one line per request on stderr: time, peer, method, path, status, bytes, ms.\n"
    "Stops cleanly on SIGINT or SIGTERM.\n\n"
    "  --listen ADDR:PORT     default 127.0.0.1:8000; PORT 0 picks a free one;\n"
    "                         IPv6 as [::1]:8000; ADDR alone or :PORT also work\n"
    "  --credentials FILE     require HTTP basic auth; FILE has user:password lines\n"
    "                         (never give passwords on the command line)\n"
    "  --tls-cert FILE        serve HTTPS with this PEM certificate (chain) ...\n"
    "  --tls-key FILE         ... and this PEM private key\n"
    "  --no-accumulate        raw histogram bucket counts (merge with accumulate=False)\n"
    "  --max-connections N    open connections at most (default 256); beyond, the\n"
    "                         longest idle one is closed\n"
    "  --quiet                no per-request log lines\n"
    "  --pid-namespace MODE   auto (default), shared or separate: whether the\n"
    "                         writers' pids are this pid namespace's (see below)\n"
    "  --recheck DURATION     every file is read again at least this often, even\n"
    "                         one of a process that is gone (default 5s)\n\n"
    "Liveness: files of processes that are gone are not read on every scrape. A\n"
    "worker in another container (pid namespace) looks gone from here; its files\n"
    "are still read again within --recheck, and once one is seen changing, liveness\n"
    "is no longer trusted for the directory (logged once). --pid-namespace separate\n"
    "says so from the start.\n"
    "If PATH goes away, becomes unreadable or is replaced by a file, /metrics\n"
    "answers 503 with the reason until it is back.\n\n"
    "Files with problems are skipped and counted in promdir_file_errors{kind=...}.\n"
    "Exit status: 0 stopped by a signal, 2 bad usage, PATH or address.\n";

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    // Only async-signal-safe work here: wake the event loop.
    [[maybe_unused]] auto n = ::write(g_signalPipe[1], &c, 1);
}

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

} // namespace

int runServe(const Args &args)
{
    std::string path, listen = "127.0.0.1:8000", credentials, cert, key;
    MergeEngineOptions engineOptions;
    bool quiet = false;
    int maxConnections = -1;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        auto value = [&](const char *opt, std::string &out) {
            const std::string prefix = std::string(opt) + '=';
            if (a.starts_with(prefix)) {
                out = a.substr(prefix.size());
                return true;
            }
            if (i + 1 >= args.size()) {
                printError("serve", std::string(opt) + " needs a value");
                return false;
            }
            out = args[++i];
            return true;
        };
        auto is = [&](const char *opt) { return a == opt || a.starts_with(std::string(opt) + '='); };
        if (a == "--help" || a == "-h") {
            std::fputs(kHelp, stdout);
            return 0;
        } else if (is("--listen")) {
            if (!value("--listen", listen))
                return 2;
        } else if (is("--credentials")) {
            if (!value("--credentials", credentials))
                return 2;
        } else if (is("--tls-cert")) {
            if (!value("--tls-cert", cert))
                return 2;
        } else if (is("--tls-key")) {
            if (!value("--tls-key", key))
                return 2;
        } else if (is("--max-connections")) {
            std::string v;
            if (!value("--max-connections", v))
                return 2;
            bool ok = false;
            maxConnections = QString::fromStdString(v).toInt(&ok);
            if (!ok || maxConnections < 1) {
                printError("serve", "--max-connections needs a positive number");
                return 2;
            }
        } else if (const int r = parseLivenessOption("serve", args, i, engineOptions)) {
            if (r < 0)
                return 2;
        } else if (a == "--no-accumulate") {
            engineOptions.merge.accumulate = false;
        } else if (a == "--quiet" || a == "-q") {
            quiet = true;
        } else if (a.starts_with("-") && a != "-") {
            printError("serve", "unknown option " + a + " (see --help)");
            return 2;
        } else if (path.empty()) {
            path = a;
        } else {
            printError("serve", "more than one PATH given");
            return 2;
        }
    }
    if (path.empty())
        path = defaultPath();
    if (path.empty()) {
        printError("serve", "no PATH given and $PROMETHEUS_MULTIPROC_DIR is not set");
        return 2;
    }
    if (!QFileInfo::exists(QString::fromStdString(path))) {
        printError("serve", path + ": no such file or directory");
        return 2;
    }
    QHostAddress address;
    quint16 port = 8000;
    std::string why;
    if (!parseListen(listen, address, port, why)) {
        printError("serve", "bad --listen '" + listen + "': " + why);
        return 2;
    }
    if (cert.empty() != key.empty()) {
        printError("serve", "--tls-cert and --tls-key go together");
        return 2;
    }

    // Many scrapers (and abusive clients) need descriptors: take what we may.
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }

    int argc = 1;
    char arg0[] = "promdir";
    char *argv[] = {arg0, nullptr};
    QCoreApplication app(argc, argv);
    qInstallMessageHandler(messageHandler);
    // The exporter's own log lines arrive through its signals below.
    QLoggingCategory::setFilterRules(QStringLiteral("promdir.exporter.warning=false"));

    Exporter exporter;
    exporter.setPath(QString::fromStdString(path), engineOptions);
    exporter.setListenAddress(address);
    exporter.setPort(port);
    if (maxConnections > 0) {
        ExporterLimits limits = exporter.limits();
        limits.maxConnections = maxConnections;
        exporter.setLimits(limits);
    }
    QObject::connect(&exporter, &Exporter::warning, [](const QString &m) {
        std::fprintf(stderr, "promdir serve: warning: %s\n", qUtf8Printable(m));
    });
    QObject::connect(&exporter, &Exporter::error, [](const QString &m) {
        std::fprintf(stderr, "promdir serve: %s\n", qUtf8Printable(m));
    });
    QString error;
    if (!credentials.empty() && !exporter.setCredentialsFile(QString::fromStdString(credentials), &error)) {
        printError("serve", error.toStdString());
        return 2;
    }
    if (!cert.empty() && !exporter.setTlsFiles(QString::fromStdString(cert), QString::fromStdString(key), &error)) {
        printError("serve", error.toStdString());
        return 2;
    }
    if (!quiet) {
        QObject::connect(&exporter, &Exporter::requestLogged, [](const QString &line) {
            const QString t = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
            std::fprintf(stderr, "%s %s\n", qUtf8Printable(t), qUtf8Printable(line));
        });
    }

    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        printError("serve", "cannot create a pipe for signals");
        return 2;
    }
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        char buf[16];
        [[maybe_unused]] auto n = ::read(g_signalPipe[0], buf, sizeof buf);
        std::fprintf(stderr, "promdir serve: stopping\n");
        exporter.stop();
        app.quit();
    });
    struct sigaction sa{};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    if (!exporter.start())
        return 2; // the reason was logged
    std::fprintf(stderr, "promdir serve: serving %s at %s\n", path.c_str(),
                 qUtf8Printable(exporter.boundUrl().toString()));
    std::fflush(stderr);
    app.exec();
    ::close(g_signalPipe[0]);
    ::close(g_signalPipe[1]);
    return 0;
}

} // namespace promdir::cli
