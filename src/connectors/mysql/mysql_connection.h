// MysqlConnection: one MariaDB Connector/C connection opened from a ConnectionConfig (MySQL or
// MariaDB server), with errors as Status — Unavailable for an unreachable server or a lost
// connection, Unauthenticated for a rejected login, DataError for bad values, InvalidArgument for
// SQL errors — and never the password. The session runs in UTC with strict SQL mode so bad data
// fails instead of being truncated. Not thread-safe: one user at a time.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <mysql.h>

#include "common/result.h"
#include "connectors/cancel_watch.h"
#include "module/connection.h"

namespace logidata {

class MysqlConnection {
 public:
  ~MysqlConnection();
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  // Options honoured: connect_timeout (s, default 10), read_timeout/write_timeout (s, default
  // 600), ssl_mode ("disable" | "require" | "verify").
  static Result<std::unique_ptr<MysqlConnection>> Connect(const ConnectionConfig& config, int retries = 2);

  MYSQL* get() { return mysql_; }
  Status Exec(const std::string& sql);
  // The error of the last call on the connection, with `context` in front.
  Status Error(const std::string& context) const;
  // The error of a prepared statement.
  Status StmtError(MYSQL_STMT* stmt, const std::string& context) const;
  const std::string& name() const { return name_; }
  // Aborts the connection (mariadb_cancel: every later read or write fails) when `flag` rises,
  // for as long as this connection lives; a blocked query then returns at once. A null flag
  // does nothing.
  void CancelWhen(const std::atomic<bool>* flag);
  // True when the connection was aborted by CancelWhen.
  bool cancelled() const { return cancel_watch_ != nullptr && cancel_watch_->fired(); }

 private:
  MysqlConnection(MYSQL* mysql, std::string name) : mysql_(mysql), name_(std::move(name)) {}
  MYSQL* mysql_;
  std::string name_;
  std::unique_ptr<CancelWatch> cancel_watch_;  // destroyed before the connection closes
};

// Status for a server error number and message.
Status MysqlStatus(unsigned int error_number, const std::string& message);

}  // namespace logidata
