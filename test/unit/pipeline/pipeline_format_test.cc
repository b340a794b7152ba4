// The pipeline document's accepted spellings and their canonical form (pipeline_format.h), and
// disabled nodes (pipeline_binder.cc).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "pipeline/pipeline_format.h"
#include "pipeline/run_pipeline.h"
#include "pipeline/validator.h"
#include "test_modules.h"

namespace logidata {
namespace {

using Json = nlohmann::json;

struct CanonicalCase {
  const char* name;
  const char* input;
  // The canonical document must contain this (a JSON object merged over nothing: every key given
  // here must be equal), or — when `error` is set — parsing fails with that fragment.
  const char* expected;
  const char* error = nullptr;

  std::string ToString() const { return name; }
};

// True when every member of `want` (recursively for objects) equals the one in `got`.
bool Contains(const Json& got, const Json& want) {
  if (!want.is_object()) return got == want;
  if (!got.is_object()) return false;
  for (const auto& [k, v] : want.items()) {
    if (!got.contains(k) || !Contains(got[k], v)) return false;
  }
  return true;
}

TEST(PipelineFormatTest, CanonicalFormOfEveryAcceptedSpelling) {
  const CanonicalCase cases[] = {
      {"current format unchanged",
       R"({"name": "p", "version": 3, "nodes": [{"id": "a", "type": "extract", "module": "csv", "position": {"x": 1, "y": 2}}], "edges": []})",
       R"({"version": 3, "nodes": [{"id": "a", "type": "extract", "module": "csv", "position": {"x": 1, "y": 2}}]})"},
      {"format_version 2 is the current format and is dropped",
       R"({"format_version": 2, "name": "p", "nodes": [], "edges": []})", R"({"name": "p"})"},
      {"format 1 by number",
       R"({"format_version": 1, "name": "p", "nodes": [{"id": "a", "module": "extract.csv", "x": 5, "y": 6},
           {"id": "b", "module": "load.csv", "x": 0, "y": 0}], "edges": [{"from": "a:out", "to": "b:in"}]})",
       R"({"nodes": [{"id": "a", "type": "extract", "module": "csv", "position": {"x": 5, "y": 6}}],
           "edges": [{"source": "a", "target": "b", "source_port": "out", "target_port": "in"}]})"},
      {"format 1 detected from its edges",
       R"({"name": "p", "nodes": [{"id": "a", "module": "extract.csv"}, {"id": "b", "module": "load.csv"}],
           "edges": [{"from": "a", "to": "b"}]})",
       R"({"edges": [{"source": "a", "target": "b"}]})"},
      {"newer format refused", R"({"format_version": 3, "name": "p", "nodes": []})", "{}",
       "/format_version: format 3 is newer than this engine reads (2)"},
      {"semver version becomes the release", R"({"name": "p", "version": "1.0.0", "nodes": []})",
       R"({"version": 1, "release": "1.0.0"})"},
      {"version that is no release", R"({"name": "p", "version": "one", "nodes": []})", "{}",
       "/version: must be an integer >= 1 or a release string"},
      {"cron string schedule", R"({"name": "p", "schedule": "0 2 * * *", "nodes": []})",
       R"({"schedule": {"cron": "0 2 * * *", "timezone": "UTC", "enabled": true}})"},
      {"schedule of another type", R"({"name": "p", "schedule": 5, "nodes": []})", "{}",
       "/schedule: must be a cron string or an object"},
      {"notifications object", R"({"name": "p", "nodes": [], "notifications": {"on_failure": ["a@example.com"], "on_success": []}})",
       R"({"notifications": [{"on": ["failure"], "channel": "email", "to": ["a@example.com"]}]})"},
      {"notification with one address", R"({"name": "p", "nodes": [], "notifications": [{"on": ["success"], "to": "a@example.com"}]})",
       R"({"notifications": [{"on": ["success"], "channel": "email", "to": ["a@example.com"]}]})"},
      {"notification with a bad address", R"({"name": "p", "nodes": [], "notifications": {"on_success": ["nobody"]}})", "{}",
       "/notifications/0/to/0: not an email address"},
      {"notification with an unknown key", R"({"name": "p", "nodes": [], "notifications": {"on_retry": []}})", "{}",
       "/notifications/on_retry: unknown field"},
      {"notification webhook in a document", R"({"name": "p", "nodes": [], "notifications": [{"on": ["failure"], "channel": "webhook", "to": "a@b.c"}]})",
       "{}", "/notifications/0/channel: must be \"email\""},
      {"notification event unknown", R"({"name": "p", "nodes": [], "notifications": [{"on": ["start"], "to": "a@b.c"}]})", "{}",
       "/notifications/0/on/0: must be \"success\" or \"failure\""},
      {"type aliases",
       R"({"name": "p", "nodes": [{"id": "a", "type": "extractor", "module": "csv"}, {"id": "b", "type": "transformer", "module": "filter"},
           {"id": "c", "type": "loader", "module": "csv"}]})",
       R"({"nodes": [{"type": "extract"}, {"type": "transform"}, {"type": "load"}]})"},
      {"cleaner remove_duplicates on columns",
       R"({"name": "p", "nodes": [{"id": "a", "type": "transformer", "module": "cleaner", "config": {"remove_duplicates": true, "columns": ["email", "phone"]}}]})",
       R"({"nodes": [{"config": {"dedupe": {"keys": ["email", "phone"]}}}]})"},
      {"cleaner remove_duplicates on whole rows",
       R"({"name": "p", "nodes": [{"id": "a", "type": "transform", "module": "cleaner", "config": {"remove_duplicates": true}}]})",
       R"({"nodes": [{"config": {"dedupe": {"keys": []}}}]})"},
      {"cleaner columns without remove_duplicates",
       R"({"name": "p", "nodes": [{"id": "a", "type": "transform", "module": "cleaner", "config": {"columns": ["email"]}}]})", "{}",
       "/nodes/0/config/columns: names the duplicate keys, so it needs \"remove_duplicates\": true"},
      {"cleaner both spellings",
       R"({"name": "p", "nodes": [{"id": "a", "type": "transform", "module": "cleaner", "config": {"remove_duplicates": true, "dedupe": {}}}]})",
       "{}", "/nodes/0/config/remove_duplicates: give either remove_duplicates or dedupe"},
      {"s3 loader bucket",
       R"({"id": "pid", "name": "p", "nodes": [{"id": "a", "type": "loader", "module": "s3",
           "config": {"bucket": "lake", "format": "parquet", "partition_by": ["year", "month"]}}]})",
       R"({"nodes": [{"config": {"connection": "lake", "path": "s3://lake/pid", "format": "parquet",
                                  "options": {"partition_by": ["year", "month"]}}}]})"},
      {"disabled must be a boolean",
       R"({"name": "p", "nodes": [{"id": "a", "type": "extract", "module": "csv", "disabled": "yes"}]})", "{}",
       "/nodes/0/disabled: must be true or false"},
  };
  for (const CanonicalCase& c : cases) {
    SCOPED_TRACE(c.ToString());
    Json input = Json::parse(c.input);
    auto spec = ParsePipelineJson(input);
    if (c.error != nullptr) {
      ASSERT_FALSE(spec.ok());
      EXPECT_NE(spec.status().message().find(c.error), std::string::npos) << spec.status().ToString();
      continue;
    }
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    auto canonical = CanonicalPipelineDocument(input);
    ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
    Json want = Json::parse(c.expected);
    // Arrays are compared element by element against the canonical document's first elements.
    for (const auto& [k, v] : want.items()) {
      ASSERT_TRUE(canonical->contains(k)) << k << " missing in " << canonical->dump();
      if (v.is_array() && (*canonical)[k].is_array()) {
        ASSERT_GE((*canonical)[k].size(), v.size()) << canonical->dump();
        for (size_t i = 0; i < v.size(); ++i) EXPECT_TRUE(Contains((*canonical)[k][i], v[i])) << k << "/" << i << ": " << canonical->dump();
      } else {
        EXPECT_TRUE(Contains((*canonical)[k], v)) << k << ": " << canonical->dump();
      }
    }
    EXPECT_FALSE(canonical->contains("format_version"));
    // The canonical form is a fixed point and parses to the same spec.
    auto again = CanonicalPipelineDocument(*canonical);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *canonical);
    auto reparsed = ParsePipelineJson(spec->ToJson());
    ASSERT_TRUE(reparsed.ok()) << reparsed.status().ToString();
    EXPECT_EQ(reparsed->ToJson(), spec->ToJson());
  }
}

// The product's reference example (issue 12), byte for byte, parses with no error.
TEST(PipelineFormatTest, ReferenceExampleIsAcceptedAsWritten) {
  std::ifstream in(std::string(LOGIDATA_SOURCE_DIR) + "/test/data/pipelines/customer_data_processing.json");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  auto spec = ParsePipelineText(text.str(), "customer_data_processing.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->release, "1.0.0");
  EXPECT_EQ(spec->version, 1);
  EXPECT_EQ(spec->nodes[0].type, "extract");
  EXPECT_EQ(spec->nodes[1].config, Json::parse(R"({"dedupe": {"keys": ["email", "phone"]}})"));
  EXPECT_EQ(spec->nodes[2].config["path"], "s3://data-lake/pipeline-uuid");
  EXPECT_EQ(spec->schedule["cron"], "0 2 * * *");
  EXPECT_EQ(spec->notifications.size(), 1u);
}

struct Fixture {
  ModuleRegistry registry;
  testing::Collected collected;
  Fixture() { EXPECT_TRUE(testing::RegisterTestModules(registry, &collected).ok()); }
};

// src -> dbl -> out1 ; src -> out2 ; with `disabled` on one node.
std::string TwoBranches(const std::string& disabled) {
  auto node = [&](const std::string& id, const std::string& type, const std::string& module) {
    return R"({"id": ")" + id + R"(", "type": ")" + type + R"(", "module": ")" + module + R"(")" +
           (module == "numbers" ? R"(, "config": {"count": 10})" : "") +
           (id == disabled ? R"(, "disabled": true)" : "") + "}";
  };
  return R"({"name": "d", "nodes": [)" + node("src", "extract", "numbers") + "," + node("dbl", "transform", "double") + "," +
         node("out1", "load", "collect") + "," + node("out2", "load", "collect") +
         R"(], "edges": [{"source": "src", "target": "dbl"}, {"source": "dbl", "target": "out1"},
                         {"source": "src", "target": "out2"}]})";
}

TEST(DisabledNodeTest, SkipsTheNodeAndEverythingDownstream) {
  struct Case {
    const char* disabled;
    std::vector<std::string> ran;      // sinks that received rows
    std::vector<std::string> skipped;  // status "skipped"
    const char* warning;               // fragment of the one warning ("" = none)
  };
  const Case cases[] = {
      {"", {"out1", "out2"}, {}, ""},
      {"dbl", {"out2"}, {"dbl", "out1"}, "node 'dbl' is disabled: it does not run, and neither do the nodes downstream of it: out1"},
      {"out2", {"out1"}, {"out2"}, "node 'out2' is disabled: it does not run"},
      {"src", {}, {"dbl", "out1", "out2", "src"}, "downstream of it: dbl, out1, out2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.disabled);
    Fixture f;
    auto spec = ParsePipelineText(TwoBranches(c.disabled), "d.json");
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    auto issues = ValidatePipeline(*spec, f.registry);
    ASSERT_EQ(issues.size(), *c.warning ? 1u : 0u) << (issues.empty() ? std::string() : issues[0].path + " " + issues[0].message);
    if (*c.warning) {
      EXPECT_EQ(issues[0].severity, "warning");
      EXPECT_EQ(issues[0].node_id, c.disabled);
      EXPECT_NE(issues[0].message.find(c.warning), std::string::npos) << issues[0].message;
    }
    RunOptions options;
    options.threads = 2;
    RunResult run = RunPipeline(*spec, f.registry, options);
    ASSERT_TRUE(run.status.ok()) << run.status.ToString();
    for (const char* sink : {"out1", "out2"}) {
      bool want = std::find(c.ran.begin(), c.ran.end(), sink) != c.ran.end();
      EXPECT_EQ(f.collected.values.count(sink) > 0 && !f.collected.values[sink].empty(), want) << sink;
    }
    std::vector<std::string> skipped;
    for (const auto& [id, m] : run.nodes) {
      if (m.status == NodeStatus::kSkipped) skipped.push_back(id);
    }
    EXPECT_EQ(skipped, c.skipped);
  }
}

TEST(DisabledNodeTest, DisabledConfigIsStillCheckedAndPreviewExplains) {
  Fixture f;
  auto spec = ParsePipelineText(R"({"name": "d", "nodes": [
      {"id": "src", "type": "extract", "module": "numbers", "config": {"count": "ten"}, "disabled": true},
      {"id": "out", "type": "load", "module": "collect"}], "edges": [{"source": "src", "target": "out"}]})", "d.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto issues = ValidatePipeline(*spec, f.registry);
  bool schema_error = false;
  for (const auto& i : issues) schema_error |= i.severity == "error" && i.path.rfind("/nodes/0/config", 0) == 0;
  EXPECT_TRUE(schema_error) << issues.size();

  auto ok = ParsePipelineText(R"({"name": "d", "nodes": [
      {"id": "src", "type": "extract", "module": "numbers", "config": {"count": 3}, "disabled": true},
      {"id": "dbl", "type": "transform", "module": "double"}], "edges": [{"source": "src", "target": "dbl"}]})", "d.json");
  ASSERT_TRUE(ok.ok());
  PreviewOptions preview;
  preview.node_id = "dbl";
  auto result = PreviewNode(*ok, f.registry, preview, RunOptions{});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("disabled"), std::string::npos) << result.status().ToString();
}

}  // namespace
}  // namespace logidata
