// Runs SQL on the SQLite database file behind a test connection and returns the rows as text
// ("NULL" for nulls); a failed open or statement fails the calling test. Shared by the SQLite and
// RabbitMQ suites.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "connectors/sqlite/sqlite_database.h"
#include "integration/connectors/connector_test_support.h"

namespace logidata::testing {

inline std::vector<std::vector<std::string>> QueryTestSqlite(MemoryConnections& connections, const std::string& name,
                                                             const std::string& sql) {
  auto db = SqliteDatabase::Open(*connections.Resolve(name), true);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  std::vector<std::vector<std::string>> rows;
  if (!db.ok()) return rows;
  auto stmt = (*db)->Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << sql << ": " << stmt.status().ToString();
  if (!stmt.ok()) return rows;
  while (sqlite3_step(stmt->get()) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(stmt->get()); ++c) {
      auto* t = sqlite3_column_text(stmt->get(), c);
      row.push_back(t == nullptr ? "NULL" : reinterpret_cast<const char*>(t));
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace logidata::testing
