#include "request_p.h"

#include "promdir/render/exposition.h"

#include <QtCore/QUrlQuery>

#include <algorithm>

namespace promdir {

namespace {

bool constantTimeEqual(const QByteArray &a, const QByteArray &b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = std::max(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const char x = i < a.size() ? a[i] : 0;
        const char y = i < b.size() ? b[i] : 0;
        diff |= static_cast<unsigned char>(x ^ y);
    }
    return diff == 0;
}

} // namespace

Variant variantFor(const QByteArray &accept, const QByteArray &acceptEncoding, const QUrl &url)
{
    Variant variant;
    const Negotiated n = negotiate(accept.toStdString());
    variant.format = n.format;
    variant.escaping = n.escaping;
    variant.contentType = n.contentType;
    variant.gzip = acceptsGzip(acceptEncoding.toStdString());
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items)
        if (key == u"name[]")
            variant.names.push_back(value.toStdString());
    return variant;
}

bool basicAuthAccepts(const QByteArray &authorization, const QHash<QByteArray, QByteArray> &credentials)
{
    const QByteArray header = authorization.trimmed();
    if (!header.startsWith("Basic ") && !header.startsWith("basic "))
        return false;
    const QByteArray decoded = QByteArray::fromBase64(header.mid(6).trimmed());
    const qsizetype colon = decoded.indexOf(':');
    if (colon < 0)
        return false;
    const QByteArray user = decoded.left(colon);
    const QByteArray password = decoded.mid(colon + 1);
    bool ok = false;
    for (auto it = credentials.cbegin(); it != credentials.cend(); ++it) {
        // Both always compared (no short-circuit): the time must not tell a known user.
        const bool userMatches = constantTimeEqual(it.key(), user);
        const bool passwordMatches = constantTimeEqual(it.value(), password);
        ok |= userMatches && passwordMatches;
    }
    return ok;
}

} // namespace promdir
