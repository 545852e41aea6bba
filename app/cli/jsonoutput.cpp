#include "jsonoutput.h"

#include "promdir/format/floatformat.h"

#include <cmath>

namespace promdir::cli {

namespace {

std::string dump(const Json &value, int indent)
{
    return value.dump(indent, ' ', /*ensure_ascii=*/true, nlohmann::detail::error_handler_t::replace);
}

} // namespace

std::string jsonText(const Json &value)
{
    return dump(value, 2) + '\n';
}

std::string jsonQuoted(std::string_view text)
{
    return dump(Json(text), -1);
}

Json jsonNumber(double value)
{
    if (std::isfinite(value))
        return value;
    return floatToGoString(value); // "NaN", "+Inf", "-Inf"
}

Json textOrNull(std::string_view text)
{
    return text.empty() ? Json(nullptr) : Json(text);
}

} // namespace promdir::cli
