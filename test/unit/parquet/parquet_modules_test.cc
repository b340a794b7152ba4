// extract.parquet and load.parquet through the operator lifecycle (OperatorHarness): round trips,
// hive partitioning, atomic commit/abort, globs, projection, filter push-down and config errors.
#include <gtest/gtest.h>

#include <filesystem>

#include "formats/parquet/parquet_extract_operator.h"
#include "formats/parquet/parquet_modules.h"
#include "support/operator_harness.h"
#include "support/test_batches.h"

namespace logidata::parquet {
namespace {

namespace fs = std::filesystem;
using logidata::testing::BindModule;
using logidata::testing::HarnessOptions;
using logidata::testing::MakeBatch;
using logidata::testing::Rows;
using logidata::testing::RunOperator;
using logidata::testing::SortedRows;
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

std::vector<BatchPtr> Orders(int batches, int rows_per_batch) {
  std::vector<BatchPtr> out;
  for (int b = 0; b < batches; ++b) {
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < rows_per_batch; ++i) {
      int id = b * rows_per_batch + i;
      rows.push_back({std::to_string(id), id % 3 == 0 ? "2023" : "2024", std::to_string(1 + id % 12),
                      id % 4 == 0 ? "shipped" : "open", std::to_string(id * 1.5), id % 9 == 0 ? "NULL" : "n" + std::to_string(id)});
    }
    out.push_back(MakeBatch("id:int64, year:int64, month:int64, status:string, amount:double, note:string", rows));
  }
  return out;
}

Status Load(const std::string& path, const std::vector<BatchPtr>& input, Json extra = Json::object(), bool commit = true) {
  Json cfg = {{"path", path}};
  cfg.update(extra);
  auto op = BindModule(Registry(), "load.parquet", cfg, {input[0]->schema()});
  if (!op.ok()) return op.status();
  HarnessOptions options;
  options.threads = 2;
  options.commit = commit;
  return RunOperator(**op, {input}, options).status();
}

Result<std::vector<BatchPtr>> Extract(const std::string& path, int threads = 2) {
  LD_ASSIGN_OR_RETURN(auto op, BindModule(Registry(), "extract.parquet", {{"path", path}}, {}));
  HarnessOptions options;
  options.threads = threads;
  LD_ASSIGN_OR_RETURN(auto out, RunOperator(*op, {}, options));
  return out[0];
}

TEST(ParquetModulesTest, LoadThenExtractKeepsRowsAndOrder) {
  std::string dir = TempDir("pq-mod");
  auto input = Orders(7, 300);
  ASSERT_TRUE(Load(dir + "/orders.parquet", input, {{"row_group_size", 500}, {"compression", "snappy"}}).ok());
  auto out = Extract(dir + "/orders.parquet", 3);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_GT(out->size(), 1u);  // several row groups, read in parallel
  EXPECT_EQ(Rows(*out), Rows(input));
}

TEST(ParquetModulesTest, AbortLeavesNothingVisible) {
  std::string dir = TempDir("pq-abort");
  auto input = Orders(2, 50);
  ASSERT_TRUE(Load(dir + "/single.parquet", input, Json::object(), /*commit=*/false).ok());
  ASSERT_TRUE(Load(dir + "/parts", input, {{"partition_by", {"year"}}}, /*commit=*/false).ok());
  EXPECT_TRUE(fs::is_empty(dir)) << "left behind: " << fs::directory_iterator(dir)->path();
}

TEST(ParquetModulesTest, PartitionedWriteAndHiveRead) {
  std::string dir = TempDir("pq-hive");
  auto input = Orders(3, 200);
  ASSERT_TRUE(Load(dir + "/ds", input, {{"partition_by", {"year", "month"}}}).ok());
  EXPECT_TRUE(fs::exists(dir + "/ds/year=2024/month=5/part-0.parquet"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // no staging left
  auto out = Extract(dir + "/ds");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_FALSE(out->empty());
  EXPECT_EQ((*out)[0]->schema()->ToString(),
            "id: int64, status: string, amount: float64, note: string, year: int64, month: int64");
  // Same rows (reordered columns); partition folders are read in path order.
  std::vector<std::vector<std::string>> expected;
  for (auto row : Rows(input)) expected.push_back({row[0], row[3], row[4], row[5], row[1], row[2]});
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(SortedRows(*out), expected);

  // Rewriting replaces the dataset atomically.
  ASSERT_TRUE(Load(dir + "/ds", Orders(1, 10), {{"partition_by", {"year"}}}).ok());
  auto again = Extract(dir + "/ds");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  int64_t rows = 0;
  for (const auto& b : *again) rows += b->num_rows();
  EXPECT_EQ(rows, 10);
}

TEST(ParquetModulesTest, GlobReadsFilesInPathOrder) {
  std::string dir = TempDir("pq-glob");
  auto a = Orders(1, 20), b = Orders(2, 15);
  ASSERT_TRUE(Load(dir + "/part-1.parquet", a).ok());
  ASSERT_TRUE(Load(dir + "/part-2.parquet", b).ok());
  auto out = Extract(dir + "/part-*.parquet");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto expected = Rows(a);
  for (auto& r : Rows(b)) expected.push_back(r);
  EXPECT_EQ(Rows(*out), expected);
}

TEST(ParquetModulesTest, ProjectionAndFilterPushDown) {
  std::string dir = TempDir("pq-push");
  auto input = Orders(10, 100);
  ASSERT_TRUE(Load(dir + "/f.parquet", input, {{"row_group_size", 100}}).ok());
  Json cfg = {{"path", dir + "/f.parquet"}};
  BindContext ctx;
  ctx.config = &cfg;
  auto op = ParquetExtractOperator::Bind(ctx);
  ASSERT_TRUE(op.ok());
  (*op)->SetRequiredColumns({0, 4});
  (*op)->SetFilters({{"id", ParquetPredicate::Op::kGe, Value::Int64(750)}});
  auto out = RunOperator(**op, {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*op)->planned_row_groups(), 3u);  // row groups 7, 8, 9
  const auto& batches = (*out)[0];
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0]->column(0)->GetValue(0).ToString(), "700");
  EXPECT_EQ(batches[0]->column(4)->GetValue(1).ToString(), "1051.5");
  EXPECT_EQ(batches[0]->column(3)->null_count(), 100);  // not decoded: all null
}

TEST(ParquetModulesTest, ConfigAndFileErrors) {
  std::string dir = TempDir("pq-err");
  auto input = Orders(1, 5);
  struct Case { std::string key; Json cfg; std::string expect; };
  std::vector<Case> cases = {
      {"load.parquet", {{"path", dir + "/x.parquet"}, {"compression", "brotli"}}, "compression"},
      {"load.parquet", {{"path", dir + "/x"}, {"partition_by", {"nope"}}}, "nope"},
      {"extract.parquet", {{"path", dir + "/missing/*.parquet"}}, "missing"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cfg.dump());
    auto op = BindModule(Registry(), c.key, c.cfg, c.key == "load.parquet" ? std::vector<SchemaPtr>{input[0]->schema()}
                                                                           : std::vector<SchemaPtr>{});
    ASSERT_FALSE(op.ok());
    EXPECT_NE(op.status().ToString().find(c.expect), std::string::npos) << op.status().ToString();
  }
  // A file that is not Parquet.
  {
    auto w = LocalFileSystem().OpenWrite(dir + "/bad.parquet", false);
    ASSERT_TRUE((*w)->Append("this is not parquet at all").ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  auto bad = Extract(dir + "/bad.parquet");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsDataError()) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("bad.parquet"), std::string::npos);
}

TEST(ParquetModulesTest, DescriptorsAreComplete) {
  for (const char* key : {"extract.parquet", "load.parquet"}) {
    std::string k(key);
    auto d = Registry().Find(k.substr(0, k.find('.')), k.substr(k.find('.') + 1));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ((*d)->category, "files");
    for (const auto& [name, prop] : (*d)->config_schema["properties"].items()) {
      EXPECT_TRUE(prop.contains("title")) << key << " " << name;
      EXPECT_TRUE(prop.contains("description")) << key << " " << name;
    }
  }
}

}  // namespace
}  // namespace logidata::parquet
