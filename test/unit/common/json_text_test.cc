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

namespace logidata {
namespace {

TEST(ParseJsonLimited, RefusesNestingPastTheLimitWhereItGoesTooDeep) {
  std::string at_limit = std::string(128, '[') + std::string(128, ']');
  EXPECT_TRUE(ParseJsonText(at_limit).ok());
  std::string past = std::string(129, '[') + std::string(129, ']');
  auto r = ParseJsonText(past);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "1:129: nested deeper than 128 levels");
  // Objects count the same, and the position follows lines.
  std::string objects = "{\"a\":\n";
  for (int i = 0; i < 200000; ++i) objects += "{\"a\":";
  auto o = ParseJsonText(objects);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "2:636: nested deeper than 128 levels");
  EXPECT_TRUE(ParseJsonOrDiscarded(past).is_discarded());
  EXPECT_TRUE(ParseJsonLimited("[[[1]]]", 3).ok());
  EXPECT_FALSE(ParseJsonLimited("[[[[1]]]]", 3).ok());
}

TEST(ParseJsonLimited, BracketsInsideStringsAndEscapesDoNotCount) {
  std::string text = "{\"s\": \"" + std::string(500, '[') + "\\\"" + std::string(500, '{') + "\\\\\", \"t\": [1]}";
  auto r = ParseJsonText(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["t"][0], 1);
  // Closing brackets inside strings do not let real nesting go deeper either.
  std::string sneaky;
  for (int i = 0; i < 200; ++i) sneaky += "[\"]]]\",";
  EXPECT_FALSE(ParseJsonText(sneaky).ok());
  EXPECT_FALSE(FindJsonTooDeep(sneaky, 128)->reason.empty());
}

}  // namespace
}  // namespace logidata
