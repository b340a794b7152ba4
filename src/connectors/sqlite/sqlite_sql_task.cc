// The SQLite session of the load.sql task: BEGIN IMMEDIATE … COMMIT (DDL is transactional in
// SQLite, so a failing script leaves nothing behind), each statement prepared with ? parameters
// bound as text and stepped to completion. Not thread-safe.
#include "connectors/sql_task_session.h"
#include "connectors/sqlite/sqlite_database.h"

namespace logidata {

namespace {

class SqliteScriptSession final : public SqlScriptSession {
 public:
  explicit SqliteScriptSession(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
  Status Begin() override { return db_->Exec("BEGIN IMMEDIATE"); }
  Result<int64_t> Run(const BoundQuery& statement) override {
    LD_ASSIGN_OR_RETURN(SqliteStmt stmt, db_->Prepare(statement.sql));
    for (size_t i = 0; i < statement.values.size(); ++i) {
      const std::string& v = statement.values[i];
      if (sqlite3_bind_text(stmt.get(), static_cast<int>(i + 1), v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
          SQLITE_OK) {
        return db_->Error("binding parameter :" + statement.names[i]);
      }
    }
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return db_->Error("SQLite");
    return static_cast<int64_t>(sqlite3_changes(db_->get()));
  }
  Status Commit() override { return db_->Exec("COMMIT"); }
  void Rollback() override { (void)db_->Exec("ROLLBACK"); }

 private:
  std::unique_ptr<SqliteDatabase> db_;
};

}  // namespace

Result<std::unique_ptr<SqlScriptSession>> OpenSqliteScriptSession(const ConnectionConfig& config,
                                                                   const PathSandbox* sandbox) {
  LD_ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(config, /*create=*/false, sandbox, FileAccess::kWrite));
  return std::unique_ptr<SqlScriptSession>(new SqliteScriptSession(std::move(db)));
}

}  // namespace logidata
