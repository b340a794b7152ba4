#include <gtest/gtest.h>

#include "pipeline/validator.h"
#include "test_modules.h"

namespace logidata {
namespace {

struct Case {
  const char* name;
  const char* nodes;
  const char* edges;
  // Expected issues as "path|node|message fragment"; empty = valid.
  std::vector<std::string> expected;
};

std::string Doc(const Case& c) {
  return std::string(R"({"name": "t", "nodes": [)") + c.nodes + R"(], "edges": [)" + c.edges + "]}";
}

const char* kSrc = R"({"id": "src", "type": "extract", "module": "numbers", "config": {"count": 10}})";
const char* kOut = R"({"id": "out", "type": "load", "module": "collect"})";

TEST(ValidatorTest, ReportsEveryProblemWithPathAndNode) {
  const std::vector<Case> cases = {
      {"valid", "SRC, OUT", R"({"source": "src", "target": "out"})", {}},
      {"unknown module", R"({"id": "x", "type": "transform", "module": "nope"}, SRC)", R"({"source": "src", "target": "x"})",
       {"/nodes/0/module|x|unknown transform module 'nope'"}},
      {"unknown type", R"({"id": "x", "type": "convert", "module": "nope"})", "", {"/nodes/0/type|x|unknown node type"}},
      {"schema violation", R"({"id": "src", "type": "extract", "module": "numbers", "config": {"count": "ten", "extra": 1}}, OUT)",
       R"({"source": "src", "target": "out"})",
       {"/nodes/0/config/count|src|must be integer", "/nodes/0/config/extra|src|unknown field"}},
      {"missing required", R"({"id": "src", "type": "extract", "module": "numbers"}, OUT)", R"({"source": "src", "target": "out"})",
       {"/nodes/0/config/count|src|is required"}},
      {"dangling edge", "SRC, OUT", R"({"source": "src", "target": "ghost"})",
       {"/edges/0/target||'ghost' is not a node", "/nodes/1|out|input 'in' of 'out' is not connected"}},
      {"loader with outputs", R"(SRC, OUT, {"id": "out2", "type": "load", "module": "collect"})",
       R"({"source": "src", "target": "out"}, {"source": "out", "target": "out2"})",
       {"/edges/1|out|is a loader", "/nodes/2|out2|not connected"}},
      {"input into extractor", R"(SRC, {"id": "s2", "type": "extract", "module": "numbers", "config": {"count": 1}})",
       R"({"source": "src", "target": "s2"})", {"/edges/0|s2|takes no inputs"}},
      {"cycle", R"(SRC, {"id": "a", "type": "transform", "module": "double"}, {"id": "b", "type": "transform", "module": "merge"})",
       R"({"source": "src", "target": "b"}, {"source": "b", "target": "a"}, {"source": "a", "target": "b"})",
       {"/edges||cycle through: a, b"}},
      {"duplicate ids", R"(SRC, {"id": "src", "type": "load", "module": "collect"})", R"({"source": "src", "target": "src"})",
       {"/nodes/1/id|src|duplicate node id"}},
      {"unknown port", "SRC, OUT", R"({"source": "src", "target": "out", "target_port": "right"})",
       {"/edges/0/target_port|out|no input port 'right'", "/nodes/1|out|not connected"}},
      {"second edge into one port", R"(SRC, {"id": "s2", "type": "extract", "module": "numbers", "config": {"count": 1}}, OUT)",
       R"({"source": "src", "target": "out"}, {"source": "s2", "target": "out"})", {"/edges/1|out|already connected"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string doc = Doc(c);
    for (auto [from, to] : {std::pair<std::string, std::string>{"SRC", kSrc}, {"OUT", kOut}}) {
      for (size_t pos; (pos = doc.find(from)) != std::string::npos;) doc.replace(pos, from.size(), to);
    }
    auto spec = ParsePipelineText(doc, "t.json");
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    ModuleRegistry registry;
    testing::Collected collected;
    ASSERT_TRUE(testing::RegisterTestModules(registry, &collected).ok());
    auto issues = ValidatePipeline(*spec, registry);
    std::vector<std::string> got;
    for (const auto& i : issues) got.push_back(i.ToString());
    ASSERT_EQ(issues.size(), c.expected.size()) << ::testing::PrintToString(got);
    for (size_t k = 0; k < issues.size(); ++k) {
      std::string want = c.expected[k];
      auto bar1 = want.find('|');
      auto bar2 = want.find('|', bar1 + 1);
      EXPECT_EQ(issues[k].path, want.substr(0, bar1)) << got[k];
      EXPECT_EQ(issues[k].node_id, want.substr(bar1 + 1, bar2 - bar1 - 1)) << got[k];
      EXPECT_NE(issues[k].message.find(want.substr(bar2 + 1)), std::string::npos) << got[k];
    }
  }
}

TEST(PipelineSpecTest, SyntaxErrorsNameLineAndColumn) {
  auto spec = ParsePipelineText("{\n  \"name\": \"x\",\n  \"nodes\": [\n    {\"id\": 1,,}\n  ]\n}", "p.json");
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("p.json:4:"), std::string::npos) << spec.status().message();
}

TEST(PipelineSpecTest, ShapeErrorsNamePaths) {
  auto spec = ParsePipelineText(R"({"nodes": [{"id": 3, "type": "extract"}], "edges": {}, "color": "red"})", "p.json");
  ASSERT_FALSE(spec.ok());
  const std::string& m = spec.status().message();
  for (const char* fragment : {"/color: unknown field", "/name: is required", "/nodes/0/id: must be a string",
                               "/nodes/0/module: is required", "/edges: must be an array"}) {
    EXPECT_NE(m.find(fragment), std::string::npos) << fragment << " in " << m;
  }
}

TEST(PipelineSpecTest, RoundTripsThroughJson) {
  auto spec = ParsePipelineText(R"({"id": "p", "name": "P", "version": 4,
    "parameters": {"day": {"type": "date", "default": "2024-01-01"}},
    "nodes": [{"id": "a", "type": "extract", "module": "numbers", "config": {"count": 1}, "position": {"x": 5, "y": 6}}],
    "edges": [], "schedule": {"cron": "0 2 * * *", "timezone": "UTC"}})", "p.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto again = ParsePipelineJson(spec->ToJson());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), spec->ToJson());
  EXPECT_EQ(again->nodes[0].x, 5);
  EXPECT_EQ(*again->parameters[0].default_value, "2024-01-01");
}

TEST(JsonSchemaTest, ChecksTheSubsetModulesUse) {
  nlohmann::json schema = nlohmann::json::parse(R"({"type": "object", "required": ["mode"],
    "properties": {"mode": {"enum": ["a", "b"]}, "n": {"type": "integer", "minimum": 1},
                   "keys": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                   "opt": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["x"]}]}},
    "additionalProperties": false})");
  std::vector<ValidationIssue> issues;
  ValidateJsonSchema(schema, nlohmann::json::parse(R"({"mode": "c", "n": 0, "keys": ["", 3], "opt": {}, "z": 1})"), "/config",
                     issues);
  std::vector<std::string> got;
  for (const auto& i : issues) got.push_back(i.path + ": " + i.message);
  EXPECT_EQ(got, (std::vector<std::string>{"/config/keys/0: must not be empty", "/config/keys/1: must be string, not integer",
                                           "/config/mode: must be one of \"a\", \"b\", not \"c\"",
                                           "/config/n: must be >= 1", "/config/opt/x: is required",
                                           "/config/z: unknown field"}));
}

}  // namespace
}  // namespace logidata
