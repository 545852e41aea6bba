#pragma once
// Runs a promdir::Exporter in a thread of its own, so a test can talk to
// it with blocking sockets (and so the exporter is shown to work off the
// main thread, as it does in an application's worker).

#include "promdir/exporter.h"

#include <QtCore/QFile>
#include <QtCore/QMetaObject>
#include <QtCore/QMutex>
#include <QtCore/QStringList>
#include <QtCore/QThread>

#include <atomic>
#include <functional>

class ServerThread
{
public:
    explicit ServerThread(const std::function<void(promdir::Exporter &)> &configure = {})
    {
        m_exporter = new promdir::Exporter;
        if (configure)
            configure(*m_exporter);
        QObject::connect(m_exporter, &promdir::Exporter::requestServed, m_exporter,
                         [this](int status, qint64 bytes, double) {
                             // Counted last: a test that sees the count sees the rest.
                             lastStatus = status;
                             lastBytes = bytes;
                             ++served;
                         }, Qt::DirectConnection);
        QObject::connect(m_exporter, &promdir::Exporter::requestLogged, m_exporter,
                         [this](const QString &line) {
                             QMutexLocker lock(&m_mutex);
                             m_log << line;
                         }, Qt::DirectConnection);
        QObject::connect(m_exporter, &promdir::Exporter::warning, m_exporter,
                         [this](const QString &line) {
                             QMutexLocker lock(&m_mutex);
                             m_warnings << line;
                         }, Qt::DirectConnection);
        m_exporter->moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(m_exporter, &promdir::Exporter::start, Qt::BlockingQueuedConnection, &m_ok);
        call([this] { m_port = m_exporter->boundPort(); });
    }
    ~ServerThread()
    {
        call([this] { delete m_exporter; });
        m_thread.quit();
        m_thread.wait();
    }
    ServerThread(const ServerThread &) = delete;
    ServerThread &operator=(const ServerThread &) = delete;

    bool ok() const { return m_ok; }
    quint16 port() const { return m_port; }
    promdir::Exporter *exporter() const { return m_exporter; }

    // Runs f in the exporter's thread and waits for it.
    void call(const std::function<void()> &f)
    {
        QMetaObject::invokeMethod(m_exporter, f, Qt::BlockingQueuedConnection);
    }
    int connectionCount()
    {
        int n = 0;
        call([&] { n = m_exporter->connectionCount(); });
        return n;
    }
    QStringList log()
    {
        QMutexLocker lock(&m_mutex);
        return m_log;
    }
    QStringList warnings()
    {
        QMutexLocker lock(&m_mutex);
        return m_warnings;
    }

    std::atomic<int> served{0};
    std::atomic<int> lastStatus{0};
    std::atomic<qint64> lastBytes{0};

private:
    QThread m_thread;
    promdir::Exporter *m_exporter = nullptr;
    bool m_ok = false;
    quint16 m_port = 0;
    QMutex m_mutex;
    QStringList m_log, m_warnings;
};

// Resident set size of this process in KiB (/proc/self/status VmRSS).
inline qint64 rssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}
