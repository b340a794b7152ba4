#include "server/engine_bridge.h"

#include <memory>

#include "expression/expression.h"
#include "module/builtin_modules.h"
#include "module/connection_types.h"
#include "pipeline/bound_pipeline.h"
#include "pipeline/node_profile.h"
#include "pipeline/node_suggestions.h"
#include "pipeline/run_pipeline.h"
#include "pipeline/validator.h"
#include "profile/profile_json.h"

namespace logidata {
namespace {

// "invalid pipeline document:\n  /a: x\n  /b: y" → "/a: x; /b: y".
Status ReshapeParseError(const Status& st) {
  const std::string& msg = st.message();
  std::string out;
  size_t pos = 0;
  while ((pos = msg.find("\n  ", pos)) != std::string::npos) {
    pos += 3;
    size_t end = msg.find('\n', pos);
    if (!out.empty()) out += "; ";
    out += msg.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  }
  if (out.empty()) out = msg[0] == '/' ? msg : "/: " + msg;
  return Status::InvalidArgument(out);
}

// "/a: x; /b: y" → {("/a", "x"), ("/b", "y")}.
std::vector<std::pair<std::string, std::string>> HttpLikeSplit(const std::string& msg) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < msg.size()) {
    size_t end = msg.find("; /", start);
    std::string part = msg.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t colon = part.find(": ");
    if (colon == std::string::npos) out.emplace_back("/", part);
    else out.emplace_back(part.substr(0, colon), part.substr(colon + 2));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

nlohmann::json SchemaJson(const Schema& schema) {
  nlohmann::json fields = nlohmann::json::array();
  for (const Field& f : schema.fields()) {
    fields.push_back({{"name", f.name}, {"type", f.type.ToString()}, {"nullable", f.nullable}});
  }
  return fields;
}

Result<PipelineSpec> Parse(const nlohmann::json& doc) {
  auto spec = ParsePipelineJson(doc);
  if (!spec.ok()) return ReshapeParseError(spec.status());
  return spec;
}

// How the editor's checks validate a tenant's document: inside its connections, files and
// sandbox, without touching data.
ValidateOptions EditorValidateOptions(const EngineScope& scope) {
  ValidateOptions options;
  options.connections = scope.connections;
  options.fs = scope.fs;
  options.sandbox = scope.sandbox;
  options.base_dir = scope.base_dir;
  options.can_touch_data = false;
  return options;
}

}  // namespace

Status CheckPipelineShape(const nlohmann::json& doc) {
  auto spec = Parse(doc);
  return spec.ok() ? Status::OK() : spec.status();
}

nlohmann::json ValidatePipelineJson(const nlohmann::json& doc, const EngineScope& scope) {
  nlohmann::json issues = nlohmann::json::array();
  auto spec = Parse(doc);
  if (!spec.ok()) {
    auto problem = HttpLikeSplit(spec.status().message());
    for (auto& [path, message] : problem) {
      issues.push_back({{"path", path}, {"node_id", nullptr}, {"message", message}, {"severity", "error"}});
    }
    return {{"valid", false}, {"issues", issues}};
  }
  bool valid = true;
  for (const ValidationIssue& issue : ValidatePipeline(*spec, BuiltinModules(), EditorValidateOptions(scope))) {
    issues.push_back(issue.ToJson());
    if (issue.severity == "error") valid = false;
  }
  return {{"valid", valid}, {"issues", issues}};
}

namespace {

// How the server runs a preview or a profile for a tenant: inside its connections, files and
// sandbox, cancellable, on two threads (several tenants share the machine).
RunOptions ScopedRunOptions(const EngineScope& scope) {
  RunOptions run;
  run.connections = scope.connections;
  run.fs = scope.fs;
  run.sandbox = scope.sandbox;
  run.base_dir = scope.base_dir;
  run.cancel = scope.cancel;
  run.threads = 2;
  return run;
}

}  // namespace

Result<nlohmann::json> PreviewJson(const nlohmann::json& doc, const std::string& node_id, int64_t offset, int64_t limit,
                                   const EngineScope& scope) {
  LD_ASSIGN_OR_RETURN(PipelineSpec spec, Parse(doc));
  if (spec.NodeIndex(node_id) < 0) return Status::InvalidArgument("/node_id: no node '" + node_id + "' in the pipeline");
  PreviewOptions preview;
  preview.node_id = node_id;
  preview.offset = offset;
  preview.limit = limit;
  RunOptions run = ScopedRunOptions(scope);
  LD_ASSIGN_OR_RETURN(PreviewResult result, PreviewNode(spec, BuiltinModules(), preview, run));
  nlohmann::json rows = nlohmann::json::array();
  for (const BatchPtr& batch : result.rows) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      nlohmann::json row = nlohmann::json::array();
      for (int c = 0; c < batch->schema()->num_fields(); ++c) {
        row.push_back(nlohmann::json::parse(batch->column(c)->GetValue(r).ToJson(), nullptr, false));
      }
      rows.push_back(std::move(row));
    }
  }
  nlohmann::json profiles = nlohmann::json::array();
  for (const ColumnProfile& p : result.profiles) {
    profiles.push_back({{"name", p.name},
                        {"type", p.type.ToString()},
                        {"count", p.count},
                        {"nulls", p.nulls},
                        {"distinct_estimate", p.distinct_estimate},
                        {"min", p.min},
                        {"max", p.max},
                        {"histogram", {{"labels", p.histogram_labels}, {"counts", p.histogram_counts}}}});
  }
  return nlohmann::json{{"schema", result.schema ? SchemaJson(*result.schema) : nlohmann::json::array()},
                        {"rows", rows},
                        {"sample_rows", result.sample_rows},
                        {"exhausted", result.exhausted},
                        {"profiles", profiles},
                        {"seconds", result.seconds}};
}

Result<nlohmann::json> ProfileJson(const nlohmann::json& doc, const std::string& node_id, int64_t max_rows,
                                   const EngineScope& scope) {
  LD_ASSIGN_OR_RETURN(PipelineSpec spec, Parse(doc));
  if (spec.NodeIndex(node_id) < 0) return Status::InvalidArgument("/node_id: no node '" + node_id + "' in the pipeline");
  NodeProfileOptions options;
  options.node_id = node_id;
  options.max_rows = max_rows;
  RunOptions run = ScopedRunOptions(scope);
  LD_ASSIGN_OR_RETURN(NodeProfile result, ProfileNode(spec, BuiltinModules(), options, run));
  nlohmann::json out = profile::TableStatisticsToJson(result.statistics, options.profile);
  out["node_id"] = node_id;
  out["profiled_node"] = result.profiled_node;
  out["limited"] = result.limited;
  out["seconds"] = result.seconds;
  // Suggestions are checked as the editor's validation checks a document.
  nlohmann::json suggestions = nlohmann::json::array();
  for (const CheckedSuggestion& s :
       SuggestForNode(spec, BuiltinModules(), result.profiled_node, result.statistics, EditorValidateOptions(scope))) {
    suggestions.push_back(CheckedSuggestionToJson(s));
  }
  out["suggestions"] = suggestions;
  return out;
}

namespace {

// Binds the pipeline up to `node_id` without touching data.
Result<std::pair<PipelineSpec, int>> SpecAndNode(const nlohmann::json& doc, const std::string& node_id) {
  LD_ASSIGN_OR_RETURN(PipelineSpec spec, Parse(doc));
  int index = spec.NodeIndex(node_id);
  if (index < 0) return Status::InvalidArgument("/node_id: no node '" + node_id + "' in the pipeline");
  return std::make_pair(std::move(spec), index);
}

// The editor binds without touching data, with the same paths and connections as runs.
BindOptions EditorBindOptions(const EngineScope& scope) {
  BindOptions bind;
  bind.connections = scope.connections;
  bind.fs = scope.fs;
  bind.sandbox = scope.sandbox;
  bind.base_dir = scope.base_dir;
  bind.can_touch_data = false;
  return bind;
}

// A pipeline bound up to one node without touching data: the editor's view of that node.
struct BoundUpTo {
  std::unique_ptr<PipelineSpec> spec;  // BoundNode::spec points into it
  BoundPipeline bound;
  std::vector<ValidationIssue> issues;
  size_t index = 0;
  const BoundNode& node() const { return bound.nodes[index]; }
};

Result<BoundUpTo> BindUpTo(const nlohmann::json& doc, const std::string& node_id, const EngineScope& scope) {
  LD_ASSIGN_OR_RETURN(auto spec_and_node, SpecAndNode(doc, node_id));
  BoundUpTo out;
  out.spec = std::make_unique<PipelineSpec>(std::move(spec_and_node.first));
  out.index = static_cast<size_t>(spec_and_node.second);
  BindOptions bind = EditorBindOptions(scope);
  bind.only_upstream_of = {node_id};
  out.bound = BindPipeline(*out.spec, BuiltinModules(), bind, out.issues);
  return out;
}

}  // namespace

Result<nlohmann::json> NodeSchemaJson(const nlohmann::json& doc, const std::string& node_id,
                                      const EngineScope& scope) {
  LD_ASSIGN_OR_RETURN(BoundUpTo bound, BindUpTo(doc, node_id, scope));
  const BoundNode& node = bound.node();
  nlohmann::json inputs = nlohmann::json::array();
  for (const SchemaPtr& s : node.input_schemas) inputs.push_back(s ? SchemaJson(*s) : nlohmann::json(nullptr));
  nlohmann::json ports = nlohmann::json::array();
  if (node.op) {
    int port = 0;
    for (const SchemaPtr& s : node.op->output_schemas()) {
      ports.push_back({{"port", port++}, {"schema", s ? SchemaJson(*s) : nlohmann::json::array()}});
    }
  }
  nlohmann::json issue_list = nlohmann::json::array();
  for (const auto& i : bound.issues) issue_list.push_back(i.ToJson());
  return nlohmann::json{{"node_id", node_id}, {"inputs", inputs}, {"ports", ports}, {"issues", issue_list}};
}

Result<nlohmann::json> CheckExpressionJson(const std::string& expression, const nlohmann::json& doc,
                                           const std::string& node_id, const EngineScope& scope) {
  LD_ASSIGN_OR_RETURN(BoundUpTo bound, BindUpTo(doc, node_id, scope));
  const BoundNode& node = bound.node();
  SchemaPtr input = node.input_schemas.empty() ? nullptr : node.input_schemas[0];
  if (!input) {
    return nlohmann::json{{"ok", false},
                          {"type", nullptr},
                          {"error", {{"message", "the node's input schema is not known (fix upstream nodes first)"},
                                     {"line", nullptr},
                                     {"column", nullptr}}}};
  }
  auto compiled = CompileExpression(expression, *input, {});
  if (compiled.ok()) {
    return nlohmann::json{{"ok", true}, {"type", (*compiled)->type().ToString()}, {"error", nullptr}};
  }
  // Messages look like "1:8: unknown column …".
  const std::string& msg = compiled.status().message();
  int line = 0, column = 0;
  nlohmann::json error = {{"message", msg}, {"line", nullptr}, {"column", nullptr}};
  if (std::sscanf(msg.c_str(), "%d:%d:", &line, &column) == 2) {
    error["line"] = line;
    error["column"] = column;
    size_t skip = msg.find(": ");
    if (skip != std::string::npos) error["message"] = msg.substr(skip + 2);
  }
  return nlohmann::json{{"ok", false}, {"type", nullptr}, {"error", error}};
}

Result<SchemaPtr> NodeOutputSchema(const nlohmann::json& doc, const std::string& node_id, const EngineScope& scope) {
  LD_ASSIGN_OR_RETURN(BoundUpTo bound, BindUpTo(doc, node_id, scope));
  const BoundNode& node = bound.node();
  if (!node.op || node.op->output_schemas().empty()) return SchemaPtr();
  return node.op->output_schemas()[0];
}

const std::string& ModulesCatalogJson() {
  static const std::string kCatalog = [] {
    nlohmann::json items = nlohmann::json::array();
    for (const ModuleDescriptor* d : BuiltinModules().All()) items.push_back(d->ToJson());
    // The connection types a connection may have (canonical names): the connections page offers these.
    return nlohmann::json{{"items", items}, {"connection_types", CanonicalConnectionTypes(BuiltinModules().All())}}.dump();
  }();
  return kCatalog;
}

}  // namespace logidata
