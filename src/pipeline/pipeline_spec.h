// PipelineSpec: the in-memory form of a pipeline document — the JSON file users write, the UI
// saves and the server stores. Parsing checks the document's shape (types of fields, required
// fields); ValidatePipeline (validator.h) checks its meaning. Value type; thread-compatible.
//
// {
//   "id": "orders-daily", "name": "Orders daily", "version": 3, "description": "…",
//   "parameters": {"start_date": {"type": "date", "default": "2024-01-01"}},
//   "nodes": [{"id": "src", "type": "extract", "module": "csv", "name": "Orders",
//              "config": {...}, "position": {"x": 0, "y": 0}}, …],
//   "edges": [{"source": "src", "target": "flt", "source_port": "out", "target_port": "in"}, …],
//   "schedule": {"cron": "0 2 * * *", "timezone": "Europe/Paris", "enabled": true},
//   "notifications": [{"on": ["failure"], "channel": "email", "to": ["ops@example.com"]}]
// }
// Other accepted spellings (older formats, the design documents' dialect) are rewritten into this
// canonical form first (pipeline_format.h).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "pipeline/run_policy.h"

namespace logidata {

struct NodeSpec {
  std::string id;
  std::string type;    // extract | transform | load
  std::string module;  // name within its type
  std::string name;    // display name (optional)
  nlohmann::json config = nlohmann::json::object();
  double x = 0, y = 0;
  // A disabled node does not run, and neither does anything downstream of it (BindPipeline marks
  // them skipped); its config is still checked against the module's schema.
  bool disabled = false;
  // The node's own "retry" and "timeout_seconds" (run_policy.h says what they cover).
  NodePolicy policy;
};

struct EdgeSpec {
  std::string source;
  std::string target;
  std::string source_port;  // empty = the module's first output
  std::string target_port;  // empty = the module's first free input
};

struct ParameterSpec {
  std::string name;
  std::string type = "string";  // string | int | float | date | timestamp | bool
  std::optional<std::string> default_value;
  std::string description;
};

struct PipelineSpec {
  std::string id;
  std::string name;
  int64_t version = 1;
  std::string release;  // the author's release label ("1.0.0"); optional
  std::string description;
  std::vector<ParameterSpec> parameters;
  std::vector<NodeSpec> nodes;
  std::vector<EdgeSpec> edges;
  nlohmann::json schedule = nullptr;       // {"cron", "timezone", "enabled"} or null
  // [{"on": ["success"|"failure"…], "channel": "email", "to": [addresses]}], checked by the parser.
  nlohmann::json notifications = nlohmann::json::array();
  // The run policy's schema_drift (run_policy.h), kept here because it changes what loaders do:
  // "evolve" lets database loaders add new input columns to their targets, in the CLI too.
  std::string schema_drift = "ignore";

  // Index of node `id`, or -1.
  int NodeIndex(std::string_view id) const;
  nlohmann::json ToJson() const;
};

// Parses a pipeline document (any accepted spelling, see pipeline_format.h). Shape errors name the JSON path ("/nodes/2/config: must be an
// object"); syntax errors name the line and column ("pipeline.json:12:5: expected ','").
Result<PipelineSpec> ParsePipelineJson(const nlohmann::json& doc);
Result<PipelineSpec> ParsePipelineText(std::string_view text, std::string_view source_name);
Result<PipelineSpec> LoadPipelineFile(const std::string& path);

}  // namespace logidata
