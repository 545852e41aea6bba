// The credentials file, parsed once for serve and push.
#include "promdir/auth/credentials.h"

namespace promdir {

namespace {

// White space as QByteArray::trimmed() sees it, what `serve` always skipped.
bool blank(std::string_view line)
{
    return line.find_first_not_of(" \t\n\v\f\r") == std::string_view::npos;
}

bool comment(std::string_view line)
{
    return line[line.find_first_not_of(" \t\n\v\f\r")] == '#';
}

} // namespace

std::string_view nameOf(CredentialsErrorCode code) noexcept
{
    switch (code) {
    case CredentialsErrorCode::BadLine: return "BadLine";
    case CredentialsErrorCode::NoUser: return "NoUser";
    }
    return "Unknown";
}

Result<std::vector<CredentialsEntry>> parseCredentials(std::string_view text, std::string_view fileName)
{
    std::vector<CredentialsEntry> entries;
    int lineNo = 0;
    for (std::size_t at = 0; at <= text.size();) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        std::string_view line = text.substr(at, end - at);
        at = end + 1;
        ++lineNo;
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        if (blank(line) || comment(line))
            continue;
        const std::size_t colon = line.find(':');
        if (colon == 0 || colon == std::string_view::npos)
            return Error{CredentialsErrorCode::BadLine,
                         std::string(fileName) + ":" + std::to_string(lineNo) + ": expected user:password"};
        entries.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)), lineNo});
    }
    if (entries.empty())
        return Error{CredentialsErrorCode::NoUser, "credentials file " + std::string(fileName) + " names no user"};
    return entries;
}

Result<CredentialsFile> readCredentialsFile(const std::filesystem::path &path)
{
    const auto file = readUserFile(path, "credentials file", kMaxCredentialsBytes);
    if (!file)
        return file.error();
    auto entries = parseCredentials(file->bytes, path.string());
    if (!entries)
        return entries.error();
    CredentialsFile out;
    out.entries = std::move(*entries);
    if (file->readableByOthers)
        out.warning = "credentials file " + path.string() + " is readable by others; chmod 600 it";
    return out;
}

} // namespace promdir
