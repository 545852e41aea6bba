#include "promdir/processcontrol.h"

#include "promdir/filename.h"
#include "promdir/liveness.h"

#include <QDir>
#include <QFile>
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
    if (pid.isEmpty() || pid.contains(QLatin1Char('_')) || pid.contains(QLatin1Char('/'))) {
        r.error = MarkDeadResult::InvalidPid;
        return r;
    }
    if (probeLocalProcess(pid.toStdString()).state == Liveness::Alive) {
        r.error = MarkDeadResult::ProcessAlive;
        return r;
    }
    // The reference: remove gauge_live*_<pid>.db, nothing else.
    const QDir dir(directory);
    const QStringList names = dir.entryList({QStringLiteral("gauge_live*_") + pid + QStringLiteral(".db")},
                                            QDir::Files | QDir::System | QDir::Hidden, QDir::Name);
    for (const QString &name : names) {
        const FileName fn = parseFileName(name.toStdString());
        if (!fn.valid || !isLiveMode(fn.mode) || fn.pid != pid.toStdString())
            continue;
        if (!QFile::remove(dir.filePath(name))) {
            r.error = MarkDeadResult::RemoveFailed;
            r.detail = name;
            return r;
        }
        r.removed << name;
    }
    return r;
}

} // namespace promdir
