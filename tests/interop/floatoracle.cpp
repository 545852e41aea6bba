// Oracle driver for float_oracle.py. Each line is one of
//   <16 hex digits>   a double's IEEE 754 bit pattern
//                     -> "<floatToGoString>\t<pythonRepr>"
//   p<hex bytes>      a string for pythonFloat
//                     -> "p\t<16 hex digits of the result>" or "p\tnone"

#include "promdir/format/floatformat.h"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

int main()
{
    std::ios::sync_with_stdio(false);
    std::string line;
    std::string out;
    std::size_t lineNo = 0;
    while (std::getline(std::cin, line)) {
        ++lineNo;
        if (!line.empty() && line[0] == 'p') {
            std::string text;
            for (std::size_t i = 1; i + 1 < line.size(); i += 2) {
                unsigned byte = 0;
                std::from_chars(line.data() + i, line.data() + i + 2, byte, 16);
                text += static_cast<char>(byte);
            }
            char buf[32];
            if (const auto d = promdir::pythonFloat(text)) {
                std::snprintf(buf, sizeof buf, "p\t%016llx\n",
                              static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(*d)));
                out += buf;
            } else {
                out += "p\tnone\n";
            }
            continue;
        }
        std::uint64_t bits = 0;
        const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), bits, 16);
        if (ec != std::errc() || end != line.data() + line.size()) {
            std::fprintf(stderr, "floatoracle: line %zu is not a hex bit pattern\n", lineNo);
            return 2;
        }
        const double d = std::bit_cast<double>(bits);
        out += promdir::floatToGoString(d);
        out += '\t';
        out += promdir::pythonRepr(d);
        out += '\n';
        if (out.size() > (1 << 16)) {
            std::cout << out;
            out.clear();
        }
    }
    std::cout << out;
    return std::cout.good() ? 0 : 1;
}
