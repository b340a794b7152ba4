#include "pipeline/node_profile.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "pipeline/bound_pipeline.h"
#include "pipeline/executor.h"
#include "pipeline/observed_output.h"
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

}  // namespace

Result<NodeProfile> ProfileNode(const PipelineSpec& spec, const ModuleRegistry& registry,
                                const NodeProfileOptions& options, const RunOptions& run) {
  const auto start = std::chrono::steady_clock::now();
  LD_ASSIGN_OR_RETURN(ObservedOutput observed,
                      BindObservedOutput(spec, registry, run, options.node_id, options.output_port, "profile"));
  const int node = observed.node;
  const int port = observed.port;
  BoundPipeline& bound = observed.bound;
  NodeProfile result;
  result.schema = observed.schema;
  result.profiled_node = spec.nodes[static_cast<size_t>(node)].id;
  ProfilerPool pool(*result.schema, options.profile, options.max_rows);

  // A run id of its own: two profiles at once must not share a spill folder.
  ExecutorOptions eo = ExecutorOptionsFor(spec, run);
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
