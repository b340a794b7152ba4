#include "server/json_body.h"

#include "common/json_text.h"

namespace logidata {
namespace {

bool IsType(const nlohmann::json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer() || (v.is_number_float() && v.get<double>() == static_cast<int64_t>(v.get<double>()));
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  return true;
}

std::string EscapePointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace

void CheckJsonSchema(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
                     std::vector<FieldError>& errors) {
  if (!schema.is_object()) return;
  const std::string where = path.empty() ? "/" : path;
  if (auto it = schema.find("type"); it != schema.end()) {
    bool ok = false;
    std::string names;
    if (it->is_string()) {
      ok = IsType(value, *it);
      names = *it;
    } else if (it->is_array()) {
      for (const auto& t : *it) {
        ok = ok || IsType(value, t);
        names += (names.empty() ? "" : " or ") + t.get<std::string>();
      }
    }
    if (!ok) {
      errors.push_back({where, "must be " + names});
      return;
    }
  }
  if (auto it = schema.find("enum"); it != schema.end() && it->is_array()) {
    bool found = false;
    for (const auto& e : *it) found = found || e == value;
    if (!found) errors.push_back({where, "must be one of " + it->dump()});
  }
  if (value.is_string()) {
    auto len = static_cast<int64_t>(value.get_ref<const std::string&>().size());
    if (schema.contains("minLength") && len < schema["minLength"].get<int64_t>()) {
      errors.push_back({where, "must be at least " + schema["minLength"].dump() + " characters"});
    }
    if (schema.contains("maxLength") && len > schema["maxLength"].get<int64_t>()) {
      errors.push_back({where, "must be at most " + schema["maxLength"].dump() + " characters"});
    }
  }
  if (value.is_number()) {
    double d = value.get<double>();
    if (schema.contains("minimum") && d < schema["minimum"].get<double>()) {
      errors.push_back({where, "must be at least " + schema["minimum"].dump()});
    }
    if (schema.contains("maximum") && d > schema["maximum"].get<double>()) {
      errors.push_back({where, "must be at most " + schema["maximum"].dump()});
    }
  }
  if (value.is_array()) {
    auto n = static_cast<int64_t>(value.size());
    if (schema.contains("minItems") && n < schema["minItems"].get<int64_t>()) {
      errors.push_back({where, "must have at least " + schema["minItems"].dump() + " items"});
    }
    if (schema.contains("maxItems") && n > schema["maxItems"].get<int64_t>()) {
      errors.push_back({where, "must have at most " + schema["maxItems"].dump() + " items"});
    }
    if (auto items = schema.find("items"); items != schema.end()) {
      for (size_t i = 0; i < value.size(); ++i) {
        CheckJsonSchema(*items, value[i], path + "/" + std::to_string(i), errors);
      }
    }
  }
  if (value.is_object()) {
    const auto props = schema.find("properties");
    if (auto req = schema.find("required"); req != schema.end() && req->is_array()) {
      for (const auto& name : *req) {
        if (!value.contains(name.get<std::string>())) {
          errors.push_back({path + "/" + EscapePointer(name), "is required"});
        }
      }
    }
    auto additional = schema.find("additionalProperties");
    for (const auto& [key, child] : value.items()) {
      std::string child_path = path + "/" + EscapePointer(key);
      if (props != schema.end() && props->contains(key)) {
        CheckJsonSchema((*props)[key], child, child_path, errors);
      } else if (additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          errors.push_back({child_path, "unknown field"});
        } else if (additional->is_object()) {
          CheckJsonSchema(*additional, child, child_path, errors);
        }
      }
    }
  }
}

Result<nlohmann::json> ParseJsonBody(const std::string& body, const nlohmann::json& schema) {
  nlohmann::json value;
  bool blank = body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) {
    value = nlohmann::json::object();
  } else {
    auto parsed = ParseJsonText(body);
    if (!parsed.ok()) {
      const std::string& msg = parsed.status().message();  // "line:column: reason"
      size_t colon = msg.find(':'), split = msg.find(": ");
      return Status::InvalidArgument("/: malformed JSON at line " + msg.substr(0, colon) + ", column " +
                                     msg.substr(colon + 1, split - colon - 1) + ": " + msg.substr(split + 2));
    }
    value = std::move(parsed).value();
  }
  std::vector<FieldError> errors;
  CheckJsonSchema(schema, value, "", errors);
  if (errors.empty()) return value;
  std::string msg;
  for (const auto& e : errors) {
    if (!msg.empty()) msg += "; ";
    msg += e.field + ": " + e.message;
  }
  return Status::InvalidArgument(msg);
}

}  // namespace logidata
