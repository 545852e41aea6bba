#pragma once
// The core's problems in the reader's language. A problem carries a code
// and its arguments (promdir/format/types.h); each code has its sentence
// here, translated like every string of the GUI, and is filled with its
// arguments as the core fills its English one. Without a translation the
// words are the core's own.

#include "promdir/format/types.h"

#include <QString>

#include <span>

namespace promdir {

class ProblemText
{
public:
    // The code's sentence with %1, %2, ... for its arguments; empty for
    // Verbatim.
    static QString sentence(ProblemCode code);
    // The sentence with its arguments, each said in turn.
    static QString of(ProblemCode code, std::span<const Phrase> args);
    static QString of(const Phrase &phrase);
    // A problem's sentence; one made by hand (Verbatim) is its message.
    static QString of(const Problem &problem);
    // "file: offset N: sentence".
    static QString describe(const Problem &problem);
};

} // namespace promdir
