#pragma once
// Internal: the reader's entry points for paths already held as strings.
// A std::filesystem::path splits itself into components when made, which a
// directory of thousands of files would pay for on every load.

#include "promdir/read/reader.h"

namespace promdir {

// `name`: what the path's base name says (parseFileName), which the caller
// has already worked out.
ParsedFile readFileAt(std::string path, FileName name, const ReadOptions &options);
std::shared_ptr<const ParsedFile> rereadFileAt(std::string path, FileName name,
                                               const std::shared_ptr<const ParsedFile> &previous,
                                               const ReadOptions &options);
std::optional<FileStamp> stampAt(const char *path);
// The identity of the used bytes as ParsedFile::contentHash has it, read
// (until two reads agree) but not parsed; nullopt when the file cannot be
// read or has no used bytes worth hashing.
std::optional<std::uint64_t> contentHashAt(std::string path, const ReadOptions &options);

} // namespace promdir
