#include "transforms/config_fields.h"

#include <algorithm>
#include <set>

#include "module/module_descriptor.h"

namespace logidata {

std::string JsonPointer(std::string_view parent, std::string_view token) {
  std::string out(parent);
  out += '/';
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string JsonPointer(std::string_view parent, size_t index) {
  return std::string(parent) + "/" + std::to_string(index);
}

const nlohmann::json* FindMember(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::string> RequireString(const nlohmann::json& object, std::string_view key, std::string_view pointer) {
  const nlohmann::json* v = FindMember(object, key);
  if (v == nullptr) return ConfigError(JsonPointer(pointer, key), "is required");
  if (!v->is_string()) return ConfigError(JsonPointer(pointer, key), "must be a string");
  if (v->get_ref<const std::string&>().empty()) return ConfigError(JsonPointer(pointer, key), "must not be empty");
  return v->get<std::string>();
}

Result<std::string> OptionalString(const nlohmann::json& object, std::string_view key, std::string_view pointer,
                                   std::string fallback) {
  const nlohmann::json* v = FindMember(object, key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) return ConfigError(JsonPointer(pointer, key), "must be a string");
  return v->get<std::string>();
}

Result<bool> OptionalBool(const nlohmann::json& object, std::string_view key, std::string_view pointer,
                          bool fallback) {
  const nlohmann::json* v = FindMember(object, key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) return ConfigError(JsonPointer(pointer, key), "must be true or false");
  return v->get<bool>();
}

Result<int64_t> OptionalInt(const nlohmann::json& object, std::string_view key, std::string_view pointer,
                            int64_t fallback, int64_t minimum) {
  const nlohmann::json* v = FindMember(object, key);
  if (v == nullptr) return fallback;
  int64_t value = 0;
  if (v->is_number_integer()) {
    value = v->get<int64_t>();
  } else if (v->is_number_float() && v->get<double>() == static_cast<double>(static_cast<int64_t>(v->get<double>()))) {
    value = static_cast<int64_t>(v->get<double>());
  } else {
    return ConfigError(JsonPointer(pointer, key), "must be an integer");
  }
  if (value < minimum) {
    return ConfigError(JsonPointer(pointer, key), "must be at least " + std::to_string(minimum));
  }
  return value;
}

Result<std::vector<std::string>> OptionalStringArray(const nlohmann::json& object, std::string_view key,
                                                     std::string_view pointer) {
  std::vector<std::string> out;
  const nlohmann::json* v = FindMember(object, key);
  if (v == nullptr) return out;
  const std::string here = JsonPointer(pointer, key);
  if (!v->is_array()) return ConfigError(here, "must be an array of column names");
  for (size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      return ConfigError(JsonPointer(here, i), "must be a non-empty string");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Status RequireOneOf(const std::string& value, const std::vector<std::string>& choices, std::string_view pointer) {
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return Status::OK();
  std::string msg = "'" + value + "' is not one of ";
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) msg += ", ";
    msg += "'" + choices[i] + "'";
  }
  return ConfigError(pointer, msg);
}

Result<int> ResolveColumn(const Schema& schema, const std::string& name, std::string_view pointer) {
  auto index = schema.RequireField(name);
  if (!index.ok()) return ConfigError(pointer, index.status().message());
  return *index;
}

Result<std::vector<int>> ResolveColumns(const Schema& schema, const std::vector<std::string>& names,
                                        std::string_view pointer) {
  std::vector<int> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string here = JsonPointer(pointer, i);
    if (!seen.insert(names[i]).second) return ConfigError(here, "column '" + names[i] + "' is listed twice");
    LD_ASSIGN_OR_RETURN(int idx, ResolveColumn(schema, names[i], here));
    out.push_back(idx);
  }
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace logidata
