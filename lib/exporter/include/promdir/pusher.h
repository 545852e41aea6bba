#pragma once
// Promdir::Pusher: sends the merged metrics of a directory, an archive or
// an application's own result to a Prometheus Pushgateway, once or every
// interval, as the Python client's push_to_gateway (PUT), pushadd_to_gateway
// (POST) and delete_from_gateway (DELETE) do. For batch jobs, which end
// before anything could scrape them.
//
//     promdir::Pusher pusher;
//     pusher.setPath(QStringLiteral("/run/myjob/metrics"));
//     pusher.setTarget({"https://gateway:9091", "nightly-backup", {{"host", "db1"}}});
//     pusher.setCredentialsFile(QStringLiteral("/etc/myjob/pushgateway.auth"));
//     connect(&pusher, &promdir::Pusher::finished, ...);
//     pusher.pushNow();          // or setInterval() and start()
//
// The body is the text format 0.0.4, byte for byte what `promdir render`
// prints. Merging and rendering run on QThreadPool::globalInstance(); the
// request runs in the Pusher's thread, whose event loop must run. The URL
// rule is the core's (promdir/push/pushgateway.h).

#include "promdir/engine/mergeengine.h"
#include "promdir/push/pushgateway.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QUrl>

#include <chrono>
#include <functional>
#include <memory>

namespace promdir {

enum class PushMethod {
    Put,    // replace the group (push_to_gateway)
    Post,   // replace only the families pushed (pushadd_to_gateway)
    Delete, // remove the group (delete_from_gateway); nothing is read
};

// How one push went.
struct PushOutcome
{
    enum class Status {
        Pushed,       // the gateway answered 2xx
        LoadFailed,   // the source could not be read at all: nothing was sent
        Unreachable,  // no HTTP answer: connection, name, TLS or timeout
        Unauthorized, // the gateway answered 401 or 403
        Rejected,     // the gateway answered another status (400: bad metrics, 5xx)
    };
    Status status = Status::Pushed;
    int httpStatus = 0;  // 0 when there was no answer
    QString message;     // why, for a log line; empty when pushed
    std::shared_ptr<const MergeResult> result; // what was pushed (null for a delete)
    bool ok() const { return status == Status::Pushed; }
};

class Pusher : public QObject
{
    Q_OBJECT

public:
    // Called on a worker thread, never twice at the same time. Null is
    // LoadFailed.
    using Provider = std::function<std::shared_ptr<const MergeResult>()>;

    explicit Pusher(QObject *parent = nullptr);
    ~Pusher() override;

    // What is pushed: a directory or archive merged by an engine of its own,
    // an engine shared with the caller, or any result.
    void setPath(const QString &path, const MergeEngineOptions &options = {});
    void setEngine(std::shared_ptr<MergeEngine> engine);
    void setProvider(Provider provider);

    // Where: the gateway, the job and the grouping labels. False (and the
    // target unchanged) with the reason when they make no URL.
    bool setTarget(const PushGroup &group, QString *error = nullptr);
    QUrl url() const;
    void setMethod(PushMethod method); // default Put
    PushMethod method() const;

    // HTTP basic auth, sent with every request: the first user of a
    // credentials file (promdir/auth/credentials.h, the format of `promdir
    // serve --credentials`); false with the reason when it cannot be read
    // (not a regular file, over 1 MiB, ...) or a line is wrong. warning()
    // when others may read it.
    bool setCredentialsFile(const QString &path, QString *error = nullptr);
    void setCredentials(const QString &user, const QString &password);
    void clearCredentials();

    // Trust the PEM certificates in this file for https gateways, besides
    // the system's. False when it holds none or is no regular file (read by
    // readUserFile: never a FIFO or a device, at most 16 MiB).
    bool setCaFile(const QString &path, QString *error = nullptr);
    // A request taking longer fails as Unreachable. Default 30 s (the Python
    // client's default).
    void setTimeout(std::chrono::milliseconds timeout);

    // start(): a push now and one every interval after the last one ended
    // (default 15 s); after failures, the next attempt waits
    // pushRetryDelay(failures, firstRetry, longestRetry) instead
    // (defaults 1 s and 5 min).
    void setInterval(std::chrono::milliseconds interval);
    void setRetryDelays(std::chrono::milliseconds firstRetry, std::chrono::milliseconds longestRetry);
    bool isRunning() const;
    int failuresInARow() const;

public Q_SLOTS:
    // One push (or delete); finished() when it is done. Ignored while a push
    // is under way.
    void pushNow();
    void start();
    // Stops the loop; a request under way is aborted.
    void stop();

Q_SIGNALS:
    void finished(const promdir::PushOutcome &outcome);
    // Pushes go on; the next attempt comes after `delay`.
    void retryScheduled(std::chrono::milliseconds delay, int failuresInARow);
    void warning(const QString &message);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace promdir

Q_DECLARE_METATYPE(promdir::PushOutcome)
