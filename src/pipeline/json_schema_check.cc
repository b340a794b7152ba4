// A JSON Schema checker for the subset module configs use. Errors carry JSON pointers so the UI
// can mark the exact field.
#include <re2/re2.h>

#include <cmath>

#include "pipeline/validator.h"

namespace logidata {

namespace {

std::string TypeOf(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool MatchesType(const std::string& want, const nlohmann::json& v) {
  std::string have = TypeOf(v);
  if (want == have) return true;
  if (want == "number" && have == "integer") return true;
  if (want == "integer" && have == "number") {
    double d = v.get<double>();
    return std::floor(d) == d;
  }
  return false;
}

std::string EscapePointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

void Check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
           std::vector<ValidationIssue>& issues, int depth);

// How well `value` fits `schema` at the top level: the wrong type is far off; for objects, a
// property whose "const" equals the value's (a discriminator such as {"op": "trim"}) is a hit.
size_t Distance(const nlohmann::json& schema, const nlohmann::json& value) {
  auto t = schema.find("type");
  if (t != schema.end() && t->is_string() && !MatchesType(*t, value)) return 1000;
  auto props = schema.find("properties");
  if (value.is_object() && props != schema.end() && props->is_object()) {
    for (const auto& [key, sub] : props->items()) {
      auto c = sub.find("const");
      if (c == sub.end()) continue;
      auto v = value.find(key);
      return v != value.end() && *v == *c ? 0 : 500;
    }
  }
  return 0;
}

size_t CountIssues(const nlohmann::json& schema, const nlohmann::json& value, int depth) {
  std::vector<ValidationIssue> scratch;
  Check(schema, value, "", scratch, depth);
  return scratch.size();
}

void Add(std::vector<ValidationIssue>& issues, const std::string& path, std::string message) {
  ValidationIssue issue;
  issue.path = path;
  issue.message = std::move(message);
  issues.push_back(std::move(issue));
}

void Check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
           std::vector<ValidationIssue>& issues, int depth) {
  if (!schema.is_object() || depth > 32) return;
  if (auto t = schema.find("type"); t != schema.end()) {
    bool ok = false;
    std::string expected;
    if (t->is_string()) {
      ok = MatchesType(*t, value);
      expected = *t;
    } else if (t->is_array()) {
      for (const auto& one : *t) {
        ok |= one.is_string() && MatchesType(one, value);
        expected += (expected.empty() ? "" : " or ") + one.get<std::string>();
      }
    }
    if (!ok) {
      Add(issues, path, "must be " + expected + ", not " + TypeOf(value));
      return;
    }
  }
  if (auto c = schema.find("const"); c != schema.end() && *c != value) {
    Add(issues, path, "must be " + c->dump());
  }
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
    bool found = false;
    for (const auto& option : *e) found |= option == value;
    if (!found) {
      std::string options;
      for (const auto& option : *e) options += (options.empty() ? "" : ", ") + option.dump();
      Add(issues, path, "must be one of " + options + ", not " + value.dump());
    }
  }
  if (value.is_number()) {
    double d = value.get<double>();
    if (auto m = schema.find("minimum"); m != schema.end() && m->is_number() && d < m->get<double>()) {
      Add(issues, path, "must be >= " + m->dump());
    }
    if (auto m = schema.find("maximum"); m != schema.end() && m->is_number() && d > m->get<double>()) {
      Add(issues, path, "must be <= " + m->dump());
    }
    if (auto m = schema.find("exclusiveMinimum"); m != schema.end() && m->is_number() && d <= m->get<double>()) {
      Add(issues, path, "must be > " + m->dump());
    }
  }
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (auto m = schema.find("minLength"); m != schema.end() && m->is_number_integer() &&
                                           s.size() < m->get<size_t>()) {
      Add(issues, path, m->get<size_t>() == 1 ? "must not be empty" : "must have at least " + m->dump() + " characters");
    }
    if (auto m = schema.find("maxLength"); m != schema.end() && m->is_number_integer() &&
                                           s.size() > m->get<size_t>()) {
      Add(issues, path, "must have at most " + m->dump() + " characters");
    }
    if (auto p = schema.find("pattern"); p != schema.end() && p->is_string()) {
      RE2 re(p->get<std::string>(), RE2::Quiet);
      if (re.ok() && !RE2::PartialMatch(s, re)) Add(issues, path, "must match " + p->get<std::string>());
    }
  }
  if (value.is_array()) {
    if (auto m = schema.find("minItems"); m != schema.end() && m->is_number_integer() &&
                                          value.size() < m->get<size_t>()) {
      Add(issues, path, "must have at least " + m->dump() + " item(s)");
    }
    if (auto m = schema.find("maxItems"); m != schema.end() && m->is_number_integer() &&
                                          value.size() > m->get<size_t>()) {
      Add(issues, path, "must have at most " + m->dump() + " item(s)");
    }
    if (auto items = schema.find("items"); items != schema.end() && items->is_object()) {
      for (size_t i = 0; i < value.size(); ++i) Check(*items, value[i], path + "/" + std::to_string(i), issues, depth + 1);
    }
  }
  if (value.is_object()) {
    if (auto req = schema.find("required"); req != schema.end() && req->is_array()) {
      for (const auto& key : *req) {
        if (key.is_string() && !value.contains(key.get<std::string>())) {
          Add(issues, path + "/" + EscapePointer(key), "is required");
        }
      }
    }
    auto props = schema.find("properties");
    auto additional = schema.find("additionalProperties");
    for (const auto& [key, sub] : value.items()) {
      std::string sub_path = path + "/" + EscapePointer(key);
      if (props != schema.end() && props->is_object() && props->contains(key)) {
        Check((*props)[key], sub, sub_path, issues, depth + 1);
      } else if (additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          Add(issues, sub_path, "unknown field");
        } else if (additional->is_object()) {
          Check(*additional, sub, sub_path, issues, depth + 1);
        }
      }
    }
  }
  if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array()) {
    int matches = 0;
    size_t best = SIZE_MAX;
    const nlohmann::json* closest = nullptr;
    for (const auto& option : *one) {
      size_t n = CountIssues(option, value, depth + 1);
      if (n == 0) ++matches;
      // Explain against the option of the value's own type: its errors are the useful ones.
      n += Distance(option, value);
      if (n < best) { best = n; closest = &option; }
    }
    if (matches != 1) {
      if (matches == 0 && closest != nullptr) Check(*closest, value, path, issues, depth + 1);
      else Add(issues, path, "matches more than one allowed form");
    }
  }
  if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array()) {
    bool matched = false;
    size_t best = SIZE_MAX;
    const nlohmann::json* closest = nullptr;
    for (const auto& option : *any) {
      size_t n = CountIssues(option, value, depth + 1);
      matched |= n == 0;
      n += Distance(option, value);
      if (n < best) { best = n; closest = &option; }
    }
    if (!matched && closest != nullptr) Check(*closest, value, path, issues, depth + 1);
  }
}

}  // namespace

void ValidateJsonSchema(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path_prefix,
                        std::vector<ValidationIssue>& issues) {
  Check(schema, value, path_prefix, issues, 0);
}

}  // namespace logidata
