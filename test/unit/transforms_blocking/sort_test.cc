#include <algorithm>

#include "blocking_test_util.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

BatchPtr Input() {
  return MakeBatch("k:string, n:int64, x:float64, d:date, tag:int32",
                   {{"b", "2", "1.5", "2024-01-02", "0"},
                    {"a", "NULL", "-0.5", "2024-01-01", "1"},
                    {"NULL", "1", "NULL", "NULL", "2"},
                    {"b", "1", "2.5", "2024-01-03", "3"},
                    {"a", "2", "-3", "2023-12-31", "4"},
                    {"b", "2", "NULL", "2024-01-02", "5"},
                    {"a", "NULL", "10", "NULL", "6"}});
}

struct SortCase {
  std::string name;
  nlohmann::json keys;
  std::vector<std::string> expected_tags;  // the `tag` column in output order
};

TEST(SortTest, KeysOrdersAndNullsInEveryMode) {
  const std::vector<SortCase> cases = {
      {"string_asc_stable", {{{"column", "k"}}}, {"1", "4", "6", "0", "3", "5", "2"}},
      {"string_desc_nulls_first", {{{"column", "k"}, {"order", "desc"}, {"nulls", "first"}}}, {"2", "0", "3", "5", "1", "4", "6"}},
      {"int_asc_nulls_first", {{{"column", "n"}, {"nulls", "first"}}}, {"1", "6", "2", "3", "0", "4", "5"}},
      {"int_desc_nulls_last", {{{"column", "n"}, {"order", "desc"}}}, {"0", "4", "5", "2", "3", "1", "6"}},
      {"float_asc", {{{"column", "x"}}}, {"4", "1", "0", "3", "6", "2", "5"}},
      {"date_desc", {{{"column", "d"}, {"order", "desc"}}}, {"3", "0", "5", "1", "4", "2", "6"}},
      {"two_keys", {{{"column", "k"}, {"nulls", "first"}}, {{"column", "n"}, {"order", "desc"}}},
       {"2", "4", "1", "6", "0", "5", "3"}},
      {"plain_string_key", {"tag"}, {"0", "1", "2", "3", "4", "5", "6"}},
  };
  for (const auto& c : cases) {
    for (const auto& mode : AllModes()) {
      SCOPED_TRACE(c.name + " / " + mode.name);
      auto out = RunModule("transform.sort", {{"keys", c.keys}}, {Split(Input(), 2)}, mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      std::vector<std::string> tags;
      for (const auto& r : Rows(*out)) tags.push_back(r[4]);
      EXPECT_EQ(tags, c.expected_tags);
    }
  }
}

TEST(SortTest, EmptyInput) {
  for (const auto& mode : AllModes()) {
    SCOPED_TRACE(mode.name);
    auto out = RunModule("transform.sort", {{"keys", {{{"column", "n"}}}}}, {{MakeBatch("n:int64", {})}}, mode);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(Rows(*out).empty());
  }
}

// Random rows with many ties: every mode equals std::stable_sort of the rows.
TEST(SortTest, RandomAgainstStableSort) {
  BatchPtr input = RandomBatch("a:int32, b:string, c:decimal(9,2), pos:int64", 20000, 50, 3);
  Rows2 rows = Rows(*input);
  auto num = [](const std::string& s) { return std::stod(s); };
  // a desc nulls first, b asc nulls last, c asc nulls last.
  Rows2 expected = rows;
  std::stable_sort(expected.begin(), expected.end(), [&](const auto& x, const auto& y) {
    if ((x[0] == "NULL") != (y[0] == "NULL")) return x[0] == "NULL";
    if (x[0] != "NULL" && num(x[0]) != num(y[0])) return num(x[0]) > num(y[0]);
    if ((x[1] == "NULL") != (y[1] == "NULL")) return y[1] == "NULL";
    if (x[1] != y[1]) return x[1] < y[1];
    if ((x[2] == "NULL") != (y[2] == "NULL")) return y[2] == "NULL";
    if (x[2] != "NULL" && num(x[2]) != num(y[2])) return num(x[2]) < num(y[2]);
    return false;
  });
  nlohmann::json keys = {{{"column", "a"}, {"order", "desc"}, {"nulls", "first"}}, {{"column", "b"}}, {{"column", "c"}}};
  for (const auto& mode : AllModes()) {
    SCOPED_TRACE(mode.name);
    HarnessOptions opts;
    auto out = RunModule("transform.sort", {{"keys", keys}}, {Split(input, 900)}, mode);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(Rows(*out) == expected);
  }
}

TEST(SortTest, BindErrorsNameThePointer) {
  const std::vector<BindErrorCase> cases = {
      {{{"keys", nlohmann::json::array()}}, "/keys", "at least one"},
      {{{"keys", {{{"column", "k"}}, {{"column", "zz"}}}}}, "/keys/1/column", "column 'zz' does not exist"},
      {{{"keys", {{{"column", "k"}, {"order", "up"}}}}}, "/keys/0/order", "not one of"},
      {{{"keys", {{{"column", "k"}, {"nulls", "middle"}}}}}, "/keys/0/nulls", "not one of"},
      {{{"keys", {42}}}, "/keys/0", "must be an object"},
  };
  ExpectBindErrors("transform.sort", {Input()->schema()}, cases);
}

}  // namespace
}  // namespace logidata::testing
