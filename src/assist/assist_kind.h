// What a user may ask for in words: a filter or a derived column after a node, a SQL extraction
// query for an extract node, or a whole small pipeline. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace logidata::assist {

enum class AssistKind { kFilter, kDerive, kSql, kPipeline };

std::optional<AssistKind> ParseAssistKind(std::string_view name);
std::string AssistKindName(AssistKind kind);

}  // namespace logidata::assist
