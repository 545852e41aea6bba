#include "promdir/format/floatformat.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace promdir {

std::string pythonRepr(double d)
{
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d > 0 ? "inf" : "-inf";

    // Shortest round-trip digits, then Python's layout rules
    // (PyOS_double_to_string, mode 'r').
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
    std::string out;
    if (sci.front() == '-') {
        out += '-';
        sci.remove_prefix(1);
    }
    const std::size_t e = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e))
        if (c != '.')
            digits += c;
    int exp10 = 0;
    std::string_view expText = sci.substr(e + 1);
    const bool negExp = expText.front() == '-';
    expText.remove_prefix(1);
    std::from_chars(expText.data(), expText.data() + expText.size(), exp10);
    if (negExp)
        exp10 = -exp10;
    const int decpt = exp10 + 1; // value = 0.DIGITS * 10^decpt
    const int n = static_cast<int>(digits.size());

    if (decpt <= -4 || decpt > 16) {
        out += digits[0];
        if (n > 1) {
            out += '.';
            out += digits.substr(1);
        }
        const int x = decpt - 1;
        out += x < 0 ? "e-" : "e+";
        const int ax = x < 0 ? -x : x;
        if (ax < 10)
            out += '0';
        out += std::to_string(ax);
    } else if (decpt <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-decpt), '0');
        out += digits;
    } else if (decpt < n) {
        out += digits.substr(0, static_cast<std::size_t>(decpt));
        out += '.';
        out += digits.substr(static_cast<std::size_t>(decpt));
    } else {
        out += digits;
        out.append(static_cast<std::size_t>(decpt - n), '0');
        out += ".0";
    }
    return out;
}

std::string floatToGoString(double d)
{
    if (std::isnan(d))
        return "NaN";
    if (std::isinf(d))
        return d > 0 ? "+Inf" : "-Inf";
    // Most values are small counts: repr is the integer and ".0".
    if (d == std::trunc(d) && std::fabs(d) < 1e6) {
        if (d == 0)
            return std::signbit(d) ? "-0.0" : "0.0";
        char buf[16];
        auto res = std::to_chars(buf, buf + sizeof buf, static_cast<long>(d));
        return std::string(buf, res.ptr) + ".0";
    }
    std::string s = pythonRepr(d);
    const auto dot = s.find('.');
    // Go switches to exponents sooner than Python: positive values whose repr
    // has 7 or more digits before the point.
    if (d > 0 && dot != std::string::npos && dot > 6) {
        std::string mantissa;
        mantissa += s[0];
        mantissa += '.';
        mantissa += s.substr(1, dot - 1);
        mantissa += s.substr(dot + 1);
        while (!mantissa.empty() && (mantissa.back() == '0' || mantissa.back() == '.'))
            mantissa.pop_back();
        const std::size_t x = dot - 1;
        return mantissa + "e+" + (x < 10 ? "0" : "") + std::to_string(x);
    }
    return s;
}

namespace {

// Whether a decimal number out of double's range is out at the small end:
// the decimal exponent of its leading non-zero digit is negative.
bool tooSmall(std::string_view s)
{
    const std::size_t e = s.find_first_of("eE");
    const std::string_view mantissa = s.substr(0, e);
    long long exp = 0;
    if (e != std::string_view::npos) {
        std::string_view x = s.substr(e + 1);
        const bool negative = !x.empty() && x.front() == '-';
        if (!x.empty() && (x.front() == '-' || x.front() == '+'))
            x.remove_prefix(1);
        for (char c : x)
            exp = std::min<long long>(exp * 10 + (c - '0'), 1LL << 40);
        if (negative)
            exp = -exp;
    }
    const std::size_t dot = mantissa.find('.');
    const std::string_view intPart = mantissa.substr(0, dot);
    const std::string_view fracPart = dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
    if (const std::size_t i = intPart.find_first_not_of('0'); i != std::string_view::npos)
        return static_cast<long long>(intPart.size() - 1 - i) + exp < 0;
    if (const std::size_t k = fracPart.find_first_not_of('0'); k != std::string_view::npos)
        return exp - static_cast<long long>(k + 1) < 0;
    return true;
}

} // namespace

std::optional<double> pythonFloat(std::string_view s)
{
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    auto lower = [](std::string_view v) {
        std::string l(v);
        for (char &c : l)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        return l;
    };
    const std::string word = lower(s);
    if (word == "inf" || word == "infinity")
        return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if (word == "nan")
        return std::numeric_limits<double>::quiet_NaN();
    // Underscores are allowed only between digits.
    std::string clean;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_') {
            const bool ok = i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1]))
                            && std::isdigit(static_cast<unsigned char>(s[i + 1]));
            if (!ok)
                return std::nullopt;
            continue;
        }
        clean += s[i];
    }
    if (clean.empty() || !(std::isdigit(static_cast<unsigned char>(clean[0])) || clean[0] == '.'))
        return std::nullopt;
    double d = 0;
    auto [p, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), d, std::chars_format::general);
    if (p != clean.data() + clean.size())
        return std::nullopt;
    if (ec == std::errc::result_out_of_range) {
        // Python gives inf for overflow and 0.0 for underflow (signed).
        d = tooSmall(clean) ? 0.0 : std::numeric_limits<double>::infinity();
    } else if (ec != std::errc()) {
        return std::nullopt;
    }
    return negative ? -d : d;
}

} // namespace promdir
