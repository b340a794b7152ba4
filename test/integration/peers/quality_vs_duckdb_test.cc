// transform.validate against DuckDB: a validate node with one rule of each row kind runs as a real
// pipeline over the stress suite's `facts` table (nulls everywhere; see stress_tables.h) at 1, 2
// and 4 threads, its `out` and `rejects` ports loaded to CSV; the number of rows passing and the
// number rejected per `_rule` (the first rule a row fails) must equal DuckDB's counts for the
// same conditions written in SQL.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

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

const char* kRules = R"([
  {"type": "not_null", "column": "s"},
  {"type": "in_set", "column": "g", "values": ["g0", "g1", "g2", "g3", "g7"]},
  {"type": "range", "column": "n", "min": -500, "max": 500},
  {"type": "regex", "column": "s", "pattern": "^[a-m]"},
  {"type": "expression", "name": "positive_v", "expression": "v > 0"}])";

// The first failing rule per row, as validate orders them; 'pass' when none fails.
const char* kSql =
    "SELECT CASE WHEN s IS NULL THEN 'not_null_s' "
    "WHEN g IS NOT NULL AND g NOT IN ('g0', 'g1', 'g2', 'g3', 'g7') THEN 'in_set_g' "
    "WHEN n IS NOT NULL AND (n < -500 OR n > 500) THEN 'range_n' "
    "WHEN NOT regexp_matches(s, '^[a-m]') THEN 'regex_s' "
    "WHEN v IS NULL OR NOT (v > 0) THEN 'positive_v' ELSE 'pass' END AS rule, count(*) AS n "
    "FROM facts GROUP BY 1";


TEST(QualityVsDuckDb, RuleCountsEqualSqlCounts) {
  const std::string data = testing::TempDir("quality-data"), out = testing::TempDir("quality-out");
  testing::StressTableSizes sizes;
  sizes.facts_rows = 30000;
  testing::WriteStressTables(data, sizes);
  std::ofstream(out + "/plan.json") << testing::FactsPlanText(
      data + "/facts.csv", nlohmann::json::array({{{"name", "rules"}, {"sql", kSql}, {"out", out + "/duckdb.csv"}}}));
  std::string log;
  ASSERT_TRUE(testing::RunDuckDbReference(out + "/plan.json", &log)) << log;
  testing::ResultTable reference = testing::InCanonicalOrder(testing::ReadResultCsv(out + "/duckdb.csv"));
  ASSERT_FALSE(reference.rows.empty());

  nlohmann::json doc = {
      {"id", "quality"},
      {"name", "quality"},
      {"parameters", {{"data_dir", {{"type", "string"}}}, {"out_dir", {{"type", "string"}}}}},
      {"nodes",
       {{{"id", "facts"}, {"type", "extract"}, {"module", "csv"},
         {"config", {{"path", "${data_dir}/facts.csv"}, {"columns", nlohmann::json::parse(testing::FactsColumnsJson())}}}},
        {{"id", "check"}, {"type", "transform"}, {"module", "validate"}, {"config", {{"rules", nlohmann::json::parse(kRules)}}}},
        {{"id", "good"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", "${out_dir}/good.csv"}}}},
        {{"id", "bad"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", "${out_dir}/bad.csv"}}}}}},
      {"edges",
       {{{"source", "facts"}, {"target", "check"}},
        {{"source", "check"}, {"source_port", "out"}, {"target", "good"}},
        {{"source", "check"}, {"source_port", "rejects"}, {"target", "bad"}}}}};
  auto spec = ParsePipelineJson(doc);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  for (int t : {1, 2, 4}) {
    SCOPED_TRACE("threads=" + std::to_string(t));
    const std::string out_dir = out + "/t" + std::to_string(t);
    fs::create_directories(out_dir);
    RunOptions options;
    options.threads = t;
    options.spill_dir = out_dir + "/spill";
    options.params = {{"data_dir", data}, {"out_dir", out_dir}};
    RunResult r = RunPipeline(*spec, BuiltinModules(), options);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    std::map<std::string, int64_t> counts;
    counts["pass"] = static_cast<int64_t>(testing::ReadResultCsv(out_dir + "/good.csv").rows.size());
    testing::ResultTable bad = testing::ReadResultCsv(out_dir + "/bad.csv");
    const size_t rule_col = bad.header.size() - 2;  // then _reason
    ASSERT_EQ(bad.header[rule_col], "_rule");
    for (const auto& row : bad.rows) ++counts[*row[rule_col]];
    testing::ResultTable ours;
    ours.header = {"rule", "n"};
    for (const auto& [rule, n] : counts) {
      if (n > 0) ours.rows.push_back({rule, std::to_string(n)});
    }
    EXPECT_EQ(testing::DiffResults(testing::InCanonicalOrder(ours), reference), "");
  }
}

}  // namespace
}  // namespace logidata
