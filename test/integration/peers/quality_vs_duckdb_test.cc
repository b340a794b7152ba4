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
#include "result_table.h"
#include "stress_tables.h"
#include "support/test_batches.h"

namespace logidata {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = LOGIDATA_SOURCE_DIR;
const fs::path kPeers = kRoot / "../shared/peers";

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

std::string Shell(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) {
    *status = -1;
    return out;
  }
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  *status = pclose(p);
  return out;
}

TEST(QualityVsDuckDb, RuleCountsEqualSqlCounts) {
  const std::string data = testing::TempDir("quality-data"), out = testing::TempDir("quality-out");
  testing::StressTableSizes sizes;
  sizes.facts_rows = 30000;
  testing::WriteStressTables(data, sizes);
  std::ofstream(out + "/plan.json")
      << "{\"tables\": {\"facts\": {\"path\": " << nlohmann::json(data + "/facts.csv").dump()
      << ", \"columns\": {\"id\": \"BIGINT\", \"k\": \"BIGINT\", \"g\": \"VARCHAR\", \"s\": \"VARCHAR\", "
         "\"v\": \"DOUBLE\", \"d\": \"DATE\", \"b\": \"BOOLEAN\", \"n\": \"INTEGER\"}}}, \"queries\": "
      << nlohmann::json::array({{{"name", "rules"}, {"sql", kSql}, {"out", out + "/duckdb.csv"}}}).dump() << "}";
  std::string home = std::getenv("PEERS_HOME") ? std::getenv("PEERS_HOME")
                                               : std::string(std::getenv("HOME")) + "/.cache/logidata-peers";
  fs::create_directories(home);
  fs::copy_file(kRoot / "test/integration/peers/stress_reference.mjs", fs::path(home) / "stress_reference.mjs",
                fs::copy_options::overwrite_existing);
  int status = 0;
  const std::string log = Shell((kPeers / "peer").string() + " stress_reference.mjs " + out + "/plan.json", &status);
  ASSERT_EQ(status, 0) << log;
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
