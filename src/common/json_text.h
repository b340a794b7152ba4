// ParseJsonText: nlohmann::json parsing that never throws. Syntax errors come back as
// InvalidArgument naming "line:column: reason"; numbers out of range (1e999) are errors too,
// not exceptions that escape past a catch of parse_error. Thread-safe (pure function).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace logidata {

// The message is "<line>:<column>: <reason>", ready to be prefixed with a file name or a field.
Result<nlohmann::json> ParseJsonText(std::string_view text);

struct JsonSyntaxError {
  size_t line = 1;    // 1-based
  size_t column = 1;  // 1-based, in bytes
  std::string reason;
};

// Where `text` (one JSON value) first goes wrong, or nullopt when it parses. For readers whose
// fast parser says only *that* a document is invalid: one SAX pass that keeps no values (memory
// is the nesting depth), so it suits files of any size.
std::optional<JsonSyntaxError> LocateJsonSyntaxError(std::string_view text);

// The error `reason` at byte `offset` (0-based) of `text`, as line and column.
JsonSyntaxError JsonSyntaxErrorAt(std::string_view text, size_t offset, std::string reason);

}  // namespace logidata
