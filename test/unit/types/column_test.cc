#include <gtest/gtest.h>

#include <random>

#include "support/test_batches.h"
#include "types/column_builder.h"
#include "types/temporal.h"

namespace logidata {
namespace {

using testing::MakeBatch;
using testing::Rows;

TEST(ColumnBuilderTest, BuildsEveryTypeWithNulls) {
  auto batch = MakeBatch("b:bool, i:int32, l:int64, d:double, m:decimal(10,2), s:string, dt:date, ts:timestamp",
                         {{"true", "1", "10000000000", "1.5", "12.30", "héllo", "2024-02-29", "2024-05-01 12:30:00"},
                          {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                          {"false", "-7", "-1", "0.1", "-0.05", "", "1969-12-31", "1970-01-01 00:00:00.000001"}});
  ASSERT_TRUE(batch->Validate().ok());
  EXPECT_EQ(batch->column(0)->null_count(), 1);
  EXPECT_EQ(Rows(*batch), (std::vector<std::vector<std::string>>{
                              {"true", "1", "10000000000", "1.5", "12.30", "héllo", "2024-02-29", "2024-05-01 12:30:00"},
                              {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                              {"false", "-7", "-1", "0.1", "-0.05", "", "1969-12-31", "1970-01-01 00:00:00.000001"}}));
}

TEST(ColumnKernelsTest, AllNullColumnsStayFreeThroughTakeAndConcat) {
  // Unread columns arrive all NULL; gathering or concatenating them must not allocate their
  // width (they point at the process's shared zeros, which ByteSize does not count).
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 1000; ++i) rows.push_back({std::to_string(i), "NULL", "NULL", "NULL", "NULL"});
  auto batch = MakeBatch("id:int64, l:int64, m:decimal(20,2), s:string, b:bool", rows);
  std::vector<int32_t> idx;
  for (int i = 999; i >= 0; i -= 2) idx.push_back(i);
  BatchPtr taken = TakeBatch(*batch, idx);
  BatchPtr joined = ConcatBatches({taken, taken});
  for (const BatchPtr& b : {taken, joined}) {
    ASSERT_TRUE(b->Validate().ok());
    EXPECT_GT(b->column(0)->ByteSize(), 0);
    for (int c = 1; c < 5; ++c) {
      EXPECT_EQ(b->column(c)->ByteSize(), 0) << "column " << c;
      EXPECT_EQ(b->column(c)->null_count(), b->num_rows());
    }
  }
  EXPECT_EQ(Rows(*taken)[0], (std::vector<std::string>{"999", "NULL", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(Rows(*joined)[500], (std::vector<std::string>{"999", "NULL", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(joined->num_rows(), 1000);
}

TEST(ColumnKernelsTest, TakeFilterSliceConcat) {
  auto batch = MakeBatch("id:int64, name:string", {{"1", "a"}, {"2", "NULL"}, {"3", "ccc"}, {"4", "dd"}});
  std::vector<int32_t> idx = {3, 0, -1, 2};
  EXPECT_EQ(Rows(*TakeBatch(*batch, idx)),
            (std::vector<std::vector<std::string>>{{"4", "dd"}, {"1", "a"}, {"NULL", "NULL"}, {"3", "ccc"}}));
  uint8_t sel = 0b1010;
  EXPECT_EQ(Rows(*FilterBatch(*batch, &sel, 2)), (std::vector<std::vector<std::string>>{{"2", "NULL"}, {"4", "dd"}}));
  EXPECT_EQ(Rows(*SliceBatch(*batch, 1, 2)), (std::vector<std::vector<std::string>>{{"2", "NULL"}, {"3", "ccc"}}));
  auto both = ConcatBatches({batch, SliceBatch(*batch, 0, 1)});
  EXPECT_EQ(both->num_rows(), 5);
  EXPECT_EQ(Rows(*both).back(), (std::vector<std::string>{"1", "a"}));
}

TEST(DataTypeTest, ParsesUserTypeNames) {
  struct Case { const char* text; const char* expected; };
  for (const Case& c : {Case{"BIGINT", "int64"}, Case{"varchar", "string"}, Case{"numeric(12, 3)", "decimal(12,3)"},
                        Case{"timestamptz", "timestamp(UTC)"}, Case{"double", "float64"}, Case{"Date", "date"}}) {
    SCOPED_TRACE(c.text);
    auto t = DataType::Parse(c.text);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->ToString(), c.expected);
  }
  EXPECT_FALSE(DataType::Parse("decimal(40,2)").ok());
  EXPECT_FALSE(DataType::Parse("strng").ok());
}

TEST(TemporalTest, RoundTripsDatesAndTimestamps) {
  for (int32_t d : {-719468, -1, 0, 1, 19000, 2932896}) {
    auto c = CivilFromDays(d);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(ParseTimestamp("2024-05-01T10:00:00+02:00"), ParseTimestamp("2024-05-01 08:00:00"));
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2023-12-31 23:59:59.5")), "2023-12-31 23:59:59.500000");
  EXPECT_FALSE(ParseDate("2023-02-29").has_value());
  EXPECT_FALSE(ParseTimestamp("2023-01-01 25:00:00").has_value());
}

// "YYYY-MM-DD HH:MM:SS" has a fast path that checks digits a word at a time: it must agree with
// the formatter on every field, and refuse a non-digit in any digit position, including bytes
// that differ from a digit only in the high nibble (0xb0) or are just past '9' (':').
TEST(TemporalTest, CommonTimestampLayoutIsCheckedAtEveryPosition) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) {
    const int64_t seconds = static_cast<int64_t>(rng() % 315569520000ULL) - 62167219200LL;  // years 0-9999
    const std::string text = FormatTimestamp(seconds * kMicrosPerSecond);
    ASSERT_EQ(text.size(), 19u) << text;
    int64_t parsed = 0;
    ASSERT_TRUE(ParseTimestampInto(text, &parsed)) << text;
    EXPECT_EQ(parsed, seconds * kMicrosPerSecond) << text;
  }
  const std::string good = "2024-02-29 23:59:59";
  for (size_t pos = 0; pos < good.size(); ++pos) {
    for (char bad : {'/', ':', '-', ' ', 'a', '\0', static_cast<char>(0xb0), static_cast<char>(0x39 + 0x80)}) {
      if (bad == good[pos]) continue;
      std::string text = good;
      text[pos] = bad;
      int64_t parsed = 0;
      EXPECT_FALSE(ParseTimestampInto(text, &parsed)) << "position " << pos << " byte " << static_cast<int>(bad);
    }
  }
  int64_t parsed = 0;
  EXPECT_TRUE(ParseTimestampInto("2024-02-29T23:59:59", &parsed));
  EXPECT_FALSE(ParseTimestampInto("2023-02-29 00:00:00", &parsed));
  EXPECT_FALSE(ParseTimestampInto("2023-13-01 00:00:00", &parsed));
  EXPECT_FALSE(ParseTimestampInto("2023-01-01 23:60:00", &parsed));
}

}  // namespace
}  // namespace logidata
