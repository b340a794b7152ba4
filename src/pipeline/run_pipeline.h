// Running a pipeline: bind every node, plan, execute with the streaming executor, report
// progress, publish loaders atomically on success (Abort on failure). Also: preview one node on
// a sample. Each call is independent; many runs may proceed at once in one process.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "module/module_registry.h"
#include "pipeline/pipeline_spec.h"
#include "types/batch.h"

namespace logidata {

struct BoundPipeline;

enum class NodeStatus { kPending, kRunning, kSucceeded, kFailed, kCancelled, kSkipped };
std::string_view NodeStatusName(NodeStatus status);

struct NodeMetrics {
  NodeStatus status = NodeStatus::kPending;
  int64_t rows_in = 0;
  int64_t rows_out = 0;
  int64_t batches_out = 0;
  int64_t bytes_out = 0;
  double wall_seconds = 0;   // first input/produce to finish
  double busy_seconds = 0;   // summed over threads
  int64_t peak_memory_bytes = 0;
  double progress = -1;      // sources: fraction of input consumed, < 0 when unknown
  int64_t started_at_ms = 0;   // Unix ms of the node's first input/produce; 0 = not started
  int64_t finished_at_ms = 0;  // Unix ms when its output ended; 0 = not finished
  std::string error;
};

// Receives run progress. Calls come from executor threads; implementations must be thread-safe
// and quick (they run on the hot path's edge, not per row).
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void OnNodeStatus(const std::string& node_id, NodeStatus status, const std::string& error) {}
  // Called about every `progress_interval_ms` with a snapshot of all nodes.
  virtual void OnProgress(const std::map<std::string, NodeMetrics>& nodes) {}
  virtual void OnLog(LogLevel level, const std::string& node_id, const std::string& message) {}
  // Called once, after every node is bound and before any runs; an error fails the run before
  // any data moves (the schema drift policy uses this).
  virtual Status OnBound(const BoundPipeline& bound) { return Status::OK(); }
  // Whether OnLoaderInput is wanted; asked once, before any data moves.
  virtual bool WantsLoaderInput() const { return false; }
  // Called with every batch delivered to a loader, from any executor thread and concurrently
  // (the anomaly check measures loaders' input columns here). Runs on the hot path: keep it
  // bounded in work per row and in memory.
  virtual void OnLoaderInput(const std::string& node_id, const Batch& batch) {}
  // Called once when every node has finished without error, before the loaders publish: an
  // error fails the run and nothing is published (the anomaly policy "fail" uses this).
  virtual Status OnBeforePublish(const std::map<std::string, NodeMetrics>& nodes) { return Status::OK(); }
};

struct RunOptions {
  std::string run_id;
  ParameterMap params;                 // --param k=v; defaults from the spec fill the rest
  int threads = 0;                     // 0 = all cores
  int64_t memory_budget_bytes = 0;     // 0 = half of physical memory, shared by blocking nodes
  std::string spill_dir;               // default: system temp dir
  std::string base_dir;                // relative paths in configs resolve against it
  const std::atomic<bool>* cancel = nullptr;
  ConnectionResolver* connections = nullptr;
  StateStore* state = nullptr;
  FileSystem* fs = nullptr;            // default: local disk
  const PathSandbox* sandbox = nullptr;  // server mode: the organization's files (use with a sandboxed fs)
  RunObserver* observer = nullptr;
  int progress_interval_ms = 250;
};

struct RunResult {
  Status status;                        // first error (with node id), Cancelled, or OK
  std::string failed_node;
  std::map<std::string, NodeMetrics> nodes;
  // Loaders whose output was published, in publish order. On success: every loader. When a
  // publish fails, the ones before it that could not be rolled back (other systems); the
  // status message names both lists.
  std::vector<std::string> published;
  double wall_seconds = 0;
  int64_t peak_memory_bytes = 0;
  bool timed_out = false;  // `status` is a node's timeout_seconds running out (retryable)
};

RunResult RunPipeline(const PipelineSpec& spec, const ModuleRegistry& registry, const RunOptions& options);

// The memory budget of a run that sets none: half of physical memory.
int64_t DefaultMemoryBudget();

// Statistics of one column over the preview sample.
struct ColumnProfile {
  std::string name;
  DataType type;
  int64_t count = 0;
  int64_t nulls = 0;
  int64_t distinct_estimate = 0;
  std::string min, max;                  // as text; empty when all null
  std::vector<std::string> histogram_labels;  // numeric/temporal: bucket ranges; strings: top values
  std::vector<int64_t> histogram_counts;
};

struct PreviewOptions {
  std::string node_id;
  std::string output_port;   // empty = main output
  int64_t offset = 0;        // paging through the sample
  int64_t limit = 100;       // rows returned
  int64_t sample_rows = 10'000;  // rows of the node's output kept for rows + statistics
  int64_t source_rows = 100'000;  // each source stops after about this many rows (0 = no limit)
};

// Profiles every column of `batches` (type, nulls, distinct, min/max, a small histogram).
std::vector<ColumnProfile> ProfileColumns(const Schema& schema, const std::vector<BatchPtr>& batches);

struct PreviewResult {
  SchemaPtr schema;
  std::vector<BatchPtr> rows;           // [offset, offset + limit) of the sample
  int64_t sample_rows = 0;              // rows in the sample
  bool exhausted = false;               // the node produced fewer rows than asked for
  std::vector<ColumnProfile> profiles;  // over the whole sample
  double seconds = 0;
};

// Runs the upstream part of the pipeline needed for `node_id`, stops once enough rows arrived
// (sources stop early; loaders never run), and profiles the sample.
Result<PreviewResult> PreviewNode(const PipelineSpec& spec, const ModuleRegistry& registry,
                                  const PreviewOptions& preview, const RunOptions& options);

}  // namespace logidata
