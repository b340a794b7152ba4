// PhysicalPlan: everything about how a bound pipeline runs that can be decided before it runs,
// decided once and then read-only. The executor only runs it (DuckDB's planner / execution split):
// it never re-plans, and what it decides at run time is only what depends on the data (a node's
// produce parallelism, asked when the node becomes ready; see Executor::MaybeScheduleProduce).
//
// What the plan decides per node:
//   - its share of the memory budget and its spill folder;
//   - which input ports need batches in sequence order, and which emit while consuming;
//   - parked ports: an input port whose batches are held until other ports of the node finished,
//     because both are fed by the same upstream node (a self-join), so waiting could never end;
//   - the (node, port) pairs that must finish before the node may produce;
//   - the output columns its consumers read (projection pushdown), or "all".
// PlanPhysical reads the operators (const queries only); it changes nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "pipeline/bound_pipeline.h"

namespace logidata {

struct PhysicalPlanOptions {
  int64_t memory_budget_bytes = int64_t{4} << 30;  // shared by the nodes that hold state
  std::filesystem::path spill_root;                // each node spills under spill_root / node id
  int capture_node = -1;  // preview: this node's output is captured whole, never narrowed
};

struct PhysicalNode {
  bool runs = false;     // has an operator (false: skipped, unbound in a preview)
  bool is_source = false;
  int64_t memory_budget_bytes = 0;  // its share of the run's budget; 0 unless UsesMemoryBudget
  std::filesystem::path spill_dir;
  int output_ports = 0;
  std::vector<bool> emits_on_consume;  // per input port
  std::vector<bool> ordered_input;     // per input port: batches delivered in sequence order
  bool multi_emitting_inputs = false;  // more than one input port emits while consuming
  // Per input port: nullopt when batches are delivered as they come; otherwise the node's other
  // input ports that must finish before this port's held batches are delivered.
  std::vector<std::optional<std::vector<int>>> parked_until;
  // What each parked port may hold in memory before it spills: a share of the budget of its own.
  int64_t parked_budget_bytes = 0;
  std::vector<std::pair<int, int>> required_before_produce;  // (node, input port) pairs
  // Output columns (port 0) the consumers read; nullopt = all of them.
  std::optional<std::vector<int>> required_columns;
};

struct PhysicalPlan {
  std::vector<PhysicalNode> nodes;  // same order as BoundPipeline::nodes
  int budget_shares = 0;  // nodes that use the memory budget, plus parked ports: they share it
};

// Fails (Unsupported) when a node would wait for an input that its own feeder can only finish
// after the node produced: a cycle that parking cannot break.
Result<PhysicalPlan> PlanPhysical(const BoundPipeline& pipeline, const PhysicalPlanOptions& options);

// The plan as `validate --explain` shows it: one object per running node.
nlohmann::json PhysicalPlanToJson(const PhysicalPlan& plan, const BoundPipeline& pipeline);

}  // namespace logidata
