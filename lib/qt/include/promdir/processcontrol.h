#pragma once
// The one action promdir takes on a metrics directory, and only when the user
// asks: the reference's mark_process_dead(pid), which deletes that pid's
// gauge_live*_<pid>.db files and nothing else.

#include <QString>
#include <QStringList>

namespace promdir {

struct MarkDeadResult
{
    enum Error { None, NotADirectory, InvalidPid, ProcessAlive, RemoveFailed } error = None;
    QStringList removed; // file names deleted
    QString detail;      // RemoveFailed: "file: why"
    bool ok() const { return error == None; }
};

// Refuses for a pid that is running on this machine.
MarkDeadResult markProcessDead(const QString &directory, const QString &pid);

} // namespace promdir
