#include <cmath>
#include <map>
#include <set>

#include "blocking_test_util.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

struct AggCase {
  std::string name;
  std::string schema;
  Rows2 rows;
  nlohmann::json config;
  Rows2 expected;  // sorted
};

std::vector<AggCase> Cases() {
  const std::string s = "k:string, n:int64, x:float64, d:decimal(10,2), i:int32, t:date";
  const Rows2 rows = {{"a", "1", "1.5", "1.25", "1", "2024-01-01"},     {"b", "2", "NULL", "2.00", "2", "2024-01-03"},
                      {"a", "3", "2.5", "NULL", "NULL", "2024-01-02"},  {"NULL", "4", "4", "1.00", "4", "NULL"},
                      {"b", "NULL", "1", "3.50", "5", "2023-12-31"},    {"a", "5", "NULL", "0.75", "6", "2024-02-01"}};
  auto agg = [](std::string fn, std::string col, std::string as) {
    nlohmann::json j = {{"function", fn}, {"as", as}};
    if (!col.empty()) j["column"] = col;
    return j;
  };
  return {
      {"count_star_and_column", s, rows,
       {{"group_by", {"k"}}, {"aggregates", {agg("count", "", "c"), agg("count", "x", "cx")}}},
       {{"NULL", "1", "1"}, {"a", "3", "2"}, {"b", "2", "1"}}},
      {"sum_types", s, rows,
       {{"group_by", {"k"}}, {"aggregates", {agg("sum", "n", "sn"), agg("sum", "x", "sx"), agg("sum", "d", "sd"), agg("sum", "i", "si")}}},
       {{"NULL", "4", "4", "1.00", "4"}, {"a", "9", "4", "2.00", "7"}, {"b", "2", "1", "5.50", "7"}}},
      {"avg", s, rows,
       {{"group_by", {"k"}}, {"aggregates", {agg("avg", "n", "an"), agg("avg", "d", "ad")}}},
       {{"NULL", "4", "1"}, {"a", "3", "1"}, {"b", "2", "2.75"}}},
      {"min_max", s, rows,
       {{"group_by", {"k"}}, {"aggregates", {agg("min", "t", "mint"), agg("max", "t", "maxt"), agg("min", "x", "minx"), agg("max", "k", "maxk"), agg("max", "d", "maxd")}}},
       {{"NULL", "NULL", "NULL", "4", "NULL", "1.00"}, {"a", "2024-01-01", "2024-02-01", "1.5", "a", "1.25"}, {"b", "2023-12-31", "2024-01-03", "1", "b", "3.50"}}},
      {"first_last_keep_nulls", s, rows,
       {{"group_by", {"k"}}, {"aggregates", {agg("first", "x", "fx"), agg("last", "x", "lx"), agg("first", "n", "fn"), agg("last", "t", "lt")}}},
       {{"NULL", "4", "4", "4", "NULL"}, {"a", "1.5", "NULL", "1", "2024-02-01"}, {"b", "NULL", "1", "2", "2023-12-31"}}},
      {"count_distinct", s, rows,
       {{"group_by", {"k"}}, {"aggregates", {agg("count_distinct", "x", "dx")}}},
       {{"NULL", "1"}, {"a", "2"}, {"b", "1"}}},
      {"global_no_group", s, rows,
       {{"aggregates", {agg("count", "", "c"), agg("sum", "n", "s"), agg("count_distinct", "k", "dk")}}},
       {{"6", "15", "2"}}},
      {"multi_key", s, rows,
       {{"group_by", {"k", "i"}}, {"aggregates", {agg("count", "", "c")}}},
       {{"NULL", "4", "1"}, {"a", "1", "1"}, {"a", "6", "1"}, {"a", "NULL", "1"}, {"b", "2", "1"}, {"b", "5", "1"}}},
      {"group_only_is_distinct", s, rows, {{"group_by", {"k"}}}, {{"NULL"}, {"a"}, {"b"}}},
      {"key_types", "b:bool, t:timestamp, d:decimal(5,1), f:float64",
       {{"true", "2024-01-01 10:00:00", "1.5", "0"}, {"false", "2024-01-01 10:00:00", "1.5", "-0"},
        {"true", "NULL", "NULL", "NULL"}, {"true", "2024-01-01 10:00:00", "1.5", "0"}},
       {{"group_by", {"b", "t", "d", "f"}}, {"aggregates", {agg("count", "", "c")}}},
       {{"false", "2024-01-01 10:00:00", "1.5", "0", "1"}, {"true", "2024-01-01 10:00:00", "1.5", "0", "2"}, {"true", "NULL", "NULL", "NULL", "1"}}},
  };
}

TEST(AggregateTest, TableCasesAgreeInEveryMode) {
  for (const auto& c : Cases()) {
    BatchPtr input = MakeBatch(c.schema, c.rows);
    for (const auto& mode : AllModes()) {
      SCOPED_TRACE(c.name + " / " + mode.name);
      auto out = RunModule("transform.aggregate", c.config, {Split(input, 2)}, mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_EQ(SortedRows(*out), c.expected);
    }
  }
}

TEST(AggregateTest, EmptyInput) {
  BatchPtr empty = MakeBatch("k:string, n:int64", {});
  for (const auto& mode : AllModes()) {
    SCOPED_TRACE(mode.name);
    auto grouped = RunModule("transform.aggregate",
                             {{"group_by", {"k"}}, {"aggregates", {{{"function", "sum"}, {"column", "n"}}}}}, {{empty}}, mode);
    ASSERT_TRUE(grouped.ok()) << grouped.status().ToString();
    EXPECT_TRUE(SortedRows(*grouped).empty());
    auto global = RunModule("transform.aggregate",
                            {{"aggregates", {{{"function", "count"}}, {{"function", "sum"}, {"column", "n"}}}}}, {{empty}}, mode);
    ASSERT_TRUE(global.ok()) << global.status().ToString();
    EXPECT_EQ(SortedRows(*global), (Rows2{{"0", "NULL"}}));
  }
}

TEST(AggregateTest, SumOverflowIsDataError) {
  BatchPtr input = MakeBatch("n:int64", {{"9223372036854775807"}, {"1"}});
  auto out = RunModule("transform.aggregate", {{"aggregates", {{{"function", "sum"}, {"column", "n"}}}}}, {Split(input, 1)},
                       AllModes()[0]);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(out.status().IsDataError()) << out.status().ToString();
  EXPECT_NE(out.status().message().find("'n'"), std::string::npos);
}

TEST(AggregateTest, OutputSchemaIsTyped) {
  SchemaPtr in = ParseSchemaSpec("k:string, n:int32, d:decimal(10,2), x:float64");
  auto op = BindModule(BlockingRegistry(), "transform.aggregate",
                       {{"group_by", {"k"}},
                        {"aggregates", {{{"function", "sum"}, {"column", "n"}}, {{"function", "sum"}, {"column", "d"}},
                                        {{"function", "avg"}, {"column", "n"}}, {{"function", "max"}, {"column", "d"}},
                                        {{"function", "count"}}, {{"function", "stddev"}, {"column", "x"}}}}},
                       {in});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ((*op)->output_schemas()[0]->ToString(),
            "k: string, sum_n: int64, sum_d: decimal(38,2), avg_n: float64, max_d: decimal(10,2), count: int64, "
            "stddev_x: float64");
}

TEST(AggregateTest, StddevIsSampleStddev) {
  BatchPtr input = MakeBatch("k:string, x:float64", {{"a", "2"}, {"a", "4"}, {"a", "4"}, {"a", "4"}, {"a", "5"},
                                                     {"a", "5"}, {"a", "7"}, {"a", "9"}, {"b", "1"}, {"c", "NULL"}});
  for (const auto& mode : AllModes()) {
    SCOPED_TRACE(mode.name);
    auto out = RunModule("transform.aggregate",
                         {{"group_by", {"k"}}, {"aggregates", {{{"function", "stddev"}, {"column", "x"}, {"as", "sd"}}}}},
                         {Split(input, 3)}, mode);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    auto rows = SortedRows(*out);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_NEAR(std::stod(rows[0][1]), std::sqrt(32.0 / 7.0), 1e-12);
    EXPECT_EQ(rows[1][1], "NULL");  // one value
    EXPECT_EQ(rows[2][1], "NULL");  // no values
  }
}

// Random data, many groups: every mode must match a naive std::map computation.
TEST(AggregateTest, RandomAgainstReference) {
  BatchPtr input = RandomBatch("a:int64, b:string, v:int64, w:string", 20000, 300, 7);
  nlohmann::json config = {{"group_by", {"a", "b"}},
                           {"aggregates",
                            {{{"function", "count"}}, {{"function", "sum"}, {"column", "v"}},
                             {{"function", "min"}, {"column", "w"}}, {{"function", "max"}, {"column", "v"}},
                             {{"function", "first"}, {"column", "w"}}, {{"function", "last"}, {"column", "v"}},
                             {{"function", "count_distinct"}, {"column", "w"}}}}};
  struct Acc {
    int64_t count = 0, sum = 0;
    bool has_sum = false;
    std::string min_w, first_w, last_v;
    bool has_min = false, has_first = false;
    int64_t max_v = 0;
    bool has_max = false;
    std::set<std::string> distinct;
  };
  std::map<std::pair<std::string, std::string>, Acc> ref;
  auto rows = Rows(*input);
  for (const auto& r : rows) {
    Acc& a = ref[{r[0], r[1]}];
    ++a.count;
    if (r[2] != "NULL") {
      a.sum += std::stoll(r[2]);
      a.has_sum = true;
      if (!a.has_max || std::stoll(r[2]) > a.max_v) a.max_v = std::stoll(r[2]);
      a.has_max = true;
    }
    if (r[3] != "NULL") {
      if (!a.has_min || r[3] < a.min_w) a.min_w = r[3];
      a.has_min = true;
      a.distinct.insert(r[3]);
    }
    if (!a.has_first) a.first_w = r[3];
    a.has_first = true;
    a.last_v = r[2];
  }
  Rows2 expected;
  for (const auto& [k, a] : ref) {
    expected.push_back({k.first, k.second, std::to_string(a.count), a.has_sum ? std::to_string(a.sum) : "NULL",
                        a.has_min ? a.min_w : "NULL", a.has_max ? std::to_string(a.max_v) : "NULL", a.first_w, a.last_v,
                        std::to_string(a.distinct.size())});
  }
  std::sort(expected.begin(), expected.end());
  for (const auto& mode : AllModes()) {
    SCOPED_TRACE(mode.name);
    auto out = RunModule("transform.aggregate", config, {Split(input, 1000)}, mode);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(SortedRows(*out), expected);
  }
}

TEST(AggregateTest, BindErrorsNameThePointer) {
  SchemaPtr in = ParseSchemaSpec("k:string, n:int64");
  const std::vector<BindErrorCase> cases = {
      {{{"group_by", {"k", "x"}}, {"aggregates", {{{"function", "count"}}}}}, "/group_by/1", "column 'x' does not exist"},
      {{{"group_by", {"k", "k"}}}, "/group_by/1", "twice"},
      {{{"aggregates", {{{"function", "median"}, {"column", "n"}}}}}, "/aggregates/0/function", "not one of"},
      {{{"aggregates", {{{"function", "count"}}, {{"function", "sum"}, {"column", "zz"}}}}}, "/aggregates/1/column", "'zz'"},
      {{{"aggregates", {{{"function", "sum"}}}}}, "/aggregates/0/column", "needs a column"},
      {{{"aggregates", {{{"function", "sum"}, {"column", "k"}}}}}, "/aggregates/0/column", "string"},
      {{{"group_by", {"k"}}, {"aggregates", {{{"function", "count"}, {"as", "k"}}}}}, "/aggregates/0/as", "already exists"},
      {nlohmann::json::object(), "/aggregates", "at least one"},
  };
  ExpectBindErrors("transform.aggregate", {in}, cases);
}

}  // namespace
}  // namespace logidata::testing
