// Result<T> and Error: what they promise whatever they hold (nothing
// throws, error() of an ok result is empty, value() of a failed one ends the
// program unless the type opts in), and error codes of any part compared
// and named.
#include "promdir/format/result.h"
#include "promdir/format/types.h"

#include <QtTest>

#include <csignal>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace sample {

enum class FruitError { Bruised, Rotten };
enum class ToolError { Bruised, Blunt }; // same values, another category

std::string_view fruitName(int v) noexcept
{
    return v == int(FruitError::Bruised) ? "Bruised" : v == int(FruitError::Rotten) ? "Rotten" : "?";
}
std::string_view toolName(int v) noexcept
{
    return v == int(ToolError::Bruised) ? "Bruised" : "Blunt";
}
inline constexpr promdir::ErrorCategory kFruit{"fruit", &fruitName};
inline constexpr promdir::ErrorCategory kTool{"tool", &toolName};
constexpr const promdir::ErrorCategory &errorCategory(FruitError) noexcept { return kFruit; }
constexpr const promdir::ErrorCategory &errorCategory(ToolError) noexcept { return kTool; }
enum class FruitErrorElsewhere { Bruised };
inline constexpr promdir::ErrorCategory kFruitElsewhere{"fruit", &fruitName};
constexpr const promdir::ErrorCategory &errorCategory(FruitErrorElsewhere) noexcept { return kFruitElsewhere; }

// A handle whose default is harmless, like the writer's metric handles.
struct Handle
{
    int id = -1;
    bool valid() const { return id >= 0; }
};

} // namespace sample

template<>
inline constexpr bool promdir::invalidWhenFailed<sample::Handle> = true;

using namespace promdir;
using sample::FruitError;
using sample::ToolError;

namespace {

Result<int> halve(int n)
{
    if (n % 2)
        return Error{FruitError::Rotten, std::to_string(n) + " is odd"};
    return n / 2;
}

Result<void> check(bool good)
{
    if (!good)
        return Error{FruitError::Bruised, "not good"};
    return {};
}

// Runs `f` in a child process; true when it ended by abort() and said
// `expected` on stderr.
template<typename F>
bool abortsSaying(F f, const std::string &expected)
{
    int pipeFds[2];
    if (::pipe(pipeFds) != 0)
        return false;
    const pid_t child = ::fork();
    if (child == 0) {
        const rlimit noCore{0, 0}; // the abort is expected: no core file
        ::setrlimit(RLIMIT_CORE, &noCore);
        std::signal(SIGABRT, SIG_DFL); // not QtTest's crash handler (it looks for a debugger)
        ::dup2(pipeFds[1], 2);
        f();
        ::_exit(0);
    }
    ::close(pipeFds[1]);
    std::string said;
    char buf[256];
    for (ssize_t n; (n = ::read(pipeFds[0], buf, sizeof buf)) > 0;)
        said.append(buf, std::size_t(n));
    ::close(pipeFds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && said.find(expected) != std::string::npos;
}

} // namespace

class TestResult : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valueOrError()
    {
        const auto good = halve(8);
        QVERIFY(good.ok());
        QVERIFY(bool(good));
        QCOMPARE(*good, 4);
        QCOMPARE(good.value(), 4);
        // error() of an ok result: no code, no message.
        QVERIFY(good.error().code == ErrorCode());
        QVERIFY(good.error().message.empty());
        QVERIFY(nameOf(good.error().code).empty());

        const auto bad = halve(7);
        QVERIFY(!bad.ok());
        QVERIFY(!bad);
        QVERIFY(bad.error().code == FruitError::Rotten);
        QCOMPARE(bad.error().message, std::string("7 is odd"));
    }

    void voidResult()
    {
        QVERIFY(check(true).ok());
        QVERIFY(check(true).error().message.empty());
        const Result<void> no = check(false);
        QVERIFY(!no);
        QVERIFY(no.error().code == FruitError::Bruised);
        QCOMPARE(no.error().message, std::string("not good"));
    }

    void accessorsNeverThrow()
    {
        static_assert(noexcept(std::declval<Result<std::string> &>().value()));
        static_assert(noexcept(*std::declval<const Result<std::string> &>()));
        static_assert(noexcept(std::declval<Result<std::string> &>().operator->()));
        static_assert(noexcept(std::declval<const Result<std::string> &>().error()));
        static_assert(noexcept(std::declval<const Result<std::string> &>().ok()));
        static_assert(noexcept(std::declval<const Result<void> &>().error()));
        static_assert(noexcept(std::declval<const Result<int, Problem> &>().error()));
    }

    void codesOfDifferentParts()
    {
        const ErrorCode fruit = FruitError::Bruised;
        const ErrorCode tool = ToolError::Bruised;
        QCOMPARE(fruit.value(), tool.value());
        QVERIFY(!(fruit == tool)); // same number, another part
        QVERIFY(fruit == FruitError::Bruised);
        QVERIFY(!(fruit == FruitError::Rotten));
        QVERIFY(fruit.as<FruitError>() == FruitError::Bruised);
        QVERIFY(!fruit.as<ToolError>().has_value());
        QCOMPARE(nameOf(ErrorCode(ToolError::Blunt)), std::string_view("Blunt"));
        QCOMPARE(fruit.category()->name, std::string_view("fruit"));
        QVERIFY(!(ErrorCode() == fruit));
        // A second copy of a category (as each shared library may hold one
        // of a header's) is the same category.
        QVERIFY(ErrorCode(sample::FruitErrorElsewhere::Bruised) == FruitError::Bruised);
    }

    void failedValueEndsTheProgram()
    {
        // Never undefined behaviour: the message says what was asked.
        QVERIFY(abortsSaying([] { (void)*halve(3); }, "value of a failed Result was used: 3 is odd"));
        QVERIFY(abortsSaying([] { (void)halve(5).value(); }, "5 is odd"));
    }

    void optedInTypeGivesItsInvalidValue()
    {
        const Result<sample::Handle> failed(Error{FruitError::Rotten, "no handle"});
        QVERIFY(!failed);
        QVERIFY(!failed->valid()); // the default object, no abort
        QCOMPARE((*failed).id, -1);
        const Result<sample::Handle> fine(sample::Handle{3});
        QCOMPARE(fine->id, 3);
    }

    void problemsAsErrors()
    {
        // Parsers of input give a Problem: where, what kind, and its sentence.
        const Result<int, Problem> bad(makeProblem({}, 12, ProblemKind::BadJson, ProblemCode::JsonUnterminatedString));
        QVERIFY(!bad);
        QCOMPARE(bad.error().offset, std::uint64_t(12));
        QVERIFY(bad.error().kind == ProblemKind::BadJson);
        QCOMPARE(bad.error().message, std::string("unterminated string"));
        const Result<int, Problem> good(1);
        QVERIFY(good.error().message.empty());
        QVERIFY(good.error().code == ProblemCode::Verbatim);
        QVERIFY(abortsSaying([] { (void)*Result<int, Problem>(makeProblem({}, 0, ProblemKind::Empty, ProblemCode::FileEmpty)); },
                             "file is empty (0 bytes)"));
    }
};

QTEST_GUILESS_MAIN(TestResult)
#include "tst_result.moc"
