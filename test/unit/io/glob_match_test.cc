// GlobMatch: '*' and '?' stay within one path segment, "**" crosses segments (and "**/" may match
// none), character classes with ranges and negation.
#include <gtest/gtest.h>

#include <string>

#include "io/file_system.h"

namespace logidata {
namespace {

struct GlobCase {
  const char* pattern;
  const char* path;
  bool match;
};

TEST(GlobMatchTest, Table) {
  const std::string long_a(200, 'a');
  const GlobCase cases[] = {
      {"*.csv", "a.csv", true},
      {"*.csv", "dir/a.csv", false},
      {"dir/*.csv", "dir/a.csv", true},
      {"a?c", "abc", true},
      {"a?c", "a/c", false},
      {"**/*.parquet", "x.parquet", true},
      {"**/*.parquet", "year=2024/month=1/part-0.parquet", true},  // "**" survives the later '*'
      {"s3://lake/p/**/*.parquet", "s3://lake/p/year=2024/month=1/part-0.parquet", true},
      {"s3://lake/p/**/*.parquet", "s3://lake/p/part-0.parquet", true},
      {"s3://lake/p/**/*.parquet", "s3://lake/q/part-0.parquet", false},
      {"a/**/b/*.csv", "a/x/y/b/c.csv", true},
      {"a/**/b/*.csv", "a/x/y/b/z/c.csv", false},
      {"a/**", "a/x/y", true},
      {"[a-c]x", "bx", true},
      {"[!a-c]x", "bx", false},
      {"[!a-c]x", "dx", true},
      {"file[", "file[", true},
      {"", "", true},
      {"*", "", true},
      {"**a**a**a**a**a**a**b", long_a.c_str(), false},  // no exponential blow-up
  };
  for (const GlobCase& c : cases) {
    SCOPED_TRACE(std::string(c.pattern) + " ~ " + c.path);
    EXPECT_EQ(GlobMatch(c.pattern, c.path), c.match);
  }
}

}  // namespace
}  // namespace logidata
