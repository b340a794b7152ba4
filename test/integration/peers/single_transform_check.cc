#include "single_transform_check.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "duckdb_reference.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"
#include "result_table.h"
#include "stress_tables.h"
#include "support/test_batches.h"

namespace logidata::testing {

namespace fs = std::filesystem;

namespace {

Result<PipelineSpec> BuildPipeline(const TransformCase& c) {
  nlohmann::json doc = {
      {"id", "check-" + c.name},
      {"name", c.name},
      {"parameters", {{"data_dir", {{"type", "string"}}}, {"out_dir", {{"type", "string"}}}}},
      {"nodes",
       {{{"id", "facts"},
         {"type", "extract"},
         {"module", "csv"},
         {"config", {{"path", "${data_dir}/facts.csv"}, {"columns", nlohmann::json::parse(FactsColumnsJson())}}}},
        {{"id", "t"}, {"type", "transform"}, {"module", c.module}, {"config", nlohmann::json::parse(c.config)}},
        {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", "${out_dir}/result.csv"}}}}}},
      {"edges", {{{"source", "facts"}, {"target", "t"}}, {{"source", "t"}, {"target", "out"}}}}};
  return ParsePipelineJson(doc);
}

}  // namespace

FactsReference PrepareFactsReference(const std::string& prefix, const std::vector<TransformCase>& cases) {
  FactsReference ref;
  ref.data_dir = TempDir(prefix + "-data");
  ref.out_dir = TempDir(prefix + "-out");
  StressTableSizes sizes;
  sizes.facts_rows = 40000;
  if (const char* rows = std::getenv("LOGIDATA_ANALYTIC_ROWS")) sizes.facts_rows = std::atoll(rows);
  WriteStressTables(ref.data_dir, sizes);
  nlohmann::json queries = nlohmann::json::array();
  for (const auto& c : cases) {
    queries.push_back({{"name", c.name}, {"sql", c.sql}, {"out", ref.out_dir + "/duckdb-" + c.name + ".csv"}});
  }
  std::ofstream(ref.out_dir + "/plan.json") << FactsPlanText(ref.data_dir + "/facts.csv", queries);
  ref.ok = RunDuckDbReference(ref.out_dir + "/plan.json", &ref.log);
  return ref;
}

void ExpectTransformMatchesDuckDb(const TransformCase& c, const FactsReference& reference,
                                  const std::vector<int>& threads) {
  ASSERT_TRUE(reference.ok) << reference.log;
  ResultTable expected = InCanonicalOrder(ReadResultCsv(reference.out_dir + "/duckdb-" + c.name + ".csv"));
  ASSERT_FALSE(expected.header.empty());
  auto spec = BuildPipeline(c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  for (int64_t budget : {int64_t{1} << 20, int64_t{1} << 30}) {
    for (int t : threads) {
      const std::string combo = c.name + " threads=" + std::to_string(t) + " memory=" + std::to_string(budget >> 20) + "M";
      SCOPED_TRACE(combo);
      const std::string out_dir =
          reference.out_dir + "/" + c.name + "-t" + std::to_string(t) + "-m" + std::to_string(budget >> 20);
      fs::create_directories(out_dir);
      RunOptions options;
      options.threads = t;
      options.memory_budget_bytes = budget;
      options.spill_dir = out_dir + "/spill";
      options.params = {{"data_dir", reference.data_dir}, {"out_dir", out_dir}};
      RunResult r = RunPipeline(*spec, BuiltinModules(), options);
      ASSERT_TRUE(r.status.ok()) << combo << ": " << r.status.ToString();
      ResultTable ours = InCanonicalOrder(ReadResultCsv(out_dir + "/result.csv"));
      EXPECT_EQ(DiffResults(ours, expected), "") << combo << " (reference: " << c.sql << ")";
      fs::remove_all(out_dir);
    }
  }
}

}  // namespace logidata::testing
