// Embedding the exporter in a Qt application: serve the app's own
// multiprocess directory (its workers write there) at /metrics.
//
//   PROMETHEUS_MULTIPROC_DIR=/run/myapp/metrics ./promdir-example-exporter
//   curl http://127.0.0.1:8000/metrics
#include <promdir/exporter.h>

#include <QtCore/QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);

    promdir::Exporter exporter;
    exporter.setPath(qEnvironmentVariable("PROMETHEUS_MULTIPROC_DIR"));
    exporter.setPort(8000); // 127.0.0.1 unless setListenAddress() says otherwise
    if (!exporter.start())
        return 1;           // error() said why

    return app.exec();
}
