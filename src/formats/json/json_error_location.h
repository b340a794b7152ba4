// LocateSimdjsonError: where in a JSON text simdjson found it invalid. simdjson says only *that*
// a text is bad; this finds the place on the error path: the first syntax error (a SAX pass, see
// common/json_text.h), else the first place past simdjson's own limits, which that pass allows
// — a leading byte order mark, nesting deeper than simdjson's maximum depth, integers beyond
// 64 bits.
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "common/json_text.h"

namespace logidata {

// Line and column are relative to `text`; nullopt when no bad place is found.
std::optional<JsonSyntaxError> LocateSimdjsonError(std::string_view text);

}  // namespace logidata
