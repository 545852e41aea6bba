#pragma once
// Builds .db file bytes for tests, in any format generation.

#include <cstdint>
#include <cstring>
#include <string>

namespace promdir::test {

class DbBuilder
{
public:
    // stride 16: generation 4 (value + timestamp); 8: generations 1-3.
    explicit DbBuilder(int stride = 16) : m_stride(stride) { m_bytes.assign(8, '\0'); }

    DbBuilder &add(const std::string &key, double value, double timestamp = 0.0)
    {
        appendInt(static_cast<std::int32_t>(key.size()));
        m_bytes += key;
        m_bytes.append(8 - (key.size() + 4) % 8, ' ');
        appendDouble(value);
        if (m_stride == 16)
            appendDouble(timestamp);
        return *this;
    }

    // The bytes with `used` set; `capacity` pads with zeros like the client.
    std::string bytes(std::size_t capacity = 0) const
    {
        std::string b = m_bytes;
        const auto used = static_cast<std::int32_t>(b.size());
        std::memcpy(b.data(), &used, 4);
        if (capacity > b.size())
            b.append(capacity - b.size(), '\0');
        return b;
    }

    static void setInt(std::string &b, std::size_t pos, std::int32_t v) { std::memcpy(b.data() + pos, &v, 4); }

private:
    void appendInt(std::int32_t v) { m_bytes.append(reinterpret_cast<const char *>(&v), 4); }
    void appendDouble(double v) { m_bytes.append(reinterpret_cast<const char *>(&v), 8); }

    int m_stride;
    std::string m_bytes;
};

} // namespace promdir::test
