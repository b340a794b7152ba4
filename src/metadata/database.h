// Database: the narrow SQL seam of the metadata store. The same statements run on SQLite (the
// embedded default) and PostgreSQL: callers write portable SQL with `?` placeholders, values are
// bound as null / integer / real / text, and every column comes back as text (or null).
// Implementations own a connection pool and are thread-safe; a DbConnection is used by one
// thread at a time (inside Query on the pool, or inside one Transact callback).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"

namespace logidata {

using DbValue = std::variant<std::nullptr_t, int64_t, double, std::string>;
using DbParams = std::vector<DbValue>;

// One result row; columns by position or by name.
class DbRow {
 public:
  DbRow(const std::vector<std::string>* names, std::vector<std::optional<std::string>> values)
      : names_(names), values_(std::move(values)) {}
  bool IsNull(std::string_view column) const;
  // Text of the column; "" for null. REQUIRES: the column exists (LD_CHECK).
  const std::string& Str(std::string_view column) const;
  std::optional<std::string> OptStr(std::string_view column) const;
  int64_t Int(std::string_view column) const;  // 0 for null
  double Real(std::string_view column) const;  // 0 for null
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  size_t Index(std::string_view column) const;
  const std::vector<std::string>* names_;
  std::vector<std::optional<std::string>> values_;
};

struct DbResult {
  std::shared_ptr<std::vector<std::string>> columns = std::make_shared<std::vector<std::string>>();
  std::vector<DbRow> rows;
  int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

enum class DbDialect { kSqlite, kPostgres };

class DbConnection {
 public:
  virtual ~DbConnection() = default;
  // Runs one statement. Constraint violations come back as AlreadyExists (unique) or
  // InvalidArgument; a lost server as Unavailable.
  virtual Result<DbResult> Query(const std::string& sql, const DbParams& params = {}) = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual DbDialect dialect() const = 0;
  // Runs one statement on a pooled connection (autocommit).
  virtual Result<DbResult> Query(const std::string& sql, const DbParams& params = {}) = 0;
  // Runs `body` inside one transaction; commits when it returns OK, else rolls back and returns
  // its status. SQLite takes the write lock at BEGIN so concurrent writers queue instead of failing.
  virtual Status Transact(const std::function<Status(DbConnection&)>& body) = 0;
  // A trivial round trip (readiness probe).
  Status Ping();
};

// Opens "postgresql://…" / "postgres://…" URLs with libpq, anything else as a SQLite file path.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url_or_path, int pool_size = 8);

// Helpers shared by both backends.
std::string NowIso8601();                         // "2026-11-21T15:20:57.123Z"
std::string IsoFromUnixMillis(int64_t millis);
Result<int64_t> UnixMillisFromIso(std::string_view iso);
std::string NewId();                              // 32 lowercase hex characters (128 random bits)

}  // namespace logidata
