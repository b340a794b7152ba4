// SQL text helpers shared by the database connectors: identifier quoting per dialect and the
// rewriting of named query parameters (":start_date") into the driver's placeholders, so run
// parameters are always bound as real parameters and never spliced into SQL text.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "module/exec_context.h"

namespace logidata {

enum class SqlDialect { kPostgres, kMysql, kSqlite };

// Quotes one identifier: "a""b" for PostgreSQL/SQLite, `a``b` for MySQL. Rejects empty names and
// NUL bytes (InvalidArgument naming `what`).
Result<std::string> QuoteIdentifier(SqlDialect dialect, std::string_view name, std::string_view what = "identifier");
// "schema"."table" (or just "table" when schema is empty).
Result<std::string> QualifiedName(SqlDialect dialect, std::string_view schema, std::string_view table);

struct BoundQuery {
  std::string sql;                  // placeholders: $1.. (PostgreSQL) or ? (MySQL, SQLite)
  std::vector<std::string> values;  // one per placeholder, in order
  std::vector<std::string> names;   // parameter name per placeholder
};

// Replaces every :name outside string literals, quoted identifiers, comments and PostgreSQL
// "::" casts by a placeholder and looks its value up in `params`. `first_index` numbers
// PostgreSQL placeholders ($first_index, …). A name missing from `params` is InvalidArgument.
Result<BoundQuery> BindNamedParameters(SqlDialect dialect, std::string_view sql, const ParameterMap* params,
                                       int first_index = 1);

}  // namespace logidata
