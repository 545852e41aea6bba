#include "progress.h"

#include <cstdio>

#include <sys/ioctl.h>
#include <unistd.h>

namespace promdir::cli {

ProgressBar::ProgressBar(std::string label, bool enabled)
    : m_label(std::move(label)), m_enabled(enabled && ::isatty(STDERR_FILENO)),
      m_start(std::chrono::steady_clock::now())
{
}

ProgressBar::~ProgressBar()
{
    finish();
}

std::string ProgressBar::line(const std::string &label, std::uint64_t done, std::uint64_t total, int width)
{
    const double frac = total ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0.0;
    char tail[64];
    std::snprintf(tail, sizeof tail, " %3d%% %.1f/%.1f MiB", static_cast<int>(frac * 100),
                  static_cast<double>(done) / 1048576.0, static_cast<double>(total) / 1048576.0);
    std::string s = label + " [";
    const int barWidth = std::max(10, width - static_cast<int>(s.size() + 1 + std::string(tail).size()) - 1);
    const int filled = static_cast<int>(frac * barWidth);
    s += std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(barWidth - filled), '.');
    s += "]";
    s += tail;
    return s;
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total)
{
    if (!m_enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_start < std::chrono::milliseconds(500) || now - m_lastDraw < std::chrono::milliseconds(100))
        return;
    m_lastDraw = now;
    int width = 80;
    struct winsize ws{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        width = ws.ws_col;
    const std::string s = line(m_label, done, total, width - 1);
    std::fprintf(stderr, "\r%s", s.c_str());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish()
{
    if (m_drawn) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        m_drawn = false;
    }
}

LoadProgress ProgressBar::callback()
{
    return [this](std::uint64_t done, std::uint64_t total) { update(done, total); };
}

} // namespace promdir::cli
