#include "assist/extraction_sql_check.h"

#include <gtest/gtest.h>

namespace logidata::assist {
namespace {

struct SqlCase {
  const char* sql;
  SqlDialect dialect;
  const char* error;  // "" when the query is accepted
};

const SqlCase kQueries[] = {
    {"SELECT id, amount FROM orders WHERE amount > 100", SqlDialect::kPostgres, ""},
    {"  select * from orders;  ", SqlDialect::kPostgres, ""},
    {"WITH big AS (SELECT * FROM orders WHERE amount > 100) SELECT count(*) FROM big", SqlDialect::kPostgres, ""},
    {"SELECT 'drop table x; delete' AS note, \"update\" FROM t -- insert into", SqlDialect::kPostgres, ""},
    {"SELECT $$; DROP TABLE t$$ AS body", SqlDialect::kPostgres, ""},
    {"SELECT replace(name, 'a', 'b'), comment FROM t /* DELETE */", SqlDialect::kPostgres, ""},
    {"SELECT `update` FROM t # drop", SqlDialect::kMysql, ""},
    {"", SqlDialect::kPostgres, "empty"},
    {"-- only a comment", SqlDialect::kPostgres, "empty"},
    {"DROP TABLE orders", SqlDialect::kPostgres, "starts with DROP (line 1)"},
    {"DELETE FROM orders", SqlDialect::kPostgres, "starts with DELETE"},
    {"SELECT 1; DELETE FROM orders", SqlDialect::kPostgres, "2 statements"},
    {"SELECT 1;\nSELECT 2", SqlDialect::kPostgres, "second starts on line 2"},
    {"WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", SqlDialect::kPostgres, "contains DELETE"},
    {"SELECT * INTO backup FROM orders", SqlDialect::kPostgres, "contains INTO"},
    {"SELECT * FROM orders FOR UPDATE", SqlDialect::kPostgres, "contains UPDATE"},
    {"SELECT 1\nFROM t WHERE set_config('x', 'y', false) IS NULL", SqlDialect::kPostgres, "calls SET_CONFIG (line 2)"},
    {"SELECT pg_sleep(100)", SqlDialect::kPostgres, "calls PG_SLEEP"},
    {"SELECT * FROM dblink('host=evil', 'select 1') AS t(x int)", SqlDialect::kPostgres, "calls DBLINK"},
    {"SELECT load_file('/etc/passwd')", SqlDialect::kMysql, "calls LOAD_FILE"},
    {"SELECT * FROM t INTO OUTFILE '/tmp/x'", SqlDialect::kMysql, "contains INTO"},
    {"select 'unterminated", SqlDialect::kPostgres, "unterminated"},
    {"PRAGMA writable_schema = 1", SqlDialect::kSqlite, "starts with PRAGMA"},
};

TEST(ExtractionSqlCheck, AllowsOneReadOnlySelect) {
  for (const SqlCase& c : kQueries) {
    SCOPED_TRACE(c.sql);
    Status st = CheckExtractionSql(c.sql, c.dialect);
    if (std::string(c.error).empty()) {
      EXPECT_TRUE(st.ok()) << st.ToString();
    } else {
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(st.message().rfind("/query: ", 0), 0u) << st.message();
      EXPECT_NE(st.message().find(c.error), std::string::npos) << st.message();
    }
  }
}

}  // namespace
}  // namespace logidata::assist
