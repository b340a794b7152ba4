// LoadMode: how a database loader treats rows already in the target table. Shared by the
// PostgreSQL, MySQL and SQLite loaders so their configs and docs say the same thing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

enum class LoadMode {
  kAppend,    // insert the rows, keep what is there
  kTruncate,  // empty the table, then insert (in the same transaction)
  kUpsert,    // insert, or update the row with the same key columns
  kReplace,   // load into a staging table, then swap it in for the target
};

Result<LoadMode> ParseLoadMode(std::string_view text);
std::string_view LoadModeName(LoadMode mode);

// The JSON Schema properties every database loader shares: connection, table, schema, mode,
// keys, create_table.
nlohmann::json DatabaseLoadConfigProperties(bool has_schema);

// The JSON Schema of "op_column", for the loaders that apply change streams (upsert with deletes).
nlohmann::json OpColumnProperty();

// Options common to the database loaders, read from a config already checked against the schema.
struct DatabaseLoadOptions {
  std::string connection;
  std::string schema;
  std::string table;
  LoadMode mode = LoadMode::kAppend;
  std::vector<std::string> keys;
  bool create_table = true;
  // Keep the exactly-once ledger (connectors/load_ledger.h); only runs with a run id use it.
  bool ledger = true;
  // Upsert only, where the loader supports it (load.postgres, load.mysql, load.clickhouse): the input column naming each
  // row's operation, as extract.postgres in mode cdc writes it. Rows whose value is "delete"
  // delete the row with their key; the others upsert. The column itself is not loaded.
  std::string op_column;
};
// Reads and checks the options (upsert needs keys; keys must be input columns).
Result<DatabaseLoadOptions> ReadDatabaseLoadOptions(const nlohmann::json& cfg, const std::vector<std::string>& input_columns);

}  // namespace logidata
