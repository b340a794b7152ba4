#include "anomaly/run_measurer.h"

#include <algorithm>

namespace logidata::anomaly {

RunMeasurer::NodeColumns& RunMeasurer::ColumnsOf(const std::string& node_id) {
  std::lock_guard lock(mu_);
  auto& slot = nodes_[node_id];
  if (slot == nullptr) slot = std::make_unique<NodeColumns>();
  return *slot;
}

void RunMeasurer::Add(const std::string& node_id, const Batch& batch) {
  NodeColumns& node = ColumnsOf(node_id);
  const Schema& schema = *batch.schema();
  const int columns = std::min(batch.num_columns(), kMaxColumnsPerNode);
  std::lock_guard lock(node.mu);
  if (node.names.empty()) {
    for (int c = 0; c < columns; ++c) node.names.push_back(schema.field(c).name);
    node.measurers.resize(node.names.size());
  }
  // Columns are matched by name: a loader's input schema is fixed for the run, but a batch may
  // list them in another order after a projection was pushed down.
  for (int c = 0; c < batch.num_columns(); ++c) {
    const std::string& name = schema.field(c).name;
    auto it = std::find(node.names.begin(), node.names.end(), name);
    if (it == node.names.end()) continue;
    node.measurers[static_cast<size_t>(it - node.names.begin())].Add(*batch.column(c));
  }
}

void RunMeasurer::Report(RunMeasurements* run) const {
  std::lock_guard lock(mu_);
  for (const auto& [node_id, node] : nodes_) {
    std::lock_guard node_lock(node->mu);
    for (size_t c = 0; c < node->names.size(); ++c) node->measurers[c].Report(node_id, node->names[c], run);
  }
}

}  // namespace logidata::anomaly
