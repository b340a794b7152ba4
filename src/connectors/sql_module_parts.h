// The pieces every SQL database module (PostgreSQL, MySQL/MariaDB, SQLite) shares, so each
// connector file holds only what is specific to its database: the "table or query" source config
// and its JSON Schema, and the descriptors of the extract and load modules. Pure functions;
// thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "connectors/load_mode.h"
#include "connectors/sql_text.h"
#include "module/module_descriptor.h"
#include "module/operator.h"

namespace logidata {

// What an SQL extract reads: a whole table or the user's query.
struct SqlSource {
  std::string connection;
  std::string table;  // the quoted (maybe schema-qualified) table; empty for a query
  std::string sql;    // the user's query (with :names), or SELECT * FROM <table>
  // JSON pointer of the setting to blame when the SQL does not prepare.
  std::string pointer() const { return table.empty() ? "/query" : "/table"; }
};

// Reads "connection", "table" (+ "schema" where the dialect has them) and "query"; exactly one
// of table and query. Errors are config errors naming the setting.
Result<SqlSource> ReadSqlSource(const nlohmann::json& cfg, SqlDialect dialect);

// JSON Schema properties "connection", "table" and "query" (+ "schema" when `has_schema`).
// `database` names the server kind in descriptions ("PostgreSQL").
nlohmann::json SqlSourceProperties(const std::string& database, bool has_schema);

// An extract module "extract.<name>" in the databases category with one output "out" and a
// config of `properties` (connection required, nothing else allowed).
ModuleDescriptor SqlExtractDescriptor(std::string name, std::string summary, std::string description,
                                      nlohmann::json properties, OperatorFactory factory);

// The load module "load.<name>": shared options read against the input schema, handed to `make`.
using DatabaseLoadMaker = std::function<std::unique_ptr<Operator>(DatabaseLoadOptions, SchemaPtr)>;
ModuleDescriptor SqlLoadDescriptor(std::string name, std::string summary, std::string description, bool has_schema,
                                   DatabaseLoadMaker make);

}  // namespace logidata
