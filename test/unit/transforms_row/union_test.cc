#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "row_module_runner.h"

namespace logidata::testing {
namespace {

using Rows_ = std::vector<std::vector<std::string>>;

struct UnionCase {
  std::string name;
  std::string mode;
  std::vector<std::vector<BatchPtr>> inputs;
  std::string schema;
  Rows_ expected;  // sorted
};

class UnionCases : public ::testing::TestWithParam<UnionCase> {};

TEST_P(UnionCases, AppendsRows) {
  const UnionCase& c = GetParam();
  nlohmann::json config = nlohmann::json::object();
  if (!c.mode.empty()) config["mode"] = c.mode;
  std::vector<SchemaPtr> schemas;
  for (const auto& in : c.inputs) schemas.push_back(in[0]->schema());
  auto op = BindModule(RowRegistry(), "transform.union", config, schemas);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ((*op)->output_schemas()[0]->ToString(), c.schema);
  for (int threads : {1, 2}) {
    auto out = RunModule("transform.union", config, c.inputs, threads);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(SortedRows((*out)[0]), c.expected) << "threads=" << threads;
    for (const auto& b : (*out)[0]) EXPECT_TRUE(b->Validate().ok()) << b->Validate().ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, UnionCases,
    ::testing::Values(
        UnionCase{"same_schema", "",
                  {{MakeBatch("a:int64, b:string", {{"1", "x"}})},
                   {MakeBatch("a:int64, b:string", {{"2", "y"}, {"3", "NULL"}})}},
                  "a: int64, b: string",
                  {{"1", "x"}, {"2", "y"}, {"3", "NULL"}}},
        UnionCase{"by_name_reordered_and_missing", "by_name",
                  {{MakeBatch("a:int64, b:string", {{"1", "x"}})},
                   {MakeBatch("c:bool, a:int64", {{"true", "2"}})}},
                  "a: int64, b: string, c: bool",
                  {{"1", "x", "NULL"}, {"2", "NULL", "true"}}},
        UnionCase{"widening", "by_name",
                  {{MakeBatch("n:int32, d:date, s:string", {{"1", "2024-01-02", "p"}})},
                   {MakeBatch("n:float64, d:timestamp, s:binary", {{"2.5", "2024-01-03 04:05:06", "q"}})},
                   {MakeBatch("n:int64, d:date", {{"7", "NULL"}})}},
                  "n: float64, d: timestamp, s: binary",
                  {{"1", "2024-01-02 00:00:00", "p"}, {"2.5", "2024-01-03 04:05:06", "q"}, {"7", "NULL", "NULL"}}},
        UnionCase{"decimal_widening", "",
                  {{MakeBatch("v:decimal(10,2)", {{"1.25"}})},
                   {MakeBatch("v:int32", {{"3"}})},
                   {MakeBatch("v:decimal(12,4)", {{"0.0001"}})}},
                  "v: decimal(23,4)",
                  {{"0.0001"}, {"1.2500"}, {"3.0000"}}},
        UnionCase{"by_position", "by_position",
                  {{MakeBatch("a:int64, b:string", {{"1", "x"}})},
                   {MakeBatch("z:int32, y:string", {{"2", "y"}})}},
                  "a: int64, b: string",
                  {{"1", "x"}, {"2", "y"}}},
        UnionCase{"single_input", "",
                  {{MakeBatch("a:int64", {{"1"}}), MakeBatch("a:int64", {{"2"}})}},
                  "a: int64",
                  {{"1"}, {"2"}}},
        UnionCase{"null_type_column", "",
                  {{MakeBatch("a:int64", {{"1"}})},
                   {Batch::Make(MakeSchema({Field{"a", DataType::Null(), true}}),
                                {Column::MakeNull(DataType::Null(), 2)}, 2)}},
                  "a: int64",
                  {{"1"}, {"NULL"}, {"NULL"}}}),
    [](const auto& info) { return info.param.name; });

TEST(Union, TypeConflictNamesColumnAndInput) {
  Status s = BindOnly("transform.union", nlohmann::json::object(),
                      {ParseSchemaSpec("a:int64"), ParseSchemaSpec("b:string"), ParseSchemaSpec("a:string")});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::StartsWith("/mode: "));
  EXPECT_THAT(s.message(), ::testing::HasSubstr("column 'a' of input 2"));
}

TEST(Union, ByPositionNeedsSameWidth) {
  Status s = BindOnly("transform.union", {{"mode", "by_position"}},
                      {ParseSchemaSpec("a:int64, b:int64"), ParseSchemaSpec("a:int64")});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::StartsWith("/mode: input 1 has 1 columns"));
}

TEST(Union, BadMode) {
  Status s = BindOnly("transform.union", {{"mode", "by_magic"}}, {ParseSchemaSpec("a:int64")});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::StartsWith("/mode: 'by_magic' is not one of"));
}

TEST(Union, NumbersBatchesInArrivalOrder) {
  auto op = BindModule(RowRegistry(), "transform.union", nlohmann::json::object(),
                       {ParseSchemaSpec("a:int64"), ParseSchemaSpec("a:int64")});
  ASSERT_TRUE(op.ok());
  class Capture : public Emitter {
   public:
    Status Emit(int port, BatchPtr batch) override {
      sequences.push_back(batch->sequence());
      return Status::OK();
    }
    std::vector<uint64_t> sequences;
  } capture;
  auto b = MakeBatch("a:int64", {{"1"}});
  for (int port : {0, 1, 0, 1, 1}) ASSERT_TRUE((*op)->Consume(port, b, nullptr, capture).ok());
  EXPECT_EQ(capture.sequences, (std::vector<uint64_t>{0, 1, 2, 3, 4}));
}

TEST(Union, ParallelRunEqualsSerialRun) {
  auto left = GeneratedBatches(10, 800);
  auto right = GeneratedBatches(12, 300);
  auto serial = RunModule("transform.union", nlohmann::json::object(), {left, right}, 1);
  auto parallel = RunModule("transform.union", nlohmann::json::object(), {left, right}, 2);
  ASSERT_TRUE(serial.ok() && parallel.ok());
  EXPECT_EQ(SortedRows((*serial)[0]).size(), 11600u);
  EXPECT_EQ(SortedRows((*serial)[0]), SortedRows((*parallel)[0]));
}

TEST(Union, DeclaresVariadicInput) {
  auto desc = RowRegistry().Find("transform", "union");
  ASSERT_TRUE(desc.ok());
  ASSERT_EQ((*desc)->inputs.size(), 1u);
  EXPECT_TRUE((*desc)->inputs[0].variadic);
}

}  // namespace
}  // namespace logidata::testing
