#pragma once
// A deliberately small blocking HTTP/1.1 client over raw sockets, for
// tests that talk to the exporter in another thread: it sends exactly the
// bytes given and reads exactly one response, so tests control everything
// (pipelining, broken requests, slow sending).

#include <QtCore/QByteArray>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QList>
#include <QtCore/QPair>
#include <QtCore/QString>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace testhttp {

// Timeouts only end a wait for something that does not come: generous, so
// that a loaded machine never turns a slow answer into a failure.
constexpr int kWaitMs = 30000;

struct Response
{
    bool ok = false;        // a complete response was read
    bool closed = false;    // the server closed the connection
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray rest;        // bytes after this response (pipelining)
    QString error;
    double ms = 0;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
    bool hasHeader(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        return false;
    }
};

// Non-blocking connect; -1 on failure. `wait`: wait until connected.
inline int connectTo(quint16 port, bool wait = true, int timeoutMs = kWaitMs)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    if (wait) {
        pollfd p{fd, POLLOUT, 0};
        int err = 0;
        socklen_t len = sizeof err;
        if (::poll(&p, 1, timeoutMs) != 1 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err) {
            ::close(fd);
            return -1;
        }
    }
    return fd;
}

// Sends all (or as much as the server takes within the timeout).
inline bool sendAll(int fd, const QByteArray &data, int timeoutMs = kWaitMs)
{
    QElapsedTimer t;
    t.start();
    qsizetype sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.constData() + sent, size_t(data.size() - sent), MSG_NOSIGNAL);
        if (n > 0) {
            sent += n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return false;
        const int left = timeoutMs - int(t.elapsed());
        pollfd p{fd, POLLOUT, 0};
        if (left <= 0 || ::poll(&p, 1, left) <= 0)
            return false;
    }
    return true;
}

// Reads one response (no body for HEAD). `pending`: bytes already read.
inline Response readResponse(int fd, bool head = false, int timeoutMs = kWaitMs, QByteArray pending = {})
{
    Response r;
    QElapsedTimer t;
    t.start();
    QByteArray buf = std::move(pending);
    qsizetype headerEnd = -1;
    qint64 length = -1;
    for (;;) {
        if (headerEnd < 0) {
            headerEnd = buf.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
                const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
                r.status = statusLine.value(1).toInt();
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const QByteArray line = lines[i].trimmed();
                    const qsizetype colon = line.indexOf(':');
                    if (colon > 0)
                        r.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
                }
                length = head ? 0 : r.header("Content-Length").toLongLong();
                headerEnd += 4;
            }
        }
        if (headerEnd >= 0 && buf.size() - headerEnd >= length) {
            r.body = buf.mid(headerEnd, length);
            r.rest = buf.mid(headerEnd + length);
            r.ok = true;
            break;
        }
        const int left = timeoutMs - int(t.elapsed());
        pollfd p{fd, POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, left) <= 0) {
            r.error = QStringLiteral("timeout");
            break;
        }
        char chunk[65536];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            r.closed = true;
            r.error = QStringLiteral("closed");
            break;
        }
        if (n > 0)
            buf.append(chunk, n);
    }
    r.ms = t.nsecsElapsed() / 1e6;
    return r;
}

// True when the server closes the connection within the timeout (after
// any bytes it still sends).
inline bool waitClosed(int fd, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    for (;;) {
        const int left = timeoutMs - int(t.elapsed());
        pollfd p{fd, POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, left) <= 0)
            return false;
        char chunk[4096];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            return true;
    }
}

// True when the server sent something or closed the connection within
// the timeout (0: has it already).
inline bool readable(int fd, int timeoutMs = 0)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) == 1;
}

// The server's side of its established IPv4 connections on `port`, from
// /proc/net/tcp: how many there are and how many bytes the server has not
// read from them yet (0: everything sent to it reached the application).
struct ServerSide
{
    int connections = 0;
    qint64 unread = 0;
};
inline ServerSide serverSide(quint16 port)
{
    ServerSide r;
    QFile f(QStringLiteral("/proc/net/tcp"));
    if (!f.open(QIODevice::ReadOnly))
        return {-1, -1};
    // "sl local_address rem_address st tx_queue:rx_queue ..."
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines[i].simplified().split(' ');
        if (fields.size() < 5 || fields[3] != "01")
            continue;
        bool ok = false;
        if (fields[1].mid(fields[1].indexOf(':') + 1).toUInt(&ok, 16) != port || !ok)
            continue;
        ++r.connections;
        r.unread += fields[4].mid(fields[4].indexOf(':') + 1).toLongLong(nullptr, 16);
    }
    return r;
}

// One request on a fresh connection.
inline Response request(quint16 port, const QByteArray &method, const QByteArray &target,
                        const QList<QByteArray> &headers = {}, int timeoutMs = kWaitMs)
{
    QElapsedTimer t;
    t.start();
    const int fd = connectTo(port);
    if (fd < 0) {
        Response r;
        r.error = QStringLiteral("cannot connect");
        return r;
    }
    QByteArray req = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const QByteArray &h : headers)
        req += h + "\r\n";
    req += "\r\n";
    Response r;
    if (sendAll(fd, req))
        r = readResponse(fd, method == "HEAD", timeoutMs);
    else
        r.error = QStringLiteral("send failed");
    ::close(fd);
    r.ms = t.nsecsElapsed() / 1e6;
    return r;
}

inline Response get(quint16 port, const QByteArray &target = "/metrics", const QList<QByteArray> &headers = {})
{
    return request(port, "GET", target, headers);
}

} // namespace testhttp
