// extract.json through the operator harness: formats, record_path, flattening, inference,
// overrides, globs, and malformed input with the place and reason of the error.
#include "format_test_util.h"

namespace logidata::testing {
namespace {

using Table = std::vector<std::vector<std::string>>;

struct JsonCase {
  std::string name;
  std::string content;
  nlohmann::json config;  // merged over {"path": <file>}
  std::string schema;     // expected Schema::ToString()
  Table rows;
};

class JsonExtractTest : public ::testing::TestWithParam<JsonCase> {};

TEST_P(JsonExtractTest, ReadsRowsAndSchema) {
  const JsonCase& c = GetParam();
  SCOPED_TRACE(c.name);
  nlohmann::json config = c.config;
  config["path"] = WriteFile(TempDir("json-extract"), "in.json", c.content);
  ExtractResult r = RunExtract("extract.json", config);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.schema->ToString(), ParseSchemaSpec(c.schema)->ToString());
  EXPECT_EQ(Rows(r.batches), c.rows);
}

INSTANTIATE_TEST_SUITE_P(
    Options, JsonExtractTest,
    ::testing::Values(
        JsonCase{"array_infers_types",
                 R"([{"i":1,"f":2.5,"b":true,"s":"x","d":"2024-01-02","t":"2024-01-02T03:04:05"},
                     {"i":-7,"f":3,"b":false,"s":"y","d":"2023-12-31","t":"2023-12-31 23:59:59.5"}])",
                 {},
                 "i:int64, f:float64, b:bool, s:string, d:date, t:timestamp",
                 {{"1", "2.5", "true", "x", "2024-01-02", "2024-01-02 03:04:05"},
                  {"-7", "3", "false", "y", "2023-12-31", "2023-12-31 23:59:59.500000"}}},
        JsonCase{"ndjson_auto_with_missing_keys_and_nulls",
                 "{\"a\":1,\"b\":\"x\"}\n\n{\"b\":null}\r\n{\"a\":3,\"c\":true}\n",
                 {},
                 "a:int64, b:string, c:bool",
                 {{"1", "x", "NULL"}, {"NULL", "NULL", "NULL"}, {"3", "NULL", "true"}}},
        JsonCase{"nested_objects_flatten_arrays_stay_json",
                 R"([{"id":1,"address":{"city":"Oslo","geo":{"lat":59.9}},"tags":["a","b"],"empty":{}}])",
                 {},
                 "id:int64, address.city:string, address.geo.lat:float64, tags:string, empty:string",
                 {{"1", "Oslo", "59.9", "[\"a\",\"b\"]", "{}"}}},
        JsonCase{"record_path",
                 R"({"meta":{"n":2},"data":{"items":[{"x":1},{"x":2}]}})",
                 {{"record_path", "data.items"}},
                 "x:int64",
                 {{"1"}, {"2"}}},
        JsonCase{"mixed_numbers_widen_mixed_kinds_become_string",
                 R"([{"n":1,"m":1},{"n":1.5,"m":"one"}])",
                 {},
                 "n:float64, m:string",
                 {{"1", "1"}, {"1.5", "one"}}},
        JsonCase{"dates_only_when_all_sampled_strings_parse",
                 R"([{"d":"2024-01-02"},{"d":"soon"}])",
                 {},
                 "d:string",
                 {{"2024-01-02"}, {"soon"}}},
        JsonCase{"columns_override",
                 R"([{"amount":"12.50","id":7}])",
                 {{"columns", {{"amount", "decimal(10,2)"}, {"id", "string"}, {"extra", "int64"}}}},
                 "amount:decimal(10,2), id:string, extra:int64",
                 {{"12.50", "7", "NULL"}}},
        JsonCase{"scalar_array_elements_become_value_column",
                 "[1,2,3]",
                 {{"format", "array"}},
                 "value:int64",
                 {{"1"}, {"2"}, {"3"}}},
        JsonCase{"utf8_bom_and_escapes",
                 "\xEF\xBB\xBF[{\"s\":\"a\\\"b\\n\\u00e9\"}]",
                 {},
                 "s:string",
                 {{"a\"b\n\xC3\xA9"}}},
        JsonCase{"single_object_document_is_one_record",
                 R"({"a":{"b":1}})",
                 {{"format", "array"}},
                 "a.b:int64",
                 {{"1"}}}),
    [](const auto& info) { return info.param.name; });

struct JsonErrorCase {
  std::string name;
  std::string content;
  nlohmann::json config;
  std::string expected;  // substring of the error, with {file} for the path
};

class JsonErrorTest : public ::testing::TestWithParam<JsonErrorCase> {};

TEST_P(JsonErrorTest, FailsNamingPlaceAndReason) {
  const JsonErrorCase& c = GetParam();
  SCOPED_TRACE(c.name);
  nlohmann::json config = c.config;
  std::string path = WriteFile(TempDir("json-error"), "bad.json", c.content);
  config["path"] = path;
  ExtractResult r = RunExtract("extract.json", config);
  ASSERT_FALSE(r.status.ok());
  std::string expected = c.expected;
  if (auto p = expected.find("{file}"); p != std::string::npos) expected.replace(p, 6, path);
  EXPECT_NE(r.status.ToString().find(expected), std::string::npos) << r.status.ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, JsonErrorTest,
    ::testing::Values(
        JsonErrorCase{"ndjson_bad_line", "{\"a\":1}\n{\"a\":2}\n  {\"a\":}\n", {}, "{file}:3:8: invalid JSON: syntax error"},
        JsonErrorCase{"ndjson_not_object", "{\"a\":1}\n[1]\n", {{"format", "ndjson"}}, "{file}:2:1: expected a JSON object"},
        JsonErrorCase{"truncated_array", "[{\"a\":1},{\"a\":", {}, "{file}:1:15: invalid JSON: syntax error"},
        JsonErrorCase{"record_path_bad_document", "{\"data\":\n [{\"a\":1}}", {{"record_path", "data"}},
                      "{file}:2:10: invalid JSON: syntax error"},
        JsonErrorCase{"record_path_missing", "{\"data\":{}}", {{"record_path", "data.items"}},
                      "record_path: no key 'data.items'"},
        JsonErrorCase{"record_path_not_array", "{\"data\":5}", {{"record_path", "data"}}, "expected an array of records"},
        JsonErrorCase{"bad_format", "[]", {{"format", "yaml"}}, "/format"},
        JsonErrorCase{"empty_record_path_key", "[]", {{"record_path", "a..b"}}, "/record_path"},
        JsonErrorCase{"bad_column_type", "[]", {{"columns", {{"a", "integer-ish"}}}}, "/columns/a"},
        JsonErrorCase{"value_beyond_sample_does_not_fit", "{\"a\":1}\n{\"a\":\"x\"}\n", {{"infer_rows", 1}},
                      "{file}:2: column 'a': cannot read 'x' as int64"}),
    [](const auto& info) { return info.param.name; });

TEST(JsonExtract, MissingFileIsAnErrorAtPath) {
  ExtractResult r = RunExtract("extract.json", {{"path", TempDir("json-missing") + "/none.json"}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.ToString().find("/path"), std::string::npos) << r.status.ToString();
}

TEST(JsonExtract, GlobReadsEveryFileInOrder) {
  std::string dir = TempDir("json-glob");
  WriteFile(dir, "a.ndjson", "{\"x\":1}\n{\"x\":2}\n");
  WriteFile(dir, "b.ndjson", "{\"x\":3}\n");
  WriteFile(dir, "c.txt", "not json");
  ExtractResult r = RunExtract("extract.json", {{"path", dir + "/*.ndjson"}});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Rows(r.batches), (Table{{"1"}, {"2"}, {"3"}}));
}

TEST(JsonExtract, ManyRecordsSplitIntoBatches) {
  std::string text;
  const int n = 70000;
  for (int i = 0; i < n; ++i) text += "{\"i\":" + std::to_string(i) + "}\n";
  ExtractResult r = RunExtract("extract.json", {{"path", WriteFile(TempDir("json-big"), "big.json", text)}});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_GE(r.batches.size(), 2u);
  int64_t rows = 0;
  for (const auto& b : r.batches) rows += b->num_rows();
  EXPECT_EQ(rows, n);
  EXPECT_EQ(Rows(*r.batches.back()).back(), (std::vector<std::string>{std::to_string(n - 1)}));
}

}  // namespace
}  // namespace logidata::testing
