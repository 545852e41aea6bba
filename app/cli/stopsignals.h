#pragma once
// SIGINT and SIGTERM end a command that runs until stopped (serve, push
// --every): the handler only wakes the event loop through a pipe, and
// `onStop` runs there.

#include <QtCore/QCoreApplication>

#include <functional>
#include <string>

namespace promdir::cli {

// False (and the error printed for `command`) when the pipe cannot be made.
// Also ignores SIGPIPE.
bool stopOnSignals(QCoreApplication &app, const std::string &command, std::function<void()> onStop);
// Closes the pipe once the event loop is done.
void closeSignalPipe();

} // namespace promdir::cli
