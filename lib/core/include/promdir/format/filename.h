#pragma once
// What a file's name says: counter_<pid>.db, gauge_<mode>_<pid>.db, ...

#include "promdir/format/types.h"

namespace promdir {

struct FileName
{
    bool valid = false;          // of the reference's form
    MetricType type = MetricType::Counter;
    GaugeMode mode = GaugeMode::None;
    std::string pid;             // any string without '_'
    Phrase reason;               // why not valid (problemText(reason) in English)
};

FileName parseFileName(std::string_view baseName);

} // namespace promdir
