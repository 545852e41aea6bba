#pragma once
// A whole file of the format in memory (spec section 2), for files written
// at once rather than updated in place: compaction's folded files. The
// layout rules are the writer's: each entry's key padded with spaces so its
// value is 8-byte aligned, `used` in the header.

#include <span>
#include <string>
#include <string_view>

namespace promdir::detail {

struct ImageEntry
{
    std::string_view key; // the exact key bytes
    double value = 0.0;
    double timestamp = 0.0; // written only with stride 16
};

// Stride 16: generation 4 (value and timestamp); 8: generations 1-3. The
// result is exactly `used` bytes long (a reader needs no more). Empty when
// the entries do not fit the format's 32-bit `used`.
std::string encodeDbImage(std::span<const ImageEntry> entries, int stride);

} // namespace promdir::detail
