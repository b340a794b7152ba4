// Min/max statistics of a string column chunk against a plain std::string comparison (unsigned
// bytes, Parquet's BYTE_ARRAY order). The writer decides most comparisons on an 8-byte prefix, so
// the cases are the ones a prefix gets wrong if done carelessly: long shared prefixes, strings
// that are prefixes of others, bytes at or above 0x80, empty strings and zero bytes.
#include <gtest/gtest.h>

#include <algorithm>
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

INSTANTIATE_TEST_SUITE_P(Cases, StringStatistics, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace logidata::parquet
