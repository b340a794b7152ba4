#include "connectors/load_mode.h"

#include <algorithm>

#include "module/module_descriptor.h"

namespace logidata {

Result<LoadMode> ParseLoadMode(std::string_view text) {
  if (text == "append") return LoadMode::kAppend;
  if (text == "truncate") return LoadMode::kTruncate;
  if (text == "upsert") return LoadMode::kUpsert;
  if (text == "replace") return LoadMode::kReplace;
  return Status::InvalidArgument("unknown load mode '" + std::string(text) +
                                 "' (expected append, truncate, upsert or replace)");
}

std::string_view LoadModeName(LoadMode mode) {
  switch (mode) {
    case LoadMode::kAppend: return "append";
    case LoadMode::kTruncate: return "truncate";
    case LoadMode::kUpsert: return "upsert";
    case LoadMode::kReplace: return "replace";
  }
  return "append";
}

nlohmann::json DatabaseLoadConfigProperties(bool has_schema) {
  nlohmann::json props = {
      {"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1},
                      {"description", "Name of a saved connection (its definition and secret live outside the pipeline)."}}},
      {"table", {{"type", "string"}, {"title", "Table"}, {"minLength", 1},
                 {"description", "Target table name (quoted as given; no SQL)."}}},
      {"mode", {{"type", "string"}, {"title", "Mode"}, {"enum", {"append", "truncate", "upsert", "replace"}},
                {"default", "append"},
                {"description", "append: insert rows. truncate: empty the table first. upsert: insert or update rows "
                                "with the same key columns. replace: load a staging table and swap it in. Every mode "
                                "publishes only when the whole run succeeds."}}},
      {"keys", {{"type", "array"}, {"title", "Key columns"}, {"items", {{"type", "string"}}}, {"default", nlohmann::json::array()},
                {"description", "Columns identifying a row (required for upsert; become the primary key of a created table)."}}},
      {"create_table", {{"type", "boolean"}, {"title", "Create table"}, {"default", true},
                        {"description", "Create the table from the input schema when it does not exist."}}},
      {"ledger", {{"type", "boolean"}, {"title", "Exactly-once ledger"}, {"default", true},
                  {"description", "Record each load in the table _logidata_loads of the target database, in the same "
                                  "transaction as the rows, so a retried run (same run id) skips a load that already "
                                  "committed instead of loading it twice. Turn off only where the loader may not "
                                  "create tables."}}},
  };
  if (has_schema) {
    props["schema"] = {{"type", "string"}, {"title", "Schema"}, {"default", ""},
                       {"description", "Database schema (namespace) of the table; empty = the search path's first."}};
  }
  return props;
}

nlohmann::json OpColumnProperty() {
  return {{"type", "string"}, {"title", "Operation column"}, {"default", ""},
          {"description", "Upsert only: the input column saying what each row is (as extract.postgres in mode cdc "
                          "writes _op). Rows whose value is 'delete' delete the row with their key, the others are "
                          "upserted; the last change per key wins, batches apply in order, and the column itself is "
                          "not loaded."}};
}

Result<DatabaseLoadOptions> ReadDatabaseLoadOptions(const nlohmann::json& cfg,
                                                    const std::vector<std::string>& input_columns) {
  DatabaseLoadOptions o;
  if (!cfg.contains("connection") || !cfg["connection"].is_string() || cfg["connection"].get<std::string>().empty()) {
    return ConfigError("/connection", "a connection name is required");
  }
  o.connection = cfg["connection"].get<std::string>();
  if (!cfg.contains("table") || !cfg["table"].is_string() || cfg["table"].get<std::string>().empty()) {
    return ConfigError("/table", "a table name is required");
  }
  o.table = cfg["table"].get<std::string>();
  o.schema = cfg.value("schema", std::string());
  auto mode = ParseLoadMode(cfg.value("mode", std::string("append")));
  if (!mode.ok()) return ConfigError("/mode", mode.status().message());
  o.mode = *mode;
  if (cfg.contains("keys")) {
    if (!cfg["keys"].is_array()) return ConfigError("/keys", "must be an array of column names");
    for (size_t i = 0; i < cfg["keys"].size(); ++i) {
      const auto& k = cfg["keys"][i];
      if (!k.is_string()) return ConfigError("/keys/" + std::to_string(i), "must be a column name");
      std::string name = k.get<std::string>();
      if (std::find(input_columns.begin(), input_columns.end(), name) == input_columns.end()) {
        return ConfigError("/keys/" + std::to_string(i), "key column '" + name + "' is not in the input");
      }
      o.keys.push_back(std::move(name));
    }
  }
  if (o.mode == LoadMode::kUpsert && o.keys.empty()) {
    return ConfigError("/keys", "upsert needs at least one key column");
  }
  o.op_column = cfg.value("op_column", std::string());
  if (!o.op_column.empty()) {
    if (o.mode != LoadMode::kUpsert) return ConfigError("/op_column", "applies to mode upsert only");
    if (std::find(input_columns.begin(), input_columns.end(), o.op_column) == input_columns.end()) {
      return ConfigError("/op_column", "column '" + o.op_column + "' is not in the input");
    }
    if (std::find(o.keys.begin(), o.keys.end(), o.op_column) != o.keys.end()) {
      return ConfigError("/op_column", "the operation column cannot be a key");
    }
  }
  o.create_table = cfg.value("create_table", true);
  o.ledger = cfg.value("ledger", true);
  return o;
}

}  // namespace logidata
