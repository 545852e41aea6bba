#pragma once
// The HTTP side of Promdir::Exporter (private): a QAbstractHttpServer that
// dispatches itself (so wrong methods get 405, not Qt's 404), answers in
// request order per connection, and guards every connection against
// clients that would hold it: size, time and count limits.

#include "metricsservice_p.h"

#include "promdir/exporter.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtHttpServer/QAbstractHttpServer>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QTcpSocket>

#include <deque>
#include <unordered_map>

namespace promdir {

struct ServerConfig
{
    ExporterLimits limits;
    QHash<QByteArray, QByteArray> credentials; // user -> password; empty: no auth
    bool tls = false;
    QSslConfiguration ssl;
    bool selfMetrics = false;
};

class ExporterServer final : public QAbstractHttpServer
{
    Q_OBJECT

public:
    ExporterServer(ServerConfig config, MetricsService::SourceGetter source, QObject *parent = nullptr);
    ~ExporterServer() override;

    bool listenOn(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_port; }
    int connectionCount() const { return static_cast<int>(m_conns.size()); }
    ExporterRenderStats renderStats() const { return m_service.renderStats(); }
    // Stops listening and drops every connection; safe from any slot.
    void shutdown();

    // Called by the listening servers for every accepted socket, before
    // Qt's HTTP machinery sees it. False: the socket was refused.
    bool adopt(QTcpSocket *socket);

Q_SIGNALS:
    void served(int status, qint64 bytes, double milliseconds, const QString &line);
    void logMessage(const QString &line);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    // One response, in the order its request came.
    struct Slot
    {
        bool ready = false;
        bool head = false;        // HEAD: headers only
        bool close = false;       // Connection: close (or HTTP/1.0)
        bool keepAlive10 = false; // HTTP/1.0 with Connection: keep-alive
        int status = 0;
        QByteArray headers;       // everything before the body
        QByteArray body, tail;    // sent one after the other
        QElapsedTimer timer;
        QString logPrefix;        // "PEER METHOD PATH"
        QPointer<QTcpSocket> socket;
    };
    using SlotPtr = std::shared_ptr<Slot>;

    struct Conn
    {
        QTcpSocket *socket = nullptr;
        qint64 lastActivity = 0;   // ms on m_clock
        qint64 lastWrite = 0;
        qint64 requestStart = -1;  // first byte of a request not yet complete
        qint64 requestBytes = 0;
        qint64 closingSince = -1;  // we asked it to close
        qint64 unconnectedSince = -1;
        bool http10 = false;       // the request being read is HTTP/1.0
        std::deque<SlotPtr> queue;
    };

    qint64 now() const { return m_clock.elapsed(); }
    Conn *find(QTcpSocket *socket);
    void onReadyRead(QTcpSocket *socket);
    void reject(Conn &conn, int status);
    void sweep();
    bool evictOne();
    void finish(const SlotPtr &slot, int status, const QList<QPair<QByteArray, QByteArray>> &headers,
                const QByteArray &body, const QByteArray &tail = {});
    void flush(QTcpSocket *socket);
    bool authorized(const QHttpServerRequest &request) const;

    ServerConfig m_config;
    MetricsService m_service;
    QElapsedTimer m_clock;
    QTimer m_sweeper;
    quint16 m_port = 0;
    std::unordered_map<QTcpSocket *, Conn> m_conns;
};

} // namespace promdir
