// Malformed JSON names file:line:column and the reason, for arrays, documents with a record
// path and NDJSON alike (ReadJsonRecords, the parser behind extract.json's samples and arrays).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/json/json_reader.h"

namespace logidata {
namespace {

struct SyntaxErrorCase {
  std::string name;
  std::string text;
  JsonFormat format = JsonFormat::kAuto;
  std::vector<std::string> record_path;
  std::string expected_place;   // "line:column" after "data.json:"
  std::string expected_reason;  // a substring of the reason
};

class JsonSyntaxErrorTest : public ::testing::TestWithParam<SyntaxErrorCase> {};

TEST_P(JsonSyntaxErrorTest, NamesLineColumnAndReason) {
  const SyntaxErrorCase& c = GetParam();
  SCOPED_TRACE(c.name);
  JsonReadOptions options;
  options.format = c.format;
  options.record_path = c.record_path;
  BufferPtr data = Buffer::CopyOf(c.text.data(), c.text.size());
  std::vector<Record> records;
  Status st = ReadJsonRecords(options, "data.json", *data, -1, &records);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.IsDataError()) << st.ToString();
  const std::string message = st.ToString();
  EXPECT_NE(message.find("data.json:" + c.expected_place + ": invalid JSON: "), std::string::npos) << message;
  EXPECT_NE(message.find(c.expected_reason), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, JsonSyntaxErrorTest,
    ::testing::Values(
        SyntaxErrorCase{"truncated_array", "[{\"a\":1},{\"a\":", JsonFormat::kAuto, {}, "1:15", "unexpected end of input"},
        SyntaxErrorCase{"bad_literal_on_third_line", "[\n  {\"a\": 1},\n  {\"a\": tru}\n]", JsonFormat::kArray, {},
                        "3:12", "invalid literal"},
        SyntaxErrorCase{"missing_comma_between_records", "[\n{\"a\":1}\n{\"a\":2}\n]", JsonFormat::kAuto, {}, "3:1",
                        "expected ']'"},
        SyntaxErrorCase{"trailing_comma", "[{\"a\":1},\n]", JsonFormat::kAuto, {}, "2:1", "unexpected ']'"},
        SyntaxErrorCase{"crlf_line_ends", "[\r\n{\"a\":1},\r\n{\"a\":}\r\n]", JsonFormat::kAuto, {}, "3:6",
                        "unexpected '}'"},
        SyntaxErrorCase{"byte_order_mark_not_counted", "\xEF\xBB\xBF[{\"a\":?}]", JsonFormat::kAuto, {}, "1:7",
                        "invalid literal"},
        SyntaxErrorCase{"number_overflow", "[{\"a\":1},\n {\"a\":1e999}]", JsonFormat::kAuto, {}, "2:11",
                        "number overflow parsing '1e999'"},
        SyntaxErrorCase{"unterminated_string", "[{\"a\":\"x}]\n", JsonFormat::kAuto, {}, "1:11",
                        "control character U+000A (LF) must be escaped"},
        SyntaxErrorCase{"nul_byte_after_value", std::string("[{\"a\":9}]\n \0 ", 12), JsonFormat::kAuto, {}, "2:2",
                        "unexpected NUL byte"},
        SyntaxErrorCase{"invalid_utf8_in_string", "[{\"a\":\"\xFF\"}]", JsonFormat::kAuto, {}, "1:8", "UTF-8"},
        SyntaxErrorCase{"record_path_document", "{\"data\": {\"items\": [\n  {\"a\": 1,}\n]}}", JsonFormat::kAuto,
                        {"data", "items"}, "2:11", "expected string literal"},
        SyntaxErrorCase{"ndjson_bad_value_column", "{\"a\":1}\n{\"a\":2}\n  {\"a\":}\n", JsonFormat::kNdjson, {}, "3:8",
                        "unexpected '}'"},
        SyntaxErrorCase{"ndjson_crlf", "{\"a\":1}\r\n{\"a\" 2}\r\n", JsonFormat::kNdjson, {}, "2:6", "expected ':'"},
        // Valid JSON beyond simdjson's limits: located by a scan after the syntax pass finds nothing.
        SyntaxErrorCase{"integer_beyond_64_bits", "[\n{\"a\":1},\n{\"a\":123456789012345678901234567890}\n]",
                        JsonFormat::kAuto, {}, "3:6", "the integer 123456789012345678901234567890 does not fit in 64 bits"},
        SyntaxErrorCase{"ndjson_negative_integer_beyond_64_bits", "{\"a\":1}\n{\"b\": -99999999999999999999}\n",
                        JsonFormat::kNdjson, {}, "2:7", "does not fit in 64 bits"},
        SyntaxErrorCase{"ndjson_byte_order_mark_on_a_later_line", "{\"a\":1}\n\xEF\xBB\xBF{\"a\":2}\n", JsonFormat::kNdjson,
                        {}, "2:1", "unexpected byte order mark"},
        SyntaxErrorCase{"nesting_beyond_parser_depth", "[\n" + std::string(1100, '[') + std::string(1101, ']'),
                        JsonFormat::kAuto, {}, "2:1024", "nested deeper than 1024 levels"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace logidata
