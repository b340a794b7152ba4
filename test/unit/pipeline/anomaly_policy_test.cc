// The pipeline's `anomalies` option: defaults, accepted values, and errors that name their JSON
// path, both from the run policy alone and from parsing a whole document. Table-driven.
#include <gtest/gtest.h>

#include "pipeline/pipeline_spec.h"
#include "pipeline/run_policy.h"

namespace logidata {
namespace {

TEST(AnomalyPolicy, ParsedOrRefusedWithItsPath) {
  struct Case {
    std::string name;
    nlohmann::json anomalies;  // null: the field is left out
    std::string policy, sensitivity, error;
  };
  const std::vector<Case> cases = {
      {"defaults", nullptr, "warn", "medium", ""},
      {"fail, high", {{"policy", "fail"}, {"sensitivity", "high"}}, "fail", "high", ""},
      {"off keeps the default sensitivity", {{"policy", "off"}}, "off", "medium", ""},
      {"low only", {{"sensitivity", "low"}}, "warn", "low", ""},
      {"unknown policy", {{"policy", "stop"}}, "", "", "/anomalies/policy: must be warn, fail or off"},
      {"sensitivity not a string", {{"sensitivity", 3}}, "", "", "/anomalies/sensitivity: must be low, medium or high"},
      {"unknown field", {{"policy", "warn"}, {"threshold", 2}}, "", "", "/anomalies/threshold: unknown field"},
      {"not an object", "warn", "", "", "/anomalies: must be an object {policy, sensitivity}"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    nlohmann::json doc = {{"name", "p"}, {"nodes", nlohmann::json::array()}};
    if (!c.anomalies.is_null()) doc["anomalies"] = c.anomalies;
    Result<RunPolicy> policy = ParseRunPolicy(doc);
    Result<PipelineSpec> spec = ParsePipelineJson(doc);
    if (c.error.empty()) {
      ASSERT_TRUE(policy.ok()) << policy.status().ToString();
      EXPECT_EQ(policy->anomaly_policy, c.policy);
      EXPECT_EQ(policy->anomaly_sensitivity, c.sensitivity);
      EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    } else {
      ASSERT_FALSE(policy.ok());
      EXPECT_EQ(policy.status().message(), c.error);
      ASSERT_FALSE(spec.ok());
      EXPECT_NE(spec.status().message().find(c.error), std::string::npos) << spec.status().message();
    }
  }
}

}  // namespace
}  // namespace logidata
