#include "connectors/sqlite/sqlite_database.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace logidata {

SqliteDatabase::~SqliteDatabase() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

namespace {

// Refuses ATTACH and DETACH: SQL text is user input, and ATTACH opens (or creates) any file.
int DenyAttach(void*, int action, const char*, const char*, const char*, const char*) {
  return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}

}  // namespace

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const ConnectionConfig& config, bool create,
                                                             const PathSandbox* sandbox, FileAccess access) {
  if (config.database.empty()) return Status::InvalidArgument("SQLite connection '" + config.name + "' has no database path");
  std::string path = config.database;
  if (sandbox != nullptr) {
    auto resolved = sandbox->Resolve(path, access);
    if (!resolved.ok()) {
      return Status::PermissionDenied("SQLite connection '" + config.name + "': " + resolved.status().message());
    }
    path = *resolved;
  }
  sqlite3* db = nullptr;
  bool read_only = sandbox != nullptr && access == FileAccess::kRead;
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)) |
              SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (db != nullptr) sqlite3_close_v2(db);
    return Status::NotFound("SQLite connection '" + config.name + "': cannot open '" + config.database + "': " + msg);
  }
  int timeout = 5000;
  if (config.options.is_object() && config.options.contains("busy_timeout_ms") && config.options["busy_timeout_ms"].is_number_integer()) {
    timeout = config.options["busy_timeout_ms"].get<int>();
  }
  sqlite3_busy_timeout(db, timeout);
  if (sandbox != nullptr) {
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_set_authorizer(db, DenyAttach, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  }
  std::unique_ptr<SqliteDatabase> out(new SqliteDatabase(db, config.database));
  // Touch the file so a non-database file fails here, not mid-run.
  LD_RETURN_IF_ERROR(out->Exec("SELECT count(*) FROM sqlite_master"));
  return out;
}

Status SqliteDatabase::Error(const std::string& context) const {
  int code = sqlite3_errcode(db_) & 0xff;
  std::string msg = context + ": " + sqlite3_errmsg(db_) + " (SQLite '" + path_ + "')";
  switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::Unavailable(msg);
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG: return Status::DataError(msg);
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH: return Status::PermissionDenied(msg);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_IOERR:
    case SQLITE_FULL: return Status::IOError(msg);
    default: return Status::InvalidArgument(msg);
  }
}

Status SqliteDatabase::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    return Error("SQLite statement failed");
  }
  return Status::OK();
}

Result<SqliteStmt> SqliteDatabase::Prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return Error("cannot prepare SQL");
  }
  return SqliteStmt(stmt);
}

DataType SqliteDeclToDataType(const char* decltype_text, int storage) {
  std::string d = decltype_text == nullptr ? "" : decltype_text;
  std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (d.empty()) {
    switch (storage) {
      case SQLITE_INTEGER: return DataType::Int64();
      case SQLITE_FLOAT: return DataType::Float64();
      case SQLITE_BLOB: return DataType::Binary();
      default: return DataType::String();
    }
  }
  if (d == "BOOLEAN" || d == "BOOL") return DataType::Bool();
  if (d.rfind("TIMESTAMPTZ", 0) == 0) return DataType::Timestamp("UTC");
  if (d.rfind("TIMESTAMP", 0) == 0 || d.rfind("DATETIME", 0) == 0) return DataType::Timestamp();
  if (d == "DATE") return DataType::Date();
  if (d.rfind("DECIMAL", 0) == 0 || d.rfind("NUMERIC", 0) == 0) {
    int p = 0, s = 0;
    if (std::sscanf(d.c_str() + d.find('(') + 1, "%d,%d", &p, &s) >= 1 && d.find('(') != std::string::npos && p >= 1 &&
        p <= 38 && s >= 0 && s <= p) {
      return DataType::Decimal(p, s);
    }
    return DataType::Float64();
  }
  // SQLite's own affinity rules (https://sqlite.org/datatype3.html, section 3.1).
  if (d.find("INT") != std::string::npos) return DataType::Int64();
  if (d.find("CHAR") != std::string::npos || d.find("CLOB") != std::string::npos || d.find("TEXT") != std::string::npos) {
    return DataType::String();
  }
  if (d.find("BLOB") != std::string::npos) return DataType::Binary();
  if (d.find("REAL") != std::string::npos || d.find("FLOA") != std::string::npos || d.find("DOUB") != std::string::npos) {
    return DataType::Float64();
  }
  return DataType::String();
}

std::string SqliteDdlType(const DataType& type) {
  switch (type.id) {
    case TypeId::kBool: return "BOOLEAN";
    case TypeId::kInt32:
    case TypeId::kInt64: return "INTEGER";
    case TypeId::kFloat64: return "REAL";
    case TypeId::kDecimal: return "DECIMAL(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
    case TypeId::kBinary: return "BLOB";
    case TypeId::kDate: return "DATE";
    case TypeId::kTimestamp: return type.timezone.empty() ? "TIMESTAMP" : "TIMESTAMPTZ";
    case TypeId::kString:
    case TypeId::kNull: return "TEXT";
  }
  return "TEXT";
}

}  // namespace logidata
