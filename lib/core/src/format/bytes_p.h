#pragma once
// A byte limit in words ("1 MiB", "8 GiB", "1500 bytes"): the largest unit
// that divides it exactly, so a message states the limit as it was set.

#include <cstdint>
#include <string>

namespace promdir::detail {

inline std::string limitText(std::uint64_t n)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (n >= 1024 && n % 1024 == 0 && u < 4) {
        n /= 1024;
        ++u;
    }
    return std::to_string(n) + " " + units[u];
}

} // namespace promdir::detail
