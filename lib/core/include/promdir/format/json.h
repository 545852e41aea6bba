#pragma once
// JSON for keys: a parser accepting any JSON text (RFC 8259) and an encoder
// producing exactly the bytes of Python's json.dumps(obj, sort_keys=True).
//
// Strings are held as UTF-8. A lone surrogate escape (\ud800), which Python
// accepts, is held as its 3-byte generalised UTF-8 form (WTF-8) so that the
// encoder reproduces it.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace promdir::json {

struct Value;
using Array = std::vector<Value>;
// Members in document order; duplicates kept (Python keeps the last).
using Object = std::vector<std::pair<std::string, Value>>;

struct Null {};

struct Value
{
    std::variant<Null, bool, double, std::string, Array, Object> v;
    std::string numberText; // original text of a number

    bool isString() const { return std::holds_alternative<std::string>(v); }
    bool isArray() const { return std::holds_alternative<Array>(v); }
    bool isObject() const { return std::holds_alternative<Object>(v); }
    const std::string &str() const { return std::get<std::string>(v); }
    const Array &array() const { return std::get<Array>(v); }
    const Object &object() const { return std::get<Object>(v); }
};

struct ParseResult
{
    bool ok = false;
    Value value;
    std::size_t errorOffset = 0; // byte offset in the text
    std::string error;
};

ParseResult parse(std::string_view text);

// json.dumps(s) for one string (with the quotes), ensure_ascii=True.
void appendPythonString(std::string &out, std::string_view utf8);
std::string pythonString(std::string_view utf8);

// Checks strict UTF-8 (no surrogates); returns the offset of the first bad
// byte or npos.
std::size_t findInvalidUtf8(std::string_view bytes);

} // namespace promdir::json
