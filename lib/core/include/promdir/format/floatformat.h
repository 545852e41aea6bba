#pragma once
// Numbers exactly as the Python client prints them.

#include <string>
#include <string_view>
#include <optional>

namespace promdir {

// Python's repr(float): shortest round-trip digits; 'inf', '-inf', 'nan'.
std::string pythonRepr(double d);
// The reference's floatToGoString: '+Inf', '-Inf', 'NaN', else repr with
// Go-style exponent for positive values >= 1e6 written without one.
std::string floatToGoString(double d);
// Python's float(str) for what the format contains (le bounds): accepts
// surrounding white space, '+'/'-', 'inf', 'infinity', 'nan' in any case,
// '_' between digits.
std::optional<double> pythonFloat(std::string_view s);

} // namespace promdir
