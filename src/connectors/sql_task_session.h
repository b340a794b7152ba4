// SqlScriptSession: what the `load.sql` task needs from one database — a transaction and
// statements with bound text parameters — with one implementation per dialect beside its
// connector (postgres/pg_sql_task.cc, mysql/mysql_sql_task.cc, sqlite/sqlite_sql_task.cc,
// clickhouse/clickhouse_sql_task.cc).
// Not thread-safe: one session serves one task's Commit().
#pragma once

#include <atomic>
#include <memory>

#include "common/result.h"
#include "connectors/sql_text.h"
#include "io/path_sandbox.h"
#include "module/connection.h"

namespace logidata {

class SqlScriptSession {
 public:
  virtual ~SqlScriptSession() = default;
  virtual Status Begin() = 0;
  // Runs one statement with its parameters bound as real parameters (never spliced into the
  // text); returns the rows it affected, or -1 when the database does not say.
  virtual Result<int64_t> Run(const BoundQuery& statement) = 0;
  virtual Status Commit() = 0;
  // Best effort; after a failed statement.
  virtual void Rollback() = 0;
};

Result<std::unique_ptr<SqlScriptSession>> OpenPostgresScriptSession(const ConnectionConfig& config);
Result<std::unique_ptr<SqlScriptSession>> OpenMysqlScriptSession(const ConnectionConfig& config);
// No transactions and no parameters on ClickHouse: each statement takes effect on its own, and a
// statement with parameters is refused with kClickhouseNoParameters.
Result<std::unique_ptr<SqlScriptSession>> OpenClickhouseScriptSession(const ConnectionConfig& config,
                                                                      const std::atomic<bool>* cancelled);
extern const char kClickhouseNoParameters[];
// `sandbox` (server mode) confines the database file like load.sqlite does.
Result<std::unique_ptr<SqlScriptSession>> OpenSqliteScriptSession(const ConnectionConfig& config,
                                                                   const PathSandbox* sandbox);

}  // namespace logidata
