// Request-body checking against the small JSON Schema subset the route table declares (type,
// properties, required, additionalProperties, enum, minLength, maxLength, minimum, maximum,
// items, minItems, maxItems). The same schemas are published in the OpenAPI document, so the
// contract and the checks cannot drift apart. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

struct FieldError {
  std::string field;  // JSON pointer: "/nodes/0/id"
  std::string message;
};

void CheckJsonSchema(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
                     std::vector<FieldError>& errors);

// Parses `body` as JSON and checks it against `schema`. Errors are InvalidArgument with messages
// of the form "/field: message; /other: message" (HttpResponse::FromStatus turns them into a
// problem document's `errors`). An empty body counts as {} when the schema allows an object.
Result<nlohmann::json> ParseJsonBody(const std::string& body, const nlohmann::json& schema);

}  // namespace logidata
