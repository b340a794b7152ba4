#include "pipeline/pivot_discovery.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "pipeline/bound_pipeline.h"
#include "pipeline/executor.h"
#include "pipeline/observed_output.h"
#include "transforms/pivot.h"

namespace logidata {

namespace {

// Passes the first pass's log lines on; node statuses and progress belong to the real run.
class LogOnlyObserver final : public RunObserver {
 public:
  explicit LogOnlyObserver(RunObserver* inner) : inner_(inner) {}
  void OnLog(LogLevel level, const std::string& node_id, const std::string& message) override {
    if (inner_ != nullptr) inner_->OnLog(level, node_id, message);
  }

 private:
  RunObserver* inner_;
};

// The distinct non-null values of pivot node `node`'s column, sorted, or the error.
Result<nlohmann::json> DiscoverValues(const PipelineSpec& spec, const ModuleRegistry& registry, const RunOptions& options,
                                      const NodeSpec& node) {
  const EdgeSpec* input = nullptr;
  for (const auto& e : spec.edges) {
    if (e.target == node.id) input = &e;
  }
  if (input == nullptr) return Status::InvalidArgument("pivot '" + node.id + "' has no input to discover its values from");
  const nlohmann::json column = node.config.contains("column") ? node.config["column"] : nlohmann::json();
  if (!column.is_string() || column.get<std::string>().empty()) {
    return Status::InvalidArgument("pivot '" + node.id + "': name the `column` whose values are discovered");
  }
  const int64_t max_values = PivotMaxDiscoveredValues(node.config);

  // The probe: <input> -> aggregate (group by the column) -> sort, observed at the sort.
  PipelineSpec probe = spec;
  const std::string group_id = "discover-values:" + node.id;
  const std::string sort_id = group_id + ":sorted";
  NodeSpec group;
  group.id = group_id;
  group.type = "transform";
  group.module = "aggregate";
  group.config = {{"group_by", {column}}, {"aggregates", nlohmann::json::array()}};
  NodeSpec sort;
  sort.id = sort_id;
  sort.type = "transform";
  sort.module = "sort";
  sort.config = {{"keys", {{{"column", column}}}}};
  probe.nodes.push_back(std::move(group));
  probe.nodes.push_back(std::move(sort));
  probe.edges.push_back({input->source, group_id, input->source_port, ""});
  probe.edges.push_back({group_id, sort_id, "", ""});

  RunOptions first_pass = options;
  first_pass.run_id = (options.run_id.empty() ? std::string("run") : options.run_id) + "-discover-" + node.id;
  LogOnlyObserver observer(options.observer);
  first_pass.observer = &observer;
  auto observed = BindObservedOutput(probe, registry, first_pass, sort_id, "", "discover pivot values for");
  if (!observed.ok()) return Status(observed.status().code(), "pivot '" + node.id + "': " + observed.status().message());
  std::mutex mu;
  std::vector<BatchPtr> batches;
  int64_t rows = 0;
  bool too_many = false;
  ExecutorOptions eo = ExecutorOptionsFor(probe, first_pass);
  eo.commit = false;
  eo.capture_node = observed->node;
  eo.capture_port = observed->port;
  eo.capture = [&](const BatchPtr& batch) {
    std::lock_guard<std::mutex> lock(mu);
    const Column& c = *batch->column(0);
    rows += batch->num_rows() - c.null_count();
    if (rows > max_values) {
      too_many = true;
      return false;
    }
    batches.push_back(batch);
    return true;
  };
  Executor executor(observed->bound, std::move(eo));
  RunResult run = executor.Run();
  if (too_many) {
    return Status::InvalidArgument("pivot '" + node.id + "': column '" + column.get<std::string>() + "' has more than " +
                                   std::to_string(max_values) +
                                   " distinct values (max_values); list the values to keep in `values`, or raise "
                                   "`max_values` (at most 1000)");
  }
  if (!run.status.ok()) return Status(run.status.code(), "pivot '" + node.id + "': first pass: " + run.status.message());
  std::stable_sort(batches.begin(), batches.end(), [](const BatchPtr& a, const BatchPtr& b) { return a->sequence() < b->sequence(); });
  nlohmann::json values = nlohmann::json::array();
  for (const BatchPtr& b : batches) {
    const Column& c = *b->column(0);
    for (int64_t i = 0; i < b->num_rows(); ++i) {
      if (c.IsValid(i)) values.push_back(c.type().id == TypeId::kString ? std::string(c.GetString(i)) : c.GetValue(i).ToString());
    }
  }
  if (values.empty()) {
    return Status::InvalidArgument("pivot '" + node.id + "': column '" + column.get<std::string>() +
                                   "' has no non-null value to make a column of");
  }
  return values;
}

}  // namespace

Result<PipelineSpec> DiscoverPivotValues(const PipelineSpec& spec, const ModuleRegistry& registry, const RunOptions& options,
                                         std::string* failed_node, const std::string& upstream_of) {
  PipelineSpec out = spec;
  std::set<std::string> wanted;  // with upstream_of: it and every node it reads from
  if (!upstream_of.empty()) {
    std::vector<std::string> todo = {upstream_of};
    while (!todo.empty()) {
      std::string id = todo.back();
      todo.pop_back();
      if (!wanted.insert(id).second) continue;
      for (const auto& e : spec.edges) {
        if (e.target == id) todo.push_back(e.source);
      }
    }
  }
  for (size_t i = 0; i < out.nodes.size(); ++i) {
    NodeSpec& node = out.nodes[i];
    if (node.disabled || node.module != "pivot" || (node.type != "transform" && node.type != "transformer")) continue;
    if (!PivotDiscoversValues(node.config)) continue;
    if (!upstream_of.empty() && wanted.count(node.id) == 0) continue;
    auto found = DiscoverValues(out, registry, options, node);
    if (!found.ok()) {
      if (failed_node != nullptr) *failed_node = node.id;
      return found.status();
    }
    nlohmann::json values = std::move(found).value();
    if (options.observer != nullptr) {
      options.observer->OnLog(LogLevel::kInfo, node.id,
                              "discovered " + std::to_string(values.size()) + " values of '" +
                                  node.config["column"].get<std::string>() + "' in a first pass: " + values.dump());
    }
    node.config["values"] = std::move(values);
    node.config["discover_values"] = false;
  }
  return out;
}

}  // namespace logidata
