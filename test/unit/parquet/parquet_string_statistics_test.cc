// Min/max statistics of a string column chunk against a plain std::string comparison (unsigned
// bytes, Parquet's BYTE_ARRAY order). The writer decides most comparisons on an 8-byte prefix, so
// the cases are the ones a prefix gets wrong if done carelessly: long shared prefixes, strings
// that are prefixes of others, bytes at or above 0x80, empty strings and zero bytes; each also
// as a dictionary chunk, whose statistics come from the distinct values. Fixed-width dictionary
// chunks likewise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "formats/parquet/column_chunk_writer.h"
#include "types/column_builder.h"

namespace logidata::parquet {
namespace {

struct StatsCase {
  std::string name;
  std::vector<std::string> values;
};

std::ostream& operator<<(std::ostream& os, const StatsCase& c) { return os << c.name; }

std::vector<StatsCase> Cases() {
  using namespace std::string_literals;
  return {
      {"SharedEightBytePrefix", {"prefix00-b", "prefix00-a", "prefix00-c", "prefix00"}},
      {"PrefixOfAnother", {"abc", "ab", "abcd", "a", "abcdefghij", "abcdefgh"}},
      {"HighBytesAreLarge", {"\x7f", "\x80", "\xff", "z", "\xc3\xa9t\xc3\xa9"}},
      {"EmptyIsSmallest", {"b", "", "a"}},
      {"ZeroBytes", {"a\0b"s, "a"s, "a\0"s, "a\0\0\0\0\0\0\0z"s, "a\0\0\0\0\0\0\0"s}},
      {"FirstByteDecides", {"ba", "ab", "za", "az", "mzzzzzzz", "naaaaaaa"}},
      {"OneValue", {"only"}},
      {"Emails", {"c275414.alt2@mail.example.org", " user139647@example.com ", "c275414.alt1@mail.example.org"}},
  };
}

class StringStatistics : public ::testing::TestWithParam<StatsCase> {};

TEST_P(StringStatistics, MinAndMaxAreTheBytewiseExtremes) {
  const StatsCase& c = GetParam();
  ColumnBuilder builder(DataType::String(), static_cast<int64_t>(c.values.size()));
  for (const auto& v : c.values) builder.AppendString(v);
  ColumnWriteOptions options;
  ColumnEncodeScratch scratch;
  auto chunk = EncodeColumnChunk(Field{"s", DataType::String(), true}, {builder.Finish()}, options, &scratch);
  ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
  const pq::Statistics& stats = chunk->meta.statistics;
  ASSERT_TRUE(stats.__isset.min_value && stats.__isset.max_value);
  EXPECT_EQ(stats.min_value, *std::min_element(c.values.begin(), c.values.end()));
  EXPECT_EQ(stats.max_value, *std::max_element(c.values.begin(), c.values.end()));
}

// Each value three times: the chunk is dictionary-encoded, and its statistics are taken over the
// dictionary's distinct values instead of every row.
TEST_P(StringStatistics, DictionaryChunkHasTheSameExtremes) {
  const StatsCase& c = GetParam();
  ColumnBuilder builder(DataType::String(), static_cast<int64_t>(c.values.size()) * 3);
  for (int copy = 0; copy < 3; ++copy) {
    for (const auto& v : c.values) builder.AppendString(v);
  }
  ColumnWriteOptions options;
  ColumnEncodeScratch scratch;
  auto chunk = EncodeColumnChunk(Field{"s", DataType::String(), true}, {builder.Finish()}, options, &scratch);
  ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
  ASSERT_TRUE(chunk->meta.__isset.dictionary_page_offset);
  const pq::Statistics& stats = chunk->meta.statistics;
  ASSERT_TRUE(stats.__isset.min_value && stats.__isset.max_value);
  EXPECT_EQ(stats.min_value, *std::min_element(c.values.begin(), c.values.end()));
  EXPECT_EQ(stats.max_value, *std::max_element(c.values.begin(), c.values.end()));
}

template <typename T>
T Decoded(const std::string& bytes) {
  T v;
  EXPECT_EQ(bytes.size(), sizeof(T));
  std::memcpy(&v, bytes.data(), sizeof(T));
  return v;
}

// Fixed-width dictionaries too: the distinct values are read back from the dictionary's keys,
// which hold 4-byte values in 8-byte slots.
TEST(FixedStatistics, DictionaryChunksHaveTheExtremes) {
  ColumnWriteOptions options;
  ColumnEncodeScratch scratch;
  ColumnBuilder ints(DataType::Int32(), 300), longs(DataType::Int64(), 300), doubles(DataType::Float64(), 300);
  for (int i = 0; i < 300; ++i) {
    ints.AppendInt32(i % 5 == 0 ? -7 : i % 3);
    longs.AppendInt64(i % 7 == 0 ? (int64_t{1} << 40) : -(i % 4));
    doubles.AppendDouble(i % 6 == 0 ? -0.5 : 1.25 * (i % 2));
  }
  auto i32 = EncodeColumnChunk(Field{"i", DataType::Int32(), false}, {ints.Finish()}, options, &scratch);
  auto i64 = EncodeColumnChunk(Field{"l", DataType::Int64(), false}, {longs.Finish()}, options, &scratch);
  auto f64 = EncodeColumnChunk(Field{"d", DataType::Float64(), false}, {doubles.Finish()}, options, &scratch);
  ASSERT_TRUE(i32.ok() && i64.ok() && f64.ok());
  for (const auto* chunk : {&*i32, &*i64, &*f64}) ASSERT_TRUE(chunk->meta.__isset.dictionary_page_offset);
  EXPECT_EQ(Decoded<int32_t>(i32->meta.statistics.min_value), -7);
  EXPECT_EQ(Decoded<int32_t>(i32->meta.statistics.max_value), 2);
  EXPECT_EQ(Decoded<int64_t>(i64->meta.statistics.min_value), -3);
  EXPECT_EQ(Decoded<int64_t>(i64->meta.statistics.max_value), int64_t{1} << 40);
  EXPECT_EQ(Decoded<double>(f64->meta.statistics.min_value), -0.5);
  EXPECT_EQ(Decoded<double>(f64->meta.statistics.max_value), 1.25);
}

INSTANTIATE_TEST_SUITE_P(Cases, StringStatistics, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace logidata::parquet
