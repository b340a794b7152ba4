// The MySQL/MariaDB session of the load.sql task: START TRANSACTION … COMMIT. MySQL commits
// implicitly around DDL (CREATE TABLE … SELECT included), so a script mixing DDL and DML is not
// atomic there — docs/modules say so. Statements with parameters run as prepared statements with
// string binds; statements without run as plain queries (some statements cannot be prepared).
// Every result set is drained. Not thread-safe.
#include "connectors/mysql/mysql_connection.h"
#include "connectors/sql_task_session.h"

namespace logidata {

namespace {

struct StmtCloser {
  void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
};

class MysqlScriptSession final : public SqlScriptSession {
 public:
  explicit MysqlScriptSession(std::unique_ptr<MysqlConnection> conn) : conn_(std::move(conn)) {}
  Status Begin() override { return conn_->Exec("START TRANSACTION"); }

  Result<int64_t> Run(const BoundQuery& statement) override {
    MYSQL* m = conn_->get();
    if (statement.values.empty()) {
      if (mysql_real_query(m, statement.sql.data(), statement.sql.size()) != 0) return conn_->Error("MySQL");
      int64_t affected = static_cast<int64_t>(mysql_affected_rows(m));
      if (MYSQL_RES* res = mysql_store_result(m)) {
        affected = -1;
        mysql_free_result(res);
      }
      return affected;
    }
    std::unique_ptr<MYSQL_STMT, StmtCloser> stmt(mysql_stmt_init(m));
    if (!stmt) return conn_->Error("mysql_stmt_init");
    if (mysql_stmt_prepare(stmt.get(), statement.sql.data(), statement.sql.size()) != 0) {
      return conn_->StmtError(stmt.get(), "MySQL");
    }
    if (mysql_stmt_param_count(stmt.get()) != statement.values.size()) {
      return Status::InvalidArgument("the statement has " + std::to_string(mysql_stmt_param_count(stmt.get())) +
                                     " placeholders; use named :parameters only");
    }
    std::vector<MYSQL_BIND> binds(statement.values.size(), MYSQL_BIND{});
    std::vector<unsigned long> lengths(statement.values.size());
    for (size_t i = 0; i < statement.values.size(); ++i) {
      lengths[i] = statement.values[i].size();
      binds[i].buffer_type = MYSQL_TYPE_STRING;
      binds[i].buffer = const_cast<char*>(statement.values[i].data());
      binds[i].buffer_length = lengths[i];
      binds[i].length = &lengths[i];
    }
    if (mysql_stmt_bind_param(stmt.get(), binds.data()) != 0) return conn_->StmtError(stmt.get(), "binding parameters");
    if (mysql_stmt_execute(stmt.get()) != 0) return conn_->StmtError(stmt.get(), "MySQL");
    if (mysql_stmt_field_count(stmt.get()) > 0) {  // a SELECT: drain it
      if (mysql_stmt_store_result(stmt.get()) != 0) return conn_->StmtError(stmt.get(), "MySQL");
      mysql_stmt_free_result(stmt.get());
      return int64_t{-1};
    }
    return static_cast<int64_t>(mysql_stmt_affected_rows(stmt.get()));
  }

  Status Commit() override { return conn_->Exec("COMMIT"); }
  void Rollback() override { (void)conn_->Exec("ROLLBACK"); }

 private:
  std::unique_ptr<MysqlConnection> conn_;
};

}  // namespace

Result<std::unique_ptr<SqlScriptSession>> OpenMysqlScriptSession(const ConnectionConfig& config) {
  LD_ASSIGN_OR_RETURN(auto conn, MysqlConnection::Connect(config));
  return std::unique_ptr<SqlScriptSession>(new MysqlScriptSession(std::move(conn)));
}

}  // namespace logidata
