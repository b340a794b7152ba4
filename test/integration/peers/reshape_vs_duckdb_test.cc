// Differential tests of transform.pivot and transform.unpivot against DuckDB's PIVOT and UNPIVOT:
// each case runs one transform over the stress suite's `facts` table (nulls everywhere, a skewed
// key, long multi-byte strings; see stress_tables.h) as a real pipeline at 1, 2 and 4 threads with
// a tiny budget (the pivot's aggregate spills) and an ample one, and compares the rows with
// DuckDB's result for the same statement on the same file, as multisets (pivot output has no
// defined order; unpivot rows carry the unique `id`).
//
// Env: LOGIDATA_ANALYTIC_ROWS (default 40000) sizes the table.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

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

struct AnalyticCase {
  std::string name;
  std::string module;
  std::string config;  // JSON
  std::string sql;     // the same result in DuckDB over table facts
};

std::ostream& operator<<(std::ostream& os, const AnalyticCase& c) { return os << c.name; }

const std::vector<AnalyticCase>& Cases() {
  static const std::vector<AnalyticCase> kCases = {
      {"PivotSumByKey", "pivot",
       R"({"index": ["k"], "column": "g", "values": ["g0", "g1", "g2", "g5", "g30"],
           "aggregates": [{"function": "sum", "column": "v"}]})",
       "PIVOT facts ON g IN ('g0', 'g1', 'g2', 'g5', 'g30') USING sum(v) GROUP BY k"},
      {"PivotSeveralAggregatesOnBool", "pivot",
       R"({"index": ["g"], "column": "b", "values": [true, false],
           "aggregates": [{"function": "count", "as": "rows"}, {"function": "max", "column": "s", "as": "max_s"},
                          {"function": "avg", "column": "n", "as": "avg_n"}, {"function": "min", "column": "d", "as": "min_d"}]})",
       "PIVOT facts ON b IN (true, false) USING count(*) AS rows, max(s) AS max_s, avg(n) AS avg_n, min(d) AS min_d GROUP BY g"},
      {"PivotCountColumnTwoIndexColumns", "pivot",
       R"({"index": ["g", "b"], "column": "k", "values": [0, 1, 2, 3], "aggregates": [{"function": "count", "column": "s"}]})",
       "PIVOT facts ON k IN (0, 1, 2, 3) USING count(s) GROUP BY g, b"},
      {"UnpivotColumnsWidenToDouble", "unpivot",
       R"({"columns": ["v", "n"], "name_column": "name", "value_column": "value"})",
       "UNPIVOT facts ON v, n INTO NAME name VALUE value"},
      {"UnpivotPatternIncludeNulls", "unpivot",
       R"({"pattern": "[gs]", "name_column": "col", "value_column": "text", "include_nulls": true})",
       "SELECT * FROM facts UNPIVOT INCLUDE NULLS (text FOR col IN (g, s))"},
  };
  return kCases;
}

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

Result<PipelineSpec> BuildPipeline(const AnalyticCase& c) {
  nlohmann::json doc = {
      {"id", "reshape-" + c.name},
      {"name", c.name},
      {"parameters", {{"data_dir", {{"type", "string"}}}, {"out_dir", {{"type", "string"}}}}},
      {"nodes",
       {{{"id", "facts"},
         {"type", "extract"},
         {"module", "csv"},
         {"config", {{"path", "${data_dir}/facts.csv"}, {"columns", nlohmann::json::parse(testing::FactsColumnsJson())}}}},
        {{"id", "t"}, {"type", "transform"}, {"module", c.module}, {"config", nlohmann::json::parse(c.config)}},
        {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", "${out_dir}/result.csv"}}}}}},
      {"edges", {{{"source", "facts"}, {"target", "t"}}, {{"source", "t"}, {"target", "out"}}}}};
  return ParsePipelineJson(doc);
}

class ReshapeVsDuckDb : public ::testing::TestWithParam<AnalyticCase> {
 protected:
  static void SetUpTestSuite() {
    data_ = testing::TempDir("reshape-data");
    out_ = testing::TempDir("reshape-out");
    testing::StressTableSizes sizes;
    sizes.facts_rows = 40000;
    if (const char* rows = std::getenv("LOGIDATA_ANALYTIC_ROWS")) sizes.facts_rows = std::atoll(rows);
    testing::WriteStressTables(data_, sizes);
    nlohmann::json queries = nlohmann::json::array();
    for (const auto& c : Cases()) {
      queries.push_back({{"name", c.name}, {"sql", c.sql}, {"out", out_ + "/duckdb-" + c.name + ".csv"}});
    }
    // Hand-written so the column list keeps file order (nlohmann::json sorts object keys).
    std::ofstream(out_ + "/plan.json")
        << "{\"tables\": {\"facts\": {\"path\": " << nlohmann::json(data_ + "/facts.csv").dump()
        << ", \"columns\": {\"id\": \"BIGINT\", \"k\": \"BIGINT\", \"g\": \"VARCHAR\", \"s\": \"VARCHAR\", "
           "\"v\": \"DOUBLE\", \"d\": \"DATE\", \"b\": \"BOOLEAN\", \"n\": \"INTEGER\"}}}, \"queries\": "
        << queries.dump() << "}";
    std::string home = std::getenv("PEERS_HOME") ? std::getenv("PEERS_HOME")
                                                 : std::string(std::getenv("HOME")) + "/.cache/logidata-peers";
    fs::create_directories(home);
    fs::copy_file(kRoot / "test/integration/peers/stress_reference.mjs", fs::path(home) / "stress_reference.mjs",
                  fs::copy_options::overwrite_existing);
    int status = 0;
    reference_log_ = Shell((kPeers / "peer").string() + " stress_reference.mjs " + out_ + "/plan.json", &status);
    reference_ok_ = status == 0;
  }

  static std::string data_, out_, reference_log_;
  static bool reference_ok_;
};

std::string ReshapeVsDuckDb::data_, ReshapeVsDuckDb::out_, ReshapeVsDuckDb::reference_log_;
bool ReshapeVsDuckDb::reference_ok_ = false;

TEST_P(ReshapeVsDuckDb, MatchesDuckDbAtEveryThreadCountAndBudget) {
  const AnalyticCase& c = GetParam();
  ASSERT_TRUE(reference_ok_) << reference_log_;
  testing::ResultTable reference = testing::InCanonicalOrder(testing::ReadResultCsv(out_ + "/duckdb-" + c.name + ".csv"));
  ASSERT_FALSE(reference.header.empty());
  auto spec = BuildPipeline(c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  for (int64_t budget : {int64_t{1} << 20, int64_t{1} << 30}) {
    for (int t : {1, 2, 4}) {
      const std::string combo = c.name + " threads=" + std::to_string(t) + " memory=" + std::to_string(budget >> 20) + "M";
      SCOPED_TRACE(combo);
      const std::string out_dir = out_ + "/" + c.name + "-t" + std::to_string(t) + "-m" + std::to_string(budget >> 20);
      fs::create_directories(out_dir);
      RunOptions options;
      options.threads = t;
      options.memory_budget_bytes = budget;
      options.spill_dir = out_dir + "/spill";
      options.params = {{"data_dir", data_}, {"out_dir", out_dir}};
      RunResult r = RunPipeline(*spec, BuiltinModules(), options);
      ASSERT_TRUE(r.status.ok()) << combo << ": " << r.status.ToString();
      testing::ResultTable ours = testing::InCanonicalOrder(testing::ReadResultCsv(out_dir + "/result.csv"));
      EXPECT_EQ(testing::DiffResults(ours, reference), "") << combo << " (reference: " << c.sql << ")";
      fs::remove_all(out_dir);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Reshape, ReshapeVsDuckDb, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<AnalyticCase>& info) { return info.param.name; });

}  // namespace
}  // namespace logidata
