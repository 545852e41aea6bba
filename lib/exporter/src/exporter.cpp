#include "promdir/exporter.h"

#include "exporterserver_p.h"

#include "promdir/auth/credentials.h"
#include "promdir/read/userfile.h"

#include <QtCore/QLoggingCategory>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslSocket>

Q_LOGGING_CATEGORY(lcPromdirExporter, "promdir.exporter")

namespace promdir {

struct Exporter::Private
{
    std::shared_ptr<Source> source;
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0;
    ServerConfig config;
    QPointer<ExporterServer> server;

    void setSource(std::shared_ptr<Source> next)
    {
        if (source)
            source->revoke();
        source = std::move(next);
    }
};

Exporter::Exporter(QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
}

Exporter::~Exporter()
{
    stop();
    d->setSource(nullptr);
}

void Exporter::setPath(const QString &path, const MergeEngineOptions &options)
{
    setEngine(std::make_shared<MergeEngine>(std::filesystem::path(path.toStdString()), options));
}

void Exporter::setEngine(std::shared_ptr<MergeEngine> engine)
{
    d->setSource(engine ? std::make_shared<EngineSource>(std::move(engine)) : nullptr);
}

void Exporter::setProvider(Provider provider)
{
    d->setSource(provider ? std::make_shared<ProviderSource>(std::move(provider)) : nullptr);
}

void Exporter::setListenAddress(const QHostAddress &address) { d->address = address; }
QHostAddress Exporter::listenAddress() const { return d->address; }
void Exporter::setPort(quint16 port) { d->port = port; }
quint16 Exporter::port() const { return d->port; }

bool Exporter::setCredentialsFile(const QString &path, QString *error)
{
    const auto file = readCredentialsFile(path.toStdString());
    if (!file) {
        if (error)
            *error = QString::fromStdString(file.error().message);
        return false;
    }
    // A user named twice: the last line counts.
    QHash<QByteArray, QByteArray> credentials;
    for (const CredentialsEntry &e : file->entries)
        credentials.insert(QByteArray::fromStdString(e.user), QByteArray::fromStdString(e.password));
    if (!file->warning.empty())
        Q_EMIT warning(QString::fromStdString(file->warning));
    d->config.credentials = std::move(credentials);
    return true;
}

void Exporter::setCredentials(const QString &user, const QString &password)
{
    d->config.credentials.clear();
    d->config.credentials.insert(user.toUtf8(), password.toUtf8());
}

void Exporter::clearCredentials() { d->config.credentials.clear(); }
bool Exporter::hasCredentials() const { return !d->config.credentials.isEmpty(); }

bool Exporter::setTlsFiles(const QString &certificateFile, const QString &keyFile, QString *error)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!QSslSocket::supportsSsl())
        return fail(QStringLiteral("this Qt has no working TLS backend"));
    // Both read as user files (no FIFO, no device, capped) before either is parsed.
    const auto certificatePem = readUserFile(certificateFile.toStdString(), "certificate file", kMaxPemBytes);
    if (!certificatePem)
        return fail(QString::fromStdString(certificatePem.error().message));
    const auto keyPem = readUserFile(keyFile.toStdString(), "key file", kMaxPemBytes);
    if (!keyPem)
        return fail(QString::fromStdString(keyPem.error().message));
    const auto chain = QSslCertificate::fromData(QByteArray::fromStdString(certificatePem->bytes), QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull())
        return fail(QStringLiteral("no PEM certificate in %1").arg(certificateFile));
    const QByteArray pem = QByteArray::fromStdString(keyPem->bytes);
    QSslKey key;
    for (auto algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa, QSsl::Dh}) {
        key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return fail(QStringLiteral("no unencrypted PEM private key in %1").arg(keyFile));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setLocalCertificate(chain.first());
    ssl.setLocalCertificateChain(chain);
    ssl.setPrivateKey(key);
    ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    d->config.ssl = ssl;
    d->config.tls = true;
    return true;
}

void Exporter::clearTls()
{
    d->config.tls = false;
    d->config.ssl = QSslConfiguration();
}

bool Exporter::isTlsEnabled() const { return d->config.tls; }
void Exporter::setLimits(const ExporterLimits &limits) { d->config.limits = limits; }
ExporterLimits Exporter::limits() const { return d->config.limits; }
void Exporter::setSelfMetrics(bool enabled) { d->config.selfMetrics = enabled; }
bool Exporter::selfMetrics() const { return d->config.selfMetrics; }
bool Exporter::isRunning() const { return d->server; }
quint16 Exporter::boundPort() const { return d->server ? d->server->port() : 0; }
int Exporter::connectionCount() const { return d->server ? d->server->connectionCount() : 0; }
ExporterRenderStats Exporter::renderStats() const { return d->server ? d->server->renderStats() : ExporterRenderStats{}; }

QUrl Exporter::boundUrl() const
{
    if (!d->server)
        return {};
    QHostAddress host = d->address;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress(QHostAddress::LocalHost);
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress(QHostAddress::LocalHostIPv6);
    QUrl url;
    url.setScheme(d->config.tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(host.toString());
    url.setPort(d->server->port());
    url.setPath(QStringLiteral("/metrics"));
    return url;
}

bool Exporter::start()
{
    if (d->server)
        stop();
    // The server asks for the source at each merge, so setPath() and
    // friends apply while running.
    auto *server = new ExporterServer(d->config, [d = d.get()] { return d->source; }, this);
    QString why;
    if (!server->listenOn(d->address, d->port, &why)) {
        delete server;
        const QString message = QStringLiteral("cannot listen on %1:%2: %3")
                                    .arg(d->address.toString())
                                    .arg(d->port)
                                    .arg(why);
        qCWarning(lcPromdirExporter).noquote() << message;
        Q_EMIT error(message);
        return false;
    }
    d->server = server;
    connect(server, &ExporterServer::served, this,
            [this](int status, qint64 bytes, double ms, const QString &line) {
                Q_EMIT requestServed(status, bytes, ms);
                Q_EMIT requestLogged(line);
            });
    connect(server, &ExporterServer::logMessage, this, &Exporter::warning);
    if (!d->address.isLoopback() && d->config.credentials.isEmpty()) {
        const QString message =
            QStringLiteral("listening on %1 without authentication: anyone who can reach this address can "
                           "read the metrics (use a credentials file or listen on 127.0.0.1)")
                .arg(d->address.toString());
        qCWarning(lcPromdirExporter).noquote() << message;
        Q_EMIT warning(message);
    }
    Q_EMIT started(boundUrl());
    return true;
}

void Exporter::stop()
{
    if (!d->server)
        return;
    ExporterServer *server = d->server;
    d->server = nullptr;
    server->shutdown();
    disconnect(server, nullptr, this, nullptr);
    server->deleteLater();
    Q_EMIT stopped();
}

} // namespace promdir
