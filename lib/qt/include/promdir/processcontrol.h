#pragma once
// The one action promdir takes on a metrics directory, and only when the user
// asks: the reference's mark_process_dead(pid), which deletes that pid's
// gauge_live*_<pid>.db files and nothing else.

#include "promdir/format/result.h"

#include <QString>
#include <QStringList>

#include <string_view>

namespace promdir {

enum class MarkDeadErrorCode {
    NotADirectory,
    InvalidPid,   // not an identifier the Python client could have used
    ProcessAlive, // running on this machine: refused
    RemoveFailed, // a live gauge file could not be deleted (the message names it and why)
};
std::string_view nameOf(MarkDeadErrorCode code) noexcept;
inline constexpr ErrorCategory kMarkDeadErrors{"mark-dead", &detail::enumeratorName<MarkDeadErrorCode, nameOf>};
constexpr const ErrorCategory &errorCategory(MarkDeadErrorCode) noexcept
{
    return kMarkDeadErrors;
}

// The names of the files deleted; refuses for a pid that is running on this
// machine.
Result<QStringList> markProcessDead(const QString &directory, const QString &pid);

} // namespace promdir
