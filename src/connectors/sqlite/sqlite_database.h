// SqliteDatabase: one open SQLite database file (the connection's `database` is its path) with
// errors as Status, prepared statements as RAII handles, and the type mapping both ways
// (docs/modules/extract.sqlite.md). Not thread-safe: one user at a time.
#pragma once

#include <memory>
#include <string>

#include <sqlite3.h>

#include "common/result.h"
#include "io/path_sandbox.h"
#include "module/connection.h"
#include "types/data_type.h"

namespace logidata {

struct SqliteStmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteStmtDeleter>;

class SqliteDatabase {
 public:
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Opens config.database (a file path; created when `create` is set). busy_timeout_ms option
  // (default 5000) waits for other writers. With a sandbox (server mode) the path must lie inside
  // it, is opened read-only for kRead, and the connection is confined: no ATTACH (which would open
  // any other file from SQL text), no extensions, defensive mode on.
  static Result<std::unique_ptr<SqliteDatabase>> Open(const ConnectionConfig& config, bool create,
                                                      const PathSandbox* sandbox = nullptr,
                                                      FileAccess access = FileAccess::kWrite);

  sqlite3* get() { return db_; }
  Status Exec(const std::string& sql);
  Result<SqliteStmt> Prepare(const std::string& sql);
  // The error of the last call, with `context` in front.
  Status Error(const std::string& context) const;
  const std::string& path() const { return path_; }

 private:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// Our type for a declared column type ("INTEGER", "DECIMAL(10,2)", "TIMESTAMP"); `storage` (an
// SQLITE_* storage class) is used when the declaration is empty (expressions).
DataType SqliteDeclToDataType(const char* decltype_text, int storage);
// The declared type used when creating a table.
std::string SqliteDdlType(const DataType& type);

}  // namespace logidata
