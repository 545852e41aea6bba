// Oracle driver for key_oracle.py. One request a line, fields separated by
// tabs, every string as hex of its bytes (generalised UTF-8, so lone
// surrogates travel too). One answer line per request:
//
//   S <s>                        -> <hex of json::pythonString(s)>
//   K <metric> <sample> <help> <name> <value> ...
//                                -> <hex of encodeKey(...)>
//   P <text>                     -> ok <dump> | err <offset>
//   Q <key text>                 -> ok <metric> <sample> <shape> <hasHelp> <help> <name> <value> ... | err <kind>
//   U <bytes>                    -> <offset of the first invalid UTF-8 byte, or -1>
//
// <dump> of a JSON value: null, true, false, n:<number text>:<pythonRepr>,
// s:<hex>, [a,b], {<hex key>:<value>,...} with object members in document
// order (duplicates kept).

#include "promdir/format/floatformat.h"
#include "promdir/format/json.h"
#include "promdir/format/key.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::string toHex(std::string_view bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

bool fromHex(std::string_view hex, std::string &out)
{
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    };
    if (hex.size() % 2)
        return false;
    out.clear();
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out += static_cast<char>(hi * 16 + lo);
    }
    return true;
}

std::vector<std::string_view> split(std::string_view line)
{
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (true) {
        const auto tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos)
            return fields;
        start = tab + 1;
    }
}

void dump(std::string &out, const promdir::json::Value &v)
{
    using namespace promdir::json;
    if (std::holds_alternative<Null>(v.v)) {
        out += "null";
    } else if (const bool *b = std::get_if<bool>(&v.v)) {
        out += *b ? "true" : "false";
    } else if (const double *d = std::get_if<double>(&v.v)) {
        out += "n:" + v.numberText + ":" + promdir::pythonRepr(*d);
    } else if (v.isString()) {
        out += "s:" + toHex(v.str());
    } else if (v.isArray()) {
        out += '[';
        bool first = true;
        for (const auto &item : v.array()) {
            if (!first)
                out += ',';
            first = false;
            dump(out, item);
        }
        out += ']';
    } else {
        out += '{';
        bool first = true;
        for (const auto &[key, item] : v.object()) {
            if (!first)
                out += ',';
            first = false;
            out += toHex(key) + ":";
            dump(out, item);
        }
        out += '}';
    }
}

} // namespace

int main()
{
    std::ios::sync_with_stdio(false);
    std::string line, out;
    std::size_t lineNo = 0;
    auto bad = [&](const char *why) {
        std::fprintf(stderr, "keyoracle: line %zu: %s\n", lineNo, why);
        return 2;
    };
    while (std::getline(std::cin, line)) {
        ++lineNo;
        const auto f = split(line);
        if (f.size() < 2 || f[0].size() != 1)
            return bad("expected a request letter and fields");
        std::vector<std::string> s(f.size());
        for (std::size_t i = 1; i < f.size(); ++i)
            if (!fromHex(f[i], s[i]))
                return bad("a field is not hex");
        switch (f[0][0]) {
        case 'S':
            out += toHex(promdir::json::pythonString(s[1]));
            break;
        case 'K': {
            if (f.size() < 4 || (f.size() - 4) % 2)
                return bad("K wants metric, sample, help and label pairs");
            promdir::Labels labels;
            for (std::size_t i = 4; i + 1 < f.size(); i += 2)
                labels.emplace_back(s[i], s[i + 1]);
            out += toHex(promdir::encodeKey(s[1], s[2], labels, s[3]));
            break;
        }
        case 'P': {
            const auto r = promdir::json::parse(s[1]);
            if (r) {
                out += "ok\t";
                dump(out, *r);
            } else {
                out += "err\t" + std::to_string(r.error().offset);
            }
            break;
        }
        case 'Q': {
            const auto r = promdir::parseKey(s[1]);
            if (!r) {
                out += "err\t" + std::string(promdir::toString(r.error().kind));
                break;
            }
            const auto &k = *r;
            out += "ok\t" + toHex(k.metric) + "\t" + toHex(k.sample) + "\t" + std::to_string(k.shape) + "\t"
                + (k.hasHelp ? "1" : "0") + "\t" + toHex(k.help);
            for (const auto &[name, value] : k.labels)
                out += "\t" + toHex(name) + "\t" + toHex(value);
            break;
        }
        case 'U': {
            const auto at = promdir::json::findInvalidUtf8(s[1]);
            out += at == std::string_view::npos ? std::string("-1") : std::to_string(at);
            break;
        }
        default:
            return bad("unknown request letter");
        }
        out += '\n';
        if (out.size() > (1 << 16)) {
            std::cout << out;
            out.clear();
        }
    }
    std::cout << out;
    return std::cout.good() ? 0 : 1;
}
