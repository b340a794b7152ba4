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

struct JsonSyntaxError {
  size_t line = 1;    // 1-based
  size_t column = 1;  // 1-based, in bytes
  std::string reason;
};

// How deep any JSON the server or the CLI parses may nest. nlohmann parses iteratively, but copies,
// comparisons, dumps and our own recursive walks (schema checks, pipeline parsing) recurse once
// per level, so 100,000 nested arrays in a 200 KB body overflow the stack and take the whole
// server down. No pipeline document, config or API body needs more than a few dozen levels.
inline constexpr int kMaxJsonDepth = 128;

// The message is "<line>:<column>: <reason>", ready to be prefixed with a file name or a field.
// Nesting deeper than kMaxJsonDepth is such an error ("nested deeper than 128 levels").
Result<nlohmann::json> ParseJsonText(std::string_view text);

// ParseJsonText with an explicit nesting limit: arrays and objects nested more than `max_depth`
// levels are refused, at the line and column of the first bracket past the limit, before any
// value is built.
Result<nlohmann::json> ParseJsonLimited(std::string_view text, int max_depth = kMaxJsonDepth);

// For readers that only need "valid or not" (stored documents, WebSocket messages): the value, or
// a discarded value (is_discarded()) on any error, depth included. Never throws.
nlohmann::json ParseJsonOrDiscarded(std::string_view text, int max_depth = kMaxJsonDepth);

// Where `text` first nests deeper than `max_depth`, or nullopt. One pass over the bytes that
// skips strings (and their escapes); does not check the rest of the syntax.
std::optional<JsonSyntaxError> FindJsonTooDeep(std::string_view text, int max_depth = kMaxJsonDepth);

// Where `text` (one JSON value) first goes wrong, or nullopt when it parses. For readers whose
// fast parser says only *that* a document is invalid: one SAX pass that keeps no values (memory
// is the nesting depth), so it suits files of any size.
std::optional<JsonSyntaxError> LocateJsonSyntaxError(std::string_view text);

// The error `reason` at byte `offset` (0-based) of `text`, as line and column.
JsonSyntaxError JsonSyntaxErrorAt(std::string_view text, size_t offset, std::string reason);

}  // namespace logidata
