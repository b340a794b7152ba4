#include "assist/proposal_check.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "assist/extraction_sql_check.h"
#include "expression/expression.h"

namespace logidata::assist {
namespace {

std::string Str(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// Issues of a validation result, as "path: message" per error.
std::vector<std::string> Errors(const nlohmann::json& validation) {
  std::vector<std::string> out;
  if (!validation.contains("issues") || !validation["issues"].is_array()) return out;
  for (const nlohmann::json& issue : validation["issues"]) {
    if (Str(issue, "severity") != "error") continue;
    std::string path = Str(issue, "path");
    out.push_back((path.empty() ? std::string("/") : path) + ": " + Str(issue, "message"));
  }
  return out;
}

// The errors of `after` that `before` did not have, or OK. `prefix` is put before each path.
Status NewErrors(const ProposalContext& context, const nlohmann::json& before_doc, const nlohmann::json& after_doc,
                 const std::string& prefix) {
  if (!context.validate) return Status::OK();
  std::vector<std::string> before = Errors(context.validate(before_doc));
  std::set<std::string> known(before.begin(), before.end());
  std::string message;
  for (const std::string& e : Errors(context.validate(after_doc))) {
    if (known.count(e) > 0) continue;
    if (!message.empty()) message += "; ";
    message += prefix + e;
  }
  return message.empty() ? Status::OK() : Status::InvalidArgument(message);
}

// The node `id` of `doc`, or null.
const nlohmann::json* FindNode(const nlohmann::json& doc, const std::string& id) {
  if (!doc.contains("nodes") || !doc["nodes"].is_array()) return nullptr;
  for (const nlohmann::json& n : doc["nodes"]) {
    if (n.is_object() && Str(n, "id") == id) return &n;
  }
  return nullptr;
}

// A node id not used in `doc`: base, base_2, base_3…
std::string FreeId(const nlohmann::json& doc, const std::string& base) {
  std::string id = base;
  for (int n = 2; FindNode(doc, id) != nullptr; ++n) id = base + "_" + std::to_string(n);
  return id;
}

// `doc` with `node` inserted after `after` (as InsertNodeAfter does on a PipelineSpec): it takes
// `after`'s main output; edges that left that output now leave the new node.
nlohmann::json InsertAfter(nlohmann::json doc, const std::string& after, nlohmann::json node) {
  if (const nlohmann::json* before = FindNode(doc, after); before != nullptr && before->contains("position")) {
    const nlohmann::json& p = (*before)["position"];
    if (p.is_object() && p.value("x", nlohmann::json()).is_number() && p.value("y", nlohmann::json()).is_number()) {
      node["position"] = {{"x", p["x"].get<double>() + 40}, {"y", p["y"].get<double>() + 120}};
    }
  }
  if (!doc.contains("edges") || !doc["edges"].is_array()) doc["edges"] = nlohmann::json::array();
  for (nlohmann::json& edge : doc["edges"]) {
    std::string port = Str(edge, "source_port");
    if (Str(edge, "source") == after && (port.empty() || port == "out")) {
      edge["source"] = node["id"];
      edge.erase("source_port");
    }
  }
  doc["edges"].push_back({{"source", after}, {"target", node["id"]}});
  doc["nodes"].push_back(std::move(node));
  return doc;
}

// Parses and types `expression` against `schema`; "/expression: 1:8: unknown column …" when it fails.
Result<DataType> TypeExpression(const std::string& expression, const Schema& schema) {
  auto compiled = CompileExpression(expression, schema, {});
  if (!compiled.ok()) return Status::InvalidArgument("/expression: " + compiled.status().message());
  return (*compiled)->type();
}

Status RequireNode(const ProposalContext& context) {
  if (FindNode(context.pipeline, context.node_id) == nullptr) {
    return Status::InvalidArgument("/node_id: no node '" + context.node_id + "' in the pipeline");
  }
  return Status::OK();
}

Status RequireSchema(const ProposalContext& context) {
  if (!context.output) {
    return Status::InvalidArgument("/node_id: the output schema of node '" + context.node_id +
                                   "' is not known (fix the node and those before it first)");
  }
  return Status::OK();
}

Result<nlohmann::json> CheckFilter(const nlohmann::json& answer, const ProposalContext& context) {
  LD_RETURN_IF_ERROR(RequireNode(context));
  LD_RETURN_IF_ERROR(RequireSchema(context));
  const std::string expression = Str(answer, "expression");
  LD_ASSIGN_OR_RETURN(DataType type, TypeExpression(expression, *context.output));
  if (type.id != TypeId::kBool) {
    return Status::InvalidArgument("/expression: a filter condition must be true or false, but it gives " + type.ToString());
  }
  nlohmann::json node = {{"id", FreeId(context.pipeline, "filter_nl")},
                         {"type", "transform"},
                         {"module", "filter"},
                         {"name", "Filter"},
                         {"config", {{"expression", expression}}}};
  nlohmann::json doc = InsertAfter(context.pipeline, context.node_id, node);
  LD_RETURN_IF_ERROR(NewErrors(context, context.pipeline, doc, ""));
  return nlohmann::json{{"proposal", {{"expression", expression}}}, {"node", node}, {"pipeline", doc}};
}

Result<nlohmann::json> CheckDerive(const nlohmann::json& answer, const ProposalContext& context) {
  LD_RETURN_IF_ERROR(RequireNode(context));
  LD_RETURN_IF_ERROR(RequireSchema(context));
  const std::string column = Str(answer, "column"), expression = Str(answer, "expression");
  if (column.size() > 200 || column.find_first_of("\r\n\t") != std::string::npos) {
    return Status::InvalidArgument("/column: a column name has at most 200 characters and no line breaks or tabs");
  }
  LD_ASSIGN_OR_RETURN(DataType type, TypeExpression(expression, *context.output));
  (void)type;
  nlohmann::json node = {{"id", FreeId(context.pipeline, "derive_nl")},
                         {"type", "transform"},
                         {"module", "derive"},
                         {"name", "Derive " + column},
                         {"config", {{"columns", {{{"name", column}, {"expression", expression}}}}}}};
  nlohmann::json doc = InsertAfter(context.pipeline, context.node_id, node);
  LD_RETURN_IF_ERROR(NewErrors(context, context.pipeline, doc, ""));
  return nlohmann::json{{"proposal", {{"column", column}, {"expression", expression}}}, {"node", node}, {"pipeline", doc}};
}

Result<SqlDialect> DialectOfModule(const std::string& module) {
  if (module == "postgres") return SqlDialect::kPostgres;
  if (module == "mysql") return SqlDialect::kMysql;
  if (module == "sqlite") return SqlDialect::kSqlite;
  if (module == "clickhouse") return SqlDialect::kMysql;  // backquoted identifiers, like MySQL
  return Status::InvalidArgument("/node_id: a SQL query proposal needs an extract node reading PostgreSQL, MySQL, "
                                 "SQLite or ClickHouse, not '" + module + "'");
}

Result<nlohmann::json> CheckSql(const nlohmann::json& answer, const ProposalContext& context) {
  LD_RETURN_IF_ERROR(RequireNode(context));
  const nlohmann::json& current = *FindNode(context.pipeline, context.node_id);
  if (Str(current, "type") != "extract") {
    return Status::InvalidArgument("/node_id: a SQL query proposal is for an extract node; '" + context.node_id +
                                   "' is a " + Str(current, "type"));
  }
  LD_ASSIGN_OR_RETURN(SqlDialect dialect, DialectOfModule(Str(current, "module")));
  const std::string query = Str(answer, "query");
  LD_RETURN_IF_ERROR(CheckExtractionSql(query, dialect));
  nlohmann::json doc = context.pipeline;
  nlohmann::json node;
  for (nlohmann::json& n : doc["nodes"]) {
    if (Str(n, "id") != context.node_id) continue;
    if (!n.contains("config") || !n["config"].is_object()) n["config"] = nlohmann::json::object();
    n["config"]["query"] = query;
    n["config"].erase("table");  // a table or a query, not both
    node = n;
  }
  LD_RETURN_IF_ERROR(NewErrors(context, context.pipeline, doc, ""));
  return nlohmann::json{{"proposal", {{"query", query}}}, {"node", node}, {"pipeline", doc}};
}

Result<nlohmann::json> CheckPipeline(const nlohmann::json& answer, const ProposalContext& context) {
  nlohmann::json doc = answer["pipeline"];
  if (!doc.contains("name")) doc["name"] = "proposed pipeline";
  if (!doc.contains("edges")) doc["edges"] = nlohmann::json::array();
  if (!doc.contains("nodes") || !doc["nodes"].is_array() || doc["nodes"].empty()) {
    return Status::InvalidArgument("/pipeline/nodes: the proposed pipeline has no nodes");
  }
  if (doc["nodes"].size() > 50) return Status::InvalidArgument("/pipeline/nodes: more than 50 nodes is not a small pipeline");
  if (context.validate) {
    nlohmann::json result = context.validate(doc);
    std::string message;
    for (const std::string& e : Errors(result)) message += (message.empty() ? "/pipeline" : "; /pipeline") + e;
    if (!message.empty()) return Status::InvalidArgument(message);
  }
  return nlohmann::json{{"proposal", {{"pipeline", doc}}}, {"pipeline", doc}};
}

}  // namespace

Result<nlohmann::json> CheckProposal(AssistKind kind, const nlohmann::json& answer, const ProposalContext& context) {
  Result<nlohmann::json> checked = Status::Internal("unhandled kind");
  switch (kind) {
    case AssistKind::kFilter: checked = CheckFilter(answer, context); break;
    case AssistKind::kDerive: checked = CheckDerive(answer, context); break;
    case AssistKind::kSql: checked = CheckSql(answer, context); break;
    case AssistKind::kPipeline: checked = CheckPipeline(answer, context); break;
  }
  if (!checked.ok()) return checked.status();
  nlohmann::json out = std::move(checked).value();
  out["kind"] = AssistKindName(kind);
  out["explanation"] = Str(answer, "explanation");
  return out;
}

}  // namespace logidata::assist
