#include "connectors/sql_text.h"

#include <gtest/gtest.h>

namespace logidata {
namespace {

TEST(QuoteIdentifierTest, DoublesQuotesPerDialect) {
  struct Case {
    SqlDialect dialect;
    std::string name;
    std::string quoted;
  };
  std::vector<Case> cases = {
      {SqlDialect::kPostgres, "orders", "\"orders\""},
      {SqlDialect::kPostgres, "we\"ird; DROP TABLE x", "\"we\"\"ird; DROP TABLE x\""},
      {SqlDialect::kSqlite, "a\"b", "\"a\"\"b\""},
      {SqlDialect::kMysql, "a`b", "`a``b`"},
      {SqlDialect::kMysql, "x\"y", "`x\"y`"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(*QuoteIdentifier(c.dialect, c.name), c.quoted);
  }
  EXPECT_FALSE(QuoteIdentifier(SqlDialect::kPostgres, "").ok());
  EXPECT_FALSE(QuoteIdentifier(SqlDialect::kPostgres, std::string("a\0b", 3)).ok());
  EXPECT_EQ(*QualifiedName(SqlDialect::kPostgres, "s", "t"), "\"s\".\"t\"");
}

TEST(BindNamedParametersTest, RewritesOnlyRealParameters) {
  ParameterMap params = {{"start", "2024-01-01"}, {"who", "x' OR 1=1"}, {"n", "5"}};
  struct Case {
    SqlDialect dialect;
    std::string sql;
    std::string expected_sql;
    std::vector<std::string> values;
  };
  std::vector<Case> cases = {
      {SqlDialect::kPostgres, "SELECT * FROM t WHERE d > :start AND w = :who", "SELECT * FROM t WHERE d > $1 AND w = $2",
       {"2024-01-01", "x' OR 1=1"}},
      {SqlDialect::kPostgres, "SELECT a::int, ':start', \":who\" FROM t WHERE n = :n", "SELECT a::int, ':start', \":who\" FROM t WHERE n = $1", {"5"}},
      {SqlDialect::kPostgres, "SELECT 1 -- :start\n/* :who */ WHERE x = :n", "SELECT 1 -- :start\n/* :who */ WHERE x = $1", {"5"}},
      {SqlDialect::kPostgres, "SELECT $$ :who $$, :n", "SELECT $$ :who $$, $1", {"5"}},
      {SqlDialect::kPostgres, "SELECT :n, :n", "SELECT $1, $2", {"5", "5"}},
      {SqlDialect::kMysql, "SELECT * FROM `t:x` WHERE a = :n AND b = 'it\\'s :who'", "SELECT * FROM `t:x` WHERE a = ? AND b = 'it\\'s :who'", {"5"}},
      {SqlDialect::kSqlite, "SELECT :start", "SELECT ?", {"2024-01-01"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    auto bound = BindNamedParameters(c.dialect, c.sql, &params);
    ASSERT_TRUE(bound.ok()) << bound.status().ToString();
    EXPECT_EQ(bound->sql, c.expected_sql);
    EXPECT_EQ(bound->values, c.values);
  }
  auto missing = BindNamedParameters(SqlDialect::kPostgres, "SELECT :nope", &params);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(":nope"), std::string::npos);
}

}  // namespace
}  // namespace logidata
