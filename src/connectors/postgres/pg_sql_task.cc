// The PostgreSQL session of the load.sql task: BEGIN … COMMIT on one connection (DDL included,
// so a failing script leaves nothing behind), statements through PQexecParams with $n text
// parameters whose types the server infers. Not thread-safe.
#include <cstdlib>

#include "connectors/postgres/pg_connection.h"
#include "connectors/sql_task_session.h"

namespace logidata {

namespace {

class PostgresScriptSession final : public SqlScriptSession {
 public:
  explicit PostgresScriptSession(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}
  Status Begin() override { return conn_->Exec("BEGIN"); }
  Result<int64_t> Run(const BoundQuery& statement) override {
    LD_ASSIGN_OR_RETURN(PgResultPtr result, conn_->Query(statement.sql, statement.values));
    const char* tuples = PQcmdTuples(result.get());
    return tuples != nullptr && *tuples != '\0' ? std::strtoll(tuples, nullptr, 10) : int64_t{-1};
  }
  Status Commit() override { return conn_->Exec("COMMIT"); }
  void Rollback() override { (void)conn_->Exec("ROLLBACK"); }

 private:
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace

Result<std::unique_ptr<SqlScriptSession>> OpenPostgresScriptSession(const ConnectionConfig& config) {
  LD_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(config));
  return std::unique_ptr<SqlScriptSession>(new PostgresScriptSession(std::move(conn)));
}

}  // namespace logidata
