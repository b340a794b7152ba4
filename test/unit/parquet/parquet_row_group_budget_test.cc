// load.parquet under a memory budget: the default row group is cut to what the node's budget can
// hold (a row group is buffered whole before it is encoded), an explicit row_group_size is kept.
#include <gtest/gtest.h>

#include "formats/parquet/parquet_load_operator.h"
#include "formats/parquet/parquet_modules.h"
#include "formats/parquet/parquet_reader.h"
#include "io/file_system.h"
#include "support/operator_harness.h"
#include "support/test_batches.h"

namespace logidata::parquet {
namespace {

using logidata::testing::BindModule;
using logidata::testing::HarnessOptions;
using logidata::testing::MakeBatch;
using logidata::testing::RunOperator;
using logidata::testing::TempDir;
using Json = nlohmann::json;

const ModuleRegistry& Registry() {
  static ModuleRegistry* r = [] {
    auto* reg = new ModuleRegistry();
    EXPECT_TRUE(RegisterParquetModules(*reg).ok());
    return reg;
  }();
  return *r;
}

// 40k rows of (id int64, name string) in 10 batches.
std::vector<BatchPtr> Rows40k() {
  std::vector<BatchPtr> out;
  for (int b = 0; b < 10; ++b) {
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < 4000; ++i) rows.push_back({std::to_string(b * 4000 + i), "name-" + std::to_string(i)});
    out.push_back(MakeBatch("id:int64, name:string", rows));
  }
  return out;
}

TEST(ParquetRowGroupBudgetTest, RowGroupsFollowTheBudgetUnlessSetExplicitly) {
  struct Case {
    const char* name;
    int64_t budget;
    Json extra;
    int row_groups;
  };
  // (id, name) is guessed at 8 + 28 = 36 bytes a row; half the budget holds the buffered rows.
  const std::vector<Case> cases = {
      {"ample budget: one default row group", int64_t{1} << 30, Json::object(), 1},
      {"1 MiB budget: floor of 16Ki rows -> 3 groups", int64_t{1} << 20, Json::object(), 3},
      {"2 MiB budget: 29127 rows -> 2 groups", int64_t{2} << 20, Json::object(), 2},
      {"explicit row_group_size kept under a small budget", int64_t{1} << 20, Json{{"row_group_size", 40000}}, 1},
      {"explicit small row_group_size kept", int64_t{1} << 30, Json{{"row_group_size", 10000}}, 4},
  };
  const auto input = Rows40k();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = TempDir("pq-rg") + "/out.parquet";
    Json cfg = {{"path", path}};
    cfg.update(c.extra);
    auto op = BindModule(Registry(), "load.parquet", cfg, {input[0]->schema()});
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    HarnessOptions options;
    options.threads = 2;
    options.memory_budget_bytes = c.budget;
    ASSERT_TRUE(RunOperator(**op, {input}, options).ok());
    auto reader = ParquetReader::Open(LocalFileSystem(), path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->num_row_groups(), c.row_groups);
    EXPECT_EQ((*reader)->num_rows(), 40000);
  }
}

}  // namespace
}  // namespace logidata::parquet
