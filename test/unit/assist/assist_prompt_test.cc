#include "assist/assist_prompt.h"

#include <gtest/gtest.h>

namespace logidata::assist {
namespace {

using json = nlohmann::json;

// A profiled text column and a number column as profile_json.h writes them.
json ProfileColumns() {
  return json::array(
      {{{"name", "email"}, {"type", "string"}, {"semantic_type", "email"}, {"count", 10}, {"null_rate", 0.1},
        {"distinct", 9}, {"min", "aaa.secret@example.org"}, {"max", "zzz.secret@example.org"},
        {"top_values", {{{"value", "top.secret@example.org"}, {"count", 2}}}}, {"numeric", nullptr},
        {"length", {{"min", 10}, {"max", 30}}}, {"patterns", {{{"value", "aaa@aaa.aaa"}, {"count", 10}}}},
        {"pii", {{"kind", "email"}, {"likelihood", 0.9}}},
        {"numeric_outliers_examples", {"should-not-pass"}}},
       {{"name", "amount"}, {"type", "float64"}, {"count", 10}, {"min", "1.5"}, {"max", "99.5"},
        {"numeric", {{"mean", 50.0}, {"quantiles", {{"p50", 48.0}}}, {"outliers", {{"examples", {"1234567.5"}}}}}}}});
}

PromptInput Input(bool allow_values) {
  PromptInput in;
  in.kind = AssistKind::kFilter;
  in.request = "people with a gmail address";
  in.schema = json::array({{{"name", "email"}, {"type", "string"}, {"nullable", true}},
                           {{"name", "amount"}, {"type", "float64"}, {"nullable", true}}});
  in.profile_columns = ProfileColumns();
  in.sample_rows = json::array({{"row.secret@example.org", 12.5}});
  in.node = {{"id", "src"}, {"type", "extract"}, {"module", "csv"}};
  in.allow_values = allow_values;
  return in;
}

std::string Text(const std::vector<ChatMessage>& messages) {
  std::string out;
  for (const ChatMessage& m : messages) out += m.role + ": " + m.content + "\n";
  return out;
}

TEST(AssistPrompt, CarriesSchemaAndStatisticsButNoValues) {
  auto messages = BuildAssistPrompt(Input(false));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].role, "system");
  EXPECT_EQ(messages[1].role, "user");
  const std::string text = Text(messages);
  for (const char* expected : {"\"email\"", "\"amount\"", "float64", "null_rate", "people with a gmail address",
                               "\"expression\"", "aaa@aaa.aaa", "\"mean\":50.0", "\"min\":\"1.5\""}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing from " << text;
  }
  EXPECT_EQ(text.find("secret"), std::string::npos) << text;
  EXPECT_EQ(text.find("sample_rows"), std::string::npos) << text;
  EXPECT_EQ(text.find("1234567.5"), std::string::npos) << text;
  EXPECT_EQ(text.find("should-not-pass"), std::string::npos) << text;
}

TEST(AssistPrompt, ValuesOnlyWhenAllowed) {
  const std::string text = Text(BuildAssistPrompt(Input(true)));
  EXPECT_NE(text.find("row.secret@example.org"), std::string::npos) << text;
  EXPECT_NE(text.find("top.secret@example.org"), std::string::npos) << text;
  EXPECT_NE(text.find("aaa.secret@example.org"), std::string::npos) << text;
}

TEST(AssistPrompt, EachKindAsksForItsShape) {
  PromptInput in = Input(false);
  in.kind = AssistKind::kSql;
  EXPECT_NE(Text(BuildAssistPrompt(in)).find("\"query\""), std::string::npos);
  in.kind = AssistKind::kDerive;
  EXPECT_NE(Text(BuildAssistPrompt(in)).find("\"column\""), std::string::npos);
  in.kind = AssistKind::kPipeline;
  in.modules = PromptModuleCatalog();
  const std::string text = Text(BuildAssistPrompt(in));
  EXPECT_NE(text.find("\"pipeline\""), std::string::npos);
  EXPECT_NE(text.find("\"module\":\"filter\""), std::string::npos);
}

}  // namespace
}  // namespace logidata::assist
