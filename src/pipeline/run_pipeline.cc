#include "pipeline/run_pipeline.h"

#include <unistd.h>

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "pipeline/bound_pipeline.h"
#include "pipeline/executor.h"
#include "pipeline/observed_output.h"
#include "pipeline/pivot_discovery.h"

namespace logidata {

namespace {

std::string NewRunId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

Status IssuesToStatus(const std::vector<ValidationIssue>& issues, std::string* first_node) {
  std::string msg = "the pipeline is not valid:";
  int errors = 0;
  for (const auto& issue : issues) {
    if (issue.severity != "error") continue;
    if (errors++ == 0 && first_node != nullptr) *first_node = issue.node_id;
    msg += "\n  " + issue.ToString();
  }
  return errors == 0 ? Status::OK() : Status::InvalidArgument(msg);
}

}  // namespace

int64_t DefaultMemoryBudget() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return int64_t{4} << 30;
  return static_cast<int64_t>(pages) * page_size / 2;
}

ExecutorOptions ExecutorOptionsFor(const PipelineSpec& spec, const RunOptions& options) {
  ExecutorOptions eo;
  eo.run_id = options.run_id.empty() ? NewRunId() : options.run_id;
  eo.pipeline_id = spec.id;
  eo.threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  eo.memory_budget_bytes = options.memory_budget_bytes > 0 ? options.memory_budget_bytes : DefaultMemoryBudget();
  eo.spill_dir = options.spill_dir;
  eo.cancel = options.cancel;
  eo.connections = options.connections;
  eo.state = options.state;
  eo.fs = options.fs;
  eo.sandbox = options.sandbox;
  eo.observer = options.observer;
  eo.progress_interval_ms = options.progress_interval_ms;
  eo.evolve_target_columns = spec.schema_drift == "evolve";
  return eo;
}

RunResult RunPipeline(const PipelineSpec& original, const ModuleRegistry& registry, const RunOptions& options) {
  // Pivots that discover their values get them from a first pass before anything is bound.
  std::string discovery_failed;
  auto discovered = DiscoverPivotValues(original, registry, options, &discovery_failed);
  if (!discovered.ok()) {
    RunResult result;
    result.status = discovered.status();
    result.failed_node = discovery_failed;
    for (const auto& node : original.nodes) result.nodes[node.id] = NodeMetrics{};
    if (!discovery_failed.empty()) {
      result.nodes[discovery_failed].status = NodeStatus::kFailed;
      result.nodes[discovery_failed].error = discovered.status().message();
    }
    return result;
  }
  const PipelineSpec& spec = *discovered;
  std::vector<ValidationIssue> issues;
  BoundPipeline bound = BindPipeline(spec, registry, BindOptionsFor(options), issues);
  RunResult result;
  result.status = IssuesToStatus(issues, &result.failed_node);
  if (!result.status.ok()) {
    for (const auto& node : spec.nodes) result.nodes[node.id] = NodeMetrics{};
    if (!result.failed_node.empty()) {
      result.nodes[result.failed_node].status = NodeStatus::kFailed;
      for (const auto& issue : issues) {
        if (issue.node_id == result.failed_node) {
          result.nodes[result.failed_node].error = issue.message;
          break;
        }
      }
    }
    return result;
  }
  if (options.observer != nullptr) {
    Status checked = options.observer->OnBound(bound);
    if (!checked.ok()) {
      for (const auto& node : spec.nodes) result.nodes[node.id] = NodeMetrics{};
      result.status = checked;
      return result;
    }
  }
  // Loaders writing through the same connection find each other here and share a transaction.
  RunSharedObjects shared;
  ExecutorOptions eo = ExecutorOptionsFor(spec, options);
  eo.shared = &shared;
  Executor executor(bound, std::move(eo));
  RunResult run = executor.Run();
  // Disabled nodes and their downstream never ran: say so rather than leave them "pending".
  for (const BoundNode& node : bound.nodes) {
    if (node.skipped) run.nodes[node.spec->id].status = NodeStatus::kSkipped;
  }
  return run;
}

Result<PreviewResult> PreviewNode(const PipelineSpec& spec, const ModuleRegistry& registry,
                                  const PreviewOptions& preview, const RunOptions& options) {
  auto start = std::chrono::steady_clock::now();
  LD_ASSIGN_OR_RETURN(ObservedOutput observed,
                      BindObservedOutput(spec, registry, options, preview.node_id, preview.output_port, "preview"));
  const int node = observed.node;
  const int port = observed.port;
  BoundPipeline& bound = observed.bound;
  PreviewResult result;
  result.schema = observed.schema;
  std::mutex mu;
  // The sample is the first `want` rows in input order. Parallel sources deliver out of order, so
  // batches are counted only once every batch before them has arrived (output sequence numbers
  // are contiguous from 0); the run stops when that prefix holds enough rows. Stopping at the
  // first `want` rows to arrive would sample whichever thread ran fastest.
  std::vector<BatchPtr> sample;
  std::map<uint64_t, BatchPtr> early;  // arrived ahead of a missing predecessor
  uint64_t next_sequence = 0;
  int64_t rows = 0;
  const int64_t want = std::max<int64_t>(1, preview.sample_rows);

  ExecutorOptions eo = ExecutorOptionsFor(spec, options);
  eo.commit = false;
  eo.source_row_limit = preview.source_rows;
  eo.capture_node = node;
  eo.capture_port = port;
  auto add_to_sample = [&](const BatchPtr& batch) {
    if (rows >= want) return;
    BatchPtr kept = batch;
    if (rows + batch->num_rows() > want) kept = SliceBatch(*batch, 0, want - rows);
    rows += kept->num_rows();
    sample.push_back(kept);
  };
  eo.capture = [&](const BatchPtr& batch) {
    std::lock_guard<std::mutex> lock(mu);
    if (rows >= want) return false;
    early.emplace(batch->sequence(), batch);
    while (!early.empty() && early.begin()->first <= next_sequence) {
      next_sequence = early.begin()->first + 1;
      add_to_sample(early.begin()->second);
      early.erase(early.begin());
    }
    return rows < want;
  };
  Executor executor(bound, std::move(eo));
  RunResult run = executor.Run();
  if (!run.status.ok()) return run.status;
  // A gap that never filled (the run ended first): what came after it, still in input order.
  for (const auto& [sequence, batch] : early) add_to_sample(batch);
  result.sample_rows = rows;
  result.exhausted = rows < want;
  result.profiles = ProfileColumns(*result.schema, sample);
  int64_t skip = std::max<int64_t>(0, preview.offset);
  int64_t take = std::max<int64_t>(0, preview.limit);
  for (const auto& batch : sample) {
    if (take == 0) break;
    if (skip >= batch->num_rows()) {
      skip -= batch->num_rows();
      continue;
    }
    int64_t n = std::min(take, batch->num_rows() - skip);
    result.rows.push_back(skip == 0 && n == batch->num_rows() ? batch : SliceBatch(*batch, skip, n));
    take -= n;
    skip = 0;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace logidata
