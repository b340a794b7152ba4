#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "row_module_runner.h"

namespace logidata::testing {
namespace {

using Rows_ = std::vector<std::vector<std::string>>;

BatchPtr SelectInput() {
  return MakeBatch("id:int64, name:string, price:string, day:string, qty:int32",
                   {{"1", "ann", "12.50", "2024-05-01", "3"}, {"2", "NULL", "NULL", "2024-12-31", "NULL"}});
}

struct SelectCase {
  std::string name;
  nlohmann::json config;
  std::string schema;  // expected output schema (Schema::ToString)
  Rows_ expected;
};

class SelectCases : public ::testing::TestWithParam<SelectCase> {};

TEST_P(SelectCases, ProducesColumns) {
  const SelectCase& c = GetParam();
  auto op = BindModule(RowRegistry(), "transform.select", c.config, {SelectInput()->schema()});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ((*op)->output_schemas()[0]->ToString(), c.schema);
  auto out = RunModule("transform.select", c.config, {{SelectInput(), SelectInput()}}, 2);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  Rows_ expected = c.expected;
  expected.insert(expected.end(), c.expected.begin(), c.expected.end());
  EXPECT_EQ(PortRows(*out, 0), expected);
  for (const auto& b : (*out)[0]) EXPECT_TRUE(b->Validate().ok()) << b->Validate().ToString();
}

INSTANTIATE_TEST_SUITE_P(
    All, SelectCases,
    ::testing::Values(
        SelectCase{"pick_reorder",
                   {{"columns", {{{"name", "name"}}, {{"name", "id"}}}}},
                   "name: string, id: int64",
                   {{"ann", "1"}, {"NULL", "2"}}},
        SelectCase{"rename",
                   {{"columns", {{{"name", "id"}, {"as", "customer_id"}}, {{"name", "qty"}, {"as", "id"}}}}},
                   "customer_id: int64, id: int32",
                   {{"1", "3"}, {"2", "NULL"}}},
        SelectCase{"cast",
                   {{"columns", {{{"name", "price"}, {"type", "decimal(10,2)"}},
                                 {{"name", "day"}, {"type", "date"}},
                                 {{"name", "qty"}, {"type", "int64"}, {"as", "quantity"}}}}},
                   "price: decimal(10,2), day: date, quantity: int64",
                   {{"12.50", "2024-05-01", "3"}, {"NULL", "2024-12-31", "NULL"}}},
        SelectCase{"same_type_cast_is_noop",
                   {{"columns", {{{"name", "id"}, {"type", "bigint"}}}}},
                   "id: int64",
                   {{"1"}, {"2"}}},
        SelectCase{"exclude",
                   {{"exclude", {"price", "day"}}},
                   "id: int64, name: string, qty: int32",
                   {{"1", "ann", "3"}, {"2", "NULL", "NULL"}}},
        SelectCase{"exclude_nothing",
                   {{"exclude", nlohmann::json::array()}},
                   "id: int64, name: string, price: string, day: string, qty: int32",
                   {{"1", "ann", "12.50", "2024-05-01", "3"}, {"2", "NULL", "NULL", "2024-12-31", "NULL"}}}),
    [](const auto& info) { return info.param.name; });

class SelectBadConfigs : public ::testing::TestWithParam<BadConfig> {};

TEST_P(SelectBadConfigs, NameTheField) {
  ExpectConfigRefused("transform.select", GetParam(), SelectInput()->schema());
}

INSTANTIATE_TEST_SUITE_P(
    All, SelectBadConfigs,
    ::testing::Values(
        BadConfig{"nothing", nlohmann::json::object(), "/columns", "required"},
        BadConfig{"both", {{"columns", {{{"name", "id"}}}}, {"exclude", {"id"}}}, "/exclude", "not both"},
        BadConfig{"empty_columns", {{"columns", nlohmann::json::array()}}, "/columns", "at least one"},
        BadConfig{"unknown_column",
                  {{"columns", {{{"name", "id"}}, {{"name", "name"}}, {{"name", "nmae"}}}}},
                  "/columns/2/name",
                  "column 'nmae' does not exist (did you mean 'name'?)"},
        BadConfig{"missing_name", {{"columns", {{{"as", "x"}}}}}, "/columns/0/name", "required"},
        BadConfig{"item_not_object", {{"columns", {"id"}}}, "/columns/0", "object"},
        BadConfig{"duplicate_output", {{"columns", {{{"name", "id"}}, {{"name", "qty"}, {"as", "id"}}}}},
                  "/columns/1/as", "appears twice"},
        BadConfig{"bad_type", {{"columns", {{{"name", "id"}, {"type", "integr"}}}}}, "/columns/0/type", ""},
        BadConfig{"impossible_cast", {{"columns", {{{"name", "day"}, {"type", "date"}}, {{"name", "id"}, {"type", "date"}}}}},
                  "/columns/1/type", "cannot cast column 'id' from int64 to date"},
        BadConfig{"exclude_unknown", {{"exclude", {"id", "prise"}}}, "/exclude/1", "did you mean 'price'"},
        BadConfig{"exclude_twice", {{"exclude", {"id", "id"}}}, "/exclude/1", "twice"}),
    [](const auto& info) { return info.param.name; });

TEST(Select, FailedCastIsDataError) {
  auto bad = MakeBatch("v:string", {{"12"}, {"abc"}});
  auto out = RunModule("transform.select", {{"columns", {{{"name", "v"}, {"type", "int64"}}}}}, {{bad}});
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(out.status().IsDataError()) << out.status().ToString();
}

TEST(Select, ParallelRunEqualsSerialRun) {
  auto input = GeneratedBatches(20, 500);
  nlohmann::json config = {{"columns", {{{"name", "name"}}, {{"name", "id"}, {"type", "string"}, {"as", "key"}}}}};
  auto serial = RunModule("transform.select", config, {input}, 1);
  auto parallel = RunModule("transform.select", config, {input}, 2);
  ASSERT_TRUE(serial.ok()) << serial.status().ToString();
  ASSERT_TRUE(parallel.ok()) << parallel.status().ToString();
  EXPECT_EQ(PortRows(*serial, 0).size(), 10000u);
  EXPECT_EQ(PortRows(*serial, 0), PortRows(*parallel, 0));
}

}  // namespace
}  // namespace logidata::testing
