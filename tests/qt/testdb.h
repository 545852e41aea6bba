#pragma once
// Writes small generation-4 .db files the way the reference does, for tests.

#include "promdir/format/key.h"

#include <QByteArray>
#include <QFile>
#include <QString>

#include <cstring>
#include <string>
#include <vector>

namespace promdir::test {

struct DbEntry
{
    std::string metric;
    std::string sample;
    Labels labels;
    double value = 0.0;
    double timestamp = 0.0;
    std::string help = "help";
};

inline QByteArray dbBytes(const std::vector<DbEntry> &entries)
{
    QByteArray body;
    for (const auto &e : entries) {
        const std::string key = encodeKey(e.metric, e.sample, e.labels, e.help);
        const auto len = static_cast<std::int32_t>(key.size());
        body.append(reinterpret_cast<const char *>(&len), 4);
        body.append(key.data(), static_cast<qsizetype>(key.size()));
        body.append(QByteArray(8 - (len + 4) % 8, ' '));
        body.append(reinterpret_cast<const char *>(&e.value), 8);
        body.append(reinterpret_cast<const char *>(&e.timestamp), 8);
    }
    const std::int32_t used = 8 + static_cast<std::int32_t>(body.size());
    QByteArray out(8, '\0');
    std::memcpy(out.data(), &used, 4);
    out.append(body);
    out.append(QByteArray(4096 - out.size() % 4096, '\0'));
    return out;
}

inline bool writeDb(const QString &path, const std::vector<DbEntry> &entries)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(dbBytes(entries)) > 0;
}

// Rewrites an existing file's bytes in place (no truncation, one write), as
// a live writer's mmap stores do: a reader never sees the file empty.
inline bool overwriteDb(const QString &path, const std::vector<DbEntry> &entries)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite | QIODevice::Unbuffered))
        return false;
    const QByteArray bytes = dbBytes(entries);
    return f.size() == bytes.size() && f.write(bytes) == bytes.size();
}

} // namespace promdir::test
