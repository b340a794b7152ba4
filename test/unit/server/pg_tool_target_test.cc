// ForPgTools: the password leaves the URL (command lines are visible to every local user) and
// reaches pg_dump / pg_restore as PGPASSWORD, percent-decoded.
#include "metadata/pg_tool_target.h"

#include <gtest/gtest.h>

namespace logidata {
namespace {

struct Case {
  const char* url;
  const char* tool_url;
  const char* password;  // nullptr: no PGPASSWORD
};

TEST(PgToolTargetTest, Table) {
  const Case cases[] = {
      {"postgresql://u:pw@db:5432/meta", "postgresql://u@db:5432/meta", "pw"},
      {"postgres://u:p%40ss%3Aw%2Fd@db/meta?sslmode=require", "postgres://u@db/meta?sslmode=require", "p@ss:w/d"},
      {"postgresql://u:a@b@db/meta", "postgresql://u@db/meta", "a@b"},  // the last '@' ends the user info
      {"postgresql://u@db/meta", "postgresql://u@db/meta", nullptr},
      {"postgresql://db:5432/meta", "postgresql://db:5432/meta", nullptr},
      {"postgresql://db/meta?x=a@b", "postgresql://db/meta?x=a@b", nullptr},
      {"postgresql://u:@db/meta", "postgresql://u@db/meta", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    PgToolTarget t = ForPgTools(c.url);
    EXPECT_EQ(t.url, c.tool_url);
    if (c.password == nullptr) {
      EXPECT_EQ(t.env.count("PGPASSWORD"), 0u);
    } else {
      EXPECT_EQ(t.env["PGPASSWORD"], c.password);
    }
  }
}

}  // namespace
}  // namespace logidata
