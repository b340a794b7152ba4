#include "metadata/sqlite_backup.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>

namespace logidata {
namespace {

// Closes the handle on every path out.
struct SqliteHandle {
  sqlite3* db = nullptr;
  ~SqliteHandle() { sqlite3_close_v2(db); }
};

}  // namespace

Status CopySqliteOnline(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (std::filesystem::exists(to, ec)) return Status::AlreadyExists(to + ": already exists");
  if (!std::filesystem::exists(from, ec)) return Status::NotFound(from + ": no such database file");
  SqliteHandle source, target;
  if (sqlite3_open_v2(from.c_str(), &source.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return Status::IOError(from + ": cannot open: " + sqlite3_errmsg(source.db));
  }
  // A writer holding the lock makes a step wait (busy handler) rather than fail at once.
  sqlite3_busy_timeout(source.db, 30000);
  if (sqlite3_open_v2(to.c_str(), &target.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return Status::IOError(to + ": cannot create: " + sqlite3_errmsg(target.db));
  }
  ::chmod(to.c_str(), 0600);
  sqlite3_backup* backup = sqlite3_backup_init(target.db, "main", source.db, "main");
  if (backup == nullptr) return Status::IOError(to + ": cannot start the backup: " + sqlite3_errmsg(target.db));
  // All pages in one step: one read transaction, so the copy is a single committed state.
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    std::string why = rc == SQLITE_NOTADB ? "not an SQLite database" : sqlite3_errstr(rc);
    sqlite3_close_v2(target.db);
    target.db = nullptr;
    std::filesystem::remove(to, ec);
    if (rc == SQLITE_NOTADB) return Status::InvalidArgument(from + ": " + why);
    return Status::IOError(from + ": backup failed: " + why);
  }
  // The copy is a plain rollback-journal file until a server opens it (and switches it to WAL).
  sqlite3_stmt* check = nullptr;
  std::string result;
  if (sqlite3_prepare_v2(target.db, "PRAGMA quick_check", -1, &check, nullptr) == SQLITE_OK &&
      sqlite3_step(check) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
  }
  sqlite3_finalize(check);
  if (result != "ok") return Status::DataError(to + ": the copy fails PRAGMA quick_check: " + result);
  return Status::OK();
}

}  // namespace logidata
