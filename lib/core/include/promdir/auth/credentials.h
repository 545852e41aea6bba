#pragma once
// The credentials file of HTTP basic auth, one format for `promdir serve
// --credentials` (Promdir::Exporter: every user may scrape) and `promdir
// push --credentials` (Promdir::Pusher: the first user is sent):
//
//     # one user:password per line; the password may hold ':'
//     prometheus:s3cr:et
//
// Lines that are blank (white space only) or whose first non-blank
// character is '#' are skipped; a trailing "\r" is dropped; everything
// after the first ':' is the password, spaces included. Read through
// readUserFile: a regular file only, at most kMaxCredentialsBytes.

#include "promdir/format/result.h"
#include "promdir/read/userfile.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace promdir {

enum class CredentialsErrorCode {
    BadLine, // a line that is neither blank, a comment nor user:password
    NoUser,  // no user:password line at all
};
std::string_view nameOf(CredentialsErrorCode code) noexcept;
inline constexpr ErrorCategory kCredentialsErrors{"credentials",
                                                  &detail::enumeratorName<CredentialsErrorCode, nameOf>};
constexpr const ErrorCategory &errorCategory(CredentialsErrorCode) noexcept
{
    return kCredentialsErrors;
}

struct CredentialsEntry
{
    std::string user; // never empty
    std::string password;
    int line = 0;     // 1-based, in the file
};

// Every user:password line of `text`, in file order (a user named twice is
// listed twice). Errors name `fileName` ("creds:3: expected user:password").
Result<std::vector<CredentialsEntry>> parseCredentials(std::string_view text, std::string_view fileName);

struct CredentialsFile
{
    std::vector<CredentialsEntry> entries;
    // Set when others than its owner may read the file: to be shown, the
    // file is still used.
    std::string warning;
};

// The file at `path` read (readUserFile) and parsed.
Result<CredentialsFile> readCredentialsFile(const std::filesystem::path &path);

} // namespace promdir
