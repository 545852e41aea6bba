#include "exporterserver_p.h"
#include "request_p.h"

#include "promdir/render/exposition.h"

#include <QtCore/QLoggingCategory>
#include <QtHttpServer/QHttpServerRequest>
#include <QtNetwork/QSslServer>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpServer>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcPromdirExporter)

namespace promdir {

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QByteArray kAllow = QByteArrayLiteral("OPTIONS,GET,HEAD");

const char kIndexHtml[] =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>promdir exporter</title></head>\n"
    "<body><h1>promdir exporter</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

QByteArray reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

QString methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get: return QStringLiteral("GET");
    case QHttpServerRequest::Method::Head: return QStringLiteral("HEAD");
    case QHttpServerRequest::Method::Options: return QStringLiteral("OPTIONS");
    case QHttpServerRequest::Method::Post: return QStringLiteral("POST");
    case QHttpServerRequest::Method::Put: return QStringLiteral("PUT");
    case QHttpServerRequest::Method::Delete: return QStringLiteral("DELETE");
    case QHttpServerRequest::Method::Patch: return QStringLiteral("PATCH");
    case QHttpServerRequest::Method::Connect: return QStringLiteral("CONNECT");
    case QHttpServerRequest::Method::Trace: return QStringLiteral("TRACE");
    default: return QStringLiteral("OTHER");
    }
}

// Plain TCP: the socket is guarded before QAbstractHttpServer connects to it.
class GuardedTcpServer final : public QTcpServer
{
public:
    GuardedTcpServer(ExporterServer *owner) : QTcpServer(owner), m_owner(owner) {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor) || !m_owner->adopt(socket)) {
            socket->abort();
            delete socket;
            return;
        }
        addPendingConnection(socket);
    }

private:
    ExporterServer *m_owner;
};

// TLS: QSslServer hands the socket over only after the handshake; it is
// guarded from the start of the handshake.
class GuardedSslServer final : public QSslServer
{
public:
    GuardedSslServer(ExporterServer *owner) : QSslServer(owner)
    {
        connect(this, &QSslServer::startedEncryptionHandshake, owner, [owner](QSslSocket *socket) {
            if (!owner->adopt(socket))
                socket->abort();
        });
    }
};

} // namespace

ExporterServer::ExporterServer(ServerConfig config, MetricsService::SourceGetter source, QObject *parent)
    : QAbstractHttpServer(parent), m_config(std::move(config)), m_service(std::move(source))
{
    m_clock.start();
    connect(&m_service, &MetricsService::logMessage, this, &ExporterServer::logMessage);
    using namespace std::chrono;
    const auto shortest = std::min({m_config.limits.requestTimeout, m_config.limits.idleTimeout,
                                    m_config.limits.writeTimeout});
    m_sweeper.setInterval(std::clamp<milliseconds>(shortest / 4, milliseconds(50), milliseconds(1000)));
    connect(&m_sweeper, &QTimer::timeout, this, &ExporterServer::sweep);
    m_sweeper.start();
}

ExporterServer::~ExporterServer()
{
    shutdown();
}

bool ExporterServer::listenOn(const QHostAddress &address, quint16 port, QString *error)
{
    QTcpServer *server = nullptr;
    if (m_config.tls) {
        auto *ssl = new GuardedSslServer(this);
        ssl->setSslConfiguration(m_config.ssl);
        ssl->setHandshakeTimeout(static_cast<int>(m_config.limits.requestTimeout.count()));
        server = ssl;
    } else {
        server = new GuardedTcpServer(this);
    }
    // Connections beyond maxConnections are taken and evict older ones, so
    // the kernel's queue only needs to absorb bursts.
    server->setMaxPendingConnections(std::max(30, m_config.limits.maxConnections));
    // A burst of connects beyond the backlog is half-open on the client
    // side and lost on ours (Qt's default backlog is 50).
    server->setListenBacklogSize(std::clamp(m_config.limits.maxConnections, 128, 4096));
    if (!server->listen(address, port)) {
        if (error)
            *error = server->errorString();
        delete server;
        return false;
    }
    m_port = server->serverPort();
    bind(server);
    return true;
}

void ExporterServer::shutdown()
{
    m_sweeper.stop();
    const auto servers = findChildren<QTcpServer *>(Qt::FindDirectChildrenOnly);
    for (QTcpServer *s : servers)
        s->close();
    std::vector<QTcpSocket *> sockets;
    for (auto &[socket, conn] : m_conns)
        sockets.push_back(socket);
    for (QTcpSocket *s : sockets) {
        disconnect(s, nullptr, this, nullptr);
        s->abort();
    }
    m_conns.clear();
}

ExporterServer::Conn *ExporterServer::find(QTcpSocket *socket)
{
    auto it = m_conns.find(socket);
    return it == m_conns.end() ? nullptr : &it->second;
}

bool ExporterServer::adopt(QTcpSocket *socket)
{
    if (static_cast<int>(m_conns.size()) >= m_config.limits.maxConnections && !evictOne())
        return false;
    Conn &c = m_conns[socket];
    c.socket = socket;
    c.lastActivity = c.lastWrite = now();
    // Bounds what one connection buffers; the guard below answers 431
    // before the buffer fills.
    socket->setReadBufferSize(m_config.limits.maxRequestBytes + 1024);
    // Connected before QAbstractHttpServer's own slot, so it runs first.
    connect(socket, &QIODevice::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QIODevice::bytesWritten, this, [this, socket] {
        if (Conn *conn = find(socket))
            conn->lastWrite = now();
    });
    connect(socket, &QObject::destroyed, this, [this, socket] { m_conns.erase(socket); });
    return true;
}

bool ExporterServer::evictOne()
{
    // The connection quiet longest that owes no response.
    Conn *victim = nullptr;
    for (auto &[socket, c] : m_conns) {
        if (!c.queue.empty())
            continue;
        if (!victim || c.lastActivity < victim->lastActivity)
            victim = &c;
    }
    if (!victim)
        return false;
    QTcpSocket *s = victim->socket;
    disconnect(s, nullptr, this, nullptr);
    m_conns.erase(s);
    s->abort();
    if (s->state() == QAbstractSocket::UnconnectedState)
        s->deleteLater();
    return true;
}

void ExporterServer::onReadyRead(QTcpSocket *socket)
{
    Conn *c = find(socket);
    if (!c)
        return;
    const qint64 t = now();
    c->lastActivity = t;
    const qint64 available = socket->bytesAvailable();
    if (available <= 0)
        return;
    if (c->requestStart < 0) {
        c->requestStart = t;
        // QHttpServerRequest does not tell the version; HTTP/1.0 means
        // close after the response unless the client asks to keep alive.
        const QByteArray head = socket->peek(std::min<qint64>(available, 8192));
        const qsizetype eol = head.indexOf('\n');
        c->http10 = eol > 0 && head.left(eol).trimmed().endsWith("HTTP/1.0");
    }
    // Qt's parser consumes everything it is given, so what is available
    // now arrived since the last call (or follows a complete request).
    c->requestBytes += available;
    if (c->requestBytes > m_config.limits.maxRequestBytes)
        reject(*c, 431);
}

void ExporterServer::reject(Conn &c, int status)
{
    QTcpSocket *s = c.socket;
    // No more reading: this also stops QAbstractHttpServer's parser.
    disconnect(s, &QIODevice::readyRead, nullptr, nullptr);
    c.requestStart = -1;
    c.closingSince = now();
    if (c.queue.empty() && s->state() == QAbstractSocket::ConnectedState) {
        s->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status)
                 + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
    const QString line = QStringLiteral("%1 - - %2 0 0.0 (%3)")
                             .arg(s->peerAddress().toString())
                             .arg(status)
                             .arg(status == 408 ? QStringLiteral("request too slow")
                                                : QStringLiteral("request too large"));
    s->disconnectFromHost();
    Q_EMIT served(status, 0, 0.0, line);
}

void ExporterServer::sweep()
{
    const qint64 t = now();
    const auto &L = m_config.limits;
    std::vector<QTcpSocket *> abortNow, timedOut, idle, stale;
    for (auto &[socket, c] : m_conns) {
        const auto state = socket->state();
        if (state == QAbstractSocket::UnconnectedState) {
            if (c.unconnectedSince < 0)
                c.unconnectedSince = t;
            else if (t - c.unconnectedSince > 2000)
                stale.push_back(socket);
            continue;
        }
        const bool writing = socket->bytesToWrite() > 0;
        if (c.closingSince >= 0) {
            if (t - c.closingSince > 2000)
                abortNow.push_back(socket);
        } else if (writing && t - c.lastWrite > L.writeTimeout.count()) {
            abortNow.push_back(socket);
        } else if (!c.queue.empty()) {
            continue; // waiting for its metrics: not the client's fault
        } else if (c.requestStart >= 0 && t - c.requestStart > L.requestTimeout.count()) {
            timedOut.push_back(socket);
        } else if (!writing && c.requestStart < 0 && t - c.lastActivity > L.idleTimeout.count()) {
            idle.push_back(socket);
        }
    }
    for (QTcpSocket *s : timedOut)
        if (Conn *c = find(s))
            reject(*c, 408);
    for (QTcpSocket *s : idle)
        if (Conn *c = find(s)) {
            c->closingSince = t;
            s->disconnectFromHost();
        }
    for (QTcpSocket *s : abortNow)
        if (find(s))
            s->abort();
    for (QTcpSocket *s : stale) {
        // Qt did not take it (e.g. a TLS handshake that failed): ours to free.
        disconnect(s, nullptr, this, nullptr);
        m_conns.erase(s);
        s->deleteLater();
    }
}

bool ExporterServer::authorized(const QHttpServerRequest &request) const
{
    return m_config.credentials.isEmpty()
           || basicAuthAccepts(request.value(QByteArrayLiteral("authorization")), m_config.credentials);
}

bool ExporterServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    Conn *c = find(socket);
    if (!c) {
        if (!adopt(socket)) {
            socket->abort();
            return true;
        }
        c = find(socket);
    }
    c->lastActivity = now();
    c->requestStart = -1;
    c->requestBytes = 0;
    if (c->closingSince >= 0)
        return true;
    // A client that asks and never reads would have every answer buffered
    // here: beyond maxWriteBuffer unread bytes it is dropped.
    if (socket->bytesToWrite() > m_config.limits.maxWriteBuffer) {
        c->closingSince = now();
        socket->abort();
        return true;
    }
    if (static_cast<int>(c->queue.size()) >= m_config.limits.maxPipelined) {
        reject(*c, 431);
        return true;
    }

    auto slot = std::make_shared<Slot>();
    slot->timer.start();
    slot->socket = socket;
    const auto method = request.method();
    const QUrl url = request.url();
    const QString path = url.path();
    slot->head = method == QHttpServerRequest::Method::Head;
    const QByteArray connection = request.value(QByteArrayLiteral("connection")).toLower();
    slot->keepAlive10 = c->http10 && connection.contains("keep-alive");
    slot->close = connection.contains("close") || (c->http10 && !slot->keepAlive10);
    c->http10 = false;
    QString target = QString::fromLatin1(url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority));
    if (target.size() > 200)
        target = target.left(200) + QStringLiteral("...");
    slot->logPrefix = request.remoteAddress().toString() + u' ' + methodName(method) + u' ' + target;
    c->queue.push_back(slot);

    const bool known = path == u"/metrics" || path == u"/" || path == u"/favicon.ico";
    if (!authorized(request)) {
        finish(slot, 401,
               {{"Content-Type", "text/plain; charset=utf-8"},
                {"WWW-Authenticate", "Basic realm=\"promdir\", charset=\"UTF-8\""}},
               QByteArrayLiteral("401 Unauthorized\n"));
        return true;
    }
    if (!known) {
        finish(slot, 404, {{"Content-Type", "text/plain; charset=utf-8"}}, QByteArrayLiteral("404 Not Found\n"));
        return true;
    }
    if (method == QHttpServerRequest::Method::Options) {
        finish(slot, 200, {{"Allow", kAllow}}, {});
        return true;
    }
    if (method != QHttpServerRequest::Method::Get && method != QHttpServerRequest::Method::Head) {
        finish(slot, 405, {{"Allow", kAllow}, {"Content-Type", "text/plain; charset=utf-8"}},
               "# HTTP 405 Method Not Allowed: " + methodName(method).toLatin1() + "; use OPTIONS, GET or HEAD\n");
        return true;
    }
    if (path == u"/") {
        finish(slot, 200, {{"Content-Type", "text/html; charset=utf-8"}}, QByteArray(kIndexHtml));
        return true;
    }
    if (path == u"/favicon.ico") {
        finish(slot, 200, {}, {});
        return true;
    }

    // /metrics
    Variant variant = variantFor(request.value(QByteArrayLiteral("accept")),
                                 request.value(QByteArrayLiteral("accept-encoding")), url);
    variant.selfMetrics = m_config.selfMetrics ? SelfMetrics::On : SelfMetrics::Off;
    QPointer<QTcpSocket> guard(socket);
    m_service.request(variant, [this, slot, guard](const RenderedPtr &r) {
        if (!guard)
            return; // the client went away meanwhile
        Headers headers{{"Content-Type", r->contentType}};
        if (r->status == 200)
            headers.append(qMakePair(QByteArray("Vary"), QByteArray("Accept, Accept-Encoding")));
        if (r->gzip)
            headers.append(qMakePair(QByteArray("Content-Encoding"), QByteArray("gzip")));
        finish(slot, r->status, headers, r->body, r->tail);
    });
    return true;
}

void ExporterServer::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    // handleRequest() answers everything; kept for the interface.
    socket->disconnectFromHost();
}

void ExporterServer::finish(const SlotPtr &slot, int status, const Headers &headers, const QByteArray &body,
                            const QByteArray &tail)
{
    QByteArray h;
    h.reserve(256);
    h += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\n";
    for (const auto &[k, v] : headers)
        h += k + ": " + v + "\r\n";
    h += "Content-Length: " + QByteArray::number(body.size() + tail.size()) + "\r\n";
    if (slot->close)
        h += "Connection: close\r\n";
    else if (slot->keepAlive10)
        h += "Connection: keep-alive\r\n";
    h += "\r\n";
    slot->status = status;
    slot->headers = std::move(h);
    slot->body = slot->head ? QByteArray() : body;
    slot->tail = slot->head ? QByteArray() : tail;
    slot->ready = true;
    if (slot->socket)
        flush(slot->socket);
}

void ExporterServer::flush(QTcpSocket *socket)
{
    Conn *c = find(socket);
    if (!c)
        return;
    while (!c->queue.empty() && c->queue.front()->ready) {
        SlotPtr slot = c->queue.front();
        c->queue.pop_front();
        if (socket->state() != QAbstractSocket::ConnectedState)
            continue;
        if (socket->bytesToWrite() > m_config.limits.maxWriteBuffer) {
            // It asked for more and reads nothing: stop buffering for it.
            c->closingSince = now();
            c->queue.clear();
            socket->abort();
            return;
        }
        socket->write(slot->headers);
        if (!slot->body.isEmpty())
            socket->write(slot->body);
        if (!slot->tail.isEmpty())
            socket->write(slot->tail);
        const qint64 bytes = slot->body.size() + slot->tail.size();
        c->lastActivity = c->lastWrite = now();
        const double ms = slot->timer.nsecsElapsed() / 1e6;
        const QString line = slot->logPrefix + u' ' + QString::number(slot->status) + u' '
                             + QString::number(bytes) + u' ' + QString::number(ms, 'f', 2);
        if (slot->close) {
            c->closingSince = now();
            c->queue.clear();
            socket->disconnectFromHost();
        }
        // A slot may stop the exporter: look the connection up again.
        Q_EMIT served(slot->status, bytes, ms, line);
        c = find(socket);
        if (!c)
            return;
    }
}

} // namespace promdir
