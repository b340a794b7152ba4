// The physical planner: what it decides before a run (budget shares, parked ports, what a node
// waits for, projections), checked on bound pipelines of the test modules.
#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline/physical_plan.h"
#include "test_modules.h"

namespace logidata {
namespace {

struct Planned {
  ModuleRegistry registry;
  testing::Collected collected;
  PipelineSpec spec;
  BoundPipeline bound;
  Result<PhysicalPlan> plan = Status::Internal("not planned");

  Planned(const std::string& json, int64_t budget, int capture_node = -1) {
    EXPECT_TRUE(testing::RegisterTestModules(registry, &collected).ok());
    auto parsed = ParsePipelineText(json, "plan.json");
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    spec = std::move(*parsed);
    std::vector<ValidationIssue> issues;
    bound = BindPipeline(spec, registry, BindOptions{}, issues);
    EXPECT_TRUE(issues.empty()) << issues.front().ToString();
    PhysicalPlanOptions options;
    options.memory_budget_bytes = budget;
    options.spill_root = "/spill";
    options.capture_node = capture_node;
    plan = PlanPhysical(bound, options);
  }
  int Index(const std::string& id) const {
    for (size_t i = 0; i < spec.nodes.size(); ++i) {
      if (spec.nodes[i].id == id) return static_cast<int>(i);
    }
    ADD_FAILURE() << "no node " << id;
    return 0;
  }
  const PhysicalNode& Node(const std::string& id) const { return plan->nodes[static_cast<size_t>(Index(id))]; }
};

TEST(PhysicalPlanTest, SharesTheBudgetOnlyAmongNodesThatHoldData) {
  // Two blocking nodes (total, lookup) and three streaming ones: the budget is halved, not cut
  // in five, and the streaming nodes get no share.
  Planned p(R"({"name": "p", "nodes": [
    {"id": "a", "type": "extract", "module": "numbers", "config": {"count": 10}},
    {"id": "b", "type": "extract", "module": "numbers", "config": {"count": 10}},
    {"id": "dbl", "type": "transform", "module": "double"},
    {"id": "sum", "type": "transform", "module": "total"},
    {"id": "lk", "type": "transform", "module": "lookup"},
    {"id": "even", "type": "transform", "module": "keep_even"},
    {"id": "out", "type": "load", "module": "collect"}],
   "edges": [{"source": "a", "target": "dbl"}, {"source": "dbl", "target": "sum"},
             {"source": "sum", "target": "lk", "target_port": "build"},
             {"source": "b", "target": "lk", "target_port": "probe"},
             {"source": "lk", "target": "even"}, {"source": "even", "target": "out"}]})",
            1000);
  ASSERT_TRUE(p.plan.ok()) << p.plan.status().ToString();
  EXPECT_EQ(p.plan->budget_shares, 2);
  EXPECT_EQ(p.Node("sum").memory_budget_bytes, 500);
  EXPECT_EQ(p.Node("lk").memory_budget_bytes, 500);
  for (const char* streaming : {"a", "b", "dbl", "even", "out"}) EXPECT_EQ(p.Node(streaming).memory_budget_bytes, 0) << streaming;
  EXPECT_EQ(p.Node("sum").spill_dir, std::filesystem::path("/spill/sum"));
  // The probe source streams into lk's probe port, which needs the build port finished first.
  const auto& waits = p.Node("b").required_before_produce;
  EXPECT_NE(std::find(waits.begin(), waits.end(), std::make_pair(p.Index("lk"), 1)), waits.end());
  EXPECT_TRUE(p.Node("a").required_before_produce.empty());
  EXPECT_FALSE(p.Node("lk").parked_until[0].has_value());
  EXPECT_TRUE(p.Node("b").is_source);
  EXPECT_FALSE(p.Node("lk").is_source);
}

TEST(PhysicalPlanTest, ParksTheProbeOfASelfJoin) {
  // One source feeds both ports of the lookup: waiting for the build side before producing
  // would never end, so the probe port is parked until the build port finished.
  Planned p(R"({"name": "self", "nodes": [
    {"id": "src", "type": "extract", "module": "numbers", "config": {"count": 10}},
    {"id": "dbl", "type": "transform", "module": "double"},
    {"id": "lk", "type": "transform", "module": "lookup"},
    {"id": "out", "type": "load", "module": "collect"}],
   "edges": [{"source": "src", "target": "dbl"}, {"source": "dbl", "target": "lk", "target_port": "build"},
             {"source": "src", "target": "lk", "target_port": "probe"}, {"source": "lk", "target": "out"}]})",
            1000);
  ASSERT_TRUE(p.plan.ok()) << p.plan.status().ToString();
  const PhysicalNode& lk = p.Node("lk");
  ASSERT_TRUE(lk.parked_until[0].has_value());
  EXPECT_EQ(*lk.parked_until[0], std::vector<int>{1});
  EXPECT_FALSE(lk.parked_until[1].has_value());
  EXPECT_TRUE(p.Node("src").required_before_produce.empty());
  nlohmann::json shown = PhysicalPlanToJson(*p.plan, p.bound);
  auto it = std::find_if(shown.begin(), shown.end(), [](const nlohmann::json& n) { return n["node"] == "lk"; });
  ASSERT_NE(it, shown.end());
  // The lookup and its parked probe port share the budget.
  EXPECT_EQ(p.plan->budget_shares, 2);
  EXPECT_EQ((*it)["parked_inputs"],
            nlohmann::json::parse(R"([{"input": "probe", "held_until": ["build"], "memory_budget_bytes": 500}])"));
  EXPECT_EQ((*it)["memory_budget_bytes"], 500);
}

TEST(PhysicalPlanTest, NarrowsASourceToTheColumnsItsConsumersRead) {
  const char* json = R"({"name": "narrow", "nodes": [
    {"id": "w", "type": "extract", "module": "wide"},
    {"id": "first", "type": "transform", "module": "first_column"},
    {"id": "out", "type": "load", "module": "collect"}],
   "edges": [{"source": "w", "target": "first"}, {"source": "first", "target": "out"}]})";
  Planned p(json, 1000);
  ASSERT_TRUE(p.plan.ok()) << p.plan.status().ToString();
  ASSERT_TRUE(p.Node("w").required_columns.has_value());
  EXPECT_EQ(*p.Node("w").required_columns, std::vector<int>{0});
  // Planning changes nothing: the executor applies the projection, not the planner.
  EXPECT_EQ(p.collected.required_columns.count("w"), 0u);
  // A preview captures the node's whole output: never narrowed.
  Planned captured(json, 1000, /*capture_node=*/0);
  ASSERT_TRUE(captured.plan.ok());
  EXPECT_FALSE(captured.Node("w").required_columns.has_value());
}

}  // namespace
}  // namespace logidata
