#pragma once
// UTF-8 for the whole core: one decoder and one encoder. The decoder says
// when bytes are not UTF-8; what follows is the caller's choice: the key
// JSON refuses them (Python's json.loads would), the renderer takes each
// such byte as one code point of its own (as Python's surrogateescape
// would hold it) and goes on.
//
// Inline: the key JSON parser decodes every character of every new key.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace promdir::utf8 {

// Strings made from key JSON hold a lone surrogate escape (\ud800) as its
// 3-byte generalised form (WTF-8, json.h), which only code that handles
// such strings allows; bytes read from a file may not contain it.
enum class Surrogates { Refuse, Allow };

struct Decoded
{
    std::uint32_t codePoint; // when not valid: the first byte
    std::size_t length;      // bytes taken; 1 when not valid
    bool valid;
};

// The code point starting at s[at] (at < s.size()). Not valid: a byte that
// starts no sequence, a sequence cut short or with a byte that does not
// continue it, an overlong form, above U+10FFFF, or a surrogate refused.
inline Decoded decode(std::string_view s, std::size_t at, Surrogates surrogates) noexcept
{
    const auto b0 = static_cast<unsigned char>(s[at]);
    const Decoded invalid{b0, 1, false};
    if (b0 < 0x80)
        return {b0, 1, true};
    std::size_t len;
    std::uint32_t cp;
    std::uint32_t min;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2; cp = b0 & 0x1F; min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3; cp = b0 & 0x0F; min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4; cp = b0 & 0x07; min = 0x10000;
    } else {
        return invalid;
    }
    if (s.size() - at < len)
        return invalid;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[at + k]);
        if ((b & 0xC0) != 0x80)
            return invalid;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF)
        return invalid;
    if (surrogates == Surrogates::Refuse && cp >= 0xD800 && cp <= 0xDFFF)
        return invalid;
    return {cp, len, true};
}

// Never fails: a byte that is not UTF-8 is one code point, U+DC80..U+DCFF,
// what Python's surrogateescape error handler makes of it (`valid` still
// says which it was). Surrogates are allowed: strings from key JSON.
inline Decoded decodeEscaped(std::string_view s, std::size_t at) noexcept
{
    Decoded d = decode(s, at, Surrogates::Allow);
    if (!d.valid)
        d.codePoint += 0xDC00;
    return d;
}

// Appends `cp` (at most U+10FFFF) as UTF-8; a surrogate in its generalised
// 3-byte form.
inline void append(std::string &out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

} // namespace promdir::utf8
