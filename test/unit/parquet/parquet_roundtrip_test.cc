// Round trips through our writer and reader: every type, with and without nulls, every codec,
// small pages and row groups (many pages, dictionary and plain), statistics and pruning.
#include <gtest/gtest.h>

#include <filesystem>

#include "formats/parquet/compression.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "support/test_batches.h"

namespace logidata::parquet {
namespace {

using logidata::testing::MakeBatch;
using logidata::testing::Rows;
using logidata::testing::TempDir;

struct RoundTripCase {
  std::string name;
  std::string schema;
  std::vector<std::vector<std::string>> rows;
};

std::vector<RoundTripCase> Cases() {
  return {
      {"ints", "a:int32, b:int64", {{"1", "10"}, {"NULL", "-5"}, {"2147483647", "NULL"}, {"-2147483648", "9223372036854775807"}}},
      {"bool", "b:bool", {{"true"}, {"false"}, {"NULL"}, {"true"}}},
      {"double", "d:double", {{"1.5"}, {"-0.25"}, {"NULL"}, {"1e300"}}},
      {"decimals", "p9:decimal(9,2), p18:decimal(18,4), p38:decimal(38,10)",
       {{"1234567.89", "12345678901234.5678", "1234567890123456789012345678.0123456789"},
        {"-0.01", "NULL", "-1.0000000001"},
        {"NULL", "-1.0000", "NULL"}}},
      {"strings", "s:string, b:binary", {{"hello", "xyz"}, {"", ""}, {"NULL", "NULL"}, {"ünïcödé", "a,b"}}},
      {"zones", "berlin:timestamp(Europe/Berlin), utc:timestamp(UTC)",
       {{"2024-05-01 12:30:00", "2024-05-01 12:30:00"}, {"NULL", "1999-12-31 23:59:59.5"}}},
      {"temporal", "d:date, t:timestamp, z:timestamp(UTC)",
       {{"2024-05-01", "2024-05-01 12:30:00.123456", "1970-01-01 00:00:00"},
        {"1900-01-01", "NULL", "2262-04-11 23:47:16"},
        {"NULL", "1969-12-31 23:59:59.999999", "NULL"}}},
  };
}

class RoundTripTest : public ::testing::TestWithParam<std::tuple<RoundTripCase, std::string>> {};

TEST_P(RoundTripTest, ReadsBackWhatWasWritten) {
  const auto& [c, codec] = GetParam();
  SCOPED_TRACE(c.name + " / " + codec);
  BatchPtr batch = MakeBatch(c.schema, c.rows);
  std::string path = TempDir("pq-rt") + "/" + c.name + ".parquet";
  ParquetWriteOptions options;
  options.compression = ParseCodec(codec).value();
  options.row_group_size = 3;  // several row groups
  auto writer = ParquetWriter::Open(LocalFileSystem(), path, batch->schema(), options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Write(batch).ok());
  ASSERT_TRUE((*writer)->Close().ok());

  auto reader = ParquetReader::Open(LocalFileSystem(), path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(*(*reader)->schema(), *batch->schema());
  auto batches = (*reader)->ReadAll();
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  EXPECT_EQ(Rows(*batches), Rows(*batch));
}

INSTANTIATE_TEST_SUITE_P(AllTypes, RoundTripTest,
                         ::testing::Combine(::testing::ValuesIn(Cases()),
                                            ::testing::Values("none", "snappy", "gzip", "zstd", "lz4_raw")));

// Many rows, tiny pages: dictionary pages, plain fallback, RLE runs and bit-packed literals.
TEST(ParquetWriterTest, ManyPagesDictionaryAndFallback) {
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 5000; ++i) {
    rows.push_back({std::to_string(i % 7 == 0 ? -i : i), i % 5 == 0 ? "NULL" : "status" + std::to_string(i % 3),
                    "unique-" + std::to_string(i * 7919), i % 11 == 0 ? "NULL" : std::to_string(i % 4)});
  }
  BatchPtr batch = MakeBatch("id:int64, status:string, u:string, q:int32", rows);
  for (int64_t dict_limit : {int64_t{1} << 20, int64_t{64}}) {
    std::string path = TempDir("pq-many") + "/f.parquet";
    ParquetWriteOptions options;
    options.page_size = 512;
    options.row_group_size = 1700;
    options.dictionary_size_limit = dict_limit;
    options.num_threads = 3;
    auto writer = ParquetWriter::Open(LocalFileSystem(), path, batch->schema(), options);
    ASSERT_TRUE(writer.ok());
    // Write in uneven slices so row groups span batches.
    for (int64_t off = 0; off < batch->num_rows(); off += 777) {
      ASSERT_TRUE((*writer)->Write(SliceBatch(*batch, off, std::min<int64_t>(777, batch->num_rows() - off))).ok());
    }
    ASSERT_TRUE((*writer)->Close().ok());
    auto reader = ParquetReader::Open(LocalFileSystem(), path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->num_row_groups(), 3);
    auto batches = (*reader)->ReadAll();
    ASSERT_TRUE(batches.ok()) << batches.status().ToString();
    EXPECT_EQ(Rows(*batches), Rows(*batch));
  }
}

// Operators pass all-null columns without value buffers (Column::MakeNull).
TEST(ParquetWriterTest, WritesBufferlessNullColumns) {
  BatchPtr base = MakeBatch("a:int64, s:string, d:decimal(20,2), b:bool", {{"1", "x", "1.00", "true"}, {"2", "y", "2.00", "false"}});
  std::vector<ColumnPtr> cols;
  for (const auto& f : base->schema()->fields()) cols.push_back(Column::MakeNull(f.type, 2));
  BatchPtr nulls = Batch::Make(base->schema(), cols, 2);
  std::string path = TempDir("pq-nullcols") + "/f.parquet";
  auto writer = ParquetWriter::Open(LocalFileSystem(), path, base->schema(), {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(nulls).ok());
  ASSERT_TRUE((*writer)->Write(base).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto reader = ParquetReader::Open(LocalFileSystem(), path);
  ASSERT_TRUE(reader.ok());
  auto batches = (*reader)->ReadAll();
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  auto expected = Rows(*nulls);
  for (auto& r : Rows(*base)) expected.push_back(r);
  EXPECT_EQ(Rows(*batches), expected);
}

TEST(ParquetReaderTest, StatisticsPruneRowGroups) {
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 100; ++i) rows.push_back({std::to_string(i), i < 50 ? "a" : "b", i < 90 ? "NULL" : "x"});
  BatchPtr batch = MakeBatch("id:int64, s:string, n:string", rows);
  std::string path = TempDir("pq-prune") + "/f.parquet";
  ParquetWriteOptions options;
  options.row_group_size = 10;
  auto writer = ParquetWriter::Open(LocalFileSystem(), path, batch->schema(), options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(batch).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto reader = ParquetReader::Open(LocalFileSystem(), path);
  ASSERT_TRUE(reader.ok());
  using Op = ParquetPredicate::Op;
  struct Case { std::vector<ParquetPredicate> preds; std::vector<int> expected; };
  std::vector<Case> cases = {
      {{{"id", Op::kGe, Value::Int64(85)}}, {8, 9}},
      {{{"id", Op::kLt, Value::Int32(10)}}, {0}},
      {{{"id", Op::kEq, Value::Float64(42.5)}}, {4}},
      {{{"s", Op::kEq, Value::String("b")}, {"id", Op::kLe, Value::Int64(60)}}, {5, 6}},
      {{{"n", Op::kIsNotNull, Value()}}, {9}},
      {{{"n", Op::kIsNull, Value()}}, {0, 1, 2, 3, 4, 5, 6, 7, 8}},
      {{{"n", Op::kEq, Value::String("x")}}, {9}},
      {{{"missing", Op::kEq, Value::Int64(1)}}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ((*reader)->SelectRowGroups(cases[i].preds), cases[i].expected);
  }
}

TEST(ParquetReaderTest, ProjectionReadsOnlyChosenColumns) {
  BatchPtr batch = MakeBatch("a:int32, b:string, c:double", {{"1", "x", "1.5"}, {"2", "NULL", "NULL"}});
  std::string path = TempDir("pq-proj") + "/f.parquet";
  auto writer = ParquetWriter::Open(LocalFileSystem(), path, batch->schema(), {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(batch).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto reader = ParquetReader::Open(LocalFileSystem(), path);
  ASSERT_TRUE(reader.ok());
  auto b = (*reader)->ReadRowGroup(0, {2, 0});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->schema()->ToString(), "c: float64, a: int32");
  EXPECT_EQ(Rows(**b), (std::vector<std::vector<std::string>>{{"1.5", "1"}, {"NULL", "2"}}));
}

TEST(ParquetReaderTest, RejectsTruncatedAndGarbageFiles) {
  BatchPtr batch = MakeBatch("a:int32, b:string", {{"1", "x"}, {"2", "y"}});
  std::string dir = TempDir("pq-bad");
  std::string path = dir + "/f.parquet";
  auto writer = ParquetWriter::Open(LocalFileSystem(), path, batch->schema(), {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(batch).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  std::string bytes;
  {
    auto f = LocalFileSystem().OpenRead(path);
    auto all = (*f)->ReadAll();
    bytes.assign(reinterpret_cast<const char*>((*all)->data()), (*all)->size());
  }
  // Every truncation and every single-byte corruption either reads or fails cleanly.
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::string p = dir + "/t.parquet";
    auto w = LocalFileSystem().OpenWrite(p, false);
    ASSERT_TRUE((*w)->Append(bytes.substr(0, len)).ok());
    ASSERT_TRUE((*w)->Close().ok());
    auto r = ParquetReader::Open(LocalFileSystem(), p);
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_TRUE(r.status().IsDataError()) << r.status().ToString();
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string mutated = bytes;
    mutated[i] = static_cast<char>(mutated[i] ^ 0x5a);
    std::string p = dir + "/m.parquet";
    auto w = LocalFileSystem().OpenWrite(p, false);
    ASSERT_TRUE((*w)->Append(mutated).ok());
    ASSERT_TRUE((*w)->Close().ok());
    auto r = ParquetReader::Open(LocalFileSystem(), p);
    if (!r.ok()) continue;
    auto all = (*r)->ReadAll();
    if (!all.ok()) EXPECT_FALSE(all.status().message().empty());
  }
}

}  // namespace
}  // namespace logidata::parquet
