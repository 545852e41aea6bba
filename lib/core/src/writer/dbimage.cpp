#include "writer/dbimage_p.h"

#include <cstdint>
#include <cstring>
#include <limits>

namespace promdir::detail {

std::string encodeDbImage(std::span<const ImageEntry> entries, int stride)
{
    std::uint64_t size = 8;
    for (const ImageEntry &e : entries)
        size += 4 + e.key.size() + (8 - (e.key.size() + 4) % 8) + std::uint64_t(stride);
    if (size > std::uint64_t(std::numeric_limits<std::int32_t>::max()))
        return {};
    std::string out;
    out.reserve(size);
    const auto appendRaw = [&out](const void *p, std::size_t n) { out.append(static_cast<const char *>(p), n); };
    const std::int32_t used = static_cast<std::int32_t>(size);
    appendRaw(&used, 4);
    out.append(4, '\0');
    for (const ImageEntry &e : entries) {
        const std::int32_t length = static_cast<std::int32_t>(e.key.size());
        appendRaw(&length, 4);
        out += e.key;
        out.append(8 - (e.key.size() + 4) % 8, ' '); // 1..8 spaces, as the reference pads
        appendRaw(&e.value, 8);
        if (stride == 16)
            appendRaw(&e.timestamp, 8);
    }
    return out;
}

} // namespace promdir::detail
