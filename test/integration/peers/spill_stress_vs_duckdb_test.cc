// Differential spill stress suite: every blocking operator (sort, aggregate, join with each join
// type and a parked self-join port, dedupe, window) and combinations of them run on generated data that
// is hard on them (stress_tables.h), at 1, 2 and 8 threads and at memory budgets from tiny
// (everything spills) to ample (nothing does). Each result is compared with DuckDB's for the same
// query on the same files, row for row and in order where a sort defines the order (our sort is
// stable, so DuckDB's ORDER BY gets `id`, the input position, as its last key).
//
// Env: LOGIDATA_STRESS_ROWS (default 60000) sizes the fact table; LOGIDATA_STRESS_QUICK=1 runs
// only the tiny budget at 2 and 8 threads (the sanitizer builds use it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"
#include "duckdb_reference.h"
#include "result_table.h"
#include "stress_tables.h"
#include "support/test_batches.h"

namespace logidata {
namespace {

namespace fs = std::filesystem;

struct StressCase {
  std::string name;
  std::string nodes;  // JSON array of the transform nodes; sources are "facts" and "dims"
  std::string edges;  // JSON array of edges among sources and those nodes
  std::string last;   // the node whose output is the result
  std::string sql;    // the same result in DuckDB (tables facts and dims)
  bool ordered = false;
};

std::ostream& operator<<(std::ostream& os, const StressCase& c) { return os << c.name; }

const std::vector<StressCase>& Cases() {
  static const std::vector<StressCase> kCases = {
      // --- sort: several keys, directions and null placements; long strings; heavy ties.
      {"SortThreeKeys",
       R"([{"id": "t", "type": "transform", "module": "sort", "config": {"keys": [
            {"column": "g"}, {"column": "v", "order": "desc", "nulls": "first"}, {"column": "d"}]}}])",
       R"([{"source": "facts", "target": "t"}])", "t",
       "SELECT * FROM facts ORDER BY g ASC NULLS LAST, v DESC NULLS FIRST, d ASC NULLS LAST, id", true},
      {"SortLongStrings",
       R"([{"id": "t", "type": "transform", "module": "sort", "config": {"keys": [{"column": "s", "nulls": "first"}]}}])",
       R"([{"source": "facts", "target": "t"}])", "t", "SELECT * FROM facts ORDER BY s ASC NULLS FIRST, id", true},
      {"SortSkewedKeyIsStable",
       R"([{"id": "t", "type": "transform", "module": "sort", "config": {"keys": [
            {"column": "k", "order": "desc"}, {"column": "b", "nulls": "first"}]}}])",
       R"([{"source": "facts", "target": "t"}])", "t",
       "SELECT * FROM facts ORDER BY k DESC NULLS LAST, b ASC NULLS FIRST, id", true},
      // --- aggregate: skewed groups, every function, several key types, no key at all.
      {"AggregateEveryFunction",
       R"([{"id": "t", "type": "transform", "module": "aggregate", "config": {"group_by": ["k"], "aggregates": [
            {"function": "count", "as": "rows"}, {"function": "sum", "column": "v"},
            {"function": "min", "column": "s"}, {"function": "max", "column": "d"},
            {"function": "avg", "column": "n"}, {"function": "count_distinct", "column": "g"},
            {"function": "first", "column": "s", "as": "first_s"}, {"function": "last", "column": "v", "as": "last_v"},
            {"function": "stddev", "column": "v"}, {"function": "count", "column": "b", "as": "bools"}]}}])",
       R"([{"source": "facts", "target": "t"}])", "t",
       "SELECT k, count(*), sum(v), min(s), max(d), avg(n), count(DISTINCT g), first(s ORDER BY id), "
       "last(v ORDER BY id), stddev_samp(v), count(b) FROM facts GROUP BY k"},
      {"AggregateCompositeKey",
       R"([{"id": "t", "type": "transform", "module": "aggregate", "config": {"group_by": ["g", "b", "d"], "aggregates": [
            {"function": "count"}, {"function": "sum", "column": "n"}, {"function": "min", "column": "v"},
            {"function": "max", "column": "s"}]}}])",
       R"([{"source": "facts", "target": "t"}])", "t", "SELECT g, b, d, count(*), sum(n), min(v), max(s) FROM facts GROUP BY g, b, d"},
      {"AggregateWholeInput",
       R"([{"id": "t", "type": "transform", "module": "aggregate", "config": {"aggregates": [
            {"function": "count"}, {"function": "sum", "column": "v"}, {"function": "first", "column": "g"},
            {"function": "last", "column": "s"}, {"function": "count_distinct", "column": "k"}]}}])",
       R"([{"source": "facts", "target": "t"}])", "t",
       "SELECT count(*), sum(v), first(g ORDER BY id), last(s ORDER BY id), count(DISTINCT k) FROM facts"},
      // --- join: each type; the big skewed side as the build side; a string key.
      {"JoinInner",
       R"([{"id": "t", "type": "transform", "module": "join", "config": {"type": "inner", "on": [{"left": "k", "right": "k"}]}}])",
       R"([{"source": "facts", "target": "t", "target_port": "left"}, {"source": "dims", "target": "t", "target_port": "right"}])",
       "t", "SELECT f.*, d.* FROM facts f JOIN dims d ON f.k = d.k"},
      {"JoinLeft",
       R"([{"id": "t", "type": "transform", "module": "join", "config": {"type": "left", "on": [{"left": "k", "right": "k"}]}}])",
       R"([{"source": "facts", "target": "t", "target_port": "left"}, {"source": "dims", "target": "t", "target_port": "right"}])",
       "t", "SELECT f.*, d.* FROM facts f LEFT JOIN dims d ON f.k = d.k"},
      {"JoinFullSkewedBuildSide",
       R"([{"id": "t", "type": "transform", "module": "join", "config": {"type": "full", "on": [{"left": "k", "right": "k"}]}}])",
       R"([{"source": "dims", "target": "t", "target_port": "left"}, {"source": "facts", "target": "t", "target_port": "right"}])",
       "t", "SELECT d.*, f.* FROM dims d FULL JOIN facts f ON d.k = f.k"},
      {"JoinSemi",
       R"([{"id": "t", "type": "transform", "module": "join", "config": {"type": "semi", "on": [{"left": "k", "right": "k"}]}}])",
       R"([{"source": "facts", "target": "t", "target_port": "left"}, {"source": "dims", "target": "t", "target_port": "right"}])",
       "t", "SELECT * FROM facts f WHERE EXISTS (SELECT 1 FROM dims d WHERE d.k = f.k)"},
      {"JoinAnti",
       R"([{"id": "t", "type": "transform", "module": "join", "config": {"type": "anti", "on": [{"left": "k", "right": "k"}]}}])",
       R"([{"source": "facts", "target": "t", "target_port": "left"}, {"source": "dims", "target": "t", "target_port": "right"}])",
       "t", "SELECT * FROM facts f WHERE NOT EXISTS (SELECT 1 FROM dims d WHERE d.k = f.k)"},
      {"JoinRightOnAggregatedStringKey",
       R"([{"id": "a", "type": "transform", "module": "aggregate", "config": {"group_by": ["label"], "aggregates": [
            {"function": "count", "as": "label_rows"}, {"function": "sum", "column": "w", "as": "label_w"}]}},
           {"id": "t", "type": "transform", "module": "join", "config": {"type": "right", "on": [{"left": "g", "right": "label"}]}}])",
       R"([{"source": "dims", "target": "a"}, {"source": "facts", "target": "t", "target_port": "left"},
           {"source": "a", "target": "t", "target_port": "right"}])",
       "t",
       "SELECT f.*, a.* FROM facts f RIGHT JOIN (SELECT label, count(*) AS label_rows, sum(w) AS label_w FROM dims "
       "GROUP BY label) a ON f.g = a.label"},
      // --- dedupe: keep first / last, composite and long-string keys.
      {"DedupeFirst",
       R"([{"id": "t", "type": "transform", "module": "dedupe", "config": {"keys": ["k", "g"], "keep": "first"}}])",
       R"([{"source": "facts", "target": "t"}])", "t",
       "SELECT * FROM facts QUALIFY row_number() OVER (PARTITION BY k, g ORDER BY id) = 1"},
      {"DedupeLast",
       R"([{"id": "t", "type": "transform", "module": "dedupe", "config": {"keys": ["g", "b"], "keep": "last"}}])",
       R"([{"source": "facts", "target": "t"}])", "t",
       "SELECT * FROM facts QUALIFY row_number() OVER (PARTITION BY g, b ORDER BY id DESC) = 1"},
      {"DedupeLongStringKey",
       R"([{"id": "t", "type": "transform", "module": "dedupe", "config": {"keys": ["s"], "keep": "first"}}])",
       R"([{"source": "facts", "target": "t"}])", "t",
       "SELECT * FROM facts QUALIFY row_number() OVER (PARTITION BY s ORDER BY id) = 1"},
      // --- window: skewed partitions, ties in the order key (input order breaks them), and the
      // whole input as one partition (it cannot be split, so it is read back whole).
      {"WindowOverSkewedPartitions",
       R"([{"id": "t", "type": "transform", "module": "window", "config": {"partition_by": ["k"],
            "order_by": [{"column": "v", "order": "desc", "nulls": "first"}], "functions": [
            {"function": "row_number", "as": "rk"}, {"function": "sum", "column": "v", "as": "running"},
            {"function": "lag", "column": "s", "as": "prev_s"}]}}])",
       R"([{"source": "facts", "target": "t"}])", "t",
       "SELECT *, row_number() OVER (PARTITION BY k ORDER BY v DESC NULLS FIRST, id) AS rk, "
       "sum(v) OVER (PARTITION BY k ORDER BY v DESC NULLS FIRST, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
       "AS running, lag(s) OVER (PARTITION BY k ORDER BY v DESC NULLS FIRST, id) AS prev_s FROM facts"},
      {"WindowWholeInput",
       R"([{"id": "t", "type": "transform", "module": "window", "config": {"order_by": [{"column": "g"}], "functions": [
            {"function": "row_number", "as": "rk"}]}}])",
       R"([{"source": "facts", "target": "t"}])", "t",
       "SELECT *, row_number() OVER (ORDER BY g NULLS LAST, id) AS rk FROM facts ORDER BY rk", true},
      // --- combinations.
      {"JoinThenAggregateThenSort",
       R"([{"id": "j", "type": "transform", "module": "join", "config": {"type": "inner", "on": [{"left": "k", "right": "k"}]}},
           {"id": "a", "type": "transform", "module": "aggregate", "config": {"group_by": ["label"], "aggregates": [
            {"function": "count"}, {"function": "sum", "column": "v"}, {"function": "max", "column": "w"}]}},
           {"id": "t", "type": "transform", "module": "sort", "config": {"keys": [{"column": "label", "nulls": "first"}]}}])",
       R"([{"source": "facts", "target": "j", "target_port": "left"}, {"source": "dims", "target": "j", "target_port": "right"},
           {"source": "j", "target": "a"}, {"source": "a", "target": "t"}])",
       "t",
       "SELECT label, count(*), sum(v), max(w) FROM facts f JOIN dims d ON f.k = d.k GROUP BY label ORDER BY label NULLS FIRST",
       true},
      {"SelfJoinThroughAggregateParksAPort",
       R"([{"id": "a", "type": "transform", "module": "aggregate", "config": {"group_by": ["g"], "aggregates": [
            {"function": "avg", "column": "v", "as": "g_avg"}, {"function": "count", "as": "g_rows"}]}},
           {"id": "j", "type": "transform", "module": "join", "config": {"type": "inner", "on": [{"left": "g", "right": "g"}]}},
           {"id": "f", "type": "transform", "module": "filter", "config": {"expression": "v > g_avg"}},
           {"id": "t", "type": "transform", "module": "sort", "config": {"keys": [{"column": "d"}]}}])",
       R"([{"source": "facts", "target": "a"}, {"source": "facts", "target": "j", "target_port": "left"},
           {"source": "a", "target": "j", "target_port": "right"}, {"source": "j", "target": "f"}, {"source": "f", "target": "t"}])",
       "t",
       "SELECT f.*, a.* FROM facts f JOIN (SELECT g, avg(v) AS g_avg, count(*) AS g_rows FROM facts GROUP BY g) a "
       "ON f.g = a.g WHERE f.v > a.g_avg ORDER BY f.d NULLS LAST, f.id",
       true},
      {"SortThenDedupeKeepsTheTopRow",
       R"([{"id": "o", "type": "transform", "module": "sort", "config": {"keys": [{"column": "v", "order": "desc", "nulls": "first"}]}},
           {"id": "t", "type": "transform", "module": "dedupe", "config": {"keys": ["g"], "keep": "first"}}])",
       R"([{"source": "facts", "target": "o"}, {"source": "o", "target": "t"}])", "t",
       "SELECT * FROM facts QUALIFY row_number() OVER (PARTITION BY g ORDER BY v DESC NULLS FIRST, id) = 1"},
      {"DedupeThenSort",
       R"([{"id": "u", "type": "transform", "module": "dedupe", "config": {"keys": ["k"], "keep": "last"}},
           {"id": "t", "type": "transform", "module": "sort", "config": {"keys": [{"column": "d"}, {"column": "id"}]}}])",
       R"([{"source": "facts", "target": "u"}, {"source": "u", "target": "t"}])", "t",
       "SELECT * FROM facts QUALIFY row_number() OVER (PARTITION BY k ORDER BY id DESC) = 1 ORDER BY d NULLS LAST, id", true},
      {"AggregateThenSortByCount",
       R"([{"id": "a", "type": "transform", "module": "aggregate", "config": {"group_by": ["k"], "aggregates": [
            {"function": "count", "as": "c"}, {"function": "sum", "column": "v"}]}},
           {"id": "t", "type": "transform", "module": "sort", "config": {"keys": [
            {"column": "c", "order": "desc"}, {"column": "k", "nulls": "first"}]}}])",
       R"([{"source": "facts", "target": "a"}, {"source": "a", "target": "t"}])", "t",
       "SELECT k, count(*) AS c, sum(v) FROM facts GROUP BY k ORDER BY c DESC, k NULLS FIRST", true},
  };
  return kCases;
}


nlohmann::json SourceNode(const std::string& table, const char* columns) {
  return {{"id", table},
          {"type", "extract"},
          {"module", "csv"},
          {"config", {{"path", "${data_dir}/" + table + ".csv"}, {"columns", nlohmann::json::parse(columns)}}}};
}

Result<PipelineSpec> BuildPipeline(const StressCase& c) {
  nlohmann::json doc = {{"id", "stress-" + c.name},
                        {"name", c.name},
                        {"parameters", {{"data_dir", {{"type", "string"}}}, {"out_dir", {{"type", "string"}}}}}};
  nlohmann::json edges = nlohmann::json::parse(c.edges);
  nlohmann::json nodes = nlohmann::json::array();
  if (c.edges.find("\"facts\"") != std::string::npos) nodes.push_back(SourceNode("facts", testing::FactsColumnsJson()));
  if (c.edges.find("\"dims\"") != std::string::npos) nodes.push_back(SourceNode("dims", testing::DimsColumnsJson()));
  for (auto& n : nlohmann::json::parse(c.nodes)) nodes.push_back(n);
  nodes.push_back({{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", "${out_dir}/result.csv"}}}});
  edges.push_back({{"source", c.last}, {"target", "out"}});
  doc["nodes"] = nodes;
  doc["edges"] = edges;
  return ParsePipelineJson(doc);
}

std::string BudgetName(int64_t bytes) {
  return bytes >= (int64_t{1} << 30) ? std::to_string(bytes >> 30) + "G" : std::to_string(bytes >> 20) + "M";
}

class SpillStress : public ::testing::TestWithParam<StressCase> {
 protected:
  static void SetUpTestSuite() {
    data_ = testing::TempDir("stress-data");
    out_ = testing::TempDir("stress-out");
    testing::StressTableSizes sizes;
    if (const char* rows = std::getenv("LOGIDATA_STRESS_ROWS")) sizes.facts_rows = std::atoll(rows);
    testing::WriteStressTables(data_, sizes);

    // One DuckDB process computes every reference result.
    nlohmann::json queries = nlohmann::json::array();
    for (const auto& c : Cases()) {
      queries.push_back({{"name", c.name}, {"sql", c.sql}, {"out", out_ + "/duckdb-" + c.name + ".csv"}});
    }
    std::ofstream(out_ + "/plan.json") << PlanText(queries);
    reference_ok_ = testing::RunDuckDbReference(out_ + "/plan.json", &reference_log_);
  }

  // The reference plan (see stress_reference.mjs). Written by hand because the column lists must
  // keep file order and nlohmann::json orders object keys alphabetically.
  static std::string PlanText(const nlohmann::json& queries) {
    auto table = [](const std::string& path, const std::vector<std::pair<const char*, const char*>>& cols) {
      std::string s = "{\"path\": " + nlohmann::json(path).dump() + ", \"columns\": {";
      for (size_t i = 0; i < cols.size(); ++i) {
        s += (i ? ", " : "") + nlohmann::json(cols[i].first).dump() + ": " + nlohmann::json(cols[i].second).dump();
      }
      return s + "}}";
    };
    return "{\"tables\": {\"facts\": " +
           table(data_ + "/facts.csv", {{"id", "BIGINT"}, {"k", "BIGINT"}, {"g", "VARCHAR"}, {"s", "VARCHAR"},
                                        {"v", "DOUBLE"}, {"d", "DATE"}, {"b", "BOOLEAN"}, {"n", "INTEGER"}}) +
           ", \"dims\": " + table(data_ + "/dims.csv", {{"k", "BIGINT"}, {"label", "VARCHAR"}, {"w", "DOUBLE"}}) +
           "}, \"queries\": " + queries.dump() + "}";
  }

  static std::string data_, out_, reference_log_;
  static bool reference_ok_;
};

std::string SpillStress::data_, SpillStress::out_, SpillStress::reference_log_;
bool SpillStress::reference_ok_ = false;

TEST_P(SpillStress, MatchesDuckDbAtEveryThreadCountAndBudget) {
  const StressCase& c = GetParam();
  ASSERT_TRUE(reference_ok_) << reference_log_;
  testing::ResultTable reference = testing::ReadResultCsv(out_ + "/duckdb-" + c.name + ".csv");
  if (!c.ordered) reference = testing::InCanonicalOrder(std::move(reference));
  ASSERT_FALSE(reference.header.empty());
  auto spec = BuildPipeline(c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();

  const bool quick = std::getenv("LOGIDATA_STRESS_QUICK") != nullptr;
  const std::vector<int> threads = quick ? std::vector<int>{2, 8} : std::vector<int>{1, 2, 8};
  const std::vector<int64_t> budgets = quick ? std::vector<int64_t>{int64_t{1} << 20}
                                             : std::vector<int64_t>{int64_t{1} << 20, int64_t{16} << 20, int64_t{1} << 30};
  for (int64_t budget : budgets) {
    for (int t : threads) {
      const std::string combo = c.name + " threads=" + std::to_string(t) + " memory=" + BudgetName(budget);
      SCOPED_TRACE(combo);
      const std::string out_dir = out_ + "/" + c.name + "-t" + std::to_string(t) + "-m" + BudgetName(budget);
      fs::create_directories(out_dir);
      RunOptions options;
      options.threads = t;
      options.memory_budget_bytes = budget;
      options.spill_dir = out_dir + "/spill";
      options.params = {{"data_dir", data_}, {"out_dir", out_dir}};
      RunResult r = RunPipeline(*spec, BuiltinModules(), options);
      ASSERT_TRUE(r.status.ok()) << combo << ": " << r.status.ToString();
      testing::ResultTable ours = testing::ReadResultCsv(out_dir + "/result.csv");
      if (!c.ordered) ours = testing::InCanonicalOrder(std::move(ours));
      const std::string diff = testing::DiffResults(ours, reference);
      EXPECT_EQ(diff, "") << combo << " (reference: " << c.sql << ")";
      fs::remove_all(out_dir);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Operators, SpillStress, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<StressCase>& info) { return info.param.name; });

}  // namespace
}  // namespace logidata
