#include <gtest/gtest.h>

#include "support/test_batches.h"
#include "types/arrow_c_data.h"

namespace logidata {
namespace {

using testing::MakeBatch;
using testing::Rows;

BatchPtr AllTypes() {
  return MakeBatch("b:bool, i:int32, l:int64, d:double, m:decimal(20,3), s:string, x:binary, dt:date, ts:timestamp(UTC)",
                   {{"true", "1", "-5", "1.25", "12.345", "héllo", "ab", "2024-02-29", "2024-05-01 12:30:00"},
                    {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                    {"false", "-7", "9000000000", "-0.5", "-0.001", "", "", "1969-12-31", "1970-01-01 00:00:00.000001"}});
}

TEST(ArrowCDataTest, FormatsFollowTheSpecification) {
  struct Case { DataType type; const char* format; };
  for (const Case& c : {Case{DataType::Bool(), "b"}, Case{DataType::Int32(), "i"}, Case{DataType::Int64(), "l"},
                        Case{DataType::Float64(), "g"}, Case{DataType::Decimal(18, 2), "d:18,2"}, Case{DataType::String(), "u"},
                        Case{DataType::Binary(), "z"}, Case{DataType::Date(), "tdD"}, Case{DataType::Timestamp(), "tsu:"},
                        Case{DataType::Timestamp("Europe/Paris"), "tsu:Europe/Paris"}}) {
    EXPECT_EQ(ArrowFormat(c.type), c.format);
    auto back = TypeFromArrowFormat(c.format);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, c.type);
  }
  EXPECT_TRUE(TypeFromArrowFormat("+l").status().IsUnsupported());
  EXPECT_NE(TypeFromArrowFormat("d:40,2").status().message().find("unsupported"), std::string::npos);
}

TEST(ArrowCDataTest, ExportSharesBuffersAndImportRoundTrips) {
  BatchPtr batch = AllTypes();
  ArrowSchema schema;
  ArrowArray array;
  ASSERT_TRUE(ExportBatch(batch, &schema, &array).ok());
  ASSERT_EQ(array.n_children, 9);
  EXPECT_STREQ(schema.children[4]->format, "d:20,3");
  EXPECT_STREQ(schema.children[5]->name, "s");
  EXPECT_EQ(schema.children[0]->flags & ARROW_FLAG_NULLABLE, ARROW_FLAG_NULLABLE);
  // Zero copy: the exported values buffer is our buffer.
  EXPECT_EQ(array.children[2]->buffers[1], batch->column(2)->values_buffer()->data());
  EXPECT_EQ(array.children[2]->null_count, 1);

  auto imported = ImportBatch(&array, &schema);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(array.release, nullptr);  // ownership moved
  EXPECT_EQ(Rows(**imported), Rows(*batch));
  EXPECT_EQ(*(*imported)->schema(), *batch->schema());
  EXPECT_EQ((*imported)->column(5)->string_data(), batch->column(5)->string_data());  // wrapped, not copied
  schema.release(&schema);
}

TEST(ArrowCDataTest, ImportHonoursOffsetsBySlicing) {
  BatchPtr batch = AllTypes();
  ArrowSchema schema;
  ArrowArray array;
  ASSERT_TRUE(ExportBatch(batch, &schema, &array).ok());
  array.offset = 1;
  array.length = 2;
  auto imported = ImportBatch(&array, &schema);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  auto rows = Rows(*batch);
  EXPECT_EQ(Rows(**imported), (std::vector<std::vector<std::string>>{rows[1], rows[2]}));
  schema.release(&schema);
}

TEST(ArrowCDataTest, RejectsMalformedArrays) {
  BatchPtr batch = AllTypes();
  ArrowSchema schema;
  ArrowArray array;
  ASSERT_TRUE(ExportBatch(batch, &schema, &array).ok());
  array.children[1]->n_buffers = 1;
  auto imported = ImportBatch(&array, &schema);
  EXPECT_TRUE(imported.status().IsInvalidArgument()) << imported.status().ToString();
  EXPECT_NE(imported.status().message().find("'i'"), std::string::npos);
  schema.release(&schema);
}

}  // namespace
}  // namespace logidata
