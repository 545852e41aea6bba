#pragma once
// Internal: the one way promdir opens a file the user named that is not a
// metrics file (read/userfile.cpp): the reading of user files, and the
// archive loader, which keeps the descriptor and streams from it.

#include "promdir/format/types.h"

#include <filesystem>
#include <string>

#include <sys/stat.h>

namespace promdir::detail {

// What a file of this type is, for "not a regular file (a FIFO)" and the like.
ProblemCode fileTypeCode(mode_t mode);

// A descriptor of the regular file at `path` (a link followed), opened
// read-only with O_NONBLOCK | O_NOCTTY | O_CLOEXEC after stat() said it is
// one, and checked again with fstat() for what was swapped in between; its
// fstat() in `st`. -1 otherwise, with `why` ("a FIFO, not a regular file",
// "a folder, not a file", or the system's words) and `notAFile` set when
// the path exists but is no regular file.
int openRegularFile(const std::filesystem::path &path, struct stat &st, std::string &why, bool &notAFile);

} // namespace promdir::detail
