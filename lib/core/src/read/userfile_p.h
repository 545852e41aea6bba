#pragma once
// Internal: the one way promdir opens a file to read it
// (read/userfile.cpp): metrics files (read/reader.cpp), files the user
// named that are not metrics files, and archives (the loader keeps the
// descriptor and streams from it).

#include "promdir/format/types.h"

#include <filesystem>
#include <string>

#include <sys/stat.h>

namespace promdir::detail {

// What a file of this type is, for "not a regular file (a FIFO)" and the like.
ProblemCode fileTypeCode(mode_t mode);

// What openIfRegular() gave: a descriptor, or -1 with the system's error
// number, 0 when the path exists but is no regular file (`st` says what).
struct Opened
{
    int fd = -1;
    int error = 0;
};

// The regular file at `path` (a link followed), opened read-only with
// O_NONBLOCK | O_NOCTTY | O_CLOEXEC, and checked again with fstat() for
// what was swapped in between; its fstat() in `st`. Only regular files are
// opened: open() of a FIFO without O_NONBLOCK waits for a writer, and
// opening a device at all can have effects (a tape rewinds). `statFirst`:
// stat() before open() (false when a listing already said the type).
Opened openIfRegular(const char *path, struct stat &st, bool statFirst = true);

// A descriptor of the regular file at `path` (a link followed), opened
// read-only with O_NONBLOCK | O_NOCTTY | O_CLOEXEC after stat() said it is
// one, and checked again with fstat() for what was swapped in between; its
// fstat() in `st`. -1 otherwise, with `why` ("a FIFO, not a regular file",
// "a folder, not a file", or the system's words) and `notAFile` set when
// the path exists but is no regular file.
int openRegularFile(const std::filesystem::path &path, struct stat &st, std::string &why, bool &notAFile);

} // namespace promdir::detail
