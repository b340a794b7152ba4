// Projection push-down (Operator::InputColumnsNeeded / SetRequiredColumns) and robustness against
// columns made without value buffers (Column::MakeNull, as sources and joins emit them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "row_module_runner.h"
#include "transforms/null_filling.h"
#include "transforms/text_cleaning.h"
#include "transforms/widen_column.h"

namespace logidata::testing {
namespace {

SchemaPtr Wide() { return ParseSchemaSpec("a:int64, b:string, c:float64, d:string"); }

struct NeededCase {
  std::string name;
  std::string key;
  nlohmann::json config;
  std::vector<int> needed_outputs;
  std::vector<int> expected_inputs;
};

class InputColumnsNeeded : public ::testing::TestWithParam<NeededCase> {};

TEST_P(InputColumnsNeeded, NarrowsToWhatIsRead) {
  const NeededCase& c = GetParam();
  auto op = BindModule(RowRegistry(), c.key, c.config, {Wide()});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  auto inputs = (*op)->InputColumnsNeeded(0, c.needed_outputs);
  ASSERT_TRUE(inputs.has_value());
  EXPECT_EQ(*inputs, c.expected_inputs);
}

INSTANTIATE_TEST_SUITE_P(
    All, InputColumnsNeeded,
    ::testing::Values(
        NeededCase{"filter_adds_predicate", "transform.filter", {{"expression", "c > 1"}}, {0}, {0, 2}},
        NeededCase{"filter_no_dup", "transform.filter", {{"expression", "a > 1 AND c > 1"}}, {0, 2}, {0, 2}},
        NeededCase{"select_maps_sources", "transform.select",
                   {{"columns", {{{"name", "d"}}, {{"name", "a"}, {"as", "x"}}, {{"name", "c"}, {"type", "string"}}}}},
                   {1, 2}, {0, 2}},
        NeededCase{"derive_through_chain", "transform.derive",
                   {{"columns", {{{"name", "x"}, {"expression", "a + 1"}}, {{"name", "y"}, {"expression", "x * 2"}},
                                 {{"name", "z"}, {"expression", "length(d)"}}}}},
                   {1, 5}, {0, 1}},
        NeededCase{"derive_replaced_column", "transform.derive",
                   {{"columns", {{{"name", "b"}, {"expression", "upper(d)"}}}}}, {1}, {3}},
        NeededCase{"derive_replace_self_reference", "transform.derive",
                   {{"columns", {{{"name", "b"}, {"expression", "lower(b)"}}}}}, {1}, {1}},
        NeededCase{"limit_identity", "transform.limit", {{"n", 3}}, {1, 3}, {1, 3}},
        NeededCase{"sample_identity", "transform.sample", {{"fraction", 0.5}}, {2}, {2}},
        NeededCase{"sample_rows_identity", "transform.sample", {{"n", 5}}, {0, 2}, {0, 2}},
        NeededCase{"cleaner_rules", "transform.cleaner",
                   {{"operations", {{{"op", "trim"}, {"columns", {"b"}}}}}, {"rules", {{{"name", "r"}, {"expression", "c > 0"}}}}},
                   {0}, {0, 2}},
        NeededCase{"cleaner_flag_maps_to_source", "transform.cleaner",
                   {{"operations", {{{"op", "email"}, {"columns", {"d"}}}}}}, {4}, {3}},
        NeededCase{"cleaner_row_deciding_steps", "transform.cleaner",
                   {{"operations", {{{"op", "drop_nulls"}, {"columns", {"d"}}},
                                    {{"op", "phone"}, {"columns", {"b"}}, {"invalid", "reject"}},
                                    {{"op", "email"}, {"columns", {"d"}}, {"invalid", "null"}}}}},
                   {0}, {0, 1, 3}},
        NeededCase{"cleaner_dedupe_keys", "transform.cleaner", {{"dedupe", {{"keys", {"c"}}}}}, {}, {2}}),
    [](const auto& info) { return info.param.name; });

TEST(CleanerProjection, WholeRowDedupeReadsEverything) {
  auto op = BindModule(RowRegistry(), "transform.cleaner", {{"dedupe", nlohmann::json::object()}}, {Wide()});
  ASSERT_TRUE(op.ok());
  EXPECT_FALSE((*op)->InputColumnsNeeded(0, {0}).has_value());
}

TEST(UnionProjection, MapsPerPort) {
  auto op = BindModule(RowRegistry(), "transform.union", nlohmann::json::object(),
                       {ParseSchemaSpec("a:int64, b:string"), ParseSchemaSpec("b:string, c:int64")});
  ASSERT_TRUE(op.ok());
  // Output: a, b, c.
  EXPECT_EQ(*(*op)->InputColumnsNeeded(0, {1, 2}), (std::vector<int>{1}));
  EXPECT_EQ(*(*op)->InputColumnsNeeded(1, {1, 2}), (std::vector<int>{0, 1}));
}

TEST(FilterProjection, UnreadColumnsComeOutNull) {
  auto op = BindModule(RowRegistry(), "transform.filter", {{"expression", "c > 1"}}, {Wide()});
  ASSERT_TRUE(op.ok());
  (*op)->SetRequiredColumns({0});
  auto in = MakeBatch("a:int64, b:string, c:float64, d:string", {{"1", "x", "0.5", "p"}, {"2", "y", "1.5", "q"}});
  auto out = RunOperator(**op, {{in}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows((*out)[0]), (std::vector<std::vector<std::string>>{{"2", "NULL", "NULL", "NULL"}}));
  EXPECT_TRUE((*out)[0][0]->Validate().ok());
}

TEST(DeriveProjection, DeadStepsAreSkipped) {
  nlohmann::json config = {{"columns", {{{"name", "x"}, {"expression", "a + 1"}}, {{"name", "z"}, {"expression", "length(d)"}}}}};
  auto op = BindModule(RowRegistry(), "transform.derive", config, {Wide()});
  ASSERT_TRUE(op.ok());
  (*op)->SetRequiredColumns({0, 4});
  auto in = MakeBatch("a:int64, b:string, c:float64, d:string", {{"1", "x", "0.5", "pp"}});
  auto out = RunOperator(**op, {{in}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows((*out)[0]), (std::vector<std::vector<std::string>>{{"1", "x", "0.5", "pp", "2", "NULL"}}));
}

TEST(SelectProjection, UnreadCastsAreSkipped) {
  nlohmann::json config = {{"columns", {{{"name", "a"}}, {{"name", "b"}, {"type", "int64"}}}}};
  auto op = BindModule(RowRegistry(), "transform.select", config, {Wide()});
  ASSERT_TRUE(op.ok());
  (*op)->SetRequiredColumns({0});
  // 'x' would fail the cast if it were computed.
  auto in = MakeBatch("a:int64, b:string, c:float64, d:string", {{"1", "x", "0.5", "pp"}});
  auto out = RunOperator(**op, {{in}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows((*out)[0]), (std::vector<std::vector<std::string>>{{"1", "NULL"}}));
}

// Columns without value buffers (Column::MakeNull) must not crash any kernel.
BatchPtr BufferlessNulls() {
  auto schema = ParseSchemaSpec("id:int64, s:string, n:int32");
  return Batch::Make(schema,
                     {MakeBatch("id:int64", {{"1"}, {"2"}, {"3"}})->column(0), Column::MakeNull(DataType::String(), 3),
                      Column::MakeNull(DataType::Int32(), 3)},
                     3);
}

TEST(BufferlessNulls, CleanerHandlesThem) {
  nlohmann::json config = {
      {"operations", {{{"op", "trim"}}, {{"op", "case"}, {"mode", "title"}},
                      {{"op", "email"}, {"columns", {"s"}}, {"invalid", "reject"}},
                      {{"op", "phone"}, {"columns", {"s"}}}, {{"op", "fill_nulls"}, {"values", {{"n", 5}}}}}}};
  auto out = RunModule("transform.cleaner", config, {{BufferlessNulls()}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Rows((*out)[0]),
            (std::vector<std::vector<std::string>>{{"1", "NULL", "5", "NULL"}, {"2", "NULL", "5", "NULL"}, {"3", "NULL", "5", "NULL"}}));
}

TEST(BufferlessNulls, FilterUnionAndWideningHandleThem) {
  auto filtered = RunModule("transform.filter", {{"expression", "id <> 2"}}, {{BufferlessNulls()}});
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  EXPECT_EQ(Rows((*filtered)[0]), (std::vector<std::vector<std::string>>{{"1", "NULL", "NULL"}, {"3", "NULL", "NULL"}}));
  auto unioned = RunModule("transform.union", nlohmann::json::object(),
                           {{BufferlessNulls()}, {MakeBatch("n:int64, s:binary", {{"9", "z"}})}});
  ASSERT_TRUE(unioned.ok()) << unioned.status().ToString();
  EXPECT_EQ(SortedRows((*unioned)[0]).size(), 4u);
  for (const auto& b : (*unioned)[0]) EXPECT_TRUE(b->Validate().ok());
  auto widened = WidenColumn(Column::MakeNull(DataType::Int32(), 2), DataType::Float64());
  ASSERT_TRUE(widened.ok());
  EXPECT_TRUE((*widened)->IsNull(1));
}

}  // namespace
}  // namespace logidata::testing
