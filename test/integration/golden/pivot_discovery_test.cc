// Pivot value discovery (pipeline/pivot_discovery.h): a real pipeline csv -> pivot with
// `discover_values` -> csv over generated data whose answer is known by construction. The first
// pass finds the values at any memory budget and thread count, the columns come sorted (text by
// bytes, numbers by value), more values than `max_values` fail the run naming the node, and
// validation warns that the nodes after the pivot are checked when the run starts; previews of
// the pivot and of what follows it make the first pass too.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"
#include "pipeline/validator.h"
#include "support/test_batches.h"

namespace logidata {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

PipelineSpec Pipeline(const nlohmann::json& pivot_config) {
  nlohmann::json doc = {
      {"id", "pivot-discovery"},
      {"name", "pivot discovery"},
      {"parameters", {{"dir", {{"type", "string"}}}}},
      {"nodes",
       {{{"id", "in"}, {"type", "extract"}, {"module", "csv"},
         {"config", {{"path", "${dir}/in.csv"}, {"columns", {{"k", "int64"}, {"q", "string"}, {"y", "int64"}, {"amount", "int64"}}}}}},
        {{"id", "t"}, {"type", "transform"}, {"module", "pivot"}, {"config", pivot_config}},
        {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", "${dir}/out.csv"}}}}}},
      {"edges", {{{"source", "in"}, {"target", "t"}}, {{"source", "t"}, {"target", "out"}}}}};
  auto spec = ParsePipelineJson(doc);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return *spec;
}

class PivotDiscoveryTest : public ::testing::Test {
 protected:
  // 60,000 rows: k = i mod 700; q = "v<i*7 mod 12>", null on every 97th row; y = 9, 10 or 100
  // by i mod 3; amount = i mod 50.
  void SetUp() override {
    dir_ = testing::TempDir("pivot-discovery");
    std::ofstream in(dir_ + "/in.csv");
    in << "k,q,y,amount\n";
    for (int64_t i = 0; i < kRows; ++i) {
      const int64_t k = i % 700;
      const bool null_q = i % 97 == 0;
      const std::string q = "v" + std::to_string(i * 7 % 12);
      const int64_t y = i % 3 == 0 ? 9 : i % 3 == 1 ? 10 : 100;
      in << k << "," << (null_q ? "" : q) << "," << y << "," << i % 50 << "\n";
      if (!null_q) sums_[k][q] += i % 50;
      ks_.insert(k);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunResult Run(const PipelineSpec& spec, int threads, int64_t budget) {
    RunOptions options;
    options.threads = threads;
    options.memory_budget_bytes = budget;
    options.spill_dir = dir_ + "/spill";
    options.params = {{"dir", dir_}};
    return RunPipeline(spec, BuiltinModules(), options);
  }

  static constexpr int64_t kRows = 60000;
  std::string dir_;
  std::map<int64_t, std::map<std::string, int64_t>> sums_;
  std::set<int64_t> ks_;
};

TEST_F(PivotDiscoveryTest, FindsTheSortedValuesAtAnyBudgetAndThreadCount) {
  const PipelineSpec spec = Pipeline({{"index", {"k"}}, {"column", "q"}, {"discover_values", true},
                                      {"aggregates", {{{"function", "sum"}, {"column", "amount"}}}}});
  // Text sorts by bytes: v10 and v11 come before v2.
  const std::vector<std::string> values = {"v0", "v1", "v10", "v11", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"};
  std::string header = "k";
  for (const auto& v : values) header += "," + v;
  std::vector<std::string> expected;
  for (int64_t k : ks_) {
    std::string line = std::to_string(k);
    for (const auto& v : values) {
      auto it = sums_[k].find(v);
      line += "," + (it == sums_[k].end() ? std::string() : std::to_string(it->second));
    }
    expected.push_back(line);
  }
  std::sort(expected.begin(), expected.end());
  for (int threads : {1, 2, 8}) {
    for (int64_t budget : {int64_t{1}, int64_t{1} << 30}) {
      SCOPED_TRACE(std::to_string(threads) + " threads, budget " + std::to_string(budget));
      RunResult r = Run(spec, threads, budget);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      std::vector<std::string> lines = ReadLines(dir_ + "/out.csv");
      ASSERT_FALSE(lines.empty());
      EXPECT_EQ(lines[0], header);
      std::vector<std::string> rows(lines.begin() + 1, lines.end());
      std::sort(rows.begin(), rows.end());
      EXPECT_EQ(rows, expected);
    }
  }
}

TEST_F(PivotDiscoveryTest, NumbersSortByValue) {
  RunResult r = Run(Pipeline({{"column", "y"}, {"discover_values", true}, {"aggregates", {{{"function", "count"}}}}}), 2, 1);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  std::vector<std::string> lines = ReadLines(dir_ + "/out.csv");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "9,10,100");
  EXPECT_EQ(lines[1], "20000,20000,20000");
}

TEST_F(PivotDiscoveryTest, TooManyValuesFailTheRunNamingTheNode) {
  RunResult r = Run(Pipeline({{"index", {"k"}}, {"column", "q"}, {"discover_values", true}, {"max_values", 11},
                              {"aggregates", {{{"function", "sum"}, {"column", "amount"}}}}}),
                    2, 1);
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("pivot 't'"), std::string::npos) << r.status.ToString();
  EXPECT_NE(r.status.message().find("more than 11 distinct values"), std::string::npos) << r.status.ToString();
  EXPECT_EQ(r.failed_node, "t");
  EXPECT_FALSE(fs::exists(dir_ + "/out.csv"));
}

TEST_F(PivotDiscoveryTest, PreviewsOfThePivotAndAfterItMakeTheFirstPassToo) {
  const PipelineSpec spec = Pipeline({{"index", {"k"}}, {"column", "q"}, {"discover_values", true},
                                      {"aggregates", {{{"function", "sum"}, {"column", "amount"}}}}});
  for (const std::string node : {"t", "out"}) {
    SCOPED_TRACE(node);
    PreviewOptions preview;
    preview.node_id = node;
    RunOptions options;
    options.threads = 2;
    options.memory_budget_bytes = 1;
    options.spill_dir = dir_ + "/spill";
    options.params = {{"dir", dir_}};
    auto r = PreviewNode(spec, BuiltinModules(), preview, options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->schema->num_fields(), 13);
    EXPECT_EQ(r->schema->field(1).name, "v0");
    EXPECT_EQ(r->schema->field(12).name, "v9");
    EXPECT_EQ(r->sample_rows, 700);
  }
}

TEST_F(PivotDiscoveryTest, ValidationWarnsAndChecksTheRestAtRunTime) {
  const PipelineSpec spec = Pipeline({{"index", {"k"}}, {"column", "q"}, {"discover_values", true},
                                      {"aggregates", {{{"function", "sum"}, {"column", "amount"}}}}});
  ParameterMap params = {{"dir", dir_}};
  ValidateOptions options;
  options.params = &params;
  std::vector<ValidationIssue> issues = ValidatePipeline(spec, BuiltinModules(), options);
  ASSERT_EQ(issues.size(), 1u) << issues[0].ToString();
  EXPECT_EQ(issues[0].severity, "warning");
  EXPECT_EQ(issues[0].node_id, "t");
  EXPECT_NE(issues[0].message.find("first pass"), std::string::npos);
  // Listing and discovering at once is a config error at its JSON path.
  nlohmann::json both = {{"column", "q"}, {"discover_values", true}, {"values", {"v1"}}, {"aggregates", {{{"function", "count"}}}}};
  issues = ValidatePipeline(Pipeline(both), BuiltinModules(), options);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].path, "/nodes/1/config/discover_values");
}

}  // namespace
}  // namespace logidata
