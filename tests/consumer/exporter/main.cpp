// Serves a directory with the installed exporter on a free port, fetches
// /metrics over HTTP and prints the body (the test compares it with the
// Python client's rendering). Fails when the server does not answer 200
// text 0.0.4, or when the body is not what renderScrape() makes.
#include <promdir/exporter.h>
#include <promdir/render/exposition.h>

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTimer>

#include <cstdio>
#include <iostream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2)
        return 2;
    const QString dir = QString::fromLocal8Bit(argv[1]);

    promdir::Exporter exporter;
    exporter.setPath(dir);
    exporter.setPort(0);
    if (!exporter.start()) {
        std::cerr << "exporter did not start\n";
        return 1;
    }
    if (exporter.boundPort() == 0)
        return 1;

    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy); // a proxy from the environment must not see 127.0.0.1
    QNetworkReply *reply = network.get(QNetworkRequest(exporter.boundUrl()));
    int rc = 1;
    QObject::connect(reply, &QNetworkReply::finished, &app, [&] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        const QByteArray body = reply->readAll();
        std::fwrite(body.constData(), 1, size_t(body.size()), stdout);
        if (status != 200 || !type.startsWith("text/plain; version=0.0.4")) {
            std::cerr << "status " << status << ", Content-Type " << type.toStdString() << '\n';
            app.exit(1);
            return;
        }
        // The same engine and renderer without HTTP.
        promdir::MergeEngine engine(dir.toStdString());
        const auto result = engine.refresh();
        const std::string direct = promdir::renderScrape(*result, {});
        if (direct != body.toStdString()) {
            std::cerr << "served body differs from renderScrape()\n";
            app.exit(1);
            return;
        }
        rc = 0;
        app.exit(0);
    });
    QTimer::singleShot(20000, &app, [&] {
        std::cerr << "no answer from " << exporter.boundUrl().toString().toStdString() << '\n';
        app.exit(1);
    });
    return app.exec() == 0 ? rc : 1;
}
