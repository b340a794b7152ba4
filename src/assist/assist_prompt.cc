#include "assist/assist_prompt.h"

#include "module/builtin_modules.h"

namespace logidata::assist {
namespace {

constexpr size_t kMaxSampleRows = 5;

constexpr const char* kExpressionLanguage =
    "Expressions use SQL-like syntax over the columns: comparison (= <> < <= > >=), AND OR NOT, "
    "IN ('a','b'), BETWEEN, LIKE, IS NULL, CASE WHEN … THEN … ELSE … END, cast(x AS type), "
    "arithmetic, string functions such as lower, upper, trim, concat, substr, length, coalesce, "
    "date functions such as year, month, date_trunc. Column names with spaces or capitals are "
    "written in double quotes; string literals in single quotes.";

std::string AnswerShape(AssistKind kind) {
  switch (kind) {
    case AssistKind::kFilter:
      return R"({"expression": "<boolean expression over the columns>", "explanation": "<one sentence>"})";
    case AssistKind::kDerive:
      return R"({"column": "<name of the new column>", "expression": "<expression over the columns>", "explanation": "<one sentence>"})";
    case AssistKind::kSql:
      return R"({"query": "<one read-only SELECT statement>", "explanation": "<one sentence>"})";
    case AssistKind::kPipeline:
      return R"({"pipeline": {"name": "...", "nodes": [{"id": "...", "type": "extract|transform|load", "module": "...", "config": {...}}], "edges": [{"source": "<node id>", "target": "<node id>"}]}, "explanation": "<one sentence>"})";
  }
  return "{}";
}

std::string Task(AssistKind kind) {
  switch (kind) {
    case AssistKind::kFilter:
      return "Write a filter condition that keeps the rows the user describes.";
    case AssistKind::kDerive:
      return "Write one derived column the user describes: its name and the expression computing it.";
    case AssistKind::kSql:
      return "Write the SQL query the extract node should run. It must be a single read-only SELECT (WITH … SELECT "
             "allowed): no writes, no DDL, no session settings, no second statement.";
    case AssistKind::kPipeline:
      return "Write a small pipeline document using only the modules listed, with a unique id per node and edges "
             "from each node to the next.";
  }
  return "";
}

}  // namespace

nlohmann::json PromptColumnStatistics(const nlohmann::json& c, bool allow_values) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* key : {"name", "type", "semantic_type", "format", "count", "null_rate", "empty_rate", "distinct"}) {
    if (c.contains(key) && !c[key].is_null()) out[key] = c[key];
  }
  if (c.contains("numeric") && c["numeric"].is_object()) {
    const nlohmann::json& n = c["numeric"];
    nlohmann::json numeric = nlohmann::json::object();
    for (const char* key : {"mean", "stddev", "zeros", "negatives"}) {
      if (n.contains(key)) numeric[key] = n[key];
    }
    if (n.contains("quantiles")) numeric["quantiles"] = n["quantiles"];
    out["numeric"] = numeric;
    // The range of a number column is a summary; of a text column it would be two values.
    for (const char* key : {"min", "max"}) {
      if (c.contains(key) && !c[key].is_null()) out[key] = c[key];
    }
  }
  if (c.contains("length") && c["length"].is_object()) out["length"] = c["length"];
  if (c.contains("patterns") && c["patterns"].is_array()) {
    // Shapes such as "Aaaa 99", not values.
    nlohmann::json patterns = nlohmann::json::array();
    for (size_t i = 0; i < c["patterns"].size() && i < 3; ++i) patterns.push_back(c["patterns"][i]);
    out["patterns"] = patterns;
  }
  if (c.contains("pii") && c["pii"].is_object()) out["pii_kind"] = c["pii"].value("kind", "");
  if (allow_values) {
    if (c.contains("top_values") && c["top_values"].is_array()) {
      nlohmann::json top = nlohmann::json::array();
      for (size_t i = 0; i < c["top_values"].size() && i < 10; ++i) top.push_back(c["top_values"][i]);
      out["top_values"] = top;
    }
    for (const char* key : {"min", "max"}) {
      if (c.contains(key) && !c[key].is_null()) out[key] = c[key];
    }
  }
  return out;
}

nlohmann::json PromptModuleCatalog() {
  nlohmann::json out = nlohmann::json::array();
  for (const ModuleDescriptor* d : BuiltinModules().All()) {
    nlohmann::json config = nlohmann::json::array();
    if (d->config_schema.contains("properties") && d->config_schema["properties"].is_object()) {
      for (const auto& [name, _] : d->config_schema["properties"].items()) config.push_back(name);
    }
    nlohmann::json required = d->config_schema.value("required", nlohmann::json::array());
    out.push_back({{"type", std::string(ModuleKindName(d->kind))}, {"module", d->name}, {"summary", d->summary},
                   {"config", config}, {"required", required}});
  }
  return out;
}

std::vector<ChatMessage> BuildAssistPrompt(const PromptInput& in) {
  std::string system =
      "You help people build data pipelines in Logidata. " + Task(in.kind) +
      "\nAnswer with exactly one JSON object and nothing else, of this shape:\n" + AnswerShape(in.kind) +
      "\nUse only the columns listed. Never invent columns. If the request cannot be met with them, still answer "
      "with the JSON shape and say why in the explanation.";
  if (in.kind == AssistKind::kFilter || in.kind == AssistKind::kDerive) system += "\n" + std::string(kExpressionLanguage);

  nlohmann::json context = nlohmann::json::object();
  if (in.node.is_object()) context["node"] = in.node;
  if (in.schema.is_array() && !in.schema.empty()) context["columns"] = in.schema;
  if (in.profile_columns.is_array()) {
    nlohmann::json stats = nlohmann::json::array();
    for (const nlohmann::json& c : in.profile_columns) stats.push_back(PromptColumnStatistics(c, in.allow_values));
    context["column_statistics"] = stats;
  }
  if (in.allow_values && in.sample_rows.is_array() && !in.sample_rows.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    for (size_t i = 0; i < in.sample_rows.size() && i < kMaxSampleRows; ++i) rows.push_back(in.sample_rows[i]);
    context["sample_rows"] = rows;
  }
  if (in.kind == AssistKind::kPipeline && in.modules.is_array()) context["modules"] = in.modules;
  std::string user = "Context (JSON):\n" + context.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                     "\n\nRequest: " + in.request;
  return {{"system", system}, {"user", user}};
}

}  // namespace logidata::assist
