#include "assist/model_answer.h"

namespace logidata::assist {
namespace {

constexpr size_t kMaxFieldChars = 20000;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The inside of the first ``` fence (with or without a "json" tag), or the text itself.
std::string_view Unfence(std::string_view text) {
  size_t open = text.find("```");
  if (open == std::string_view::npos) return text;
  size_t body = text.find('\n', open);
  if (body == std::string_view::npos) return text;
  std::string_view tag = Trim(text.substr(open + 3, body - open - 3));
  if (!tag.empty() && tag != "json" && tag != "JSON") return text;
  size_t close = text.find("```", body + 1);
  if (close == std::string_view::npos) return text;
  return text.substr(body + 1, close - body - 1);
}

Status RequireString(const nlohmann::json& answer, const char* field, bool required) {
  if (!answer.contains(field)) {
    return required ? Status::DataError(std::string("/") + field + ": is missing from the model's answer") : Status::OK();
  }
  const nlohmann::json& v = answer[field];
  if (!v.is_string()) return Status::DataError(std::string("/") + field + ": must be a string in the model's answer");
  const std::string& s = v.get_ref<const std::string&>();
  if (required && Trim(s).empty()) return Status::DataError(std::string("/") + field + ": is empty in the model's answer");
  if (s.size() > kMaxFieldChars) {
    return Status::DataError(std::string("/") + field + ": longer than " + std::to_string(kMaxFieldChars) + " characters");
  }
  if (s.find('\0') != std::string::npos) return Status::DataError(std::string("/") + field + ": holds a NUL character");
  return Status::OK();
}

}  // namespace

Result<nlohmann::json> ParseModelAnswer(std::string_view content, AssistKind kind) {
  if (content.size() > kMaxAnswerChars) {
    return Status::DataError("the model's answer is longer than " + std::to_string(kMaxAnswerChars) + " characters");
  }
  std::string_view text = Trim(Unfence(Trim(content)));
  if (text.empty()) return Status::DataError("the model's answer is empty");
  nlohmann::json answer;
  try {
    answer = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's message names the byte position: "parse error at line 1, column 2: …".
    std::string why = e.what();
    size_t at = why.find("parse error");
    return Status::DataError("the model's answer is not JSON: " + (at == std::string::npos ? why : why.substr(at)));
  }
  if (!answer.is_object()) return Status::DataError("the model's answer is not a JSON object");
  LD_RETURN_IF_ERROR(RequireString(answer, "explanation", false));
  switch (kind) {
    case AssistKind::kFilter:
      LD_RETURN_IF_ERROR(RequireString(answer, "expression", true));
      break;
    case AssistKind::kDerive:
      LD_RETURN_IF_ERROR(RequireString(answer, "column", true));
      LD_RETURN_IF_ERROR(RequireString(answer, "expression", true));
      break;
    case AssistKind::kSql:
      LD_RETURN_IF_ERROR(RequireString(answer, "query", true));
      break;
    case AssistKind::kPipeline:
      if (!answer.contains("pipeline")) return Status::DataError("/pipeline: is missing from the model's answer");
      if (!answer["pipeline"].is_object()) return Status::DataError("/pipeline: must be an object in the model's answer");
      break;
  }
  return answer;
}

}  // namespace logidata::assist
