#include "common/json_text.h"

#include <gtest/gtest.h>

namespace logidata {
namespace {

struct BadJsonCase {
  std::string text;
  std::string message_prefix;  // "line:column: " and the start of the reason
};

TEST(ParseJsonText, ParsesValidDocuments) {
  auto doc = ParseJsonText(R"({"a": [1, 2.5, "x"], "b": null})");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ((*doc)["a"][1].get<double>(), 2.5);
}

TEST(ParseJsonText, BadInputIsAnErrorWithLineAndColumnNeverAnException) {
  const std::vector<BadJsonCase> cases = {
      {"{\n  \"a\": 1,\n  \"b\" 2\n}", "3:7: syntax error"},
      {"", "1:1: syntax error"},
      {"[1, 2", "1:6: syntax error"},
      // Found by the pipeline validator fuzzer: an overflowing number is out_of_range, not parse_error.
      {"{\n  \"id\": 6e666666666666666,\n}", "2:9: number overflow parsing '6e666666666666666'"},
      {"[1e999]", "1:2: number overflow"},
  };
  for (const auto& c : cases) {
    auto doc = ParseJsonText(c.text);
    ASSERT_FALSE(doc.ok()) << c.text;
    EXPECT_EQ(doc.status().message().rfind(c.message_prefix, 0), 0u)
        << "input: " << c.text << "\nmessage: " << doc.status().message();
  }
}

}  // namespace
}  // namespace logidata
