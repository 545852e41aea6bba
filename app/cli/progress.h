#pragma once
// A progress bar on stderr for long loads (archives). Shown only when
// stderr is a terminal and loading has taken more than half a second;
// erased when done, so pipes and logs never see it.

#include "promdir/read/directory.h"

#include <chrono>
#include <string>

namespace promdir::cli {

class ProgressBar
{
public:
    explicit ProgressBar(std::string label, bool enabled = true);
    ~ProgressBar();
    ProgressBar(const ProgressBar &) = delete;
    ProgressBar &operator=(const ProgressBar &) = delete;

    void update(std::uint64_t done, std::uint64_t total);
    void finish(); // erases the bar if it was drawn
    // A LoadOptions::progress callback drawing this bar.
    LoadProgress callback();

    // The line for `done` of `total` in `width` columns (tests).
    static std::string line(const std::string &label, std::uint64_t done, std::uint64_t total, int width);

private:
    std::string m_label;
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_lastDraw;
};

} // namespace promdir::cli
