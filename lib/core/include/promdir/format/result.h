#pragma once
// One shape for everything that gives either a value or an error:
// Result<T> holds a T or an Error{code, message}, in the spirit of
// std::expected (C++23). Parsers of input give Result<T, Problem> instead,
// whose error also says where in the input it is and carries the code and
// arguments of its sentence (format/types.h).
//
//     Result<Writer> writer = Writer::open();
//     if (!writer) { log(writer.error().message); return; }
//     writer->counter(...);
//
// Nothing here throws, whatever is asked of it:
// - value(), * and -> are meant for ok() results (check first). On an
//   error, a type that opts in with invalidWhenFailed (the writer's metric
//   handles) comes back as its default, invalid object; anything else ends
//   the program with the error's message (never undefined behaviour).
// - error() of an ok() result is an empty error (no code, no message).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace promdir {

// The codes of one part of promdir (the writer's, pack's, ...): the part's
// name and the names of its enumerators.
struct ErrorCategory
{
    std::string_view name;                            // "writer", "pack", ...
    std::string_view (*codeName)(int value) noexcept; // "FileInUse", ...
};

namespace detail {
// A category's codeName for an enum E whose enumerators are named by
// `name` (its nameOf): ErrorCategory{"pack", &enumeratorName<PackErrorCode, nameOf>}.
template<typename E, std::string_view (*name)(E) noexcept>
std::string_view enumeratorName(int value) noexcept
{
    return name(static_cast<E>(value));
}
} // namespace detail

// An enum is a code of errors when errorCategory(E), declared beside it and
// found by argument-dependent lookup, gives its category. (No <concepts>
// here: moc cannot read it.)
template<typename E>
concept ErrorCodeEnum = std::is_enum_v<E> && requires(E e) {
    requires noexcept(errorCategory(e));
    requires std::is_same_v<decltype(errorCategory(e)), const ErrorCategory &>;
};

// What went wrong, as an enumerator of any part's code enum:
//     if (r.error().code == WriterErrorCode::FileInUse) ...
//     switch (r.error().code.as<PackErrorCode>().value_or(...)) ...
class ErrorCode
{
public:
    constexpr ErrorCode() noexcept = default; // none
    template<ErrorCodeEnum E>
    constexpr ErrorCode(E code) noexcept : m_category(&errorCategory(code)), m_value(static_cast<int>(code))
    {
    }

    constexpr const ErrorCategory *category() const noexcept { return m_category; }
    constexpr int value() const noexcept { return m_value; }
    // The enumerator, when the code is one of E's.
    template<ErrorCodeEnum E>
    constexpr std::optional<E> as() const noexcept
    {
        if (!sameCategory(m_category, &errorCategory(E{})))
            return std::nullopt;
        return static_cast<E>(m_value);
    }

    friend constexpr bool operator==(const ErrorCode &a, const ErrorCode &b) noexcept
    {
        return a.m_value == b.m_value && sameCategory(a.m_category, b.m_category);
    }

private:
    // By name too: a category defined in a header may have one address per
    // shared library.
    static constexpr bool sameCategory(const ErrorCategory *a, const ErrorCategory *b) noexcept
    {
        return a == b || (a && b && a->name == b->name);
    }
    const ErrorCategory *m_category = nullptr;
    int m_value = 0;
};

// The enumerator's name ("FileInUse"); empty for no code. (nameOf, not
// toString: QtTest's QCOMPARE finds a toString by argument-dependent lookup
// and needs it to return char*.)
inline std::string_view nameOf(const ErrorCode &code) noexcept
{
    return code.category() ? code.category()->codeName(code.value()) : std::string_view();
}

struct Error
{
    ErrorCode code;
    std::string message; // one clear English sentence, with the file when there is one
};

struct Problem; // format/types.h: an error found in input, with where it is

// value() of a failed Result ends the program, unless T opts in here: its
// default value is then a harmless invalid object, handed out instead.
template<typename T>
inline constexpr bool invalidWhenFailed = false;

namespace detail {
// The error() of an ok result (defined in the library: no static object in
// this header, so no exit-time destructor in users' programs).
template<typename E>
const E &emptyError() noexcept;
template<>
const Error &emptyError<Error>() noexcept;
template<>
const Problem &emptyError<Problem>() noexcept;
[[noreturn]] void failedValueUsed(const std::string &message) noexcept;
} // namespace detail

template<typename T, typename E = Error>
class [[nodiscard]] Result
{
    static_assert(std::is_same_v<E, Error> || std::is_same_v<E, Problem>, "errors are an Error or a Problem");
    static_assert(!std::is_same_v<std::remove_cv_t<T>, E>, "a value of the error's type would be ambiguous");

public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(E error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const noexcept { return m_v.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T &value() & noexcept { return get(); }
    const T &value() const & noexcept { return const_cast<Result *>(this)->get(); }
    T &&value() && noexcept { return std::move(get()); }
    T *operator->() noexcept { return &get(); }
    const T *operator->() const noexcept { return &const_cast<Result *>(this)->get(); }
    T &operator*() & noexcept { return get(); }
    const T &operator*() const & noexcept { return const_cast<Result *>(this)->get(); }
    T &&operator*() && noexcept { return std::move(get()); }

    const E &error() const noexcept
    {
        const E *e = std::get_if<1>(&m_v);
        return e ? *e : detail::emptyError<E>();
    }

private:
    struct NoFallback
    {
    };

    T &get() noexcept
    {
        if (T *v = std::get_if<0>(&m_v)) [[likely]]
            return *v;
        if constexpr (invalidWhenFailed<T>)
            return m_invalid;
        else
            detail::failedValueUsed(std::get<1>(m_v).message);
    }

    std::variant<T, E> m_v;
    // A failed result of an opting-in type carries its own invalid object.
    [[no_unique_address]] std::conditional_t<invalidWhenFailed<T>, T, NoFallback> m_invalid{};
};

// Success or an error, with nothing to give back.
template<typename E>
class [[nodiscard]] Result<void, E>
{
    static_assert(std::is_same_v<E, Error> || std::is_same_v<E, Problem>, "errors are an Error or a Problem");

public:
    Result() noexcept = default; // success
    Result(E error) : m_error(std::move(error)) {}

    bool ok() const noexcept { return !m_error.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    const E &error() const noexcept { return m_error ? *m_error : detail::emptyError<E>(); }

private:
    std::optional<E> m_error;
};

} // namespace promdir
