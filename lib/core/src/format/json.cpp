#include "promdir/format/json.h"

#include "promdir/format/floatformat.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace promdir::json {

namespace {

void appendUtf8(std::string &out, std::uint32_t cp)
{
    // Generalised UTF-8: surrogates are encoded like any other code point.
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

// Decodes one code point of (generalised) UTF-8 at s[i]; advances i.
// Returns false for a malformed sequence. Surrogates are allowed only when
// `allowSurrogates` (our own WTF-8 strings).
bool decodeUtf8(std::string_view s, std::size_t &i, std::uint32_t &cp, bool allowSurrogates)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    int len;
    std::uint32_t min;
    if (b0 < 0x80) {
        cp = b0;
        ++i;
        return true;
    } else if ((b0 & 0xE0) == 0xC0) {
        len = 2; cp = b0 & 0x1F; min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3; cp = b0 & 0x0F; min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4; cp = b0 & 0x07; min = 0x10000;
    } else {
        return false;
    }
    if (i + len > s.size())
        return false;
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80)
            return false;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF)
        return false;
    if (!allowSurrogates && cp >= 0xD800 && cp <= 0xDFFF)
        return false;
    i += len;
    return true;
}

class Parser
{
public:
    explicit Parser(std::string_view text) : m_s(text) {}

    Result<Value, Problem> run()
    {
        Value value;
        skipWs();
        if (!parseValue(value, 0))
            return makeProblem({}, m_errPos, ProblemKind::BadJson, m_err);
        skipWs();
        if (m_i != m_s.size())
            return makeProblem({}, m_i, ProblemKind::BadJson, ProblemCode::JsonExtraData);
        return value;
    }

private:
    std::string_view m_s;
    std::size_t m_i = 0;
    std::size_t m_errPos = 0;
    ProblemCode m_err = ProblemCode::Verbatim; // Verbatim: no error yet

    bool fail(ProblemCode why)
    {
        if (m_err == ProblemCode::Verbatim) {
            m_err = why;
            m_errPos = m_i;
        }
        return false;
    }
    void skipWs()
    {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n' || m_s[m_i] == '\r'))
            ++m_i;
    }
    bool literal(std::string_view word)
    {
        if (m_s.substr(m_i, word.size()) != word)
            return false;
        m_i += word.size();
        return true;
    }

    bool parseValue(Value &out, int depth)
    {
        if (depth > 256)
            return fail(ProblemCode::JsonTooDeep);
        if (m_i >= m_s.size())
            return fail(ProblemCode::JsonUnexpectedEnd);
        const char c = m_s[m_i];
        switch (c) {
        case '"': {
            std::string s;
            if (!parseString(s))
                return false;
            out.v = std::move(s);
            return true;
        }
        case '[': return parseArray(out, depth);
        case '{': return parseObject(out, depth);
        case 't': if (literal("true")) { out.v = true; return true; } break;
        case 'f': if (literal("false")) { out.v = false; return true; } break;
        case 'n': if (literal("null")) { out.v = Null{}; return true; } break;
        // Python's json module also reads these.
        case 'N': if (literal("NaN")) { out.v = std::numeric_limits<double>::quiet_NaN(); out.numberText = "NaN"; return true; } break;
        case 'I': if (literal("Infinity")) { out.v = std::numeric_limits<double>::infinity(); out.numberText = "Infinity"; return true; } break;
        default:
            if (c == '-' || (c >= '0' && c <= '9'))
                return parseNumber(out);
        }
        return fail(ProblemCode::JsonExpectedValue);
    }

    bool parseNumber(Value &out)
    {
        const std::size_t start = m_i;
        if (m_s[m_i] == '-') {
            ++m_i;
            if (literal("Infinity")) {
                out.v = -std::numeric_limits<double>::infinity();
                out.numberText = "-Infinity";
                return true;
            }
        }
        auto digits = [&] {
            std::size_t n = 0;
            while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9') {
                ++m_i;
                ++n;
            }
            return n;
        };
        if (m_i < m_s.size() && m_s[m_i] == '0')
            ++m_i;
        else if (digits() == 0)
            return fail(ProblemCode::JsonBadNumber);
        if (m_i < m_s.size() && m_s[m_i] == '.') {
            ++m_i;
            if (digits() == 0)
                return fail(ProblemCode::JsonNoFractionDigits);
        }
        if (m_i < m_s.size() && (m_s[m_i] == 'e' || m_s[m_i] == 'E')) {
            ++m_i;
            if (m_i < m_s.size() && (m_s[m_i] == '+' || m_s[m_i] == '-'))
                ++m_i;
            if (digits() == 0)
                return fail(ProblemCode::JsonNoExponentDigits);
        }
        out.numberText = std::string(m_s.substr(start, m_i - start));
        // JSON numbers are a subset of what Python's float() reads.
        const double d = pythonFloat(out.numberText).value_or(0.0);
        out.v = d;
        return true;
    }

    bool hex4(std::uint32_t &v)
    {
        if (m_i + 4 > m_s.size())
            return fail(ProblemCode::JsonTruncatedUnicodeEscape);
        v = 0;
        for (int k = 0; k < 4; ++k) {
            const char h = m_s[m_i + k];
            v <<= 4;
            if (h >= '0' && h <= '9') v |= h - '0';
            else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
            else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
            else return fail(ProblemCode::JsonBadUnicodeEscape);
        }
        m_i += 4;
        return true;
    }

    bool parseString(std::string &out)
    {
        ++m_i; // opening quote
        for (;;) {
            if (m_i >= m_s.size())
                return fail(ProblemCode::JsonUnterminatedString);
            const auto c = static_cast<unsigned char>(m_s[m_i]);
            if (c == '"') {
                ++m_i;
                return true;
            }
            if (c < 0x20)
                return fail(ProblemCode::JsonControlCharacter);
            if (c == '\\') {
                ++m_i;
                if (m_i >= m_s.size())
                    return fail(ProblemCode::JsonUnterminatedString);
                const char e = m_s[m_i++];
                switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    std::uint32_t cp;
                    if (!hex4(cp))
                        return false;
                    // A high surrogate followed by \u low surrogate is one
                    // character, as in Python; lone ones are kept.
                    if (cp >= 0xD800 && cp <= 0xDBFF && m_s.substr(m_i, 2) == "\\u") {
                        const std::size_t save = m_i;
                        m_i += 2;
                        std::uint32_t lo;
                        if (hex4(lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        } else {
                            m_err = ProblemCode::Verbatim; // no error after all
                            m_i = save;
                        }
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default:
                    --m_i;
                    return fail(ProblemCode::JsonBadEscape);
                }
                continue;
            }
            std::uint32_t cp;
            const std::size_t at = m_i;
            if (!decodeUtf8(m_s, m_i, cp, false)) {
                m_i = at;
                return fail(ProblemCode::JsonInvalidUtf8);
            }
            out.append(m_s.substr(at, m_i - at));
        }
    }

    bool parseArray(Value &out, int depth)
    {
        ++m_i;
        Array arr;
        skipWs();
        if (m_i < m_s.size() && m_s[m_i] == ']') {
            ++m_i;
            out.v = std::move(arr);
            return true;
        }
        for (;;) {
            skipWs();
            Value v;
            if (!parseValue(v, depth + 1))
                return false;
            arr.push_back(std::move(v));
            skipWs();
            if (m_i >= m_s.size())
                return fail(ProblemCode::JsonUnterminatedArray);
            if (m_s[m_i] == ',') {
                ++m_i;
                continue;
            }
            if (m_s[m_i] == ']') {
                ++m_i;
                out.v = std::move(arr);
                return true;
            }
            return fail(ProblemCode::JsonExpectedCommaOrBracket);
        }
    }

    bool parseObject(Value &out, int depth)
    {
        ++m_i;
        Object obj;
        skipWs();
        if (m_i < m_s.size() && m_s[m_i] == '}') {
            ++m_i;
            out.v = std::move(obj);
            return true;
        }
        for (;;) {
            skipWs();
            if (m_i >= m_s.size() || m_s[m_i] != '"')
                return fail(ProblemCode::JsonExpectedKey);
            std::string name;
            if (!parseString(name))
                return false;
            skipWs();
            if (m_i >= m_s.size() || m_s[m_i] != ':')
                return fail(ProblemCode::JsonExpectedColon);
            ++m_i;
            skipWs();
            Value v;
            if (!parseValue(v, depth + 1))
                return false;
            obj.emplace_back(std::move(name), std::move(v));
            skipWs();
            if (m_i >= m_s.size())
                return fail(ProblemCode::JsonUnterminatedObject);
            if (m_s[m_i] == ',') {
                ++m_i;
                continue;
            }
            if (m_s[m_i] == '}') {
                ++m_i;
                out.v = std::move(obj);
                return true;
            }
            return fail(ProblemCode::JsonExpectedCommaOrBrace);
        }
    }
};

constexpr char kHex[] = "0123456789abcdef";

void appendU(std::string &out, std::uint32_t u)
{
    out += "\\u";
    out += kHex[(u >> 12) & 0xF];
    out += kHex[(u >> 8) & 0xF];
    out += kHex[(u >> 4) & 0xF];
    out += kHex[u & 0xF];
}

} // namespace

Result<Value, Problem> parse(std::string_view text)
{
    return Parser(text).run();
}

void appendPythonString(std::string &out, std::string_view s)
{
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; ++i; continue;
        case '\\': out += "\\\\"; ++i; continue;
        case '\n': out += "\\n"; ++i; continue;
        case '\r': out += "\\r"; ++i; continue;
        case '\t': out += "\\t"; ++i; continue;
        case '\b': out += "\\b"; ++i; continue;
        case '\f': out += "\\f"; ++i; continue;
        default: break;
        }
        std::uint32_t cp;
        if (c < 0x80) {
            cp = c;
            ++i;
        } else if (!decodeUtf8(s, i, cp, true)) {
            // Not representable text: escape the byte as a lone surrogate
            // like Python's surrogateescape would hold it.
            cp = 0xDC00 + c;
            ++i;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            appendU(out, 0xD800 + (cp >> 10));
            appendU(out, 0xDC00 + (cp & 0x3FF));
        } else {
            appendU(out, cp);
        }
    }
    out += '"';
}

std::string pythonString(std::string_view utf8)
{
    std::string out;
    appendPythonString(out, utf8);
    return out;
}

std::size_t findInvalidUtf8(std::string_view bytes)
{
    std::size_t i = 0;
    while (i < bytes.size()) {
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t at = i;
        std::uint32_t cp;
        if (!decodeUtf8(bytes, i, cp, false))
            return at;
    }
    return std::string_view::npos;
}

} // namespace promdir::json
