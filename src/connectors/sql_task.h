// load.sql: the ELT task node. It runs a parameterised SQL script in a database connection
// (PostgreSQL, MySQL/MariaDB, SQLite) AFTER its upstream loads committed — typically
// CREATE TABLE … AS SELECT over freshly loaded tables, like a dbt model. It has no data ports:
// edges from loaders into it mean "after" (the binder records them as ordering edges), and the
// script runs in Commit(), which the executor calls in topological order once the whole run
// succeeded, so a failed load means the script never runs. Module descriptor and script
// splitting here; the per-database sessions in sql_task_session.h.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/sql_text.h"
#include "module/module_descriptor.h"

namespace logidata {

struct ScriptStatement {
  std::string text;  // without the terminating ';'
  int line = 1;      // 1-based line where the statement starts in the script
};

// Splits a script on ';' outside string literals, quoted identifiers, comments and (PostgreSQL)
// dollar-quoted bodies; drops statements that are only whitespace or comments. An unterminated
// quote or comment is InvalidArgument naming its line.
Result<std::vector<ScriptStatement>> SplitSqlScript(std::string_view script, SqlDialect dialect);

ModuleDescriptor SqlTaskModule();

}  // namespace logidata
