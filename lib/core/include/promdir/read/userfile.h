#pragma once
// Files the user names that are not metrics files: a credentials file, a
// TLS certificate or key, a CA file. Read whole, small, and safely: only a
// regular file is opened (a FIFO would block open() until a writer comes, a
// device like /dev/zero never ends), without blocking (O_NONBLOCK), and a
// file larger than the cap is refused before it is read. A symbolic link
// is followed: the user gave the path. Archives are opened by the same rule
// (loadArchive, detectArchiveFile) and read as a stream under their limits.
//
//     auto pem = readUserFile("/etc/promdir/tls.crt", "certificate file", kMaxPemBytes);
//     if (!pem) std::cerr << pem.error().message; // "cannot read certificate file /etc/...: a FIFO, not a regular file"

#include "promdir/format/result.h"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace promdir {

enum class UserFileErrorCode {
    CannotOpen, // missing, no permission, ... (the system's words)
    NotAFile,   // a folder, FIFO, socket or device
    TooLarge,   // over the cap
    ReadFailed, // an I/O error while reading
};
std::string_view nameOf(UserFileErrorCode code) noexcept;
inline constexpr ErrorCategory kUserFileErrors{"userfile", &detail::enumeratorName<UserFileErrorCode, nameOf>};
constexpr const ErrorCategory &errorCategory(UserFileErrorCode) noexcept
{
    return kUserFileErrors;
}

// Caps: a credentials file is a few lines; a PEM bundle of every CA of a
// system is under 1 MiB.
inline constexpr std::size_t kMaxCredentialsBytes = std::size_t(1) << 20;
inline constexpr std::size_t kMaxPemBytes = std::size_t(16) << 20;

struct UserFile
{
    std::string bytes;
    bool readableByOthers = false; // its group or everyone may read it
};

// The whole file at `path`, at most `maxBytes`. `what` names it in the
// error: "cannot read <what> <path>: <why>".
Result<UserFile> readUserFile(const std::filesystem::path &path, std::string_view what, std::size_t maxBytes);

} // namespace promdir
