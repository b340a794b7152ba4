#include "connectors/http/graphql_response.h"

namespace logidata {

namespace {

std::vector<std::string> SplitDotted(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (!path.empty()) {
    size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::string JoinPath(const std::vector<std::string>& parts, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
  return out.empty() ? "data" : out;
}

std::string DescribeOne(const nlohmann::ordered_json& e) {
  if (!e.is_object()) return e.dump();
  std::string out;
  if (e.contains("message") && e["message"].is_string()) out = "\"" + e["message"].get<std::string>() + "\"";
  else out = "(no message)";
  if (e.contains("path") && e["path"].is_array() && !e["path"].empty()) {
    std::string path;
    for (const auto& p : e["path"]) path += (path.empty() ? "" : ".") + (p.is_string() ? p.get<std::string>() : p.dump());
    out += " at path " + path;
  }
  if (e.contains("locations") && e["locations"].is_array()) {
    for (const auto& l : e["locations"]) {
      if (!l.is_object()) continue;
      out += ", line " + (l.contains("line") ? l["line"].dump() : "?") + " column " + (l.contains("column") ? l["column"].dump() : "?");
    }
  }
  if (e.contains("extensions") && e["extensions"].is_object() && e["extensions"].contains("code") &&
      e["extensions"]["code"].is_string()) {
    out += " (" + e["extensions"]["code"].get<std::string>() + ")";
  }
  return out;
}

Status Walk(const nlohmann::ordered_json& node, const std::vector<std::string>& parts, size_t i,
            std::vector<const nlohmann::ordered_json*>& out) {
  if (node.is_null()) return Status::OK();
  if (node.is_array()) {
    for (const auto& element : node) LD_RETURN_IF_ERROR(Walk(element, parts, i, out));
    return Status::OK();
  }
  if (i == parts.size()) {
    if (!node.is_object()) {
      return Status::DataError("the value at record path '" + JoinPath(parts, i) + "' is " + std::string(node.type_name()) +
                               ", not an object or a list of objects");
    }
    out.push_back(&node);
    return Status::OK();
  }
  if (!node.is_object()) {
    return Status::DataError("record path '" + JoinPath(parts, parts.size()) + "': '" + JoinPath(parts, i) + "' is " +
                             std::string(node.type_name()) + ", not an object");
  }
  auto it = node.find(parts[i]);
  if (it == node.end()) {
    return Status::DataError("record path '" + JoinPath(parts, parts.size()) + "': the answer has no field '" + parts[i] +
                             "' in '" + JoinPath(parts, i) + "' (select it in the query)");
  }
  return Walk(*it, parts, i + 1, out);
}

}  // namespace

std::string DescribeGraphqlErrors(const nlohmann::ordered_json& errors) {
  constexpr size_t kShown = 5;
  std::string out = std::to_string(errors.size()) + (errors.size() == 1 ? " error: " : " errors: ");
  for (size_t i = 0; i < errors.size() && i < kShown; ++i) out += (i ? "; " : "") + DescribeOne(errors[i]);
  if (errors.size() > kShown) out += "; and " + std::to_string(errors.size() - kShown) + " more";
  return out;
}

Result<std::vector<const nlohmann::ordered_json*>> FindGraphqlRecords(const nlohmann::ordered_json& data,
                                                                      const std::string& path) {
  std::vector<const nlohmann::ordered_json*> out;
  LD_RETURN_IF_ERROR(Walk(data, SplitDotted(path), 0, out));
  return out;
}

std::string DefaultPageInfoPath(const std::string& record_path) {
  std::vector<std::string> parts = SplitDotted(record_path);
  size_t keep = parts.empty() ? 0 : parts.size() - 1;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "edges" || parts[i] == "nodes") {
      keep = i;
      break;
    }
  }
  std::string prefix;
  for (size_t i = 0; i < keep; ++i) prefix += parts[i] + ".";
  return prefix + "pageInfo";
}

const nlohmann::ordered_json* GraphqlObjectAt(const nlohmann::ordered_json& data, const std::string& path) {
  const nlohmann::ordered_json* cur = &data;
  for (const std::string& part : SplitDotted(path)) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur->is_object() ? cur : nullptr;
}

}  // namespace logidata
