// transform.pivot and transform.unpivot: table-driven cases in every run mode (threads, spilling),
// and the config errors a user gets, each at its JSON pointer.
#include <algorithm>

#include "analytic_test_util.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

const char* kSales = "region:string, quarter:string, amount:int64, price:float64";
const Rows2 kSalesRows = {{"eu", "q1", "10", "1.5"}, {"eu", "q1", "5", "2.5"}, {"eu", "q2", "7", "NULL"},
                          {"us", "q1", "3", "4"},    {"us", "q3", "1", "1"},   {"NULL", "q2", "2", "2"},
                          {"eu", "NULL", "100", "9"}, {"mx", "q3", "8", "8"}};

struct ReshapeCase {
  std::string name;
  nlohmann::json config;
  Rows2 expected;  // any order: compared sorted
};

std::vector<ReshapeCase> PivotCases() {
  return {
      {"sum_per_region",
       {{"index", {"region"}}, {"column", "quarter"}, {"values", {"q1", "q2"}}, {"aggregates", {{{"function", "sum"}, {"column", "amount"}}}}},
       // us has no q2 row: null; mx only has an unlisted value: a row of nulls (as SQL PIVOT).
       {{"eu", "15", "7"}, {"us", "3", "NULL"}, {"NULL", "NULL", "2"}, {"mx", "NULL", "NULL"}}},
      {"several_aggregates_name_value_suffix",
       {{"index", {"region"}},
        {"column", "quarter"},
        {"values", {"q1"}},
        {"aggregates",
         {{{"function", "count"}, {"as", "n"}}, {{"function", "avg"}, {"column", "price"}}, {{"function", "max"}, {"column", "amount"}},
          {{"function", "min"}, {"column", "price"}}}}},
       {{"eu", "2", "2", "10", "1.5"}, {"us", "1", "4", "3", "4"}, {"NULL", "0", "NULL", "NULL", "NULL"},
        {"mx", "0", "NULL", "NULL", "NULL"}}},
      {"no_index_one_row",
       {{"column", "quarter"}, {"values", {"q3", "q2", "q1"}}, {"aggregates", {{{"function", "count"}, {"column", "price"}}}}},
       {{"2", "1", "3"}}},
      {"first_in_input_order",
       {{"index", {"region"}}, {"column", "quarter"}, {"values", {"q1"}}, {"aggregates", {{{"function", "first"}, {"column", "amount"}}}}},
       {{"eu", "10"}, {"us", "3"}, {"NULL", "NULL"}, {"mx", "NULL"}}},
  };
}

TEST(PivotTest, TableCasesAgreeInEveryMode) {
  BatchPtr input = MakeBatch(kSales, kSalesRows);
  for (const auto& c : PivotCases()) {
    for (const auto& mode : AnalyticModes()) {
      SCOPED_TRACE(c.name + " / " + mode.name);
      auto out = RunAnalytic("transform.pivot", c.config, Split(input, 3), mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      Rows2 got = Rows(*out), expected = c.expected;
      std::sort(got.begin(), got.end());
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(got, expected);
    }
  }
}

TEST(PivotTest, ColumnNamesAndTypes) {
  BatchPtr input = MakeBatch(kSales, kSalesRows);
  nlohmann::json config = {{"index", {"region"}},
                           {"column", "quarter"},
                           {"values", {"q1", "q2"}},
                           {"aggregates", {{{"function", "sum"}, {"column", "amount"}, {"as", "total"}}, {{"function", "avg"}, {"column", "price"}}}}};
  auto op = BindModule(AnalyticRegistry(), "transform.pivot", config, {input->schema()});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ((*op)->output_schemas()[0]->ToString(),
            MakeSchema({{"region", DataType::String(), true},
                        {"q1_total", DataType::Int64(), true},
                        {"q1_avg", DataType::Float64(), true},
                        {"q2_total", DataType::Int64(), true},
                        {"q2_avg", DataType::Float64(), true}})
                ->ToString());
}

TEST(PivotTest, NumericValuesMatchByText) {
  BatchPtr input = MakeBatch("k:string, year:int32, v:int64", {{"a", "2023", "1"}, {"a", "2024", "2"}, {"b", "2024", "3"}});
  auto out = RunAnalytic("transform.pivot",
                         {{"index", {"k"}}, {"column", "year"}, {"values", {2024, "2023"}}, {"aggregates", {{{"function", "sum"}, {"column", "v"}}}}},
                         {input}, AnalyticModes()[0]);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  Rows2 got = Rows(*out);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (Rows2{{"a", "2", "1"}, {"b", "3", "NULL"}}));
}

TEST(PivotTest, BadConfigsNameTheField) {
  auto schema = MakeBatch(kSales, {})->schema();
  nlohmann::json sum = {{{"function", "sum"}, {"column", "amount"}}};
  ExpectAnalyticBindErrors(
      "transform.pivot", {schema},
      {
          {{{"index", {"region"}}, {"column", "quarter"}, {"values", {"q1", "region"}}, {"aggregates", sum}}, "/values/1", "already exists"},
          {{{"index", {"region"}}, {"column", "quarter"}, {"values", {"q1", "q1"}}, {"aggregates", sum}}, "/values/1", "listed twice"},
          {{{"index", {"region"}}, {"column", "quarter"}, {"aggregates", sum}}, "/values", "list the values"},
          {{{"column", "quarter"}, {"values", {"q1"}}, {"discover_values", true}, {"aggregates", sum}}, "/discover_values", "not both"},
          {{{"column", "quarter"}, {"discover_values", true}, {"max_values", 5000}, {"aggregates", sum}}, "/max_values", "from 1 to 1000"},
          {{{"index", {"quarter"}}, {"column", "quarter"}, {"values", {"q1"}}, {"aggregates", sum}}, "/index/0", "pivot column"},
          {{{"column", "quartr"}, {"values", {"q1"}}, {"aggregates", sum}}, "/column", "quartr"},
          {{{"column", "quarter"}, {"values", {"q1"}}, {"aggregates", {{{"function", "sum"}, {"column", "region"}}}}},
           "/aggregates/0/column",
           ""},
          {{{"column", "quarter"}, {"values", {"q1"}}, {"aggregates", {{{"function", "median"}, {"column", "amount"}}}}},
           "/aggregates/0/function",
           "median"},
          {{{"column", "quarter"}, {"values", {"q1"}}, {"aggregates", nlohmann::json::array()}}, "/aggregates", "at least one"},
          {{{"column", "quarter"}, {"values", {"q1"}}, {"aggregates", {{{"function", "sum"}, {"column", "amount"}}, {{"function", "sum"}, {"column", "price"}}}}},
           "/aggregates/1/as",
           "both named 'sum'"},
      });
}

TEST(PivotTest, LargeInputIsIdenticalInEveryMode) {
  BatchPtr input = RandomBatch("k:int64, p:int32, v:float64", 20000, 200, 11, 0.05);
  nlohmann::json values = nlohmann::json::array();
  for (int i = 0; i < 50; ++i) values.push_back(i);
  nlohmann::json config = {{"index", {"k"}},
                           {"column", "p"},
                           {"values", values},
                           {"aggregates", {{{"function", "sum"}, {"column", "v"}}, {{"function", "count"}}}}};
  Rows2 reference;
  for (const auto& mode : AnalyticModes()) {
    SCOPED_TRACE(mode.name);
    auto out = RunAnalytic("transform.pivot", config, Split(input, 1000), mode);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    Rows2 got = Rows(*out);
    std::sort(got.begin(), got.end());
    ASSERT_FALSE(got.empty());
    if (reference.empty()) reference = got;
    // Float sums may differ in the last digit with the summation order: compare counts exactly
    // and the row set by key.
    ASSERT_EQ(got.size(), reference.size());
    for (size_t r = 0; r < got.size(); ++r) {
      ASSERT_EQ(got[r][0], reference[r][0]);
      for (size_t c = 2; c < got[r].size(); c += 2) EXPECT_EQ(got[r][c], reference[r][c]);
    }
  }
}

// Aggregated rows past a third of the budget go to spill files by the index columns' hash and are
// reshaped a partition at a time (split again while too big): ~250k aggregated rows here against
// 256 KiB pieces. Same rows as in memory, at every thread count.
TEST(PivotTest, SpilledAggregatedRowsAreReshapedByPartitionAndStayExact) {
  BatchPtr input = RandomBatch("k:int64, p:int32, v:int64", 300000, 60000, 12, 0.05);
  nlohmann::json values = nlohmann::json::array();
  for (int i = 0; i < 40; ++i) values.push_back(i);
  nlohmann::json config = {{"index", {"k"}},
                           {"column", "p"},
                           {"values", values},
                           {"aggregates", {{{"function", "sum"}, {"column", "v"}}, {{"function", "count"}}}}};
  auto in_memory = RunAnalytic("transform.pivot", config, Split(input, 4096), RunMode{"memory", 1, int64_t{1} << 30});
  ASSERT_TRUE(in_memory.ok()) << in_memory.status().ToString();
  Rows2 expected = Rows(*in_memory);
  std::sort(expected.begin(), expected.end());
  ASSERT_GT(expected.size(), 50000u);
  for (int threads : {1, 2, 8}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    auto out = RunAnalytic("transform.pivot", config, Split(input, 4096), RunMode{"spill", threads, 256 * 1024});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    Rows2 got = Rows(*out);
    std::sort(got.begin(), got.end());
    EXPECT_TRUE(got == expected) << "differs from the in-memory run";
  }
}

// Without index columns there is one output row, however many distinct unlisted values feed it.
TEST(PivotTest, NoIndexManyUnlistedValuesGiveOneRowAtATinyBudget) {
  BatchPtr input = RandomBatch("p:int64, v:int64", 200000, 150000, 13, 0.0);
  nlohmann::json config = {{"column", "p"}, {"values", {1, 2, 3}}, {"aggregates", {{{"function", "count"}}}}};
  auto in_memory = RunAnalytic("transform.pivot", config, Split(input, 4096), RunMode{"memory", 1, int64_t{1} << 30});
  ASSERT_TRUE(in_memory.ok()) << in_memory.status().ToString();
  auto tiny = RunAnalytic("transform.pivot", config, Split(input, 4096), RunMode{"tiny", 2, 1});
  ASSERT_TRUE(tiny.ok()) << tiny.status().ToString();
  ASSERT_EQ(Rows(*tiny).size(), 1u);
  EXPECT_EQ(Rows(*tiny), Rows(*in_memory));
}

const char* kWide = "id:int64, q1:int32, q2:int64, note:string, q3:float64";
const Rows2 kWideRows = {{"1", "10", "20", "a", "1.5"}, {"2", "NULL", "5", "b", "NULL"}};

std::vector<ReshapeCase> UnpivotCases() {
  return {
      {"listed_columns_drop_nulls",
       {{"columns", {"q1", "q2"}}},
       // q3 is not chosen: it is kept, like id and note.
       {{"1", "a", "1.5", "q1", "10"}, {"1", "a", "1.5", "q2", "20"}, {"2", "b", "NULL", "q2", "5"}}},
      {"pattern_widens_to_float_and_keeps_nulls",
       {{"pattern", "q[0-9]"}, {"name_column", "quarter"}, {"value_column", "sales"}, {"include_nulls", true}},
       {{"1", "a", "q1", "10"}, {"1", "a", "q2", "20"}, {"1", "a", "q3", "1.5"},
        {"2", "b", "q1", "NULL"}, {"2", "b", "q2", "5"}, {"2", "b", "q3", "NULL"}}},
      {"pattern_must_match_whole_name",
       {{"pattern", "q"}, {"value_column", "v"}, {"columns", nlohmann::json::array()}},
       {}},
  };
}

TEST(UnpivotTest, TableCasesAgreeInEveryMode) {
  BatchPtr input = MakeBatch(kWide, kWideRows);
  for (const auto& c : UnpivotCases()) {
    if (c.expected.empty()) continue;  // the error case below
    for (const auto& mode : AnalyticModes()) {
      SCOPED_TRACE(c.name + " / " + mode.name);
      auto out = RunAnalytic("transform.unpivot", c.config, Split(input, 1), mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      // Rows of one input row stay together, columns in input order.
      EXPECT_EQ(Rows(*out), c.expected);
    }
  }
}

TEST(UnpivotTest, ValueTypeIsTheCommonType) {
  auto schema = MakeBatch(kWide, {})->schema();
  struct TypeCase {
    nlohmann::json config;
    DataType type;
  };
  for (const auto& c : std::vector<TypeCase>{{{{"columns", {"q1"}}}, DataType::Int32()},
                                             {{{"columns", {"q1", "q2"}}}, DataType::Int64()},
                                             {{{"columns", {"q2", "q3"}}}, DataType::Float64()},
                                             {{{"columns", {"note"}}}, DataType::String()}}) {
    SCOPED_TRACE(c.config.dump());
    auto op = BindModule(AnalyticRegistry(), "transform.unpivot", c.config, {schema});
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    const Schema& out = *(*op)->output_schemas()[0];
    EXPECT_EQ(out.field(out.num_fields() - 1).type, c.type);
    EXPECT_EQ(out.field(out.num_fields() - 2).name, "name");
  }
}

TEST(UnpivotTest, BadConfigsNameTheField) {
  auto schema = MakeBatch(kWide, {})->schema();
  ExpectAnalyticBindErrors("transform.unpivot", {schema},
                           {
                               {{{"columns", {"q1", "note"}}}, "/columns", "'q1' (int32) and 'note' (string)"},
                               {{{"pattern", "q.|note"}}, "/pattern", "no common type"},
                               {{{"pattern", "q"}}, "/pattern", "matches no column"},
                               {{{"pattern", "q("}}, "/pattern", "not a valid regular expression"},
                               {{{"columns", {"q1"}}, {"pattern", "q2"}}, "/pattern", "not both"},
                               {nlohmann::json::object(), "/columns", "list the columns"},
                               {{{"columns", {"q1"}}, {"name_column", "id"}}, "/name_column", "kept input column"},
                               {{{"columns", {"q1"}}, {"value_column", "note"}}, "/value_column", "kept input column"},
                               {{{"columns", {"q9"}}}, "/columns/0", "q9"},
                           });
}

}  // namespace
}  // namespace logidata::testing
