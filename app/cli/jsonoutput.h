#pragma once
// JSON as the commands print it (--json): nlohmann's ordered objects, so
// members come out in the order they are set.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace promdir::cli {

using Json = nlohmann::ordered_json;

// Indented by two, ASCII only (\u escapes, as Python's json.dumps), ending
// with a newline. Bytes that are not UTF-8 (names come from the file system
// and archives) become U+FFFD, so the output is always valid JSON text.
std::string jsonText(const Json &value);
// One string as a JSON string literal, for quoting in text output.
std::string jsonQuoted(std::string_view text);
// A sample value: a number that reads back as the same double; NaN, +Inf
// and -Inf (which JSON has not) as those strings.
Json jsonNumber(double value);
// The text, or null when it is empty.
Json textOrNull(std::string_view text);

} // namespace promdir::cli
