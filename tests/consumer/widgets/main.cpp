// Puts a directory into the installed Promdir::Widgets' MetricsModel (an
// offscreen QApplication) and prints every sample row as "sample value", the
// way the exposition writes it; the test compares the lines with the Python
// client's rendering. Also fails when the model's families differ from the
// merge or the resources compiled into the library (icons, translations) are
// missing from the link.
#include <promdir/icons.h>
#include <promdir/metricsmodel.h>
#include <promdir/snapshot.h>
#include <promdir/translations.h>

#include <QApplication>
#include <QFile>

#include <iostream>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    auto snapshot = std::make_shared<promdir::Snapshot>();
    promdir::MergeEngine engine(argv[1]);
    snapshot->result = engine.refresh();
    snapshot->path = QString::fromLocal8Bit(argv[1]);
    snapshot->local = false; // the fixture's pids are not this machine's
    promdir::describeProcesses(*snapshot, std::chrono::milliseconds(0));

    promdir::MetricsModel model;
    model.setSnapshot(snapshot);
    const auto &families = snapshot->result->families;
    if (families.empty() || model.rowCount() != int(families.size())) {
        std::cerr << "model has " << model.rowCount() << " families, the merge " << families.size() << '\n';
        return 1;
    }
    int failures = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex family = model.index(row, promdir::MetricsModel::NameColumn);
        const std::string name = family.data().toString().toStdString();
        if (name != families[size_t(row)].name) {
            std::cerr << "row " << row << " is " << name << ", the merge has " << families[size_t(row)].name << '\n';
            ++failures;
        }
        if (model.rowCount(family) != int(families[size_t(row)].samples.size())) {
            std::cerr << name << ": " << model.rowCount(family) << " samples in the model\n";
            ++failures;
        }
        for (int s = 0; s < model.rowCount(family); ++s)
            std::cout << model.index(s, 0, family).data(promdir::MetricsModel::ExpositionRole).toString().toStdString()
                      << '\n';
    }

    // Resources of the static library: icons (promdir.qrc) and the
    // translations Qt compiles into an object library of its own.
    if (promdir::appIcon().isNull() || !QFile::exists(QStringLiteral(":/promdir/icons/counter.svg"))) {
        std::cerr << "icons missing\n";
        ++failures;
    }
    if (!promdir::availableTranslations().contains(QStringLiteral("de"))) {
        std::cerr << "translations missing\n";
        ++failures;
    }
    return failures == 0 ? 0 : 1;
}
