#pragma once
// Pids for liveness tests: one of a running process, one surely gone.

#include <QProcess>
#include <QString>

namespace promdir::test {

// Starts a process that runs until the test ends (or `p` is destroyed);
// returns its pid, 0 when it could not start.
inline qint64 startSleeper(QProcess &p)
{
    p.start(QStringLiteral("sleep"), {QStringLiteral("120")});
    return p.waitForStarted() ? p.processId() : 0;
}

// A pid that surely belonged to a process that has ended; 0 when none
// could be started.
inline qint64 deadPid()
{
    QProcess p;
    p.start(QStringLiteral("true"), {});
    if (!p.waitForStarted())
        return 0;
    const qint64 pid = p.processId();
    p.waitForFinished();
    return pid;
}

} // namespace promdir::test
