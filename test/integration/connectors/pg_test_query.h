// Runs SQL on the test PostgreSQL behind connection "pg" and returns the rows as text ("NULL" for
// nulls); a failed statement fails the calling test. Shared by the loads and ELT suites.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "connectors/postgres/pg_connection.h"
#include "integration/connectors/connector_test_support.h"

namespace logidata::testing {

using PgRowsText = std::vector<std::vector<std::string>>;

inline PgRowsText QueryTestPg(MemoryConnections& connections, const std::string& sql) {
  auto conn = PgConnection::Connect(*connections.Resolve("pg"));
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return {};
  PgResultPtr r(PQexec((*conn)->get(), sql.c_str()));
  auto st = PQresultStatus(r.get());
  EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << sql << ": " << PQresultErrorMessage(r.get());
  PgRowsText rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    std::vector<std::string> row;
    for (int c = 0; c < PQnfields(r.get()); ++c) row.push_back(PQgetisnull(r.get(), i, c) ? "NULL" : PQgetvalue(r.get(), i, c));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace logidata::testing
