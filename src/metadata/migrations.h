// Versioned schema migrations of the metadata store. The same portable SQL runs on SQLite and
// PostgreSQL; each version is applied once, in order, in its own transaction, and recorded in
// schema_migrations. Safe to call from several processes at once (PostgreSQL takes an advisory
// lock; SQLite's write lock serialises).
#pragma once

#include <string>
#include <vector>

#include "metadata/database.h"

namespace logidata {

struct Migration {
  int64_t version;
  std::string description;
  std::vector<std::string> statements;
};

const std::vector<Migration>& MetadataMigrations();

// Applies every migration newer than the database's version. Returns the resulting version.
Result<int64_t> RunMigrations(Database& db);

}  // namespace logidata
