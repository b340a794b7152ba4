#include "metadata/sqlite_database.h"

#include <sqlite3.h>

#include "metadata/connection_pool.h"

namespace logidata {
namespace {

Status SqliteError(sqlite3* db, int rc, const std::string& what) {
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return Status::AlreadyExists(msg);
  if (primary == SQLITE_CONSTRAINT) return Status::InvalidArgument(msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Status::Unavailable(msg);
  return Status::Internal(msg);
}

class SqliteConnection final : public DbConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override { sqlite3_close_v2(db_); }

  Result<DbResult> Query(const std::string& sql, const DbParams& params) override {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const DbValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    DbResult result;
    int ncols = sqlite3_column_count(stmt);
    for (int c = 0; c < ncols; ++c) result.columns->push_back(sqlite3_column_name(stmt, c));
    while (true) {
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return SqliteError(db_, sqlite3_extended_errcode(db_), "step");
      std::vector<std::optional<std::string>> values(ncols);
      for (int c = 0; c < ncols; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) continue;
        const unsigned char* text = sqlite3_column_text(stmt, c);
        values[c] = std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, c));
      }
      result.rows.emplace_back(result.columns.get(), std::move(values));
    }
    result.affected = sqlite3_changes(db_);
    return result;
  }

 private:
  sqlite3* db_;
};

class SqliteDatabase final : public Database {
 public:
  DbDialect dialect() const override { return DbDialect::kSqlite; }

  Status Open(const std::string& path, int pool_size) {
    for (int i = 0; i < pool_size; ++i) {
      sqlite3* db = nullptr;
      int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                               nullptr);
      if (rc != SQLITE_OK) {
        Status st = SqliteError(db, rc, "cannot open SQLite database '" + path + "'");
        sqlite3_close_v2(db);
        return st;
      }
      sqlite3_busy_timeout(db, 10000);
      auto conn = std::make_unique<SqliteConnection>(db);
      for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
        auto r = conn->Query(pragma, {});
        if (!r.ok()) return r.status();
      }
      pool_.Add(std::move(conn));
    }
    return Status::OK();
  }

  Result<DbResult> Query(const std::string& sql, const DbParams& params) override {
    auto lease = pool_.Acquire();
    return lease->Query(sql, params);
  }

  Status Transact(const std::function<Status(DbConnection&)>& body) override {
    auto lease = pool_.Acquire();
    auto begin = lease->Query("BEGIN IMMEDIATE", {});
    if (!begin.ok()) return begin.status();
    Status st = body(*lease);
    if (!st.ok()) {
      (void)lease->Query("ROLLBACK", {});
      return st;
    }
    auto commit = lease->Query("COMMIT", {});
    if (!commit.ok()) {
      (void)lease->Query("ROLLBACK", {});
      return commit.status();
    }
    return Status::OK();
  }

 private:
  ConnectionPool<SqliteConnection> pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path, int pool_size) {
  auto db = std::make_unique<SqliteDatabase>();
  LD_RETURN_IF_ERROR(db->Open(path, pool_size < 1 ? 1 : pool_size));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace logidata
