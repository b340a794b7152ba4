// JsonBodyTemplate: a JSON request body whose string values may hold `{column}` placeholders
// (see TextTemplate). A string that is exactly one placeholder takes the column's JSON value, so
// numbers and booleans keep their type; other strings get the value's text. Values are inserted as
// JSON, never spliced into JSON text, so a value cannot change the body's structure. Object keys
// are not templated. Immutable after Parse; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/http/text_template.h"

namespace logidata {

class JsonBodyTemplate {
 public:
  // Parses `body` (any JSON value) found at config pointer `pointer` ("/body").
  static Result<JsonBodyTemplate> Parse(const nlohmann::json& body, const std::string& pointer,
                                        const TextTemplate::SlotResolver& resolve);

  // `texts[slot]` and `values[slot]` are one key's values as text and as JSON.
  nlohmann::json Render(const std::vector<std::string>& texts, const std::vector<nlohmann::json>& values) const;

 private:
  static Status Collect(const nlohmann::json& node, const std::string& pointer, const std::string& config_pointer,
                        const TextTemplate::SlotResolver& resolve, JsonBodyTemplate& out);

  nlohmann::json body_;
  std::vector<std::pair<nlohmann::json::json_pointer, TextTemplate>> strings_;  // templated strings
};

}  // namespace logidata
