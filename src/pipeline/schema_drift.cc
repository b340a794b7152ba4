#include "pipeline/schema_drift.h"

namespace logidata {

nlohmann::json SourceSchemasJson(const BoundPipeline& bound) {
  nlohmann::json out = nlohmann::json::object();
  for (const BoundNode& node : bound.nodes) {
    if (node.skipped || node.op == nullptr || node.spec->type != "extract") continue;
    const auto& schemas = node.op->output_schemas();
    if (schemas.empty() || schemas[0] == nullptr) continue;
    nlohmann::json columns = nlohmann::json::array();
    for (const Field& f : schemas[0]->fields()) columns.push_back({{"name", f.name}, {"type", f.type.ToString()}});
    out[node.spec->id] = std::move(columns);
  }
  return out;
}

namespace {

// The type of column `name` in a [{name, type}] list, or null.
const nlohmann::json* TypeOf(const nlohmann::json& columns, const std::string& name) {
  for (const nlohmann::json& c : columns) {
    if (c.is_object() && c.value("name", "") == name && c.contains("type")) return &c["type"];
  }
  return nullptr;
}

}  // namespace

nlohmann::json DiffSourceSchemas(const nlohmann::json& previous, const nlohmann::json& current) {
  nlohmann::json out = nlohmann::json::array();
  if (!previous.is_object() || !current.is_object()) return out;
  for (const auto& [node_id, columns] : current.items()) {
    auto before = previous.find(node_id);
    if (before == previous.end() || !before->is_array() || !columns.is_array()) continue;
    nlohmann::json added = nlohmann::json::array(), removed = nlohmann::json::array(), retyped = nlohmann::json::array();
    for (const nlohmann::json& c : columns) {
      const std::string name = c.value("name", "");
      const nlohmann::json* was = TypeOf(*before, name);
      if (was == nullptr) {
        added.push_back(c);
      } else if (*was != c["type"]) {
        retyped.push_back({{"name", name}, {"from", *was}, {"to", c["type"]}});
      }
    }
    for (const nlohmann::json& c : *before) {
      if (TypeOf(columns, c.value("name", "")) == nullptr) removed.push_back(c);
    }
    if (added.empty() && removed.empty() && retyped.empty()) continue;
    out.push_back({{"node_id", node_id}, {"added", added}, {"removed", removed}, {"retyped", retyped}});
  }
  return out;
}

std::string DescribeSchemaDrift(const nlohmann::json& drift) {
  std::string out;
  for (const nlohmann::json& d : drift) {
    std::string clauses;
    auto clause = [&](const std::string& text) { clauses += (clauses.empty() ? "" : "; ") + text; };
    auto names = [](const nlohmann::json& columns) {
      std::string s;
      for (const nlohmann::json& c : columns) {
        s += (s.empty() ? "" : ", ") + c.value("name", "") + " (" + c.value("type", "") + ")";
      }
      return s;
    };
    if (!d["added"].empty()) clause("added " + names(d["added"]));
    if (!d["removed"].empty()) clause("removed " + names(d["removed"]));
    if (!d["retyped"].empty()) {
      std::string s;
      for (const nlohmann::json& r : d["retyped"]) {
        s += (s.empty() ? "" : ", ") + r.value("name", "") + " " + r.value("from", "") + " → " + r.value("to", "");
      }
      clause("retyped " + s);
    }
    out += (out.empty() ? "" : " | ") + d.value("node_id", "") + ": " + clauses;
  }
  return out;
}

}  // namespace logidata
