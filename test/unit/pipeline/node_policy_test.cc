// Node-level retry and timeout_seconds: parsed from the node object, errors located by JSON path,
// and kept in the canonical form.
#include <gtest/gtest.h>

#include "pipeline/pipeline_spec.h"

namespace logidata {
namespace {

std::string WithSourceFields(const std::string& fields) {
  return R"({"name": "p", "nodes": [
    {"id": "src", "type": "extract", "module": "csv", "config": {"path": "a.csv"})" + fields + R"(}], "edges": []})";
}

TEST(NodePolicyTest, ParsesOrNamesTheBadField) {
  struct Case {
    std::string fields;
    std::string error;  // empty: parses
    int max_attempts = 1;
    double timeout = 0;
  };
  const Case cases[] = {
      {"", "", 1, 0},
      {R"(, "retry": {"max_attempts": 4, "backoff_seconds": 2}, "timeout_seconds": 90)", "", 4, 90},
      {R"(, "retry": {"max_attempts": 0})", "/nodes/0/retry/max_attempts: must be between 1 and 100"},
      {R"(, "retry": {"max_attempts": 2.5})", "/nodes/0/retry/max_attempts: must be an integer"},
      {R"(, "retry": {"attempts": 2})", "/nodes/0/retry/attempts: unknown field"},
      {R"(, "retry": 3)", "/nodes/0/retry: must be an object"},
      {R"(, "timeout_seconds": -1)", "/nodes/0/timeout_seconds: must be between 0 and"},
      {R"(, "timeout_seconds": "1h")", "/nodes/0/timeout_seconds: must be a number"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.fields);
    auto spec = ParsePipelineText(WithSourceFields(c.fields), "p.json");
    if (c.error.empty()) {
      ASSERT_TRUE(spec.ok()) << spec.status().ToString();
      EXPECT_EQ(spec->nodes[0].policy.retry.max_attempts, c.max_attempts);
      EXPECT_EQ(spec->nodes[0].policy.timeout_seconds, c.timeout);
    } else {
      ASSERT_FALSE(spec.ok());
      EXPECT_NE(spec.status().message().find(c.error), std::string::npos) << spec.status().ToString();
    }
  }
}

TEST(NodePolicyTest, CanonicalFormKeepsThePolicy) {
  auto spec = ParsePipelineText(WithSourceFields(R"(, "retry": {"max_attempts": 3}, "timeout_seconds": 30)"), "p.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  nlohmann::json node = spec->ToJson()["nodes"][0];
  EXPECT_EQ(node["retry"]["max_attempts"], 3);
  EXPECT_EQ(node["timeout_seconds"], 30);
  auto again = ParsePipelineJson(spec->ToJson());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->nodes[0].policy.retry.max_attempts, 3);
}

}  // namespace
}  // namespace logidata
