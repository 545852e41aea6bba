#pragma once
// JSON for keys: a parser accepting any JSON text (RFC 8259) and an encoder
// producing exactly the bytes of Python's json.dumps(obj, sort_keys=True).
//
// Strings are held as UTF-8. A lone surrogate escape (\ud800), which Python
// accepts, is held as its 3-byte generalised UTF-8 form (WTF-8) so that the
// encoder reproduces it.

#include "promdir/format/result.h"
#include "promdir/format/types.h"

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

// The value, or why the text is not JSON: a Problem of kind BadJson whose
// code is one of ProblemCode::Json*, at the byte offset in the text where
// it was found (no file).
Result<Value, Problem> parse(std::string_view text);

// json.dumps(s) for one string (with the quotes), ensure_ascii=True.
void appendPythonString(std::string &out, std::string_view utf8);
std::string pythonString(std::string_view utf8);

// Checks strict UTF-8 (no surrogates); returns the offset of the first bad
// byte or npos.
std::size_t findInvalidUtf8(std::string_view bytes);

} // namespace promdir::json
