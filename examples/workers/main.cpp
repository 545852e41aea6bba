// A Qt application with worker processes that record Prometheus metrics,
// as a Python application would with prometheus_client in multiprocess
// mode, and a controller that merges them.
//
//   promdir-example-workers [--workers N] [--jobs N] [METRICS_DIR]
//
// The controller starts N copies of itself with --worker (QProcess) and
// hands out jobs over their stdin. Each worker opens promdir::Writer on the
// shared directory and counts jobs, times them in a histogram and keeps an
// in-progress gauge (livesum). When a worker exits, the controller calls
// markProcessDead(pid), as gunicorn's child_exit hook does for Python apps.
// At the end it merges the directory with promdir::MergeEngine and prints
// what a /metrics endpoint (promdir serve, or the Python client) would serve.
//
// METRICS_DIR defaults to $PROMETHEUS_MULTIPROC_DIR, else a temporary one.
#include "promdir/engine/mergeengine.h"
#include "promdir/render/render.h"
#include "promdir/writer/writer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <cstdio>
#include <memory>
#include <vector>

#include <unistd.h>

namespace {

// ---- the worker -----------------------------------------------------------

int runWorker(const QString &dir)
{
    // One writer per process; its files are named after this pid.
    auto writer = promdir::Writer::open({.directory = dir.toStdString()});
    if (!writer) {
        std::fprintf(stderr, "worker: %s\n", writer.error().message.c_str());
        return 1;
    }
    // Errors are values: check once when creating, then keep the handles.
    auto jobs = writer->counter({.name = "jobs_total", .help = "Jobs processed.", .labelNames = {"kind"}, .ns = "example"});
    auto duration = writer->histogram({.name = "job_duration", .help = "Time spent on a job.",
                                       .ns = "example", .unit = "seconds"},
                                      {0.001, 0.005, 0.01, 0.025, 0.05, 0.1});
    auto busy = writer->gauge({.name = "jobs_in_progress", .help = "Jobs being processed.", .ns = "example"},
                              promdir::GaugeMode::LiveSum);
    if (!jobs || !duration || !busy) {
        std::fprintf(stderr, "worker: cannot create metrics\n");
        return 1;
    }
    // labels(...) takes a lock and looks the series up: do it once, keep the child.
    const auto small = *jobs->labels("small");
    const auto large = *jobs->labels("large");

    QTextStream in(stdin);
    QTextStream out(stdout);
    QString line;
    while (in.readLineInto(&line)) { // one job a line: its size in milliseconds
        const int ms = line.toInt();
        QElapsedTimer t;
        t.start();
        {
            auto inProgress = busy->trackInProgress(); // inc now, dec at the end of the scope
            QThread::msleep(ulong(ms));
        }
        duration->observe(double(t.nsecsElapsed()) / 1e9); // lock-free: a few atomic operations
        (ms >= 20 ? large : small).inc();
        out << "done " << ms << Qt::endl;
    }
    // Nothing to flush: every update is already in the shared files.
    return 0;
}

// ---- the controller -------------------------------------------------------

int runController(const QString &dir, int workers, int jobCount)
{
    std::vector<std::unique_ptr<QProcess>> procs;
    int finished = 0;
    for (int i = 0; i < workers; ++i) {
        auto p = std::make_unique<QProcess>();
        p->setProgram(QCoreApplication::applicationFilePath());
        p->setArguments({QStringLiteral("--worker"), dir});
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->start();
        if (!p->waitForStarted()) {
            std::fprintf(stderr, "cannot start a worker: %s\n", qPrintable(p->errorString()));
            return 1;
        }
        const qint64 pid = p->processId(); // QProcess forgets it once the process is gone
        QObject::connect(p.get(), &QProcess::finished, p.get(), [pid, dir, &finished, workers](int code, QProcess::ExitStatus) {
            // gunicorn's child_exit: the live gauges of this pid go away;
            // its counters and histograms stay and keep counting.
            auto removed = promdir::markProcessDead(std::int64_t(pid), dir.toStdString());
            std::printf("worker %lld exited (%d); %d live-gauge file(s) removed\n", static_cast<long long>(pid), code,
                        removed ? *removed : -1);
            if (++finished == workers)
                QCoreApplication::quit();
        });
        procs.push_back(std::move(p));
    }
    // Hand out the jobs round-robin, then close stdin: the workers finish.
    for (int j = 0; j < jobCount; ++j) {
        const int ms = QRandomGenerator::global()->bounded(1, 40);
        procs[std::size_t(j % workers)]->write(QByteArray::number(ms) + '\n');
    }
    for (auto &p : procs)
        p->closeWriteChannel();
    QCoreApplication::exec();

    // What a scrape of the directory returns.
    promdir::MergeEngine engine(dir.toStdString());
    const auto result = engine.refresh();
    std::printf("\n%s", promdir::render(result->families).c_str());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Worker processes writing metrics with promdir::Writer."));
    parser.addHelpOption();
    QCommandLineOption workerOption(QStringLiteral("worker"), QStringLiteral("Run as a worker (internal)."));
    QCommandLineOption workersOption(QStringLiteral("workers"), QStringLiteral("Number of workers."),
                                     QStringLiteral("N"), QStringLiteral("3"));
    QCommandLineOption jobsOption(QStringLiteral("jobs"), QStringLiteral("Number of jobs."), QStringLiteral("N"),
                                  QStringLiteral("60"));
    parser.addOptions({workerOption, workersOption, jobsOption});
    parser.addPositionalArgument(QStringLiteral("METRICS_DIR"), QStringLiteral("The multiprocess directory."));
    parser.process(app);

    QString dir = parser.positionalArguments().value(0, qEnvironmentVariable("PROMETHEUS_MULTIPROC_DIR"));
    if (parser.isSet(workerOption))
        return runWorker(dir);
    QTemporaryDir temp;
    if (dir.isEmpty())
        dir = temp.path();
    std::printf("metrics directory: %s\n", qPrintable(dir));
    return runController(dir, qMax(1, parser.value(workersOption).toInt()), qMax(0, parser.value(jobsOption).toInt()));
}
