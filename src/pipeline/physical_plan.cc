#include "pipeline/physical_plan.h"

#include <algorithm>
#include <set>

namespace logidata {

namespace {

bool Reaches(const BoundPipeline& pipeline, int from, int to) {
  std::vector<int> stack = {from};
  std::set<int> seen;
  while (!stack.empty()) {
    int x = stack.back();
    stack.pop_back();
    if (x == to) return true;
    if (!seen.insert(x).second) continue;
    for (const auto& edges : pipeline.nodes[static_cast<size_t>(x)].output_edges) {
      for (int e : edges) stack.push_back(pipeline.edges[static_cast<size_t>(e)].target_node);
    }
  }
  return false;
}

// Which (node, port) pairs must finish before each node may produce: walk the streaming paths.
// A node that would wait for a port it feeds itself (a self-join: orders → aggregate → join
// build, orders → join probe) would wait forever; the waiting input port is parked instead: its
// batches are held until the ports it needs have finished, then delivered.
Status PlanProduceOrder(const BoundPipeline& pipeline, std::vector<PhysicalNode>& nodes) {
  const size_t count = pipeline.nodes.size();
  auto is_parked = [&](int node, int port) {
    const auto& parked = nodes[static_cast<size_t>(node)].parked_until;
    return static_cast<size_t>(port) < parked.size() && parked[static_cast<size_t>(port)].has_value();
  };
  while (true) {
    std::vector<std::set<std::pair<int, int>>> memo(count);
    for (auto it = pipeline.topo_order.rbegin(); it != pipeline.topo_order.rend(); ++it) {
      int v = *it;
      std::set<std::pair<int, int>> req;
      for (const auto& edges : pipeline.nodes[static_cast<size_t>(v)].output_edges) {
        for (int e : edges) {
          const BoundEdge& edge = pipeline.edges[static_cast<size_t>(e)];
          const Operator* target = pipeline.nodes[static_cast<size_t>(edge.target_node)].op.get();
          if (target == nullptr) continue;
          if (!is_parked(edge.target_node, edge.target_port)) {
            for (int r : target->PortsRequiredBefore(edge.target_port)) req.insert({edge.target_node, r});
          }
          if (target->EmitsOnConsume(edge.target_port)) {
            const auto& down = memo[static_cast<size_t>(edge.target_node)];
            req.insert(down.begin(), down.end());
          }
        }
      }
      memo[static_cast<size_t>(v)] = std::move(req);
    }
    // A requirement fed (directly or not) by the node itself can never be met: park the ports that wait.
    bool parked_more = false;
    std::string unsupported;
    for (size_t v = 0; v < count; ++v) {
      if (!nodes[v].runs) continue;
      for (auto [node, port] : memo[v]) {
        const BoundNode& target = pipeline.nodes[static_cast<size_t>(node)];
        int feeder = pipeline.edges[static_cast<size_t>(target.input_edges[static_cast<size_t>(port)])].source_node;
        if (!Reaches(pipeline, static_cast<int>(v), feeder)) continue;
        PhysicalNode& t = nodes[static_cast<size_t>(node)];
        for (size_t p = 0; p < t.parked_until.size(); ++p) {
          auto waits = target.op->PortsRequiredBefore(static_cast<int>(p));
          if (t.parked_until[p].has_value() || std::find(waits.begin(), waits.end(), port) == waits.end()) continue;
          t.parked_until[p] = std::move(waits);
          parked_more = true;
        }
        if (unsupported.empty()) {
          unsupported = "node '" + target.spec->id + "' needs input '" +
                        target.module->inputs[std::min<size_t>(static_cast<size_t>(port), target.module->inputs.size() - 1)].name +
                        "' complete before its other input, but both are fed from '" + pipeline.nodes[v].spec->id + "'";
        }
      }
    }
    if (unsupported.empty()) {
      for (size_t v = 0; v < count; ++v) nodes[v].required_before_produce.assign(memo[v].begin(), memo[v].end());
      return Status::OK();
    }
    if (!parked_more) return Status::Unsupported(unsupported + "; add a sort or aggregate on one branch to materialise it");
  }
}

// Walk from the loaders up: a node's needed output columns are the union of what each consumer
// needs from that edge. Only port 0 of each node is narrowed; other ports count as fully read.
void PlanProjections(const BoundPipeline& pipeline, int capture_node, std::vector<PhysicalNode>& nodes) {
  const size_t count = pipeline.nodes.size();
  std::vector<std::optional<std::set<int>>> needed(count);  // nullopt = all columns
  for (auto it = pipeline.topo_order.rbegin(); it != pipeline.topo_order.rend(); ++it) {
    int v = *it;
    const BoundNode& node = pipeline.nodes[static_cast<size_t>(v)];
    if (node.op == nullptr) continue;
    std::optional<std::set<int>> want = std::set<int>();
    bool any_consumer = false;
    for (size_t port = 0; port < node.output_edges.size() && want; ++port) {
      for (int e : node.output_edges[port]) {
        any_consumer = true;
        const BoundEdge& edge = pipeline.edges[static_cast<size_t>(e)];
        const BoundNode& target = pipeline.nodes[static_cast<size_t>(edge.target_node)];
        if (port != 0 || target.op == nullptr || v == capture_node) {
          want.reset();
          break;
        }
        std::vector<int> target_needs;
        if (const auto& known = needed[static_cast<size_t>(edge.target_node)]) {
          target_needs.assign(known->begin(), known->end());
        } else {
          const auto& schemas = target.op->output_schemas();
          int width = schemas.empty() ? 0 : schemas[0]->num_fields();
          for (int c = 0; c < width; ++c) target_needs.push_back(c);
        }
        auto inputs = target.op->InputColumnsNeeded(edge.target_port, target_needs);
        if (!inputs) {
          want.reset();
          break;
        }
        want->insert(inputs->begin(), inputs->end());
      }
    }
    if (!any_consumer || v == capture_node) want.reset();
    needed[static_cast<size_t>(v)] = want;
    if (want && !node.op->output_schemas().empty() &&
        static_cast<int>(want->size()) < node.op->output_schemas()[0]->num_fields()) {
      nodes[static_cast<size_t>(v)].required_columns = std::vector<int>(want->begin(), want->end());
    }
  }
}

// The budget is shared, not multiplied: a floor per node would let N nodes hold N floors. Nodes
// that hold nothing (filter, derive, CSV writers) get no share, so they do not dilute it; each
// parked port gets one, since it holds data beside its node's own state.
void ShareTheBudget(const BoundPipeline& pipeline, int64_t budget, PhysicalPlan& plan) {
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    if (!plan.nodes[i].runs) continue;
    plan.budget_shares += pipeline.nodes[i].op->UsesMemoryBudget();
    for (const auto& parked : plan.nodes[i].parked_until) plan.budget_shares += parked.has_value();
  }
  const int64_t share = std::max<int64_t>(1, budget / std::max(1, plan.budget_shares));
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    if (!plan.nodes[i].runs) continue;
    plan.nodes[i].memory_budget_bytes = pipeline.nodes[i].op->UsesMemoryBudget() ? share : 0;
    const auto& parked = plan.nodes[i].parked_until;
    if (std::any_of(parked.begin(), parked.end(), [](const auto& p) { return p.has_value(); })) {
      plan.nodes[i].parked_budget_bytes = share;
    }
  }
}

}  // namespace

Result<PhysicalPlan> PlanPhysical(const BoundPipeline& pipeline, const PhysicalPlanOptions& options) {
  PhysicalPlan plan;
  plan.nodes.resize(pipeline.nodes.size());
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    const BoundNode& node = pipeline.nodes[i];
    PhysicalNode& out = plan.nodes[i];
    if (node.op == nullptr) continue;
    out.runs = true;
    out.spill_dir = options.spill_root / node.spec->id;
    out.output_ports = static_cast<int>(node.op->output_schemas().size());
    const size_t ports = node.input_edges.size();
    out.is_source = ports == 0;
    out.parked_until.resize(ports);
    int emitting = 0;
    for (size_t p = 0; p < ports; ++p) {
      bool emits = node.op->EmitsOnConsume(static_cast<int>(p));
      out.emits_on_consume.push_back(emits);
      emitting += emits;
      out.ordered_input.push_back(node.op->RequiresOrderedInput(static_cast<int>(p)));
    }
    out.multi_emitting_inputs = emitting > 1;
  }
  LD_RETURN_IF_ERROR(PlanProduceOrder(pipeline, plan.nodes));
  PlanProjections(pipeline, options.capture_node, plan.nodes);
  ShareTheBudget(pipeline, options.memory_budget_bytes, plan);
  return plan;
}

nlohmann::json PhysicalPlanToJson(const PhysicalPlan& plan, const BoundPipeline& pipeline) {
  nlohmann::json out = nlohmann::json::array();
  auto node_id = [&](int v) { return pipeline.nodes[static_cast<size_t>(v)].spec->id; };
  auto port_name = [&](int v, int port) {
    const auto& inputs = pipeline.nodes[static_cast<size_t>(v)].module->inputs;
    return inputs.empty() ? std::to_string(port) : inputs[std::min<size_t>(static_cast<size_t>(port), inputs.size() - 1)].name;
  };
  for (int v : pipeline.topo_order) {
    const PhysicalNode& n = plan.nodes[static_cast<size_t>(v)];
    const BoundNode& bound = pipeline.nodes[static_cast<size_t>(v)];
    if (!n.runs) continue;
    nlohmann::json node = {{"node", bound.spec->id}, {"module", bound.module->key()}};
    if (n.memory_budget_bytes > 0) node["memory_budget_bytes"] = n.memory_budget_bytes;
    nlohmann::json waits = nlohmann::json::array();
    for (auto [other, port] : n.required_before_produce) waits.push_back(node_id(other) + "." + port_name(other, port));
    node["produces_after"] = std::move(waits);
    nlohmann::json parked = nlohmann::json::array();
    for (size_t p = 0; p < n.parked_until.size(); ++p) {
      if (!n.parked_until[p]) continue;
      nlohmann::json until = nlohmann::json::array();
      for (int r : *n.parked_until[p]) until.push_back(port_name(v, r));
      parked.push_back({{"input", port_name(v, static_cast<int>(p))}, {"held_until", std::move(until)},
                        {"memory_budget_bytes", n.parked_budget_bytes}});
    }
    node["parked_inputs"] = std::move(parked);
    nlohmann::json ordered = nlohmann::json::array();
    for (size_t p = 0; p < n.ordered_input.size(); ++p) {
      if (n.ordered_input[p]) ordered.push_back(port_name(v, static_cast<int>(p)));
    }
    node["ordered_inputs"] = std::move(ordered);
    if (n.required_columns) {
      nlohmann::json columns = nlohmann::json::array();
      const auto& schema = bound.op->output_schemas()[0];
      for (int c : *n.required_columns) columns.push_back(schema->field(c).name);
      node["columns_read_by_consumers"] = std::move(columns);
    }
    out.push_back(std::move(node));
  }
  return out;
}

}  // namespace logidata
