#include "pipeline/node_profile.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "pipeline/bound_pipeline.h"
#include "pipeline/executor.h"
#include "profile/table_profiler.h"

namespace logidata {

namespace {

// Per-thread partial profiles: a thread takes a free one (or a new one) for each batch and
// gives it back, so there are never more than the threads capturing at once.
class ProfilerPool {
 public:
  ProfilerPool(const Schema& schema, const profile::ProfileOptions& options, int64_t max_rows)
      : schema_(schema), options_(options), max_rows_(max_rows) {}

  // Profiles `batch` (or the part of it within max_rows); false once max_rows is reached.
  bool Add(const BatchPtr& batch) {
    std::unique_ptr<profile::TableProfiler> profiler;
    int64_t take = batch->num_rows();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (max_rows_ > 0) {
        take = std::min(take, max_rows_ - rows_);
        if (take <= 0) return false;
      }
      rows_ += take;
      if (free_.empty()) {
        profiler = std::make_unique<profile::TableProfiler>(schema_, options_);
        ++created_;
      } else {
        profiler = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (take == batch->num_rows()) profiler->Add(*batch);
    else profiler->Add(*SliceBatch(*batch, 0, take));
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(profiler));
    return max_rows_ == 0 || rows_ < max_rows_;
  }

  // REQUIRES: no Add is running.
  profile::TableStatistics Finish(int* partials) {
    profile::TableProfiler total(schema_, options_);
    for (const auto& p : free_) total.Merge(*p);
    *partials = created_;
    return total.Finish();
  }
  bool limited() const { return max_rows_ > 0 && rows_ >= max_rows_; }

 private:
  const Schema& schema_;
  const profile::ProfileOptions& options_;
  const int64_t max_rows_;
  std::mutex mu_;
  int64_t rows_ = 0;
  int created_ = 0;
  std::vector<std::unique_ptr<profile::TableProfiler>> free_;
};

Status FirstError(const std::vector<ValidationIssue>& issues) {
  std::string msg;
  for (const auto& issue : issues) {
    if (issue.severity != "error") continue;
    msg += (msg.empty() ? "the pipeline is not valid:\n  " : "\n  ") + issue.ToString();
  }
  return msg.empty() ? Status::OK() : Status::InvalidArgument(msg);
}

}  // namespace

Result<NodeProfile> ProfileNode(const PipelineSpec& spec, const ModuleRegistry& registry,
                                const NodeProfileOptions& options, const RunOptions& run) {
  const auto start = std::chrono::steady_clock::now();
  if (spec.NodeIndex(options.node_id) < 0) return Status::NotFound("node '" + options.node_id + "' does not exist");
  std::string target_id = options.node_id;
  std::string port_name = options.output_port;
  // A loader has no output: profile what flows into it (as the preview does).
  if (spec.nodes[static_cast<size_t>(spec.NodeIndex(target_id))].type == "load") {
    for (const auto& edge : spec.edges) {
      if (edge.target == target_id) {
        target_id = edge.source;
        port_name = edge.source_port;
        break;
      }
    }
    if (target_id == options.node_id) return Status::InvalidArgument("loader '" + target_id + "' has no input to profile");
  }
  BindOptions bind;
  bind.params = &run.params;
  bind.connections = run.connections;
  bind.fs = run.fs;
  bind.base_dir = run.base_dir;
  bind.sandbox = run.sandbox;
  bind.can_touch_data = true;
  bind.only_upstream_of = {target_id};
  std::vector<ValidationIssue> issues;
  BoundPipeline bound = BindPipeline(spec, registry, bind, issues);
  LD_RETURN_IF_ERROR(FirstError(issues));
  const int node = spec.NodeIndex(target_id);
  BoundNode& bn = bound.nodes[static_cast<size_t>(node)];
  if (bn.skipped) {
    return Status::InvalidArgument("node '" + target_id + "' is disabled or downstream of a disabled node: nothing to profile");
  }
  if (bn.op == nullptr) return Status::Internal("node '" + target_id + "' was not bound");
  int port = 0;
  if (!port_name.empty()) {
    port = -1;
    for (size_t p = 0; p < bn.module->outputs.size(); ++p) {
      if (bn.module->outputs[p].name == port_name) port = static_cast<int>(p);
    }
    if (port < 0) return Status::InvalidArgument("node '" + target_id + "' has no output '" + port_name + "'");
  }
  if (static_cast<size_t>(port) >= bn.op->output_schemas().size()) {
    return Status::InvalidArgument("node '" + target_id + "' has no output to profile");
  }
  NodeProfile result;
  result.schema = bn.op->output_schemas()[static_cast<size_t>(port)];
  result.profiled_node = target_id;
  ProfilerPool pool(*result.schema, options.profile, options.max_rows);

  ExecutorOptions eo;
  eo.run_id = "profile";
  eo.pipeline_id = spec.id;
  eo.threads = run.threads > 0 ? run.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (run.memory_budget_bytes > 0) eo.memory_budget_bytes = run.memory_budget_bytes;
  eo.spill_dir = run.spill_dir;
  eo.cancel = run.cancel;
  eo.connections = run.connections;
  eo.fs = run.fs;
  eo.sandbox = run.sandbox;
  eo.commit = false;
  eo.source_row_limit = options.max_rows;
  eo.capture_node = node;
  eo.capture_port = port;
  eo.capture = [&pool](const BatchPtr& batch) { return pool.Add(batch); };
  Executor executor(bound, std::move(eo));
  RunResult ran = executor.Run();
  if (!ran.status.ok()) return ran.status;
  result.statistics = pool.Finish(&result.partial_profiles);
  result.limited = pool.limited();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace logidata
