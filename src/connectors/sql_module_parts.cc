#include "connectors/sql_module_parts.h"

namespace logidata {

namespace {

// The fields every database module's descriptor shares.
ModuleDescriptor DatabaseModule(ModuleKind kind, std::string name, std::string summary, std::string description) {
  ModuleDescriptor d;
  d.kind = kind;
  d.name = std::move(name);
  d.summary = std::move(summary);
  d.description = std::move(description);
  d.category = "databases";
  d.icon = "database";
  return d;
}

}  // namespace

Result<SqlSource> ReadSqlSource(const nlohmann::json& cfg, SqlDialect dialect) {
  SqlSource s;
  s.connection = cfg.value("connection", std::string());
  if (s.connection.empty()) return ConfigError("/connection", "a connection name is required");
  std::string table = cfg.value("table", std::string());
  std::string query = cfg.value("query", std::string());
  if (table.empty() == query.empty()) return ConfigError("/table", "set exactly one of 'table' and 'query'");
  if (table.empty()) {
    s.sql = query;
    return s;
  }
  auto name = QualifiedName(dialect, cfg.value("schema", std::string()), table);
  if (!name.ok()) return ConfigError("/table", name.status().message());
  s.table = *name;
  s.sql = "SELECT * FROM " + s.table;
  return s;
}

nlohmann::json SqlSourceProperties(const std::string& database, bool has_schema) {
  nlohmann::json props = {
      {"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1},
                      {"description", "Name of a saved " + database + " connection."}}},
      {"table", {{"type", "string"}, {"title", "Table"}, {"description", "Table to read entirely. Set either this or a query."}}},
      {"query", {{"type", "string"}, {"title", "SQL query"}, {"format", "sql"},
                 {"description", "SELECT to run; may reference run parameters as :name."}}},
      // Read by the planner (src/pipeline/pushdown.h), not by the extractor.
      {"pushdown", {{"type", "boolean"}, {"title", "Push down"}, {"default", true},
                    {"description", "Run a directly following filter, select, limit or simple aggregate inside the "
                                    "database's query where it translates exactly (see `logidata validate --explain`)."}}},
  };
  if (has_schema) {
    props["schema"] = {{"type", "string"}, {"title", "Schema"}, {"default", ""},
                       {"description", "Schema (namespace) of the table; empty = search path."}};
  }
  return props;
}

ModuleDescriptor SqlExtractDescriptor(std::string name, std::string summary, std::string description,
                                      nlohmann::json properties, OperatorFactory factory) {
  ModuleDescriptor d = DatabaseModule(ModuleKind::kExtract, std::move(name), std::move(summary), std::move(description));
  d.outputs = {{"out", "Rows of the table or query"}};
  d.config_schema = {{"type", "object"},
                     {"required", {"connection"}},
                     {"additionalProperties", false},
                     {"properties", std::move(properties)}};
  d.factory = std::move(factory);
  return d;
}

ModuleDescriptor SqlLoadDescriptor(std::string name, std::string summary, std::string description, bool has_schema,
                                   DatabaseLoadMaker make) {
  ModuleDescriptor d = DatabaseModule(ModuleKind::kLoad, name, std::move(summary), std::move(description));
  d.inputs = {{"in", "Rows to write"}};
  d.config_schema = {{"type", "object"},
                     {"required", {"connection", "table"}},
                     {"additionalProperties", false},
                     {"properties", DatabaseLoadConfigProperties(has_schema)}};
  d.factory = [name, make = std::move(make)](const BindContext& ctx) -> Result<std::unique_ptr<Operator>> {
    if (ctx.input_schemas.empty() || ctx.input_schemas[0] == nullptr) {
      return Status::InvalidArgument("load." + name + " needs an input");
    }
    LD_ASSIGN_OR_RETURN(DatabaseLoadOptions options, ReadDatabaseLoadOptions(ctx.cfg(), ctx.input_schemas[0]->FieldNames()));
    return make(std::move(options), ctx.input_schemas[0]);
  };
  return d;
}

}  // namespace logidata
