#include "promdir/processcontrol.h"

#include "promdir/format/filename.h"
#include "promdir/diagnostics/liveness.h"
#include "promdir/diagnostics/processes.h"

#include <QFileInfo>

namespace promdir {

MarkDeadResult markProcessDead(const QString &directory, const QString &pid)
{
    MarkDeadResult r;
    const QFileInfo info(directory);
    if (!info.isDir()) {
        r.error = MarkDeadResult::NotADirectory;
        return r;
    }
    if (!validProcessIdentifier(pid.toStdString())) {
        r.error = MarkDeadResult::InvalidPid;
        return r;
    }
    if (probeLocalProcess(pid.toStdString()).state == Liveness::Alive) {
        r.error = MarkDeadResult::ProcessAlive;
        return r;
    }
    // The reference: remove gauge_live*_<pid>.db, nothing else (the core's
    // rule, which never follows a link).
    const RemoveResult removed = removeLiveGaugeFiles(pid.toStdString(), std::filesystem::path(directory.toStdString()));
    for (const auto &name : removed.removed)
        r.removed << QString::fromStdString(name);
    if (!removed.error.empty()) {
        r.error = MarkDeadResult::RemoveFailed;
        r.detail = QString::fromStdString(removed.error);
    }
    return r;
}

} // namespace promdir
