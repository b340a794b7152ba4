// Pure conversions of the connectors: PostgreSQL numeric binary, decimal text, JSON records,
// Link headers.
#include <gtest/gtest.h>

#include "connectors/http/http_client.h"
#include "connectors/http/json_records.h"
#include "connectors/postgres/pg_types.h"
#include "connectors/value_text.h"
#include "support/test_batches.h"
#include "types/value.h"

namespace logidata {
namespace {

TEST(PgNumericTest, RoundTripsThroughBinary) {
  for (std::string text : {"0", "1", "-1", "12345.678", "-0.001", "10000", "9999999999999.99", "0.5"}) {
    SCOPED_TRACE(text);
    std::string wire;
    ASSERT_TRUE(EncodePgNumericText(text, wire).ok());
    ColumnBuilder b(DataType::Decimal(38, 3));
    ASSERT_TRUE(AppendPgBinary(pg_oid::kNumeric, wire.data() + 4, static_cast<int>(wire.size() - 4), b).ok());
    auto col = b.Finish();
    EXPECT_EQ(static_cast<int64_t>(col->Get<int128_t>(0) / 1000), static_cast<int64_t>(*ParseDecimalText(text, 3) / 1000));
    EXPECT_EQ(static_cast<int64_t>(col->Get<int128_t>(0) % 1000), static_cast<int64_t>(*ParseDecimalText(text, 3) % 1000));
  }
  std::string wire;
  EXPECT_FALSE(EncodePgNumericText("1e5", wire).ok());
}

TEST(ParseDecimalTextTest, ScalesAndRounds) {
  struct Case {
    std::string text;
    int scale;
    std::optional<int64_t> unscaled;
  };
  std::vector<Case> cases = {{"12.345", 2, 1235}, {"-12.344", 2, -1234}, {"7", 3, 7000}, {"1e2", 1, 1000},
                             {"abc", 2, std::nullopt}, {"", 0, std::nullopt}, {"1.2.3", 1, std::nullopt}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto v = ParseDecimalText(c.text, c.scale);
    ASSERT_EQ(v.has_value(), c.unscaled.has_value());
    if (v) EXPECT_EQ(static_cast<int64_t>(*v), *c.unscaled);
  }
}

TEST(JsonRecordsTest, FlattensInfersAndConverts) {
  auto doc = nlohmann::ordered_json::parse(R"({"data": {"items": [
      {"id": 1, "u": {"name": "a", "geo": {"lat": 1}}, "tags": [1, 2], "x": null},
      {"id": 2, "u": {"name": "b", "geo": {"lat": 2.5}}, "x": "s", "extra": true}]}})");
  auto records = FindRecords(doc, "data.items");
  ASSERT_TRUE(records.ok());
  auto schema = InferJsonSchema(*records);
  EXPECT_EQ(schema->ToString(), "id: int64, u.name: string, u.geo.lat: float64, tags: string, x: string, extra: bool");
  auto batch = JsonRecordsToBatch(*records, schema, 0);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(testing::Rows(**batch), (std::vector<std::vector<std::string>>{{"1", "a", "1", "[1,2]", "NULL", "NULL"},
                                                                             {"2", "b", "2.5", "NULL", "s", "true"}}));
  auto bad = JsonRecordsToBatch(*records, MakeSchema({{"x", DataType::Int64(), true}}), 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("record 12, column 'x'"), std::string::npos) << bad.status().ToString();
  EXPECT_FALSE(FindRecords(doc, "data.nope").ok());
}

TEST(LinkHeaderTest, FindsNext) {
  EXPECT_EQ(NextLinkFromHeader("<https://a/x?page=2>; rel=\"next\", <https://a/x?page=9>; rel=\"last\""), "https://a/x?page=2");
  EXPECT_EQ(NextLinkFromHeader("<https://a/x?page=1>; rel=\"prev\", <https://a/x?page=3>; rel=\"next\""), "https://a/x?page=3");
  EXPECT_EQ(NextLinkFromHeader("<https://a/x?page=1>; rel=\"first\""), "");
  EXPECT_EQ(AppendQuery("http://h/p", {{"a b", "c&d"}, {"e", "1"}}), "http://h/p?a%20b=c%26d&e=1");
}

}  // namespace
}  // namespace logidata
