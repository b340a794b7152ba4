#include "assist/proposal_check.h"

#include <gtest/gtest.h>

namespace logidata::assist {
namespace {

using json = nlohmann::json;

json Doc() {
  return {{"name", "p"},
          {"nodes", {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", "a.csv"}}},
                      {"position", {{"x", 10}, {"y", 20}}}},
                     {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", "b.csv"}}}}}},
          {"edges", {{{"source", "src"}, {"target", "out"}}}}};
}

ProposalContext Context() {
  ProposalContext c;
  c.pipeline = Doc();
  c.node_id = "src";
  c.output = MakeSchema({{"amount", DataType::Float64(), true}, {"status", DataType::String(), true}});
  return c;
}

TEST(ProposalCheck, AFilterIsTypedAndInsertedAfterTheNode) {
  auto out = CheckProposal(AssistKind::kFilter, {{"expression", "amount > 100"}, {"explanation", "big"}}, Context());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)["kind"], "filter");
  EXPECT_EQ((*out)["explanation"], "big");
  EXPECT_EQ((*out)["node"]["id"], "filter_nl");
  EXPECT_EQ((*out)["node"]["config"]["expression"], "amount > 100");
  const json& doc = (*out)["pipeline"];
  ASSERT_EQ(doc["nodes"].size(), 3u);
  EXPECT_EQ(doc["nodes"][2]["position"]["x"], 50.0);
  EXPECT_EQ(doc["nodes"][2]["position"]["y"], 140.0);
  EXPECT_EQ(doc["edges"][0]["source"], "filter_nl");
  EXPECT_EQ(doc["edges"][0]["target"], "out");
  EXPECT_EQ(doc["edges"][1]["source"], "src");
  EXPECT_EQ(doc["edges"][1]["target"], "filter_nl");
}

TEST(ProposalCheck, TheNewNodeGetsAFreeId) {
  ProposalContext c = Context();
  c.pipeline["nodes"].push_back({{"id", "filter_nl"}, {"type", "transform"}, {"module", "filter"}});
  auto out = CheckProposal(AssistKind::kFilter, {{"expression", "amount > 1"}}, c);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)["node"]["id"], "filter_nl_2");
}

struct RejectCase {
  AssistKind kind;
  json answer;
  const char* error;
};

TEST(ProposalCheck, RejectsWhatDoesNotBindOrIsUnsafe) {
  const RejectCase cases[] = {
      {AssistKind::kFilter, {{"expression", "amout > 1"}}, "/expression: 1:1: unknown column 'amout'"},
      {AssistKind::kFilter, {{"expression", "amount >"}}, "/expression: 1:"},
      {AssistKind::kFilter, {{"expression", "amount * 2"}}, "must be true or false, but it gives float64"},
      {AssistKind::kDerive, {{"column", "x"}, {"expression", "upper(nosuch)"}}, "nosuch"},
      {AssistKind::kDerive, {{"column", "a\nb"}, {"expression", "amount"}}, "/column:"},
      {AssistKind::kSql, {{"query", "SELECT 1"}}, "extract node reading PostgreSQL"},
      {AssistKind::kPipeline, {{"pipeline", {{"name", "x"}, {"nodes", json::array()}}}}, "/pipeline/nodes: the proposed pipeline has no nodes"},
  };
  for (const RejectCase& c : cases) {
    SCOPED_TRACE(c.answer.dump());
    auto out = CheckProposal(c.kind, c.answer, Context());
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(out.status().message().find(c.error), std::string::npos) << out.status().message();
  }
  ProposalContext unknown = Context();
  unknown.node_id = "nosuch";
  auto missing = CheckProposal(AssistKind::kFilter, {{"expression", "amount > 1"}}, unknown);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/node_id: no node 'nosuch'"), std::string::npos);
  ProposalContext unbound = Context();
  unbound.output = nullptr;
  auto no_schema = CheckProposal(AssistKind::kFilter, {{"expression", "amount > 1"}}, unbound);
  ASSERT_FALSE(no_schema.ok());
  EXPECT_NE(no_schema.status().message().find("output schema"), std::string::npos);
}

// A SQL proposal replaces the extract node's table with the query; only new validator errors count.
TEST(ProposalCheck, ASqlQueryReplacesTheTableAndOnlyNewErrorsCount) {
  ProposalContext c;
  c.pipeline = {{"name", "db"},
                {"nodes", {{{"id", "pg"}, {"type", "extract"}, {"module", "postgres"},
                            {"config", {{"connection", "w"}, {"table", "orders"}}}}}},
                {"edges", json::array()}};
  c.node_id = "pg";
  // A validator that always reports the missing connection, and a bad query when it sees "nosuch".
  c.validate = [](const json& doc) {
    json issues = {{{"path", "/nodes/0/config/connection"}, {"message", "no connection 'w'"}, {"severity", "error"}}};
    if (doc["nodes"][0]["config"].value("query", "").find("nosuch") != std::string::npos) {
      issues.push_back({{"path", "/nodes/0/config/query"}, {"message", "bad"}, {"severity", "error"}});
    }
    return json{{"valid", false}, {"issues", issues}};
  };
  auto ok = CheckProposal(AssistKind::kSql, {{"query", "SELECT id FROM orders"}}, c);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)["node"]["config"]["query"], "SELECT id FROM orders");
  EXPECT_FALSE((*ok)["node"]["config"].contains("table"));
  EXPECT_EQ((*ok)["pipeline"]["nodes"][0]["config"]["connection"], "w");
  auto bad = CheckProposal(AssistKind::kSql, {{"query", "SELECT nosuch FROM orders"}}, c);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "/nodes/0/config/query: bad");
  auto unsafe = CheckProposal(AssistKind::kSql, {{"query", "TRUNCATE orders"}}, c);
  ASSERT_FALSE(unsafe.ok());
  EXPECT_NE(unsafe.status().message().find("starts with TRUNCATE"), std::string::npos);
}

TEST(ProposalCheck, APipelineIsValidatedWithPathsInsideTheProposal) {
  ProposalContext c = Context();
  c.validate = [](const json& doc) {
    json issues = json::array();
    if (doc["nodes"].size() > 1) issues.push_back({{"path", "/nodes/1/config/expression"}, {"message", "unknown column"}, {"severity", "error"}});
    issues.push_back({{"path", "/nodes/0"}, {"message", "a warning"}, {"severity", "warning"}});
    return json{{"valid", issues.size() == 1}, {"issues", issues}};
  };
  json one = {{"nodes", {{{"id", "a"}, {"type", "extract"}, {"module", "csv"}}}}};
  auto ok = CheckProposal(AssistKind::kPipeline, {{"pipeline", one}}, c);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)["pipeline"]["name"], "proposed pipeline");
  EXPECT_TRUE((*ok)["pipeline"]["edges"].is_array());
  json two = one;
  two["nodes"].push_back({{"id", "b"}});
  auto bad = CheckProposal(AssistKind::kPipeline, {{"pipeline", two}}, c);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "/pipeline/nodes/1/config/expression: unknown column");
}

}  // namespace
}  // namespace logidata::assist
