#include <algorithm>
#include <map>
#include <set>

#include "analytic_test_util.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

const char* kSchema = "g:string, t:int64, v:float64, n:int64";
// Partitions by g in order of first appearance: a (rows 0, 2, 3, 6), b (1, 4), NULL (5). Ordered
// by t (nulls last), partition a is rows 0, 2, 3 (a tie with 2 on t = 2: input order), 6.
const Rows2 kRows = {{"a", "1", "1.5", "10"}, {"b", "2", "NULL", "20"}, {"a", "2", "2.5", "NULL"},
                     {"a", "2", "4", "30"},   {"b", "1", "1", "40"},    {"NULL", "5", "2", "50"},
                     {"a", "NULL", "3", "60"}};

struct WindowCase {
  std::string name;
  nlohmann::json functions;
  Rows2 expected;  // in output order: only the function columns
  bool partitioned = true;
};

nlohmann::json Fn(const std::string& fn, const std::string& column, const std::string& as, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = extra;
  j["function"] = fn;
  j["as"] = as;
  if (!column.empty()) j["column"] = column;
  return j;
}

std::vector<WindowCase> Cases() {
  return {
      {"ranking",
       {Fn("row_number", "", "rn"), Fn("rank", "", "rk"), Fn("dense_rank", "", "dr"), Fn("ntile", "", "nt", {{"buckets", 3}})},
       {{"1", "1", "1", "1"}, {"2", "2", "2", "1"}, {"3", "2", "2", "2"}, {"4", "4", "3", "3"},
        {"1", "1", "1", "1"}, {"2", "2", "2", "2"}, {"1", "1", "1", "1"}}},
      {"lag_lead_offset_default",
       {Fn("lag", "n", "lag_n"), Fn("lead", "n", "lead2", {{"offset", 2}, {"default", -1}}), Fn("lag", "v", "same", {{"offset", 0}})},
       {{"NULL", "30", "1.5"}, {"10", "60", "2.5"}, {"NULL", "-1", "4"}, {"30", "-1", "3"},
        {"NULL", "-1", "1"}, {"40", "-1", "NULL"}, {"NULL", "-1", "2"}}},
      {"running_and_moving_aggregates",
       {Fn("sum", "v", "run_v"), Fn("count", "", "cnt"), Fn("sum", "n", "sum_n3", {{"frame", {{"preceding", 1}, {"following", 1}}}}),
        Fn("min", "v", "min2", {{"frame", {{"preceding", 1}}}}),
        Fn("max", "t", "max_t", {{"frame", {{"preceding", "unbounded"}, {"following", "unbounded"}}}}),
        Fn("avg", "v", "avg2", {{"frame", {{"preceding", 1}, {"following", 0}}}}), Fn("count", "n", "cnt_n")},
       {{"1.5", "1", "10", "1.5", "2", "1.5", "1"}, {"4", "2", "40", "1.5", "2", "2", "1"},
        {"8", "3", "90", "2.5", "2", "3.25", "2"}, {"11", "4", "90", "3", "2", "3.5", "3"},
        {"1", "1", "60", "1", "2", "1", "1"}, {"1", "2", "60", "1", "2", "1", "2"},
        {"2", "1", "50", "2", "5", "2", "1"}}},
      {"first_last_value_frames",
       {Fn("first_value", "v", "fv", {{"frame", {{"preceding", 1}}}}),
        Fn("last_value", "v", "lv", {{"frame", {{"preceding", 0}, {"following", "unbounded"}}}}),
        Fn("first_value", "n", "fn_all")},
       {{"1.5", "3", "10"}, {"1.5", "3", "10"}, {"2.5", "3", "10"}, {"4", "3", "10"},
        {"1", "NULL", "40"}, {"1", "NULL", "40"}, {"2", "2", "50"}}},
      {"no_partition_no_order_is_input_order",
       {Fn("row_number", "", "rn"), Fn("count", "", "all", {{"frame", {{"following", "unbounded"}}}}), Fn("rank", "", "rk")},
       {{"1", "7", "1"}, {"2", "7", "1"}, {"3", "7", "1"}, {"4", "7", "1"}, {"5", "7", "1"}, {"6", "7", "1"}, {"7", "7", "1"}},
       false},
  };
}

TEST(WindowTest, TableCasesAgreeInEveryMode) {
  BatchPtr input = MakeBatch(kSchema, kRows);
  for (const auto& c : Cases()) {
    nlohmann::json config = {{"functions", c.functions}};
    if (c.partitioned) {
      config["partition_by"] = {"g"};
      config["order_by"] = {{{"column", "t"}}};
    }
    for (const auto& mode : AnalyticModes()) {
      SCOPED_TRACE(c.name + " / " + mode.name);
      auto out = RunAnalytic("transform.window", config, Split(input, 2), mode);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      // Partitions come out in hash-bucket order, so compare whole rows as multisets; the
      // order inside a partition is checked by RowsComeOutGroupedByPartitionInOrder.
      const std::vector<size_t> output_order = c.partitioned ? std::vector<size_t>{0, 2, 3, 6, 4, 1, 5}
                                                             : std::vector<size_t>{0, 1, 2, 3, 4, 5, 6};
      Rows2 expected;
      for (size_t k = 0; k < output_order.size(); ++k) {
        auto row = kRows[output_order[k]];
        row.insert(row.end(), c.expected[k].begin(), c.expected[k].end());
        expected.push_back(row);
      }
      Rows2 got = Rows(*out);
      if (c.partitioned) std::sort(expected.begin(), expected.end()), std::sort(got.begin(), got.end());
      EXPECT_EQ(got, expected);
    }
  }
}

TEST(WindowTest, RowsComeOutGroupedByPartitionInOrder) {
  BatchPtr input = MakeBatch(kSchema, kRows);
  nlohmann::json config = {{"partition_by", {"g"}},
                           {"order_by", {{{"column", "t"}, {"order", "desc"}, {"nulls", "first"}}}},
                           {"functions", {Fn("row_number", "", "rn")}}};
  auto out = RunAnalytic("transform.window", config, Split(input, 3), AnalyticModes()[1]);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  // Each partition's rows are contiguous and in order; partitions follow one another.
  std::map<std::string, Rows2> by_partition;
  std::vector<std::string> seen;
  for (const auto& row : Rows(*out)) {
    if (seen.empty() || seen.back() != row[0]) seen.push_back(row[0]);
    by_partition[row[0]].push_back(row);
  }
  EXPECT_EQ(seen.size(), 3u) << "a partition's rows are split";
  EXPECT_EQ(by_partition["a"], (Rows2{{"a", "NULL", "3", "60", "1"}, {"a", "2", "2.5", "NULL", "2"}, {"a", "2", "4", "30", "3"},
                                      {"a", "1", "1.5", "10", "4"}}));
  EXPECT_EQ(by_partition["b"], (Rows2{{"b", "2", "NULL", "20", "1"}, {"b", "1", "1", "40", "2"}}));
  EXPECT_EQ(by_partition["NULL"], (Rows2{{"NULL", "5", "2", "50", "1"}}));
}

TEST(WindowTest, DecimalAndIntegerSumsAreExact) {
  BatchPtr input = MakeBatch("k:int32, d:decimal(10,2), i:int32", {{"1", "0.10", "2147483647"}, {"1", "0.20", "2147483647"}, {"1", "NULL", "1"}});
  nlohmann::json config = {{"partition_by", {"k"}}, {"functions", {Fn("sum", "d", "sd"), Fn("sum", "i", "si"), Fn("avg", "d", "ad")}}};
  auto out = RunAnalytic("transform.window", config, {input}, AnalyticModes()[0]);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows(*out), (Rows2{{"1", "0.10", "2147483647", "0.10", "2147483647", "0.1"},
                               {"1", "0.20", "2147483647", "0.30", "4294967294", "0.15"},
                               {"1", "NULL", "1", "0.30", "4294967295", "0.15"}}));
}

TEST(WindowTest, Int64SumOverflowIsADataError) {
  BatchPtr input = MakeBatch("n:int64", {{"9223372036854775807"}, {"1"}});
  auto out = RunAnalytic("transform.window", {{"functions", {Fn("sum", "n", "s")}}}, {input}, AnalyticModes()[0]);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().ToString().find("'s'"), std::string::npos) << out.status().ToString();
}

TEST(WindowTest, EmptyInputGivesNoRows) {
  BatchPtr empty = MakeBatch(kSchema, {});
  for (const auto& mode : AnalyticModes()) {
    auto out = RunAnalytic("transform.window", {{"partition_by", {"g"}}, {"functions", {Fn("row_number", "", "rn")}}}, {empty}, mode);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(Rows(*out).empty());
  }
}

// Many partitions, many batches, moving frames wider than the recompute threshold: every thread
// count and budget (spilling or not) gives the same rows in the same order as one thread.
TEST(WindowTest, LargeInputIsIdenticalInEveryMode) {
  BatchPtr input = RandomBatch("k:int64, s:string, v:float64, t:date", 30000, 300, 7, 0.1);
  nlohmann::json config = {
      {"partition_by", {"k"}},
      {"order_by", {{{"column", "t"}}, {{"column", "s"}, {"order", "desc"}, {"nulls", "first"}}}},
      {"functions",
       {Fn("row_number", "", "rn"), Fn("rank", "", "rk"), Fn("dense_rank", "", "dr"), Fn("ntile", "", "nt", {{"buckets", 4}}),
        Fn("lag", "s", "prev_s"), Fn("lead", "v", "next_v", {{"offset", 3}, {"default", 0.5}}),
        Fn("sum", "v", "run"), Fn("sum", "v", "mov", {{"frame", {{"preceding", 100}, {"following", 5}}}}),
        Fn("min", "s", "min_s", {{"frame", {{"preceding", 3}}}}), Fn("max", "v", "max_v", {{"frame", {{"preceding", 200}, {"following", "unbounded"}}}}),
        Fn("avg", "v", "avg_v", {{"frame", {{"preceding", 2}, {"following", 2}}}}), Fn("count", "v", "cnt"),
        Fn("first_value", "t", "first_t"), Fn("last_value", "s", "last_s", {{"frame", {{"following", 1}}}})}}};
  std::vector<std::vector<std::string>> reference;
  for (const auto& mode : AnalyticModes()) {
    SCOPED_TRACE(mode.name);
    auto out = RunAnalytic("transform.window", config, Split(input, 1000), mode);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    auto rows = Rows(*out);
    ASSERT_EQ(rows.size(), 30000u);
    if (reference.empty()) reference = rows;
    else EXPECT_TRUE(rows == reference) << "differs from the serial run";
  }
  // Spot invariants: row numbers restart at each partition and count up by one.
  for (size_t i = 1; i < reference.size(); ++i) {
    if (reference[i][0] == reference[i - 1][0]) EXPECT_EQ(std::stoll(reference[i][4]), std::stoll(reference[i - 1][4]) + 1);
    else EXPECT_EQ(reference[i][4], "1");
  }
}

// Past the budget, a spilled sixteenth that is itself too big is split again by the next hash
// bits of the partition keys (here ~20k rows of a 250k-row input per sixteenth, against 256 KiB
// pieces). The rows are the same as in memory, every partition still comes out whole and in
// order, and the output's sequence numbers stay contiguous (the harness checks them).
TEST(WindowTest, SpilledPiecesLargerThanTheBudgetAreSplitAgainAndStayExact) {
  BatchPtr input = RandomBatch("k:int64, s:string, v:float64", 250000, 60000, 11, 0.05);
  nlohmann::json config = {{"partition_by", {"k"}},
                           {"order_by", {{{"column", "v"}}, {{"column", "s"}}}},
                           {"functions", {Fn("row_number", "", "rn"), Fn("sum", "v", "run"), Fn("lag", "s", "prev_s")}}};
  auto sorted_rows = [](const std::vector<BatchPtr>& batches) {
    auto rows = Rows(batches);
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  auto in_memory = RunAnalytic("transform.window", config, Split(input, 4096), RunMode{"memory", 1, int64_t{1} << 30});
  ASSERT_TRUE(in_memory.ok()) << in_memory.status().ToString();
  const auto expected = sorted_rows(*in_memory);
  for (int threads : {1, 2, 8}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    auto out = RunAnalytic("transform.window", config, Split(input, 4096), RunMode{"split", threads, 256 * 1024});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(sorted_rows(*out) == expected) << "differs from the in-memory run";
    // Partitions whole: a key never reappears after another key's rows; row numbers count up.
    std::set<std::string> done;
    const auto rows = Rows(*out);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i > 0 && rows[i][0] == rows[i - 1][0]) {
        ASSERT_EQ(std::stoll(rows[i][3]), std::stoll(rows[i - 1][3]) + 1) << "row " << i;
        continue;
      }
      if (i > 0) done.insert(rows[i - 1][0]);
      ASSERT_EQ(done.count(rows[i][0]), 0u) << "partition " << rows[i][0] << " split at row " << i;
      ASSERT_EQ(rows[i][3], "1");
    }
  }
}

// Projection pushdown: the window asks its input for the columns read downstream plus its keys
// and the functions' arguments, nothing else.
TEST(WindowTest, AsksOnlyForTheColumnsItNeeds) {
  // Input g, t, v, n (0..3); outputs 0..3 the input's, then rn (4) and run_v (5).
  struct Case {
    std::string name;
    nlohmann::json config;
    std::vector<int> needed_outputs;
    std::vector<int> expected;
  };
  const std::vector<Case> cases = {
      {"keys and argument only", {{"partition_by", {"g"}}, {"order_by", {{{"column", "t"}}}},
                                  {"functions", {Fn("row_number", "", "rn"), Fn("sum", "v", "run_v")}}},
       {4, 5}, {0, 1, 2}},
      {"a passed-through column too", {{"partition_by", {"g"}}, {"order_by", {{{"column", "t"}}}},
                                        {"functions", {Fn("row_number", "", "rn")}}},
       {3, 4}, {0, 1, 3}},
      {"no keys", {{"functions", {Fn("lag", "n", "lag_n")}}}, {4}, {3}},
  };
  const SchemaPtr schema = MakeBatch(kSchema, {})->schema();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto op = BindModule(AnalyticRegistry(), "transform.window", c.config, {schema});
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    auto cols = (*op)->InputColumnsNeeded(0, c.needed_outputs);
    ASSERT_TRUE(cols.has_value());
    EXPECT_EQ(*cols, c.expected);
  }
}

TEST(WindowTest, BindErrorsNameTheField) {
  SchemaPtr s = ParseSchemaSpec(kSchema);
  auto fns = [](nlohmann::json f) { return nlohmann::json{{"functions", {f}}}; };
  ExpectAnalyticBindErrors("transform.window", {s},
                           {
                               {nlohmann::json::object(), "/functions", "at least one"},
                               {fns({{"function", "sum"}}), "/functions/0/column", "needs a column"},
                               {fns({{"function", "rank"}, {"column", "v"}}), "/functions/0/column", "takes no column"},
                               {fns({{"function", "sum"}, {"column", "g"}}), "/functions/0/column", "numeric"},
                               {fns({{"function", "median"}, {"column", "v"}}), "/functions/0/function", "median"},
                               {fns({{"function", "ntile"}}), "/functions/0/buckets", "buckets"},
                               {fns({{"function", "lag"}, {"column", "v"}, {"default", "x"}}), "/functions/0/default", "float64"},
                               {fns({{"function", "sum"}, {"column", "v"}, {"offset", 2}}), "/functions/0/offset", "only lag and lead"},
                               {fns({{"function", "row_number"}, {"frame", {{"preceding", 1}}}}), "/functions/0/frame", "does not use a frame"},
                               {fns({{"function", "sum"}, {"column", "v"}, {"frame", {{"preceding", -2}}}}), "/functions/0/frame/preceding", "unbounded"},
                               {fns({{"function", "row_number"}, {"as", "g"}}), "/functions/0/as", "already exists"},
                               {{{"partition_by", {"zz"}}, {"functions", {{{"function", "row_number"}}}}}, "/partition_by/0", "does not exist"},
                               {{{"order_by", {{{"column", "zz"}}}}, {"functions", {{{"function", "row_number"}}}}}, "/order_by/0/column", "does not exist"},
                           });
}

}  // namespace
}  // namespace logidata::testing
