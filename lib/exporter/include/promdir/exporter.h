#pragma once
// Promdir::Exporter: serves the merged metrics of a directory, an archive or
// an application's own result at /metrics, as a Prometheus target.
//
//     promdir::Exporter exporter;
//     exporter.setPath(QStringLiteral("/run/myapp/metrics"));
//     exporter.setPort(9100);
//     exporter.start();
//
// The exporter's sockets live in the thread the Exporter lives in; merging
// and rendering run on QThreadPool::globalInstance(), never there.

#include "promdir/engine/mergeengine.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>

#include <chrono>
#include <functional>
#include <memory>

namespace promdir {

class ExporterServer;

// Protection against clients that would hold the exporter's resources.
struct ExporterLimits
{
    // Open connections at most; a new one beyond closes the one that has
    // been quiet longest (an idle keep-alive or a stalled request).
    int maxConnections = 256;
    // Request line + headers + body of one request.
    qint64 maxRequestBytes = 64 * 1024;
    // From a request's first byte to its last (answers 408 after).
    std::chrono::milliseconds requestTimeout{10'000};
    // A keep-alive connection with nothing to do is closed after this.
    std::chrono::milliseconds idleTimeout{120'000};
    // A client that reads nothing of a response for this long is dropped.
    std::chrono::milliseconds writeTimeout{30'000};
    // Requests a client may send ahead of the responses (pipelining).
    int maxPipelined = 16;
    // Response bytes a client has not read yet; beyond, the connection is
    // dropped instead of buffering a further response (one response of any
    // size always goes out).
    qint64 maxWriteBuffer = 8 * 1024 * 1024;
};

// What the exporter rendered since start(): for tests and benchmarks that
// check an answer came from the cache.
struct ExporterRenderStats
{
    // Bodies rendered from the merged families (with promdir_file_errors);
    // a scrape whose body is cached for this merge's content renders none.
    quint64 bodies = 0;
    // Self-metrics rendered (one per merge a self-metrics scrape waited for).
    quint64 selfMetrics = 0;
};

class Exporter : public QObject
{
    Q_OBJECT

public:
    // Returns what to serve; called on a worker thread (so it may block,
    // e.g. on MergeEngine::refresh()) and never twice at the same time.
    // Null answers 503. It is never called again once setPath(),
    // setProvider() or the destructor has returned.
    using Provider = std::function<std::shared_ptr<const MergeResult>()>;

    explicit Exporter(QObject *parent = nullptr);
    ~Exporter() override;

    // What is served; may be changed while running (next scrape sees it).
    // A directory or an archive, merged by a MergeEngine of its own.
    void setPath(const QString &path, const MergeEngineOptions &options = {});
    // An engine shared with the caller (e.g. a watcher's).
    void setEngine(std::shared_ptr<MergeEngine> engine);
    void setProvider(Provider provider);

    // Where to listen; applies at the next start(). Default 127.0.0.1:0
    // (0 picks a free port: see boundPort()).
    void setListenAddress(const QHostAddress &address);
    QHostAddress listenAddress() const;
    void setPort(quint16 port);
    quint16 port() const;

    // HTTP basic auth: every user of a credentials file
    // (promdir/auth/credentials.h: one `user:password` a line, '#' starts a
    // comment; a user named twice, the last line counts). Returns false (and
    // leaves auth unchanged) with the reason, file and line named, when it
    // cannot be read (not a regular file, over 1 MiB, ...), a line is wrong
    // or it names no user; warning() when others may read it.
    bool setCredentialsFile(const QString &path, QString *error = nullptr);
    void setCredentials(const QString &user, const QString &password);
    void clearCredentials();
    bool hasCredentials() const;

    // TLS from PEM files (certificate chain, private key), read by
    // readUserFile (never a FIFO or a device, at most 16 MiB each). False
    // with a reason when the files do not load or Qt has no TLS backend.
    bool setTlsFiles(const QString &certificateFile, const QString &keyFile,
                     QString *error = nullptr);
    void clearTls();
    bool isTlsEnabled() const;

    void setLimits(const ExporterLimits &limits);
    ExporterLimits limits() const;

    // promdir's own metrics in every scrape (promdir_files,
    // promdir_processes, ...: see selfMetricsFamilies in
    // promdir/render/exposition.h), for alerting on the directory. Off by
    // default, when the output is the Python client's byte for byte.
    // Applies at the next start(). The rest of the body is kept between
    // merges that change nothing, as without them (gzipped once, too); the
    // self-metrics themselves are rendered from every merge, since the
    // files it read, its time and the processes' liveness change with each.
    void setSelfMetrics(bool enabled);
    bool selfMetrics() const;

    bool isRunning() const;
    quint16 boundPort() const;  // 0 when not running
    QUrl boundUrl() const;      // e.g. http://127.0.0.1:9100/metrics
    int connectionCount() const;
    ExporterRenderStats renderStats() const; // zero when not running

public Q_SLOTS:
    // Listens; false (and error()) when it cannot. Starting a running
    // exporter restarts it.
    bool start();
    // Closes the listening socket and every connection.
    void stop();

Q_SIGNALS:
    void started(const QUrl &url);
    void stopped();
    void error(const QString &message);
    // Something worth telling (e.g. no auth on a public address).
    void warning(const QString &message);
    // After every response: HTTP status, body bytes sent, time from the
    // complete request to the response written, in milliseconds.
    void requestServed(int status, qint64 bytes, double milliseconds);
    // The same as one log line: "PEER METHOD PATH STATUS BYTES MS".
    void requestLogged(const QString &line);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace promdir
