#pragma once
// What ExporterServer reads from a request, as plain functions of the
// header values and the URL (private to Promdir::Exporter): kept apart
// from the server so that tests/fuzz can feed them any bytes without a
// socket.

#include "metricsservice_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QUrl>

namespace promdir {

// How a /metrics request is answered: the format and name escaping from
// Accept (negotiate),
// gzip from Accept-Encoding (acceptsGzip), and the name[] parameters of
// the query, in order, decoded.
Variant variantFor(const QByteArray &accept, const QByteArray &acceptEncoding, const QUrl &url);

// Whether an Authorization header value carries HTTP Basic credentials
// (RFC 7617) equal to one of `credentials` (user -> password). Every entry
// is compared, in time independent of where the bytes differ, so the
// answer's time says nothing about which users exist. False for an empty
// `credentials`; the caller decides whether auth is required at all.
bool basicAuthAccepts(const QByteArray &authorization, const QHash<QByteArray, QByteArray> &credentials);

} // namespace promdir
