#include "pipeline/validator.h"

#include "pipeline/bound_pipeline.h"

namespace logidata {

nlohmann::json ValidationIssue::ToJson() const {
  nlohmann::json j = {{"path", path}, {"message", message}, {"severity", severity}};
  j["node_id"] = node_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(node_id);
  return j;
}

std::string ValidationIssue::ToString() const {
  std::string out = path.empty() ? "/" : path;
  if (!node_id.empty()) out += " (node '" + node_id + "')";
  return out + ": " + message;
}

std::vector<ValidationIssue> ValidatePipeline(const PipelineSpec& spec, const ModuleRegistry& registry,
                                              const ValidateOptions& options) {
  std::vector<ValidationIssue> issues;
  BindOptions bind;
  bind.params = options.params;
  bind.connections = options.connections;
  bind.fs = options.fs;
  bind.base_dir = options.base_dir;
  bind.sandbox = options.sandbox;
  bind.can_touch_data = options.can_touch_data;
  BoundPipeline bound = BindPipeline(spec, registry, bind, issues);
  return issues;
}

}  // namespace logidata
