// The Pushgateway's URL rules, as the Python client applies them.
#include "promdir/push/pushgateway.h"

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>

#include <algorithm>
#include <cctype>

namespace promdir {

namespace {

bool isLabelName(std::string_view name)
{
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    return !name.empty() && letter(name.front())
        && std::all_of(name.begin(), name.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

// Python's urllib.parse.quote_plus: letters, digits and "_.-~" stay.
std::string quotePlus(std::string_view value)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || ch == '_' || ch == '.' || ch == '-' || ch == '~') {
            out += ch;
        } else if (ch == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// "/NAME/VALUE" as _escape_grouping_key makes it.
std::string segment(const std::string &name, const std::string &value)
{
    if (value.empty())
        return "/" + name + "@base64/=";
    if (value.find_first_of("/ ") != std::string::npos)
        return "/" + name + "@base64/" + base64Url(value);
    return "/" + name + "/" + quotePlus(value);
}

// The gateway with "http://" when it has no http(s) scheme, without a
// trailing '/'; empty when it names no host.
std::string gatewayBase(std::string gateway)
{
    auto lower = gateway.substr(0, 8);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t hostAt = 0;
    if (lower.starts_with("http://"))
        hostAt = 7;
    else if (lower.starts_with("https://"))
        hostAt = 8;
    else
        gateway.insert(0, "http://"), hostAt = 7;
    while (!gateway.empty() && gateway.back() == '/')
        gateway.pop_back();
    if (gateway.size() <= hostAt || gateway[hostAt] == ':')
        return {};
    return gateway;
}

// "user:password@" before the host: credentials on a command line or in a log.
bool hasUserInfo(std::string_view url)
{
    const auto hostAt = url.find("://") + 3;
    const auto hostEnd = url.find('/', hostAt);
    return url.substr(hostAt, hostEnd == std::string_view::npos ? hostEnd : hostEnd - hostAt).find('@')
        != std::string_view::npos;
}

} // namespace

std::string_view nameOf(PushErrorCode code) noexcept
{
    switch (code) {
    case PushErrorCode::NoJob: return "NoJob";
    case PushErrorCode::BadLabelName: return "BadLabelName";
    case PushErrorCode::RepeatedLabel: return "RepeatedLabel";
    case PushErrorCode::BadGateway: return "BadGateway";
    }
    return "Unknown";
}

std::string base64Url(std::string_view bytes)
{
    using namespace boost::archive::iterators;
    using Encoder = base64_from_binary<transform_width<std::string_view::const_iterator, 6, 8>>;
    std::string out(Encoder(bytes.begin()), Encoder(bytes.end()));
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    out.append((3 - bytes.size() % 3) % 3, '=');
    return out;
}

Result<std::string> pushUrl(const PushGroup &group)
{
    if (group.job.empty())
        return Error{PushErrorCode::NoJob, "the job name is empty"};
    std::string url = gatewayBase(group.gateway);
    if (url.empty())
        return Error{PushErrorCode::BadGateway, "'" + group.gateway + "' names no host"};
    if (hasUserInfo(url))
        return Error{PushErrorCode::BadGateway, "the gateway URL holds credentials: give them in a file instead"};
    auto grouping = group.grouping;
    std::sort(grouping.begin(), grouping.end());
    for (std::size_t i = 0; i < grouping.size(); ++i) {
        const std::string &name = grouping[i].first;
        if (!isLabelName(name))
            return Error{PushErrorCode::BadLabelName, "'" + name + "' is not a label name"};
        if (name == "job" || (i > 0 && grouping[i - 1].first == name))
            return Error{PushErrorCode::RepeatedLabel, "the label '" + name + "' is given twice"};
    }
    url += "/metrics" + segment("job", group.job);
    for (const auto &[name, value] : grouping)
        url += segment(name, value);
    return url;
}

std::chrono::milliseconds pushRetryDelay(int failures, std::chrono::milliseconds first,
                                         std::chrono::milliseconds longest)
{
    std::chrono::milliseconds delay = first;
    for (int i = 1; i < failures && delay < longest; ++i)
        delay *= 2;
    return std::min(delay, longest);
}

} // namespace promdir
