#pragma once
// Debian's prometheus-pushgateway for the tests: started on a free
// loopback port with no persistence, optionally with a web config (TLS,
// basic auth), and always killed: by the destructor, and by the kernel if
// the test itself dies (PR_SET_PDEATHSIG). Plus what the tests read back:
// a blocking GET and the samples of an exposition.

#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QMap>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QTcpServer>

#include <csignal>
#include <sys/prctl.h>

namespace deploytest {

// A loopback port nothing listens on (now).
inline quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

struct Http
{
    int status = 0; // 0: no answer
    QByteArray body;
    QString error;
};

// GET with optional basic auth and extra trusted certificates; waits at most 10 s.
inline Http get(const QUrl &url, const QByteArray &authorization = {}, const QList<QSslCertificate> &ca = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    request.setTransferTimeout(10'000);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    if (!ca.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(ca);
        request.setSslConfiguration(tls);
    }
    QNetworkReply *reply = nam.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Http r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.error = reply->errorString();
    reply->deleteLater();
    return r;
}

class Gateway
{
public:
    ~Gateway() { stop(); }

    static QString program() { return QStandardPaths::findExecutable(QStringLiteral("prometheus-pushgateway")); }

    // Starts it on `port` (0: a free one) and waits until it is ready;
    // false with the reason when it does not come up within 10 s.
    bool start(quint16 port = 0, const QString &webConfig = {}, const QByteArray &authorization = {},
               const QList<QSslCertificate> &ca = {}, QString *why = nullptr)
    {
        m_port = port ? port : freePort();
        m_tls = !ca.isEmpty();
        m_authorization = authorization;
        m_ca = ca;
        QStringList args{QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port), QStringLiteral("--log.level=warn")};
        if (!webConfig.isEmpty())
            args << QStringLiteral("--web.config.file=") + webConfig;
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.start(program(), args);
        if (!m_process.waitForStarted(10'000)) {
            if (why)
                *why = m_process.errorString();
            return false;
        }
        for (int i = 0; i < 100; ++i) {
            if (get(url(QStringLiteral("/-/ready")), m_authorization, m_ca).status == 200)
                return true;
            if (m_process.state() != QProcess::Running)
                break;
            QThread::msleep(100);
        }
        if (why)
            *why = QStringLiteral("the gateway did not become ready");
        return false;
    }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10'000);
        }
    }

    quint16 port() const { return m_port; }
    QString address() const
    {
        return QStringLiteral("%1://127.0.0.1:%2").arg(m_tls ? QStringLiteral("https") : QStringLiteral("http")).arg(m_port);
    }
    QUrl url(const QString &path) const { return QUrl(address() + path); }
    QByteArray metrics() const { return get(url(QStringLiteral("/metrics")), m_authorization, m_ca).body; }

private:
    QProcess m_process;
    quint16 m_port = 0;
    bool m_tls = false;
    QByteArray m_authorization;
    QList<QSslCertificate> m_ca;
};

// Files for a gateway with TLS and basic auth (user "pusher"): a
// self-signed certificate for 127.0.0.1 (openssl), the password's bcrypt
// hash (python3-bcrypt), the web config, and the pusher's credentials file.
struct SecureSetup
{
    QString webConfig, caFile, credentialsFile, wrongCredentialsFile;
    QList<QSslCertificate> ca;
    QByteArray authorization; // the right "Basic ..." header
    QString error;
};

inline bool run(const QString &program, const QStringList &args, QByteArray *out = nullptr)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(30'000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return false;
    if (out)
        *out = p.readAllStandardOutput().trimmed();
    return true;
}

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

inline SecureSetup makeSecureSetup(const QString &dir)
{
    SecureSetup s;
    const QString cert = dir + QStringLiteral("/cert.pem"), key = dir + QStringLiteral("/key.pem");
    if (!run(QStringLiteral("openssl"),
             {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
              QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
              QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("2"),
              QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
              QStringLiteral("subjectAltName=IP:127.0.0.1")})) {
        s.error = QStringLiteral("openssl could not make a certificate");
        return s;
    }
    const QByteArray password = "pa:ss w0rd";
    QByteArray hash;
    if (!run(QStringLiteral("/usr/bin/python3"),
             {QStringLiteral("-c"),
              QStringLiteral("import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())"),
              QString::fromUtf8(password)},
             &hash)) {
        s.error = QStringLiteral("python3-bcrypt could not hash the password");
        return s;
    }
    s.webConfig = dir + QStringLiteral("/web.yml");
    s.caFile = cert;
    s.credentialsFile = dir + QStringLiteral("/pusher.auth");
    s.wrongCredentialsFile = dir + QStringLiteral("/wrong.auth");
    s.ca = QSslCertificate::fromPath(cert);
    s.authorization = "Basic " + ("pusher:" + password).toBase64();
    if (!writeFile(s.webConfig, "tls_server_config:\n  cert_file: " + cert.toUtf8() + "\n  key_file: " + key.toUtf8()
                                    + "\nbasic_auth_users:\n  pusher: '" + hash + "'\n")
        || !writeFile(s.credentialsFile, "# the gateway's\npusher:" + password + "\n")
        || !writeFile(s.wrongCredentialsFile, "pusher:not-the-password\n"))
        s.error = QStringLiteral("cannot write the files in %1").arg(dir);
    QFile::setPermissions(s.credentialsFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QFile::setPermissions(s.wrongCredentialsFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return s;
}

// An exposition's samples, "name{a="x",b="y"}" (labels sorted) → value
// (as a number printed back, so "1.0" and "1" agree), HELP and TYPE by name.
// Only the samples whose labels include every one of `group` are kept, with
// those labels and an empty `instance` (the gateway adds both) removed.
struct Exposition
{
    QMap<QString, QString> samples, help, type;
};

inline QString unescape(const QString &text, qsizetype from, qsizetype *end)
{
    QString out;
    qsizetype i = from;
    for (; i < text.size() && text[i] != u'"'; ++i) {
        if (text[i] == u'\\' && i + 1 < text.size()) {
            ++i;
            out += text[i] == u'n' ? QChar(u'\n') : text[i];
        } else {
            out += text[i];
        }
    }
    *end = i;
    return out;
}

inline Exposition parseExposition(const QByteArray &bytes, const QMap<QString, QString> &group = {})
{
    Exposition e;
    for (const QString &line : QString::fromUtf8(bytes).split(u'\n', Qt::SkipEmptyParts)) {
        if (line.startsWith(u'#')) {
            const QStringList words = line.split(u' ');
            if (words.size() >= 3 && (words[1] == u"HELP" || words[1] == u"TYPE"))
                (words[1] == u"HELP" ? e.help : e.type)[words[2]] = line.section(u' ', 3);
            continue;
        }
        const qsizetype nameEnd = line.indexOf(QRegularExpression(QStringLiteral("[{ ]")));
        const QString name = line.left(nameEnd);
        QMap<QString, QString> labels;
        qsizetype i = nameEnd;
        if (line[i] == u'{') {
            ++i;
            while (line[i] != u'}') {
                const qsizetype eq = line.indexOf(u'=', i);
                const QString label = line.mid(i, eq - i);
                QString value = unescape(line, eq + 2, &i);
                // Bucket bounds and quantiles are numbers the gateway prints in Go's way.
                if ((label == u"le" || label == u"quantile") && value != u"+Inf")
                    value = QString::number(value.toDouble(), 'g', 17);
                labels[label] = value;
                i += line[i + 1] == u',' ? 2 : 1;
            }
            ++i;
        }
        if (name == u"push_time_seconds" || name == u"push_failure_time_seconds")
            continue; // the gateway's own, per group
        bool inGroup = true;
        for (auto it = group.begin(); it != group.end() && inGroup; ++it)
            inGroup = labels.contains(it.key()) && labels.take(it.key()) == it.value();
        if (!inGroup)
            continue;
        if (labels.value(QStringLiteral("instance"), QStringLiteral("x")).isEmpty())
            labels.remove(QStringLiteral("instance"));
        QStringList pairs;
        for (auto it = labels.begin(); it != labels.end(); ++it)
            pairs << it.key() + QStringLiteral("=\"") + it.value() + u'"';
        const QString text = line.mid(i).trimmed().section(u' ', 0, 0);
        const bool special = text == u"+Inf" || text == u"-Inf" || text == u"NaN";
        e.samples[name + u'{' + pairs.join(u',') + u'}'] = special ? text : QString::number(text.toDouble(), 'g', 17);
    }
    return e;
}

// What differs between two sample maps, one line each (empty: equal):
// QCOMPARE would cut the maps short.
inline QString difference(const QMap<QString, QString> &got, const QMap<QString, QString> &expected)
{
    QStringList lines;
    for (auto it = expected.begin(); it != expected.end(); ++it)
        if (!got.contains(it.key()) || got.value(it.key()) != it.value())
            lines << QStringLiteral("expected %1 %2, got %3").arg(it.key(), it.value(), got.value(it.key(), QStringLiteral("nothing")));
    for (auto it = got.begin(); it != got.end(); ++it)
        if (!expected.contains(it.key()))
            lines << QStringLiteral("unexpected %1 %2").arg(it.key(), it.value());
    return lines.join(u'\n');
}

} // namespace deploytest
