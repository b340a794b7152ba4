#include "assist/model_answer.h"

#include <gtest/gtest.h>

namespace logidata::assist {
namespace {

struct AnswerCase {
  const char* content;
  AssistKind kind;
  const char* error;  // "" when the answer is accepted
};

const AnswerCase kAnswers[] = {
    {R"j({"expression": "a > 1"})j", AssistKind::kFilter, ""},
    {"  {\"expression\": \"a > 1\", \"explanation\": \"why\"}\n", AssistKind::kFilter, ""},
    {"```json\n{\"expression\": \"a > 1\"}\n```", AssistKind::kFilter, ""},
    {"Here it is:\n```\n{\"expression\": \"a > 1\"}\n```\nHope it helps.", AssistKind::kFilter, ""},
    {R"j({"column": "c", "expression": "a + 1"})j", AssistKind::kDerive, ""},
    {R"j({"query": "SELECT 1"})j", AssistKind::kSql, ""},
    {R"j({"pipeline": {"name": "p", "nodes": []}})j", AssistKind::kPipeline, ""},
    {"", AssistKind::kFilter, "is empty"},
    {"Keep rows where a > 1.", AssistKind::kFilter, "not JSON"},
    {"```python\nprint(1)\n```", AssistKind::kFilter, "not JSON"},
    {"[1, 2]", AssistKind::kFilter, "not a JSON object"},
    {R"j({"expression": "a > 1"} trailing)j", AssistKind::kFilter, "not JSON"},
    {R"j({"explanation": "x"})j", AssistKind::kFilter, "/expression: is missing"},
    {R"j({"expression": "  "})j", AssistKind::kFilter, "/expression: is empty"},
    {R"j({"expression": ["a"]})j", AssistKind::kFilter, "/expression: must be a string"},
    {R"j({"expression": "a", "explanation": 3})j", AssistKind::kFilter, "/explanation: must be a string"},
    {R"j({"expression": "a > 1"})j", AssistKind::kDerive, "/column: is missing"},
    {R"j({"sql": "SELECT 1"})j", AssistKind::kSql, "/query: is missing"},
    {R"j({"pipeline": "nodes: []"})j", AssistKind::kPipeline, "/pipeline: must be an object"},
};

TEST(ModelAnswer, AcceptsTheAskedShapeOnly) {
  for (const AnswerCase& c : kAnswers) {
    SCOPED_TRACE(c.content);
    auto answer = ParseModelAnswer(c.content, c.kind);
    if (std::string(c.error).empty()) {
      ASSERT_TRUE(answer.ok()) << answer.status().ToString();
      EXPECT_TRUE(answer->is_object());
    } else {
      ASSERT_FALSE(answer.ok());
      EXPECT_EQ(answer.status().code(), StatusCode::kDataError);
      EXPECT_NE(answer.status().message().find(c.error), std::string::npos) << answer.status().message();
    }
  }
}

TEST(ModelAnswer, RefusesOversizeAnswersAndFields) {
  std::string huge = "{\"expression\": \"" + std::string(kMaxAnswerChars, 'a') + "\"}";
  auto answer = ParseModelAnswer(huge, AssistKind::kFilter);
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.status().message().find("longer than"), std::string::npos);
  std::string long_field = "{\"expression\": \"" + std::string(30000, 'a') + "\"}";
  auto field = ParseModelAnswer(long_field, AssistKind::kFilter);
  ASSERT_FALSE(field.ok());
  EXPECT_NE(field.status().message().find("/expression: longer than"), std::string::npos);
}

TEST(ModelAnswer, NamesTheKinds) {
  for (AssistKind kind : {AssistKind::kFilter, AssistKind::kDerive, AssistKind::kSql, AssistKind::kPipeline}) {
    EXPECT_EQ(ParseAssistKind(AssistKindName(kind)), kind);
  }
  EXPECT_FALSE(ParseAssistKind("delete").has_value());
}

}  // namespace
}  // namespace logidata::assist
