// Promdir::Pusher: merge and render on the thread pool, send with
// QNetworkAccessManager, and after a push ended wait the interval, or the
// retry delay after failures.
#include "promdir/pusher.h"

#include "promdir/auth/credentials.h"
#include "promdir/read/userfile.h"
#include "promdir/render/render.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFutureWatcher>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>

#include <optional>
#include <utility>

namespace promdir {

namespace {

struct Rendered
{
    std::shared_ptr<const MergeResult> result;
    QByteArray body;
};

QByteArray verbOf(PushMethod method)
{
    switch (method) {
    case PushMethod::Put: return QByteArrayLiteral("PUT");
    case PushMethod::Post: return QByteArrayLiteral("POST");
    case PushMethod::Delete: return QByteArrayLiteral("DELETE");
    }
    return {};
}

// The outcome of a finished reply; the body of an error answer is the
// gateway's reason (cut short: it may be anything).
PushOutcome outcomeOf(QNetworkReply *reply, std::chrono::milliseconds timeout, bool timedOut)
{
    PushOutcome o;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) {
        o.status = PushOutcome::Status::Unreachable;
        o.message = timedOut ? QStringLiteral("no answer within %1 ms").arg(timeout.count()) : reply->errorString();
        return o;
    }
    o.httpStatus = status.toInt();
    if (o.httpStatus >= 200 && o.httpStatus < 300)
        return o;
    o.status = o.httpStatus == 401 || o.httpStatus == 403 ? PushOutcome::Status::Unauthorized
                                                          : PushOutcome::Status::Rejected;
    const QByteArray reason = reply->read(512).trimmed();
    o.message = QStringLiteral("HTTP %1 %2").arg(o.httpStatus).arg(
        reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
    if (!reason.isEmpty())
        o.message += QStringLiteral(": ") + QString::fromUtf8(reason);
    return o;
}

} // namespace

struct Pusher::Private
{
    explicit Private(Pusher *q) : q(q), nam(q), timer(q) { timer.setSingleShot(true); }

    void send(const QByteArray &body, std::shared_ptr<const MergeResult> result);
    void done(PushOutcome outcome);

    Pusher *q;
    std::shared_ptr<const Provider> provider;
    QUrl url;
    PushMethod method = PushMethod::Put;
    QByteArray authorization;
    std::optional<QSslConfiguration> tls;
    std::chrono::milliseconds timeout{30'000};
    std::chrono::milliseconds interval{15'000};
    std::chrono::milliseconds firstRetry{1'000};
    std::chrono::milliseconds longestRetry{300'000};
    bool running = false;
    bool busy = false;
    bool cancelled = false; // stop() came while rendering: send nothing
    int failures = 0;
    QNetworkAccessManager nam;
    QTimer timer;
    QFutureWatcher<Rendered> rendering;
    QPointer<QNetworkReply> reply;
};

void Pusher::Private::send(const QByteArray &body, std::shared_ptr<const MergeResult> result)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray(kPushContentType.data(), kPushContentType.size()));
    if (!authorization.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"), authorization);
    // A redirect is an answer to report (the Python client follows none for
    // PUT or POST), not a place to send the metrics and credentials to.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(int(timeout.count()));
    // HTTP/1.1 as the Python client speaks it: with HTTP/2 (ALPN on https)
    // Qt 6.4's network thread crashed at exit after a 401 (tst_pushgateway).
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (tls)
        request.setSslConfiguration(*tls);
    QElapsedTimer clock;
    clock.start();
    reply = nam.sendCustomRequest(request, verbOf(method), body);
    QObject::connect(reply, &QNetworkReply::finished, q, [this, r = reply.data(), result, clock] {
        r->deleteLater();
        if (reply != r)
            return; // aborted by stop()
        reply = nullptr;
        const bool timedOut = r->error() == QNetworkReply::OperationCanceledError && clock.elapsed() >= timeout.count();
        PushOutcome outcome = outcomeOf(r, timeout, timedOut);
        outcome.result = result;
        done(std::move(outcome));
    });
}

void Pusher::Private::done(PushOutcome outcome)
{
    busy = false;
    failures = outcome.ok() ? 0 : failures + 1;
    Q_EMIT q->finished(outcome);
    if (!running)
        return;
    const auto delay = failures == 0 ? interval : pushRetryDelay(failures, firstRetry, longestRetry);
    if (failures > 0)
        Q_EMIT q->retryScheduled(delay, failures);
    timer.start(delay);
}

Pusher::Pusher(QObject *parent) : QObject(parent), d(std::make_unique<Private>(this))
{
    connect(&d->timer, &QTimer::timeout, this, &Pusher::pushNow);
    connect(&d->rendering, &QFutureWatcher<Rendered>::finished, this, [this] {
        Rendered r = d->rendering.result();
        if (std::exchange(d->cancelled, false) && !d->running) {
            d->busy = false;
            return;
        }
        if (!r.result || !r.result->load.ok) {
            PushOutcome o;
            o.status = PushOutcome::Status::LoadFailed;
            o.message = r.result ? QString::fromStdString(r.result->load.error) : QStringLiteral("nothing to push");
            o.result = std::move(r.result);
            d->done(std::move(o));
            return;
        }
        d->send(r.body, std::move(r.result));
    });
}

Pusher::~Pusher()
{
    d->running = false;
    d->rendering.waitForFinished();
    if (d->reply)
        d->reply->abort();
}

void Pusher::setPath(const QString &path, const MergeEngineOptions &options)
{
    setEngine(std::make_shared<MergeEngine>(std::filesystem::path(path.toStdString()), options));
}

void Pusher::setEngine(std::shared_ptr<MergeEngine> engine)
{
    setProvider(engine ? Provider([engine] { return engine->refresh(); }) : Provider());
}

void Pusher::setProvider(Provider provider)
{
    d->provider = provider ? std::make_shared<const Provider>(std::move(provider)) : nullptr;
}

bool Pusher::setTarget(const PushGroup &group, QString *error)
{
    const auto url = pushUrl(group);
    if (!url) {
        if (error)
            *error = QString::fromStdString(url.error().message);
        return false;
    }
    d->url = QUrl(QString::fromStdString(*url));
    return true;
}

QUrl Pusher::url() const { return d->url; }
void Pusher::setMethod(PushMethod method) { d->method = method; }
PushMethod Pusher::method() const { return d->method; }

bool Pusher::setCredentialsFile(const QString &path, QString *error)
{
    const auto file = readCredentialsFile(path.toStdString());
    if (!file) {
        if (error)
            *error = QString::fromStdString(file.error().message);
        return false;
    }
    if (!file->warning.empty())
        Q_EMIT warning(QString::fromStdString(file->warning));
    // One request carries one user: the file's first (docs/cli.md, push).
    const CredentialsEntry &first = file->entries.front();
    setCredentials(QString::fromStdString(first.user), QString::fromStdString(first.password));
    return true;
}

void Pusher::setCredentials(const QString &user, const QString &password)
{
    d->authorization = QByteArrayLiteral("Basic ") + (user + QLatin1Char(':') + password).toUtf8().toBase64();
}

void Pusher::clearCredentials() { d->authorization.clear(); }

bool Pusher::setCaFile(const QString &path, QString *error)
{
    const auto pem = readUserFile(path.toStdString(), "CA file", kMaxPemBytes);
    if (!pem) {
        if (error)
            *error = QString::fromStdString(pem.error().message);
        return false;
    }
    const QList<QSslCertificate> certificates =
        QSslCertificate::fromData(QByteArray::fromStdString(pem->bytes), QSsl::Pem);
    if (certificates.isEmpty()) {
        if (error)
            *error = QStringLiteral("%1 holds no PEM certificate").arg(path);
        return false;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(certificates);
    d->tls = tls;
    return true;
}

void Pusher::setTimeout(std::chrono::milliseconds timeout) { d->timeout = timeout; }
void Pusher::setInterval(std::chrono::milliseconds interval) { d->interval = interval; }

void Pusher::setRetryDelays(std::chrono::milliseconds firstRetry, std::chrono::milliseconds longestRetry)
{
    d->firstRetry = firstRetry;
    d->longestRetry = longestRetry;
}

bool Pusher::isRunning() const { return d->running; }
int Pusher::failuresInARow() const { return d->failures; }

void Pusher::pushNow()
{
    if (d->busy)
        return;
    d->busy = true;
    d->timer.stop();
    if (d->method == PushMethod::Delete) {
        d->send({}, nullptr);
        return;
    }
    d->rendering.setFuture(QtConcurrent::run([provider = d->provider] {
        Rendered r;
        r.result = provider ? (*provider)() : nullptr;
        if (r.result && r.result->load.ok)
            r.body = QByteArray::fromStdString(render(r.result->families));
        return r;
    }));
}

void Pusher::start()
{
    d->running = true;
    pushNow();
}

void Pusher::stop()
{
    d->running = false;
    d->timer.stop();
    if (QNetworkReply *r = d->reply) {
        d->reply = nullptr;
        r->abort();
        d->busy = false;
    } else if (d->rendering.isRunning()) {
        d->cancelled = true;
    }
}

} // namespace promdir
