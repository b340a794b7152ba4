#include "pipeline/observed_output.h"

#include "pipeline/bound_pipeline.h"
#include "pipeline/pivot_discovery.h"

namespace logidata {

BindOptions BindOptionsFor(const RunOptions& options) {
  BindOptions bind;
  bind.params = &options.params;
  bind.connections = options.connections;
  bind.fs = options.fs;
  bind.base_dir = options.base_dir;
  bind.sandbox = options.sandbox;
  bind.can_touch_data = true;
  return bind;
}

Result<ObservedOutput> BindObservedOutput(const PipelineSpec& spec, const ModuleRegistry& registry,
                                          const RunOptions& options, const std::string& node_id,
                                          const std::string& port_name, const std::string& purpose) {
  if (spec.NodeIndex(node_id) < 0) return Status::NotFound("node '" + node_id + "' does not exist");
  std::string target_id = node_id;
  std::string target_port = port_name;
  if (spec.nodes[static_cast<size_t>(spec.NodeIndex(node_id))].type == "load") {
    for (const auto& edge : spec.edges) {
      if (edge.target == node_id) {
        target_id = edge.source;
        target_port = edge.source_port;
        break;
      }
    }
    if (target_id == node_id) return Status::InvalidArgument("loader '" + node_id + "' has no input to " + purpose);
  }
  BindOptions bind = BindOptionsFor(options);
  bind.only_upstream_of = {target_id};
  std::vector<ValidationIssue> issues;
  ObservedOutput out;
  // Pivots upstream that discover their values need their first pass before anything is bound.
  LD_ASSIGN_OR_RETURN(PipelineSpec discovered, DiscoverPivotValues(spec, registry, options, nullptr, target_id));
  out.discovered = std::make_unique<PipelineSpec>(std::move(discovered));
  out.bound = BindPipeline(*out.discovered, registry, bind, issues);
  std::string problems;
  for (const auto& issue : issues) {
    if (issue.severity == "error") problems += "\n  " + issue.ToString();
  }
  if (!problems.empty()) return Status::InvalidArgument("the pipeline is not valid:" + problems);
  out.node = spec.NodeIndex(target_id);
  BoundNode& bn = out.bound.nodes[static_cast<size_t>(out.node)];
  if (bn.skipped) {
    return Status::InvalidArgument("node '" + target_id + "' is disabled or downstream of a disabled node: nothing to " + purpose);
  }
  if (bn.op == nullptr) return Status::Internal("node '" + target_id + "' was not bound");
  if (!target_port.empty()) {
    out.port = -1;
    for (size_t p = 0; p < bn.module->outputs.size(); ++p) {
      if (bn.module->outputs[p].name == target_port) out.port = static_cast<int>(p);
    }
    if (out.port < 0) return Status::InvalidArgument("node '" + target_id + "' has no output '" + target_port + "'");
  }
  if (static_cast<size_t>(out.port) >= bn.op->output_schemas().size()) {
    return Status::InvalidArgument("node '" + target_id + "' has no output to " + purpose);
  }
  out.schema = bn.op->output_schemas()[static_cast<size_t>(out.port)];
  return out;
}

}  // namespace logidata
