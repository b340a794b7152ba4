// The safety rules for a SQL extraction query a model proposes: exactly one statement, which
// starts with SELECT or WITH, and no word anywhere (outside string literals, quoted identifiers
// and comments) that writes, changes the schema, changes the session or reaches outside the
// database (INSERT, UPDATE, DELETE, DROP, CREATE, ALTER, TRUNCATE, GRANT, COPY, INTO, CALL,
// pg_read_file, dblink, …). The extract modules also run their query read-only where the database
// allows it; this check refuses such text before a person even sees it as a proposal.
// Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"
#include "connectors/sql_text.h"

namespace logidata::assist {

// OK, or InvalidArgument naming the rule and the word ("/query: a proposal must be one read-only
// SELECT; it contains DELETE (line 1)").
Status CheckExtractionSql(std::string_view sql, SqlDialect dialect);

}  // namespace logidata::assist
