// Reading what the model wrote: the chat content must be one JSON object — bare, or inside a
// ```json fenced block (models add one even when told not to) — of at most kMaxAnswerChars
// characters, with the fields the kind asks for, each a string of bounded length. Anything else is
// DataError with a message for the user ("the model's answer is not JSON: …", "/expression: is
// missing"). Pure; thread-safe.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "assist/assist_kind.h"
#include "common/result.h"

namespace logidata::assist {

inline constexpr size_t kMaxAnswerChars = 64 * 1024;

// The JSON object of the answer, with its fields checked for `kind`:
//   filter:   {"expression": string, "explanation"?: string}
//   derive:   {"column": string, "expression": string, "explanation"?: string}
//   sql:      {"query": string, "explanation"?: string}
//   pipeline: {"pipeline": object, "explanation"?: string}
Result<nlohmann::json> ParseModelAnswer(std::string_view content, AssistKind kind);

}  // namespace logidata::assist
