#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "row_module_runner.h"

namespace logidata::testing {
namespace {

using Rows_ = std::vector<std::vector<std::string>>;

struct FilterCase {
  std::string name;
  std::string expression;
  Rows_ expected;
};

std::vector<BatchPtr> FilterInput() {
  return {MakeBatch("id:int64, amount:float64, status:string",
                    {{"1", "50", "paid"}, {"2", "150", "shipped"}, {"3", "NULL", "paid"}}),
          MakeBatch("id:int64, amount:float64, status:string",
                    {{"4", "300", "NULL"}, {"5", "120", "paid"}, {"6", "101", "open"}})};
}

class FilterCases : public ::testing::TestWithParam<FilterCase> {};

TEST_P(FilterCases, KeepsRowsWhereTrue) {
  const FilterCase& c = GetParam();
  SCOPED_TRACE(c.expression);
  for (int threads : {1, 2}) {
    auto out = RunModule("transform.filter", {{"expression", c.expression}}, {FilterInput()}, threads);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(PortRows(*out, 0), c.expected) << "threads=" << threads;
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, FilterCases,
    ::testing::Values(
        FilterCase{"comparison", "amount > 100", {{"2", "150", "shipped"}, {"4", "300", "NULL"}, {"5", "120", "paid"}, {"6", "101", "open"}}},
        FilterCase{"and_in", "amount > 100 AND status IN ('shipped', 'paid')", {{"2", "150", "shipped"}, {"5", "120", "paid"}}},
        // NULL amount or NULL status make the predicate NULL: the row is dropped.
        FilterCase{"null_is_false", "status = 'paid'", {{"1", "50", "paid"}, {"3", "NULL", "paid"}, {"5", "120", "paid"}}},
        FilterCase{"is_null", "amount IS NULL OR status IS NULL", {{"3", "NULL", "paid"}, {"4", "300", "NULL"}}},
        FilterCase{"none", "id > 100", {}},
        FilterCase{"all", "id > 0", {{"1", "50", "paid"}, {"2", "150", "shipped"}, {"3", "NULL", "paid"},
                                     {"4", "300", "NULL"}, {"5", "120", "paid"}, {"6", "101", "open"}}}),
    [](const auto& info) { return info.param.name; });

class FilterBadConfigs : public ::testing::TestWithParam<BadConfig> {};

TEST_P(FilterBadConfigs, NameTheField) {
  ExpectConfigRefused("transform.filter", GetParam(), FilterInput()[0]->schema());
}

INSTANTIATE_TEST_SUITE_P(
    All, FilterBadConfigs,
    ::testing::Values(BadConfig{"missing", nlohmann::json::object(), "/expression", "required"},
                      BadConfig{"not_string", {{"expression", 5}}, "/expression", "string"},
                      BadConfig{"unknown_column", {{"expression", "amout > 1"}}, "/expression", "amount"},
                      BadConfig{"not_boolean", {{"expression", "amount + 1"}}, "/expression", "true or false"},
                      BadConfig{"syntax", {{"expression", "amount > "}}, "/expression", ""}),
    [](const auto& info) { return info.param.name; });

TEST(Filter, OutputSchemaEqualsInput) {
  auto op = BindModule(RowRegistry(), "transform.filter", {{"expression", "id > 1"}}, {FilterInput()[0]->schema()});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ(*(*op)->output_schemas()[0], *FilterInput()[0]->schema());
}

TEST(Filter, ParallelRunEqualsSerialRun) {
  auto input = GeneratedBatches(24, 997);
  nlohmann::json config = {{"expression", "grp IN (1, 3) AND amount > 200 OR name IS NULL"}};
  auto serial = RunModule("transform.filter", config, {input}, 1);
  auto parallel = RunModule("transform.filter", config, {input}, 2);
  ASSERT_TRUE(serial.ok()) << serial.status().ToString();
  ASSERT_TRUE(parallel.ok()) << parallel.status().ToString();
  EXPECT_GT(PortRows(*serial, 0).size(), 1000u);
  EXPECT_EQ(PortRows(*serial, 0), PortRows(*parallel, 0));
}

}  // namespace
}  // namespace logidata::testing
