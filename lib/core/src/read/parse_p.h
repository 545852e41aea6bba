#pragma once
// Internal: the bytes of one file to entries (read/parse.cpp). The header
// says how many bytes are used; the entries are framed with a value stride
// of 8 (generations 1-3) or 16 (generation 4), whichever explains the file.

#include "read/reader_p.h"

#include <cstring>

namespace promdir::detail {

inline constexpr std::size_t kHeader = 8;

inline std::int32_t readInt32(std::string_view b, std::size_t pos)
{
    std::int32_t v;
    std::memcpy(&v, b.data() + pos, 4);
    return v;
}

// Identity of the used bytes, to tell a re-read file that did not change.
std::uint64_t contentHash(std::string_view b);

// Parses the bytes of one file into `f` (path, name, size already set).
void parseInto(ParsedFile &f, std::string_view b, const ReadOptions &options, const ReadHints &hints);

// The part of `path` after its last '/'.
std::string baseName(const std::string &path);

} // namespace promdir::detail
