#include "promdir/format/json.h"

#include "promdir/format/floatformat.h"
#include "format/utf8_p.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace promdir::json {

namespace {

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
                    utf8::append(out, cp);
                    break;
                }
                default:
                    --m_i;
                    return fail(ProblemCode::JsonBadEscape);
                }
                continue;
            }
            const utf8::Decoded d = utf8::decode(m_s, m_i, utf8::Surrogates::Refuse);
            if (!d.valid)
                return fail(ProblemCode::JsonInvalidUtf8);
            out.append(m_s.substr(m_i, d.length));
            m_i += d.length;
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
        // A byte that is not UTF-8 is escaped as the lone surrogate
        // Python's surrogateescape would hold it as.
        const utf8::Decoded d = utf8::decodeEscaped(s, i);
        std::uint32_t cp = d.codePoint;
        i += d.length;
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
        const utf8::Decoded d = utf8::decode(bytes, i, utf8::Surrogates::Refuse);
        if (!d.valid)
            return i;
        i += d.length;
    }
    return std::string_view::npos;
}

} // namespace promdir::json
