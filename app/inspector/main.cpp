// promdir-inspector: the desktop inspector for Prometheus Python client
// multiprocess directories.
#include "mainwindow.h"

#include "promdir/format/filename.h"
#include "promdir/icons.h"
#include "promdir/serieschartview.h"
#include "promdir/translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTextStream>

#include <memory>

namespace {
// --help and --version need no display: without one, QApplication aborts.
bool onlyPrints(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QLatin1String a(argv[i]);
        if (a == QLatin1String("-h") || a == QLatin1String("--help") || a == QLatin1String("--help-all")
            || a == QLatin1String("-?") || a == QLatin1String("-v") || a == QLatin1String("--version"))
            return true;
    }
    return false;
}
} // namespace

int main(int argc, char **argv)
{
    std::unique_ptr<QCoreApplication> application;
    if (onlyPrints(argc, argv))
        application = std::make_unique<QCoreApplication>(argc, argv);
    else
        application = std::make_unique<QApplication>(argc, argv);
    QCoreApplication &app = *application;
    const bool gui = qobject_cast<QApplication *>(&app) != nullptr;
    QCoreApplication::setOrganizationName(QStringLiteral("promdir"));
    QCoreApplication::setApplicationName(QStringLiteral("promdir-inspector"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROMDIR_VERSION));
    if (gui) {
        QGuiApplication::setApplicationDisplayName(QStringLiteral("promdir inspector"));
        QGuiApplication::setDesktopFileName(QStringLiteral("io.github.promdir.Inspector"));
        QGuiApplication::setWindowIcon(promdir::appIcon());
    }

    // --lang must act before any text is made, the parser's help included.
    QString lang;
    const QStringList args = QCoreApplication::arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--lang") && i + 1 < args.size())
            lang = args[i + 1];
        else if (args[i].startsWith(QLatin1String("--lang=")))
            lang = args[i].mid(7);
    }
    promdir::installTranslations(lang);
    if (gui)
        QGuiApplication::setApplicationDisplayName(QCoreApplication::translate("main", "promdir inspector"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Inspect a Prometheus Python client multiprocess directory or archive."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("PATH"),
        QCoreApplication::translate("main", "Directory or archive to open (default: $PROMETHEUS_MULTIPROC_DIR)."),
        QStringLiteral("[PATH]"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QCoreApplication::translate("main", "Save a PNG of the window and exit."),
                                        QStringLiteral("OUT.png"));
    const QCommandLineOption view(QStringLiteral("view"),
                                  QCoreApplication::translate("main", "With --screenshot: only this view (%1).")
                                      .arg(promdir::MainWindow::screenshotNames().join(QLatin1String(", "))),
                                  QStringLiteral("NAME"));
    const QCommandLineOption wait(QStringLiteral("wait"),
                                  QCoreApplication::translate("main", "With --screenshot: collect history for this many seconds first."),
                                  QStringLiteral("SECONDS"), QStringLiteral("0"));
    const QCommandLineOption langOption(QStringLiteral("lang"),
                                        QCoreApplication::translate("main", "Language of the interface (e.g. de)."),
                                        QStringLiteral("LANG"));
    const QCommandLineOption pidNamespace(
        QStringLiteral("pid-namespace"),
        QCoreApplication::translate("main", "Whether the writers' pids are this pid namespace's: auto, shared or "
                                            "separate (containers: liveness is not checked)."),
        QStringLiteral("MODE"), QStringLiteral("auto"));
    const QCommandLineOption rate(
        QStringLiteral("rate"),
        QCoreApplication::translate("main", "Show counters in the per-pid chart as a rate per second over this "
                                            "many seconds: 30, 60 or 300 (0: the value)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption top(QStringLiteral("top"),
                                 QCoreApplication::translate("main", "Lines in the per-pid chart: the 5, 10, 20 or 50 "
                                                                     "pids with the highest values, or all."),
                                 QStringLiteral("N"));
    parser.addOptions({screenshot, view, wait, langOption, pidNamespace, rate, top});
    parser.process(app);
    const int rateSeconds = parser.value(rate).toInt();
    if (parser.isSet(rate) && (rateSeconds < 0 || (rateSeconds != 0 && rateSeconds != 30 && rateSeconds != 60 && rateSeconds != 300))) {
        QTextStream(stderr) << QCoreApplication::translate("main", "promdir-inspector: --rate is 0, 30, 60 or 300")
                            << Qt::endl;
        return 2;
    }
    const QString topText = parser.value(top);
    const int topCount = topText == QLatin1String("all") ? -1 : topText.toInt();
    if (parser.isSet(top) && topCount != -1 && topCount != 5 && topCount != 10 && topCount != 20 && topCount != 50) {
        QTextStream(stderr) << QCoreApplication::translate("main", "promdir-inspector: --top is 5, 10, 20, 50 or all")
                            << Qt::endl;
        return 2;
    }
    const auto ns = promdir::pidNamespaceFromString(parser.value(pidNamespace).toStdString());
    if (!ns) {
        QTextStream(stderr) << QCoreApplication::translate("main", "promdir-inspector: --pid-namespace is auto, "
                                                                   "shared or separate")
                            << Qt::endl;
        return 2;
    }

    QString path = parser.positionalArguments().value(0);
    if (path.isEmpty())
        path = QString::fromStdString(promdir::multiprocessDirectoryFromEnvironment());

    promdir::MainWindow window;
    window.setPidNamespace(*ns);
    if (parser.isSet(rate))
        window.seriesView()->setRateWindow(rateSeconds * 1000);
    if (parser.isSet(top))
        window.seriesView()->setTopCount(topCount);
    if (parser.isSet(screenshot)) {
        QTextStream err(stderr);
        if (path.isEmpty()) {
            err << QCoreApplication::translate("main", "promdir-inspector: --screenshot needs a PATH") << Qt::endl;
            return 2;
        }
        const QString name = parser.value(view);
        if (!name.isEmpty() && !promdir::MainWindow::screenshotNames().contains(name)) {
            err << QCoreApplication::translate("main", "promdir-inspector: unknown view %1 (one of: %2)")
                       .arg(name, promdir::MainWindow::screenshotNames().join(QLatin1String(", ")))
                << Qt::endl;
            return 2;
        }
        window.resize(1280, 800);
        window.show();
        int code = 0;
        window.screenshot(path, parser.value(screenshot), name, int(parser.value(wait).toDouble() * 1000),
                          [&code](int c) {
                              code = c;
                              QCoreApplication::exit(c);
                          });
        QCoreApplication::exec();
        if (code != 0)
            err << QCoreApplication::translate("main", "promdir-inspector: could not make the screenshot (%1)")
                       .arg(code)
                << Qt::endl;
        return code;
    }
    window.show();
    if (!path.isEmpty())
        window.openPath(path);
    return QCoreApplication::exec();
}
