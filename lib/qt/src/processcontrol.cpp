#include "promdir/processcontrol.h"

#include "promdir/format/filename.h"
#include "promdir/diagnostics/liveness.h"
#include "promdir/diagnostics/processes.h"

#include <QFileInfo>

namespace promdir {

std::string_view nameOf(MarkDeadErrorCode code) noexcept
{
    switch (code) {
    case MarkDeadErrorCode::NotADirectory: return "NotADirectory";
    case MarkDeadErrorCode::InvalidPid: return "InvalidPid";
    case MarkDeadErrorCode::ProcessAlive: return "ProcessAlive";
    case MarkDeadErrorCode::RemoveFailed: return "RemoveFailed";
    }
    return "Unknown";
}

Result<QStringList> markProcessDead(const QString &directory, const QString &pid)
{
    const QFileInfo info(directory);
    if (!info.isDir())
        return Error{MarkDeadErrorCode::NotADirectory, directory.toStdString() + ": not a directory"};
    if (!validProcessIdentifier(pid.toStdString()))
        return Error{MarkDeadErrorCode::InvalidPid,
                     "'" + pid.toStdString() + "' is not a process identifier the Python client could have used"};
    if (probeLocalProcess(pid.toStdString()).state == Liveness::Alive)
        return Error{MarkDeadErrorCode::ProcessAlive, "process " + pid.toStdString() + " is running"};
    // The reference: remove gauge_live*_<pid>.db, nothing else (the core's
    // rule, which never follows a link).
    const auto removal = removeLiveGaugeFiles(pid.toStdString(), std::filesystem::path(directory.toStdString()));
    if (!removal)
        return Error{MarkDeadErrorCode::RemoveFailed, removal.error().message};
    if (!removal->failed.empty())
        return Error{MarkDeadErrorCode::RemoveFailed, removal->failed.front().message};
    QStringList removed;
    for (const auto &name : removal->removed)
        removed << QString::fromStdString(name);
    return removed;
}

} // namespace promdir
