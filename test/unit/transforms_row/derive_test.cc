#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "row_module_runner.h"

namespace logidata::testing {
namespace {

using Rows_ = std::vector<std::vector<std::string>>;

BatchPtr DeriveInput() {
  return MakeBatch("id:int64, email:string, amount:int64",
                   {{"1", "  Ann@Example.COM ", "10"}, {"2", "NULL", "NULL"}, {"3", "bob@x.org", "-5"}});
}

struct DeriveCase {
  std::string name;
  nlohmann::json columns;
  std::string schema;
  Rows_ expected;
};

class DeriveCases : public ::testing::TestWithParam<DeriveCase> {};

TEST_P(DeriveCases, ComputesColumns) {
  const DeriveCase& c = GetParam();
  nlohmann::json config = {{"columns", c.columns}};
  auto op = BindModule(RowRegistry(), "transform.derive", config, {DeriveInput()->schema()});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ((*op)->output_schemas()[0]->ToString(), c.schema);
  for (int threads : {1, 2}) {
    auto out = RunModule("transform.derive", config, {{DeriveInput()}}, threads);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(PortRows(*out, 0), c.expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, DeriveCases,
    ::testing::Values(
        DeriveCase{"append",
                   {{{"name", "double"}, {"expression", "amount * 2"}}},
                   "id: int64, email: string, amount: int64, double: int64",
                   {{"1", "  Ann@Example.COM ", "10", "20"}, {"2", "NULL", "NULL", "NULL"}, {"3", "bob@x.org", "-5", "-10"}}},
        DeriveCase{"replace_in_place",
                   {{{"name", "email"}, {"expression", "lower(trim(email))"}}},
                   "id: int64, email: string, amount: int64",
                   {{"1", "ann@example.com", "10"}, {"2", "NULL", "NULL"}, {"3", "bob@x.org", "-5"}}},
        DeriveCase{"replace_changes_type",
                   {{{"name", "amount"}, {"expression", "amount > 0"}}},
                   "id: int64, email: string, amount: bool",
                   {{"1", "  Ann@Example.COM ", "true"}, {"2", "NULL", "NULL"}, {"3", "bob@x.org", "false"}}},
        DeriveCase{"chained",
                   {{{"name", "a"}, {"expression", "coalesce(amount, 0) + 1"}},
                    {{"name", "b"}, {"expression", "a * 10"}},
                    {{"name", "a"}, {"expression", "b - a"}}},
                   "id: int64, email: string, amount: int64, a: int64, b: int64",
                   {{"1", "  Ann@Example.COM ", "10", "99", "110"},
                    {"2", "NULL", "NULL", "9", "10"},
                    {"3", "bob@x.org", "-5", "-36", "-40"}}}),
    [](const auto& info) { return info.param.name; });

class DeriveBadConfigs : public ::testing::TestWithParam<BadConfig> {};

TEST_P(DeriveBadConfigs, NameTheField) {
  ExpectConfigRefused("transform.derive", GetParam(), DeriveInput()->schema());
}

INSTANTIATE_TEST_SUITE_P(
    All, DeriveBadConfigs,
    ::testing::Values(
        BadConfig{"missing", nlohmann::json::object(), "/columns", "required"},
        BadConfig{"empty", {{"columns", nlohmann::json::array()}}, "/columns", "at least one"},
        BadConfig{"no_expression", {{"columns", {{{"name", "x"}}}}}, "/columns/0/expression", "required"},
        BadConfig{"no_name", {{"columns", {{{"expression", "1"}}}}}, "/columns/0/name", "required"},
        BadConfig{"unknown_column",
                  {{"columns", {{{"name", "x"}, {"expression", "1"}}, {{"name", "y"}, {"expression", "amont + x"}}}}},
                  "/columns/1/expression", "amount"},
        // A column may only use columns computed above it.
        BadConfig{"forward_reference",
                  {{"columns", {{{"name", "x"}, {"expression", "y + 1"}}, {{"name", "y"}, {"expression", "1"}}}}},
                  "/columns/0/expression", "'y'"}),
    [](const auto& info) { return info.param.name; });

TEST(Derive, ParallelRunEqualsSerialRun) {
  auto input = GeneratedBatches(20, 700);
  nlohmann::json config = {{"columns",
                            {{{"name", "name"}, {"expression", "upper(trim(name))"}},
                             {{"name", "big"}, {"expression", "CASE WHEN amount > 1000 THEN 'big' ELSE 'small' END"}}}}};
  auto serial = RunModule("transform.derive", config, {input}, 1);
  auto parallel = RunModule("transform.derive", config, {input}, 2);
  ASSERT_TRUE(serial.ok()) << serial.status().ToString();
  ASSERT_TRUE(parallel.ok()) << parallel.status().ToString();
  EXPECT_EQ(PortRows(*serial, 0).size(), 14000u);
  EXPECT_EQ(PortRows(*serial, 0), PortRows(*parallel, 0));
}

}  // namespace
}  // namespace logidata::testing
