#pragma once
// Internal: threads kept from one use to the next, for loading a directory
// and for merging beside the plan compiler.

#include <functional>

namespace promdir::detail {

// Runs `work` on this thread and on `extra` kept threads at once; returns
// when all are done. False (nothing run) when the kept threads are busy (one
// user at a time) or this process was forked from the one that made them.
bool runOnKeptThreads(unsigned extra, const std::function<void()> &work);

// Runs `a` on this thread and `b` on a kept thread at once (on a new thread
// when the kept ones are busy); returns when both are done.
void runBeside(const std::function<void()> &a, const std::function<void()> &b);

// As runBeside, but when the kept threads are busy, runs `a` then `b` here:
// for work that is worth a second core only when one is idle.
void runBesideIfIdle(const std::function<void()> &a, const std::function<void()> &b);

} // namespace promdir::detail
