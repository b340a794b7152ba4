#include "pipeline/pipeline_spec.h"

#include "pipeline/run_policy.h"

#include "common/json_text.h"
#include "pipeline/pipeline_format.h"

#include <fstream>
#include <sstream>

namespace logidata {

int PipelineSpec::NodeIndex(std::string_view id) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

nlohmann::json PipelineSpec::ToJson() const {
  nlohmann::json doc = {{"id", id}, {"name", name}, {"version", version}};
  if (!release.empty()) doc["release"] = release;
  if (!description.empty()) doc["description"] = description;
  if (!parameters.empty()) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& p : parameters) {
      nlohmann::json entry = {{"type", p.type}};
      if (p.default_value) entry["default"] = *p.default_value;
      if (!p.description.empty()) entry["description"] = p.description;
      params[p.name] = entry;
    }
    doc["parameters"] = params;
  }
  nlohmann::json nodes_json = nlohmann::json::array();
  for (const auto& n : nodes) {
    nlohmann::json node = {{"id", n.id}, {"type", n.type}, {"module", n.module}, {"config", n.config},
                           {"position", {{"x", n.x}, {"y", n.y}}}};
    if (!n.name.empty()) node["name"] = n.name;
    if (n.disabled) node["disabled"] = true;
    if (n.policy.retry.max_attempts > 1) {
      node["retry"] = {{"max_attempts", n.policy.retry.max_attempts},
                       {"backoff_seconds", n.policy.retry.backoff_seconds},
                       {"max_backoff_seconds", n.policy.retry.max_backoff_seconds}};
    }
    if (n.policy.timeout_seconds > 0) node["timeout_seconds"] = n.policy.timeout_seconds;
    nodes_json.push_back(std::move(node));
  }
  doc["nodes"] = std::move(nodes_json);
  nlohmann::json edges_json = nlohmann::json::array();
  for (const auto& e : edges) {
    nlohmann::json edge = {{"source", e.source}, {"target", e.target}};
    if (!e.source_port.empty()) edge["source_port"] = e.source_port;
    if (!e.target_port.empty()) edge["target_port"] = e.target_port;
    edges_json.push_back(std::move(edge));
  }
  doc["edges"] = std::move(edges_json);
  if (!schedule.is_null()) doc["schedule"] = schedule;
  if (!notifications.empty()) doc["notifications"] = notifications;
  if (schema_drift != "ignore") doc["schema_drift"] = schema_drift;
  return doc;
}

namespace {

// Reads typed fields of one JSON object, collecting shape errors with their JSON paths.
class ShapeReader {
 public:
  explicit ShapeReader(std::vector<std::string>* errors) : errors_(errors) {}

  bool Object(const nlohmann::json& j, const std::string& path) {
    if (j.is_object()) return true;
    errors_->push_back(path + ": must be an object");
    return false;
  }
  std::string String(const nlohmann::json& obj, const std::string& key, const std::string& path, bool required) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) errors_->push_back(path + "/" + key + ": is required");
      return "";
    }
    if (!it->is_string()) {
      errors_->push_back(path + "/" + key + ": must be a string");
      return "";
    }
    return it->get<std::string>();
  }
  double Number(const nlohmann::json& obj, const std::string& key, const std::string& path) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return 0;
    if (!it->is_number()) {
      errors_->push_back(path + "/" + key + ": must be a number");
      return 0;
    }
    return it->get<double>();
  }
  void Error(std::string message) { errors_->push_back(std::move(message)); }

 private:
  std::vector<std::string>* errors_;
};

const char* const kTopLevelKeys[] = {"id", "name", "version", "release", "description", "parameters", "nodes", "edges",
                                     "schedule", "notifications", "$schema", "tags", "metadata",
                                     // Run policy (pipeline/run_policy.h): checked by CheckRunPolicy.
                                     "retry", "timeout_seconds", "concurrency", "priority", "schema_drift",
                                     "anomalies"};
const char* const kNodeKeys[] = {"id", "type", "module", "name", "config", "position", "description", "disabled",
                                 "retry", "timeout_seconds"};
const char* const kEdgeKeys[] = {"id", "source", "target", "source_port", "target_port"};

template <size_t N>
void CheckKnownKeys(const nlohmann::json& obj, const char* const (&known)[N], const std::string& path, ShapeReader& r) {
  for (const auto& [key, value] : obj.items()) {
    bool ok = false;
    for (const char* k : known) ok |= key == k;
    if (!ok) r.Error(path + "/" + key + ": unknown field");
  }
}

}  // namespace

Result<PipelineSpec> ParsePipelineJson(const nlohmann::json& input) {
  std::vector<std::string> errors;
  ShapeReader r(&errors);
  PipelineSpec spec;
  if (!r.Object(input, "")) return Status::InvalidArgument("pipeline document must be a JSON object");
  const nlohmann::json doc = CanonicalizePipelineDocument(input, &errors);
  CheckKnownKeys(doc, kTopLevelKeys, "", r);
  CheckRunPolicy(doc, &errors);
  if (auto d = doc.find("schema_drift"); d != doc.end() && d->is_string()) spec.schema_drift = d->get<std::string>();
  spec.id = r.String(doc, "id", "", /*required=*/false);
  spec.name = r.String(doc, "name", "", /*required=*/true);
  spec.description = r.String(doc, "description", "", false);
  spec.release = r.String(doc, "release", "", false);
  if (auto it = doc.find("version"); it != doc.end() && !it->is_null() && !it->is_string()) {
    // A string version was rewritten (or reported) by the canonicalization.
    if (it->is_number_integer() && it->get<int64_t>() >= 1) spec.version = it->get<int64_t>();
    else errors.push_back("/version: must be an integer >= 1 or a release string such as \"1.0.0\"");
  }
  if (auto it = doc.find("parameters"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) {
      errors.push_back("/parameters: must be an object of name -> {type, default}");
    } else {
      for (const auto& [pname, pval] : it->items()) {
        std::string path = "/parameters/" + pname;
        ParameterSpec p;
        p.name = pname;
        if (pval.is_string() || pval.is_number() || pval.is_boolean()) {
          p.default_value = pval.is_string() ? pval.get<std::string>() : pval.dump();
        } else if (r.Object(pval, path)) {
          p.type = r.String(pval, "type", path, false);
          if (p.type.empty()) p.type = "string";
          static const char* const kTypes[] = {"string", "int", "float", "date", "timestamp", "bool"};
          bool known = false;
          for (const char* t : kTypes) known |= p.type == t;
          if (!known) errors.push_back(path + "/type: must be one of string, int, float, date, timestamp, bool");
          if (auto d = pval.find("default"); d != pval.end() && !d->is_null()) {
            p.default_value = d->is_string() ? d->get<std::string>() : d->dump();
          }
          p.description = r.String(pval, "description", path, false);
        }
        spec.parameters.push_back(std::move(p));
      }
    }
  }
  auto nodes = doc.find("nodes");
  if (nodes == doc.end() || !nodes->is_array()) {
    errors.push_back("/nodes: is required and must be an array");
  } else {
    for (size_t i = 0; i < nodes->size(); ++i) {
      const auto& n = (*nodes)[i];
      std::string path = "/nodes/" + std::to_string(i);
      if (!r.Object(n, path)) continue;
      CheckKnownKeys(n, kNodeKeys, path, r);
      NodeSpec node;
      node.id = r.String(n, "id", path, true);
      node.type = r.String(n, "type", path, true);
      node.module = r.String(n, "module", path, true);
      node.name = r.String(n, "name", path, false);
      if (auto d = n.find("disabled"); d != n.end() && !d->is_null()) {
        if (d->is_boolean()) node.disabled = d->get<bool>();
        else errors.push_back(path + "/disabled: must be true or false");
      }
      node.policy = ReadNodePolicy(n, path, &errors);
      if (auto c = n.find("config"); c != n.end() && !c->is_null()) {
        if (c->is_object()) node.config = *c;
        else errors.push_back(path + "/config: must be an object");
      }
      if (auto p = n.find("position"); p != n.end() && !p->is_null()) {
        if (r.Object(*p, path + "/position")) {
          node.x = r.Number(*p, "x", path + "/position");
          node.y = r.Number(*p, "y", path + "/position");
        }
      }
      spec.nodes.push_back(std::move(node));
    }
  }
  if (auto edges = doc.find("edges"); edges != doc.end() && !edges->is_null()) {
    if (!edges->is_array()) {
      errors.push_back("/edges: must be an array");
    } else {
      for (size_t i = 0; i < edges->size(); ++i) {
        const auto& e = (*edges)[i];
        std::string path = "/edges/" + std::to_string(i);
        if (!r.Object(e, path)) continue;
        CheckKnownKeys(e, kEdgeKeys, path, r);
        EdgeSpec edge;
        edge.source = r.String(e, "source", path, true);
        edge.target = r.String(e, "target", path, true);
        edge.source_port = r.String(e, "source_port", path, false);
        edge.target_port = r.String(e, "target_port", path, false);
        spec.edges.push_back(std::move(edge));
      }
    }
  }
  if (auto s = doc.find("schedule"); s != doc.end() && !s->is_null()) {
    if (!s->is_object()) {
      errors.push_back("/schedule: must be a cron string or an object {cron, timezone, enabled}");
    } else {
      r.String(*s, "cron", "/schedule", true);
      r.String(*s, "timezone", "/schedule", false);
      if (auto en = s->find("enabled"); en != s->end() && !en->is_boolean()) {
        errors.push_back("/schedule/enabled: must be true or false");
      }
      spec.schedule = *s;
    }
  }
  if (auto n = doc.find("notifications"); n != doc.end() && !n->is_null()) {
    if (n->is_array()) spec.notifications = *n;  // entries checked by the canonicalization
    else errors.push_back("/notifications: must be {on_failure: [emails], on_success: [emails]} or an array");
  }
  if (!errors.empty()) {
    std::string msg = "invalid pipeline document:";
    for (const auto& e : errors) msg += "\n  " + e;
    return Status::InvalidArgument(msg);
  }
  return spec;
}

Result<PipelineSpec> ParsePipelineText(std::string_view text, std::string_view source_name) {
  auto parsed = ParseJsonText(text);
  if (!parsed.ok()) {
    const std::string& msg = parsed.status().message();  // "line:column: reason"
    size_t split = msg.find(": ");
    return Status::InvalidArgument(std::string(source_name) + ":" + msg.substr(0, split) + ": invalid JSON: " +
                                   msg.substr(split + 2));
  }
  const nlohmann::json& doc = *parsed;
  auto spec = ParsePipelineJson(doc);
  if (!spec.ok()) return spec.status().WithContext(source_name);
  return spec;
}

Result<PipelineSpec> LoadPipelineFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open pipeline file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParsePipelineText(buffer.str(), path);
}

}  // namespace logidata
