#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "row_module_runner.h"

namespace logidata::testing {
namespace {

// Batches of sizes 3, 0, 4, 2 holding ids 0…8 in order.
std::vector<BatchPtr> LimitInput() {
  std::vector<BatchPtr> out;
  int id = 0;
  for (int size : {3, 0, 4, 2}) {
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < size; ++i) rows.push_back({std::to_string(id++)});
    out.push_back(MakeBatch("id:int64", rows));
  }
  return out;
}

std::vector<std::string> Ids(const std::vector<std::vector<BatchPtr>>& out) {
  std::vector<std::string> ids;
  for (const auto& row : PortRows(out, 0)) ids.push_back(row[0]);
  return ids;
}

struct LimitCase {
  int64_t n;
  int64_t offset;
  std::vector<std::string> expected;
};

class LimitCases : public ::testing::TestWithParam<LimitCase> {};

TEST_P(LimitCases, KeepsExactRange) {
  const LimitCase& c = GetParam();
  for (int threads : {1, 2}) {
    SCOPED_TRACE("n=" + std::to_string(c.n) + " offset=" + std::to_string(c.offset) + " threads=" + std::to_string(threads));
    auto out = RunModule("transform.limit", {{"n", c.n}, {"offset", c.offset}}, {LimitInput()}, threads);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(Ids(*out), c.expected);
  }
}

INSTANTIATE_TEST_SUITE_P(All, LimitCases,
                         ::testing::Values(LimitCase{0, 0, {}}, LimitCase{2, 0, {"0", "1"}},
                                           LimitCase{3, 0, {"0", "1", "2"}},
                                           LimitCase{5, 0, {"0", "1", "2", "3", "4"}},
                                           LimitCase{3, 2, {"2", "3", "4"}}, LimitCase{2, 3, {"3", "4"}},
                                           LimitCase{100, 7, {"7", "8"}}, LimitCase{5, 9, {}},
                                           LimitCase{100, 0, {"0", "1", "2", "3", "4", "5", "6", "7", "8"}}));

TEST(Limit, DefaultOffsetIsZero) {
  auto out = RunModule("transform.limit", {{"n", 1}}, {LimitInput()});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Ids(*out), std::vector<std::string>{"0"});
}

TEST(Limit, AsksForOrderedInput) {
  auto op = BindModule(RowRegistry(), "transform.limit", {{"n", 1}}, {LimitInput()[0]->schema()});
  ASSERT_TRUE(op.ok());
  EXPECT_TRUE((*op)->RequiresOrderedInput(0));
}

TEST(Limit, BigInputManyThreads) {
  auto input = GeneratedBatches(30, 1000);
  auto out = RunModule("transform.limit", {{"n", 2500}, {"offset", 1500}}, {input}, 2);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto rows = PortRows(*out, 0);
  ASSERT_EQ(rows.size(), 2500u);
  EXPECT_EQ(rows.front()[0], "1500");
  EXPECT_EQ(rows.back()[0], "3999");
}

class LimitBadConfigs : public ::testing::TestWithParam<BadConfig> {};

TEST_P(LimitBadConfigs, NameTheField) {
  ExpectConfigRefused("transform.limit", GetParam(), LimitInput()[0]->schema());
}

INSTANTIATE_TEST_SUITE_P(All, LimitBadConfigs,
                         ::testing::Values(BadConfig{"missing", nlohmann::json::object(), "/n"},
                                           BadConfig{"negative", {{"n", -1}}, "/n"},
                                           BadConfig{"fraction", {{"n", 1.5}}, "/n"},
                                           BadConfig{"string", {{"n", "10"}}, "/n"},
                                           BadConfig{"negative_offset", {{"n", 1}, {"offset", -2}}, "/offset"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace logidata::testing
