// Differential tests of the analytic transforms (window, pivot, unpivot) against DuckDB: each
// case runs one transform over the stress suite's `facts` table (nulls everywhere, a skewed key,
// ties, long multi-byte strings; see stress_tables.h) as a real pipeline at 1, 2 and 8 threads
// with a tiny budget (everything spills) and an ample one, and compares the rows with DuckDB's
// result for the same query on the same file. Rows are compared as multisets (every facts row
// carries its unique `id`, so a multiset match is a row-for-row match); window functions whose
// result depends on the order of ties get `id` as DuckDB's last order key, because ours keeps
// ties in input order.
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
      {"WindowRanking", "window",
       R"({"partition_by": ["k"], "order_by": [{"column": "d"}], "functions": [
            {"function": "row_number", "as": "rn"}, {"function": "rank", "as": "rk"},
            {"function": "dense_rank", "as": "dr"}, {"function": "ntile", "buckets": 4, "as": "nt"}]})",
       "SELECT *, row_number() OVER (PARTITION BY k ORDER BY d NULLS LAST, id), "
       "rank() OVER (PARTITION BY k ORDER BY d NULLS LAST), dense_rank() OVER (PARTITION BY k ORDER BY d NULLS LAST), "
       "ntile(4) OVER (PARTITION BY k ORDER BY d NULLS LAST, id) FROM facts"},
      {"WindowRankingDescNullsFirstTwoKeys", "window",
       R"({"partition_by": ["g", "b"], "order_by": [{"column": "n", "order": "desc", "nulls": "first"}, {"column": "s"}],
           "functions": [{"function": "rank", "as": "rk"}, {"function": "dense_rank", "as": "dr"}, {"function": "row_number", "as": "rn"}]})",
       "SELECT *, rank() OVER w, dense_rank() OVER w, row_number() OVER (PARTITION BY g, b ORDER BY n DESC NULLS FIRST, s NULLS LAST, id) "
       "FROM facts WINDOW w AS (PARTITION BY g, b ORDER BY n DESC NULLS FIRST, s NULLS LAST)"},
      {"WindowLagLead", "window",
       R"({"partition_by": ["g"], "order_by": [{"column": "d"}], "functions": [
            {"function": "lag", "column": "v", "as": "prev_v"},
            {"function": "lead", "column": "s", "offset": 2, "default": "none", "as": "next2_s"},
            {"function": "lag", "column": "n", "offset": 5, "default": -1, "as": "prev5_n"}]})",
       "SELECT *, lag(v) OVER w, lead(s, 2, 'none') OVER w, lag(n, 5, -1) OVER w FROM facts "
       "WINDOW w AS (PARTITION BY g ORDER BY d NULLS LAST, id)"},
      {"WindowRunningAndMovingAggregates", "window",
       R"({"partition_by": ["k"], "order_by": [{"column": "d", "order": "desc"}], "functions": [
            {"function": "sum", "column": "v", "as": "run_v"},
            {"function": "count", "as": "run_rows"},
            {"function": "avg", "column": "n", "frame": {"preceding": 3}, "as": "avg3"},
            {"function": "min", "column": "s", "frame": {"preceding": 2}, "as": "min_s"},
            {"function": "max", "column": "v", "frame": {"preceding": 100, "following": "unbounded"}, "as": "max_v"},
            {"function": "count", "column": "b", "frame": {"preceding": 5, "following": 5}, "as": "cnt_b"},
            {"function": "sum", "column": "n", "frame": {"preceding": 70, "following": 70}, "as": "wide_n"},
            {"function": "max", "column": "d", "frame": {"preceding": "unbounded", "following": "unbounded"}, "as": "max_d"}]})",
       "SELECT *, sum(v) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
       "count(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
       "avg(n) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW), min(s) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), "
       "max(v) OVER (w ROWS BETWEEN 100 PRECEDING AND UNBOUNDED FOLLOWING), "
       "count(b) OVER (w ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING), sum(n) OVER (w ROWS BETWEEN 70 PRECEDING AND 70 FOLLOWING), "
       "max(d) OVER (PARTITION BY k) FROM facts WINDOW w AS (PARTITION BY k ORDER BY d DESC NULLS LAST, id)"},
      {"WindowFirstLastValue", "window",
       R"({"partition_by": ["g"], "order_by": [{"column": "v"}], "functions": [
            {"function": "first_value", "column": "s", "frame": {"preceding": 1}, "as": "fv"},
            {"function": "last_value", "column": "d", "frame": {"preceding": 0, "following": "unbounded"}, "as": "lv"},
            {"function": "first_value", "column": "n", "as": "first_n"}]})",
       "SELECT *, first_value(s) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), "
       "last_value(d) OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), "
       "first_value(n) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM facts "
       "WINDOW w AS (PARTITION BY g ORDER BY v NULLS LAST, id)"},
      {"WindowWholeInput", "window",
       R"({"order_by": [{"column": "v", "order": "desc", "nulls": "first"}], "functions": [
            {"function": "row_number", "as": "rn"}, {"function": "sum", "column": "n", "as": "run_n"},
            {"function": "rank", "as": "rk"}]})",
       "SELECT *, row_number() OVER w, sum(n) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
       "rank() OVER (ORDER BY v DESC NULLS FIRST) FROM facts WINDOW w AS (ORDER BY v DESC NULLS FIRST, id)"},
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
      {"id", "analytic-" + c.name},
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

class AnalyticVsDuckDb : public ::testing::TestWithParam<AnalyticCase> {
 protected:
  static void SetUpTestSuite() {
    data_ = testing::TempDir("analytic-data");
    out_ = testing::TempDir("analytic-out");
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

std::string AnalyticVsDuckDb::data_, AnalyticVsDuckDb::out_, AnalyticVsDuckDb::reference_log_;
bool AnalyticVsDuckDb::reference_ok_ = false;

TEST_P(AnalyticVsDuckDb, MatchesDuckDbAtEveryThreadCountAndBudget) {
  const AnalyticCase& c = GetParam();
  ASSERT_TRUE(reference_ok_) << reference_log_;
  testing::ResultTable reference = testing::InCanonicalOrder(testing::ReadResultCsv(out_ + "/duckdb-" + c.name + ".csv"));
  ASSERT_FALSE(reference.header.empty());
  auto spec = BuildPipeline(c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  for (int64_t budget : {int64_t{1} << 20, int64_t{1} << 30}) {
    for (int t : {1, 2, 8}) {
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

INSTANTIATE_TEST_SUITE_P(Transforms, AnalyticVsDuckDb, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<AnalyticCase>& info) { return info.param.name; });

}  // namespace
}  // namespace logidata
