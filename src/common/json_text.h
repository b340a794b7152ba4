// ParseJsonText: nlohmann::json parsing that never throws. Syntax errors come back as
// InvalidArgument naming "line:column: reason"; numbers out of range (1e999) are errors too,
// not exceptions that escape past a catch of parse_error. Thread-safe (pure function).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/result.h"

namespace logidata {

// The message is "<line>:<column>: <reason>", ready to be prefixed with a file name or a field.
Result<nlohmann::json> ParseJsonText(std::string_view text);

}  // namespace logidata
