// load.json: NDJSON and array output, escaping, exact numbers, ISO temporals, nulls, atomic
// publish, and a round trip through extract.json.
#include "format_test_util.h"

namespace logidata::testing {
namespace {

struct LoadCase {
  std::string name;
  std::string schema;
  std::vector<std::vector<std::string>> rows;
  std::string format;
  std::string expected;
};

class JsonLoadTest : public ::testing::TestWithParam<LoadCase> {};

TEST_P(JsonLoadTest, WritesExactText) {
  const LoadCase& c = GetParam();
  SCOPED_TRACE(c.name);
  std::string path = TempDir("json-load") + "/out.json";
  nlohmann::json config = {{"path", path}};
  if (!c.format.empty()) config["format"] = c.format;
  Status st = RunLoad("load.json", config, {MakeBatch(c.schema, c.rows)});
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ReadFileText(path), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Options, JsonLoadTest,
    ::testing::Values(
        LoadCase{"ndjson_types", "i:int64, f:float64, b:bool, s:string, d:date, t:timestamp, m:decimal(10,2)",
                 {{"1", "0.1", "true", "a\"b\\c\n\x01", "2024-01-02", "2024-01-02 03:04:05.25", "-12.50"},
                  {"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"}},
                 "",
                 "{\"i\":1,\"f\":0.1,\"b\":true,\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"d\":\"2024-01-02\","
                 "\"t\":\"2024-01-02T03:04:05.250000\",\"m\":-12.50}\n"
                 "{\"i\":null,\"f\":null,\"b\":null,\"s\":null,\"d\":null,\"t\":null,\"m\":null}\n"},
        LoadCase{"array", "x:int64", {{"1"}, {"2"}}, "array", "[\n{\"x\":1},\n{\"x\":2}\n]\n"},
        LoadCase{"empty_array", "x:int64", {}, "array", "[]\n"},
        LoadCase{"escaped_key", "a\"b:int32", {{"5"}}, "ndjson", "{\"a\\\"b\":5}\n"}),
    [](const auto& info) { return info.param.name; });

TEST(JsonLoad, AbortLeavesTargetAsItWas) {
  std::string path = WriteFile(TempDir("json-abort"), "out.json", "old");
  Status st = RunLoad("load.json", {{"path", path}}, {MakeBatch("x:int64", {{"1"}})}, /*commit=*/false);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ReadFileText(path), "old");
}

TEST(JsonLoad, BadFormatIsConfigError) {
  Status st = RunLoad("load.json", {{"path", "/tmp/x.json"}, {"format", "xml"}}, {MakeBatch("x:int64", {{"1"}})});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("/format"), std::string::npos) << st.ToString();
}

TEST(JsonLoad, RoundTripsThroughExtract) {
  for (const char* format : {"ndjson", "array"}) {
    SCOPED_TRACE(format);
    std::string path = TempDir("json-roundtrip") + "/rt.json";
    auto batch = MakeBatch("i:int64, f:float64, s:string, d:date, t:timestamp, b:bool",
                           {{"-9223372036854775808", "1e+300", "ü \"q\"", "1999-12-31", "2000-01-01 00:00:00.000001", "false"},
                            {"42", "-0.5", "", "NULL", "NULL", "true"}});
    ASSERT_TRUE(RunLoad("load.json", {{"path", path}, {"format", format}}, {batch}).ok());
    ExtractResult r = RunExtract("extract.json", {{"path", path}});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.schema->ToString(), batch->schema()->ToString());
    EXPECT_EQ(Rows(r.batches), Rows(*batch));
  }
}

}  // namespace
}  // namespace logidata::testing
