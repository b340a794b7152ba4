// ProfileNode end to end: a real CSV file through a real pipeline on several threads, with
// answers known from how the file was written.
#include "pipeline/node_profile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "module/builtin_modules.h"
#include "support/test_batches.h"

namespace logidata {
namespace {

class NodeProfileTest : public ::testing::Test {
 protected:
  static constexpr int kRows = 50000;

  void SetUp() override {
    dir_ = testing::TempDir("ld-profile");
    std::ofstream out(dir_ + "/people.csv");
    out << "id,email,joined,country\n";
    for (int i = 0; i < kRows; ++i) {
      // Every 8th email is missing; dates are day-first; 3 countries.
      out << i << "," << (i % 8 == 0 ? "" : "p" + std::to_string(i % 900) + "@mail.example.org") << ","
          << (1 + i % 28) << "." << (1 + i % 12) << ".2024," << (i % 3 == 0 ? "DE" : i % 3 == 1 ? "FR" : "IT") << "\n";
    }
  }

  PipelineSpec Spec() const {
    auto spec = ParsePipelineText(R"({"id": "p", "name": "p", "nodes": [
        {"id": "src", "type": "extract", "module": "csv", "config": {"path": "people.csv"}},
        {"id": "even", "type": "transform", "module": "filter", "config": {"expression": "id % 2 = 0"}},
        {"id": "out", "type": "load", "module": "csv", "config": {"path": "never.csv"}}],
      "edges": [{"source": "src", "target": "even"}, {"source": "even", "target": "out"}]})",
                                  "p.json");
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    return *spec;
  }

  RunOptions Run() const {
    RunOptions run;
    run.base_dir = dir_;
    run.threads = 2;
    return run;
  }

  std::string dir_;
};

const profile::ColumnStatistics& Col(const NodeProfile& p, const std::string& name) {
  for (const auto& c : p.statistics.columns) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << name;
  return p.statistics.columns[0];
}

TEST_F(NodeProfileTest, ProfilesEveryRowOfANode) {
  NodeProfileOptions options;
  options.node_id = "even";
  auto result = ProfileNode(Spec(), BuiltinModules(), options, Run());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->statistics.rows, kRows / 2);
  EXPECT_FALSE(result->limited);
  EXPECT_GE(result->partial_profiles, 1);
  const auto& id = Col(*result, "id");
  EXPECT_EQ(id.min, "0");
  EXPECT_EQ(id.max, std::to_string(kRows - 2));
  EXPECT_EQ(Col(*result, "country").distinct, 3);
  EXPECT_TRUE(Col(*result, "country").distinct_exact);
  EXPECT_EQ(Col(*result, "country").semantic_type, "country_code");
  const auto& email = Col(*result, "email");
  EXPECT_EQ(email.semantic_type, "email");
  EXPECT_EQ(email.pii_kind, "email");
  // Missing emails: i % 8 == 0 among even i — a quarter of the rows (as null or empty, by the reader).
  EXPECT_EQ(email.nulls + email.empty, kRows / 8);
  // Even i only: p0, p2, … p898: 450 addresses.
  EXPECT_EQ(email.distinct - (email.empty > 0 ? 1 : 0), 450);
  const auto& joined = Col(*result, "joined");
  EXPECT_EQ(joined.semantic_type, "date");
  EXPECT_EQ(joined.format, "%d.%m.%Y");
}

TEST_F(NodeProfileTest, ALoaderProfilesItsInputAndRowsAreLimited) {
  NodeProfileOptions options;
  options.node_id = "out";
  options.max_rows = 1000;
  auto result = ProfileNode(Spec(), BuiltinModules(), options, Run());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->profiled_node, "even");
  EXPECT_EQ(result->statistics.rows, 1000);
  EXPECT_TRUE(result->limited);
}

TEST_F(NodeProfileTest, ErrorsNameTheNode) {
  NodeProfileOptions options;
  options.node_id = "nope";
  auto missing = ProfileNode(Spec(), BuiltinModules(), options, Run());
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);
  std::filesystem::remove(dir_ + "/people.csv");
  options.node_id = "even";
  auto broken = ProfileNode(Spec(), BuiltinModules(), options, Run());
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("src"), std::string::npos) << broken.status().message();
}

}  // namespace
}  // namespace logidata
