#include "promdir/format/result.h"

#include "promdir/format/types.h"

#include <cstdio>
#include <cstdlib>

namespace promdir::detail {

// Never destroyed: an ok result's error() may be asked for during exit.
template<>
const Error &emptyError<Error>() noexcept
{
    static const Error *const none = new Error();
    return *none;
}

template<>
const Problem &emptyError<Problem>() noexcept
{
    static const Problem *const none = new Problem();
    return *none;
}

void failedValueUsed(const std::string &message) noexcept
{
    std::fprintf(stderr, "promdir: the value of a failed Result was used: %s\n", message.c_str());
    std::abort();
}

} // namespace promdir::detail
