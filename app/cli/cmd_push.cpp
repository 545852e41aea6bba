// promdir push: the merged metrics to a Prometheus Pushgateway, once (a
// batch job's end) or every DURATION, through Promdir::Pusher.
#include "commands.h"
#include "options.h"
#include "stopsignals.h"

#include "promdir/pusher.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>

#include <cstdio>

namespace promdir::cli {

namespace {

// Exit statuses (promdir help push, docs/cli.md).
enum Exit { Pushed = 0, PushedWithProblems = 1, Usage = 2, Unreachable = 3, Unauthorized = 4, Rejected = 5 };

struct PushSettings
{
    std::string path;
    PushGroup group;
    std::string method = "put";
    bool remove = false;
    std::string credentials, caFile;
    std::int64_t timeout = 30, every = 0, maxBackoff = 300;
    bool quiet = false;
    bool progress = true; // unused: the load options' --no-progress (a push shows none)
    MergeEngineOptions engine;
};

int exitStatusOf(const PushOutcome &o)
{
    switch (o.status) {
    case PushOutcome::Status::Pushed: return Pushed;
    case PushOutcome::Status::LoadFailed: return Usage;
    case PushOutcome::Status::Unreachable: return Unreachable;
    case PushOutcome::Status::Unauthorized: return Unauthorized;
    case PushOutcome::Status::Rejected: return Rejected;
    }
    return Rejected;
}

void log(const std::string &line)
{
    const QString t = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    std::fprintf(stderr, "%s promdir push: %s\n", qUtf8Printable(t), line.c_str());
    std::fflush(stderr);
}

// The pusher as the options say; false when something given is not usable (printed).
bool configure(Pusher &pusher, const PushSettings &s)
{
    QString error;
    if (!pusher.setTarget(s.group, &error)) {
        printError("push", error.toStdString());
        return false;
    }
    pusher.setMethod(s.remove ? PushMethod::Delete : s.method == "post" ? PushMethod::Post : PushMethod::Put);
    QObject::connect(&pusher, &Pusher::warning,
                     [](const QString &m) { printError("push", "warning: " + m.toStdString()); });
    if (!s.credentials.empty() && !pusher.setCredentialsFile(QString::fromStdString(s.credentials), &error)) {
        printError("push", error.toStdString());
        return false;
    }
    if (!s.caFile.empty() && !pusher.setCaFile(QString::fromStdString(s.caFile), &error)) {
        printError("push", error.toStdString());
        return false;
    }
    pusher.setTimeout(std::chrono::seconds(s.timeout));
    pusher.setInterval(std::chrono::seconds(s.every));
    pusher.setRetryDelays(std::chrono::seconds(1), std::chrono::seconds(std::max<std::int64_t>(1, s.maxBackoff)));
    return true;
}

// One push: its problems and failure printed, its exit status.
int reportOnce(const PushOutcome &o, const std::string &url)
{
    const std::size_t problems = o.result ? printProblems("push", o.result->load) : 0;
    if (!o.ok()) {
        printError("push", (o.status == PushOutcome::Status::LoadFailed ? "" : url + ": ") + o.message.toStdString());
        return exitStatusOf(o);
    }
    return problems == 0 ? Pushed : PushedWithProblems;
}

// --every: a line per push (failures always), until a signal.
void reportInLoop(const PushOutcome &o, const std::string &url, bool quiet)
{
    if (o.result)
        printProblems("push", o.result->load);
    if (!o.ok())
        log(url + ": " + o.message.toStdString());
    else if (!quiet)
        log(url + ": HTTP " + std::to_string(o.httpStatus));
}

int run(PushSettings &s)
{
    int argc = 1;
    char arg0[] = "promdir";
    char *argv[] = {arg0, nullptr};
    QCoreApplication app(argc, argv);
    Pusher pusher;
    const bool stoppable = stopOnSignals(app, "push", [&pusher, &app] {
        pusher.stop();
        app.quit();
    });
    // The gateway and the files given first: a wrong URL is told before a missing PATH.
    if (!stoppable || !configure(pusher, s) || (!s.remove && !resolvePath("push", s.path)))
        return Usage;
    pusher.setPath(QString::fromStdString(s.path), s.engine);
    const std::string url = pusher.url().toString().toStdString();
    int status = Pushed;
    if (s.every > 0) {
        QObject::connect(&pusher, &Pusher::finished, [&](const PushOutcome &o) { reportInLoop(o, url, s.quiet); });
        QObject::connect(&pusher, &Pusher::retryScheduled, [](std::chrono::milliseconds delay, int failures) {
            log("retrying in " + std::to_string(delay.count() / 1000) + " s (" + std::to_string(failures)
                + (failures == 1 ? " failure)" : " failures in a row)"));
        });
        pusher.start();
    } else {
        QObject::connect(&pusher, &Pusher::finished, [&](const PushOutcome &o) {
            status = reportOnce(o, url);
            // Queued: the finished reply is deleted before the loop ends.
            QMetaObject::invokeMethod(&app, &QCoreApplication::quit, Qt::QueuedConnection);
        });
        pusher.pushNow();
    }
    app.exec();
    closeSignalPipe();
    return status;
}

// --grouping NAME=VALUE, repeatable; checked with the URL (configure()).
void addGroupingOption(CLI::App &cmd, PushSettings &s)
{
    cmd.add_option_function<std::vector<std::string>>(
           "--grouping",
           [&s](const std::vector<std::string> &values) {
               for (const std::string &v : values) {
                   const auto eq = v.find('=');
                   if (eq == std::string::npos)
                       throw notA("--grouping", v, "NAME=VALUE");
                   s.group.grouping.emplace_back(v.substr(0, eq), v.substr(eq + 1));
               }
           },
           "a grouping label of the group; repeatable. Any\nVALUE works ('/', spaces, empty: sent as @base64)")
        ->type_name("NAME=VALUE")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// A DURATION option in whole seconds, at least 1.
CLI::Option *addSecondsOption(CLI::App &cmd, const std::string &name, std::int64_t &seconds, const std::string &help)
{
    return cmd
        .add_option_function<std::string>(
            name,
            [name, &seconds](const std::string &v) {
                const auto d = parseDuration(v);
                if (!d || *d < 1)
                    throw notA(name, v, "a duration of at least 1 s (like 30s, 5m, 1h)");
                seconds = *d;
            },
            help)
        ->type_name("DURATION");
}

void addConnectionOptions(CLI::App &cmd, PushSettings &s)
{
    cmd.add_option("--credentials", s.credentials,
                   "HTTP basic auth: FILE's first user:password line\n(never give passwords on the command line)")
        ->type_name("FILE");
    cmd.add_option("--ca-file", s.caFile, "trust the PEM certificates in FILE for an https\ngateway (besides the system's)")
        ->type_name("FILE");
    addSecondsOption(cmd, "--timeout", s.timeout, "give up on a request after this long (default 30s)");
    auto *every = addSecondsOption(cmd, "--every", s.every,
                                   "push again DURATION after each push ends, until\nSIGINT or SIGTERM");
    addSecondsOption(cmd, "--max-backoff", s.maxBackoff,
                     "with --every, after failures retry after 1 s, 2 s,\n4 s, ... at most this (default 5m)")
        ->needs(every);
    cmd.add_flag("-q,--quiet", s.quiet, "with --every, no line per successful push");
}

} // namespace

Command addPush(CLI::App &program)
{
    auto s = std::make_shared<PushSettings>();
    CLI::App *cmd = program.add_subcommand(
        "push", "send the merged metrics to a Prometheus Pushgateway\n\n"
                "Sends the merged metrics of PATH to the group JOB (and the grouping labels)\n"
                "of a Pushgateway, as the Python client's push_to_gateway does: the text format\n"
                "0.0.4, exactly what 'promdir render' prints. PUT replaces the group's metrics;\n"
                "--method post replaces only the families pushed; --delete removes the group.");
    addPathArgument(*cmd, s->path);
    cmd->add_option("--gateway", s->group.gateway, "the Pushgateway: HOST:PORT or http(s)://HOST:PORT[/PREFIX]")
        ->type_name("URL")
        ->required();
    cmd->add_option("--job", s->group.job, "the job label of the group")->type_name("NAME")->required();
    addGroupingOption(*cmd, *s);
    auto *method = cmd->add_option("--method", s->method, "put: replace the group (default)\npost: replace only the families pushed")
                       ->type_name("METHOD")
                       ->check(CLI::IsMember({"put", "post"}));
    cmd->add_flag("--delete", s->remove, "delete the group instead (PATH is not read)")->excludes(method);
    addConnectionOptions(*cmd, *s);
    addNoAccumulateOption(*cmd, s->engine.merge);
    addLoadOptions(*cmd, s->engine.load, s->progress);
    addLivenessOptions(*cmd, s->engine);
    cmd->footer("A value with '/' or ' ', or an empty one, goes in the URL as NAME@base64/...\n"
                "(the Pushgateway's rule, as the Python client sends it).\n\n"
                "Exit status: 0 pushed (or deleted; with --every: stopped by a signal),\n"
                "1 pushed, but some file had a problem (printed), 2 bad usage, PATH,\n"
                "credentials or CA file, 3 the gateway could not be reached (connection,\n"
                "name, TLS, timeout), 4 the gateway refused the credentials (HTTP 401 or\n"
                "403), 5 the gateway answered another error (e.g. 400: metrics inconsistent\n"
                "with other groups). With --every, failures are logged and retried.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
