#include "assist/assist_kind.h"

namespace logidata::assist {

std::optional<AssistKind> ParseAssistKind(std::string_view name) {
  if (name == "filter") return AssistKind::kFilter;
  if (name == "derive") return AssistKind::kDerive;
  if (name == "sql") return AssistKind::kSql;
  if (name == "pipeline") return AssistKind::kPipeline;
  return std::nullopt;
}

std::string AssistKindName(AssistKind kind) {
  switch (kind) {
    case AssistKind::kFilter: return "filter";
    case AssistKind::kDerive: return "derive";
    case AssistKind::kSql: return "sql";
    case AssistKind::kPipeline: return "pipeline";
  }
  return "filter";
}

}  // namespace logidata::assist
