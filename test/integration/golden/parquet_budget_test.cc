// load.parquet cuts its default row group to the node's share of the memory budget in a real run,
// where the binder has filled in the config's defaults (the unit test binds without them, which
// hid that a schema default made every run look like an explicit row_group_size).
#include <gtest/gtest.h>

#include <fstream>

#include "formats/parquet/parquet_reader.h"
#include "io/file_system.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"
#include "support/test_batches.h"

namespace logidata {
namespace {

int64_t RowGroupsAfterRun(const std::string& dir, int64_t budget, const nlohmann::json& extra) {
  nlohmann::json load = {{"path", dir + "/out.parquet"}};
  load.update(extra);
  const nlohmann::json doc = {
      {"id", "pq-budget"}, {"name", "pq-budget"},
      {"nodes", {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", dir + "/in.csv"}}}},
                 {{"id", "out"}, {"type", "load"}, {"module", "parquet"}, {"config", load}}}},
      {"edges", {{{"source", "src"}, {"target", "out"}}}}};
  auto spec = ParsePipelineJson(doc);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  if (!spec.ok()) return -1;
  RunOptions options;
  options.threads = 2;
  options.memory_budget_bytes = budget;
  RunResult r = RunPipeline(*spec, BuiltinModules(), options);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  auto reader = parquet::ParquetReader::Open(LocalFileSystem(), dir + "/out.parquet");
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return -1;
  EXPECT_EQ((*reader)->num_rows(), 200000);
  return (*reader)->num_row_groups();
}

TEST(ParquetBudgetRun, DefaultRowGroupFollowsTheBudgetExplicitOneIsKept) {
  const std::string dir = testing::TempDir("pq-budget-run");
  {
    std::ofstream csv(dir + "/in.csv");
    csv << "id,name\n";
    for (int i = 0; i < 200000; ++i) csv << i << ",name-" << i % 977 << "\n";
  }
  // One node holds state (the loader), so it gets the whole budget: (id, name) is guessed at
  // 36 bytes a row and half of 4 MiB holds 58254 rows -> 4 row groups of 200k rows.
  EXPECT_EQ(RowGroupsAfterRun(dir, int64_t{4} << 20, nlohmann::json::object()), 4);
  EXPECT_EQ(RowGroupsAfterRun(dir, int64_t{1} << 30, nlohmann::json::object()), 1);
  EXPECT_EQ(RowGroupsAfterRun(dir, int64_t{4} << 20, {{"row_group_size", 200000}}), 1);
}

}  // namespace
}  // namespace logidata
