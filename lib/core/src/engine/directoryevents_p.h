#pragma once
// Internal: what happened in a directory since the merge engine last
// looked (Linux inotify; elsewhere nothing is known and every refresh
// lists the directory).

#include <filesystem>
#include <string>
#include <unordered_set>

namespace promdir::detail {

// Writes through mmap raise no event; that is fine, only running processes
// write that way and their files are read every time anyway.
class DirectoryEvents
{
public:
    DirectoryEvents() = default;
    ~DirectoryEvents() { close(); }
    DirectoryEvents(const DirectoryEvents &) = delete;
    DirectoryEvents &operator=(const DirectoryEvents &) = delete;

    bool watching() const { return m_fd >= 0; }

    // Starts watching for names that come and go. False when events cannot
    // be had: then every refresh lists and stats. The files' own events
    // (contents, metadata) are not watched yet: a watch for them makes the
    // kernel do extra work on every open, read and close of each file in the
    // folder, with the reading threads contending for one shared count.
    // watchContents() adds them.
    bool watch(const std::filesystem::path &dir);

    // Adds the files' own events to the watch. True when it did so now:
    // then a file may have been written since it was read without an
    // event, and only its stamp can tell.
    bool watchContents(const std::filesystem::path &dir);

    // Drains the queue. Returns false when the listing must be read again
    // (files came, went, or events were lost); `touched` gets file names
    // whose contents or metadata changed.
    bool drain(std::unordered_set<std::string> &touched);

private:
    void close();

    int m_fd = -1;
    bool m_contents = false;
};

} // namespace promdir::detail
