// Executor: runs a BoundPipeline with a pool of worker threads, push-based and streaming.
//
// Each worker claims a "produce slot" of a ready node (a source, or a blocking node whose inputs
// have all finished) and calls Produce; every emitted batch is pushed synchronously through the
// downstream operators' Consume on the same thread, so at most a few batches per thread are in
// flight (bounded memory, natural back-pressure) and all cores work on different batches. When a
// node has no more output, its consumers' input ports finish (FinishPort), which may make blocking
// nodes ready. Order-sensitive ports get batches re-ordered by sequence number.
//
// What can be decided before the run (budgets, parked ports, produce order, projections) is
// decided by PlanPhysical (physical_plan.h) and only read here; the executor decides at run time
// only what depends on the data, such as how many threads a ready node may produce on.
//
// One Executor runs one pipeline once. Run() blocks until the run ends; Cancel() is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/bound_pipeline.h"
#include "pipeline/physical_plan.h"
#include "pipeline/run_pipeline.h"

namespace logidata {

struct ExecutorOptions {
  std::string run_id;
  std::string pipeline_id;
  int threads = 1;
  int64_t memory_budget_bytes = int64_t{4} << 30;  // shared by the nodes that hold state
  std::string spill_dir;
  const std::atomic<bool>* cancel = nullptr;        // external cancellation
  ConnectionResolver* connections = nullptr;
  StateStore* state = nullptr;
  FileSystem* fs = nullptr;
  const PathSandbox* sandbox = nullptr;
  RunObserver* observer = nullptr;
  int progress_interval_ms = 250;
  // Preview: sources stop after emitting about this many rows (0 = no limit).
  int64_t source_row_limit = 0;
  // Preview: called with every batch node `capture_node` emits on `capture_port`; return false to
  // stop the whole run early (not an error).
  int capture_node = -1;
  int capture_port = 0;
  std::function<bool(const BatchPtr&)> capture;
  // False: skip Commit (previews never publish).
  bool commit = true;
  // Objects the nodes of this run share (loaders' common transactions); may be null.
  RunSharedObjects* shared = nullptr;
  bool evolve_target_columns = false;  // ExecContext::evolve_target_columns for every node
};

class Executor {
 public:
  Executor(BoundPipeline& pipeline, ExecutorOptions options);
  ~Executor();

  // Runs to completion, failure or cancellation; fills metrics. Call once.
  RunResult Run();

 private:
  struct NodeRuntime;
  struct WorkerContext;
  class NodeEmitter;

  Status Prepare();
  // Opens every node in topological order, re-opening a node whose Open failed with Unavailable
  // as its retry policy allows (nothing has flowed yet, so a second try is safe). Failures go
  // through Fail().
  void OpenNodes();
  // Sleeps `seconds` unless the run stops first; false when it stopped.
  bool WaitUnlessStopped(double seconds);
  // Watchdog tick: turns an external cancel into the run's stop flag and fails a node that ran
  // past its timeout_seconds.
  void CheckStopsAndTimeouts();
  void WorkerLoop(int worker);
  void RunProduceSlot(int worker, int node);
  Status Deliver(WorkerContext& w, int node, int port, const BatchPtr& batch);
  Status DeliverInOrder(WorkerContext& w, int node, int port, const BatchPtr& batch);
  void OpenParkedPorts(int node);
  Status ConsumeNow(WorkerContext& w, int node, int port, const BatchPtr& batch);
  Status EmitFromNode(WorkerContext& w, int node, int port, BatchPtr batch);
  void NodeOutputDone(int node);
  void FinishInputPort(int node, int port);
  void MaybeScheduleProduce(int node);
  void Fail(int node, const Status& status);
  bool ShouldStop() const;
  OperatorState* StateFor(WorkerContext& w, int node);
  // A fresh context for a thread that delivers held batches outside its own worker loop (a parked
  // port opening, leftovers of a reorder buffer): contexts are not thread-safe, so none is shared.
  // REQUIRES: mu_ held.
  WorkerContext* NewDrainContext();
  // After every node finished: publishes the loaders' output in topological order (Commit), then
  // lets sources confirm what they read (AfterCommit). The first failure stops it and says which
  // loaders had already published.
  Status PublishOutputs(RunResult& result);
  std::map<std::string, NodeMetrics> Snapshot();
  void ProgressLoop();

  BoundPipeline& pipeline_;
  ExecutorOptions options_;
  PhysicalPlan plan_;  // decided by PlanPhysical in Prepare, then only read
  std::vector<std::unique_ptr<NodeRuntime>> nodes_;
  std::vector<std::unique_ptr<WorkerContext>> workers_;
  std::vector<std::unique_ptr<WorkerContext>> drain_contexts_;  // see NewDrainContext (under mu_)

  std::mutex mu_;                       // guards the schedule below and node phase changes
  std::condition_variable cv_;
  std::vector<int> runnable_slots_;     // node indices, one entry per produce slot
  int active_slots_ = 0;
  int nodes_remaining_ = 0;
  bool finished_ = false;

  // Raised when the run must stop for any reason (failure, external cancel, timeout, preview
  // capture done); operators see it as ExecContext::cancelled and blocking clients watch it.
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  bool timed_out_ = false;              // a node exceeded its timeout_seconds (under mu_)
  std::atomic<bool> stop_early_{false};
  // The observer wants every loader's input batches (RunObserver::WantsLoaderInput); set once
  // before the workers start.
  bool watch_loader_input_ = false;
  Status first_error_;
  std::string failed_node_;
  std::chrono::steady_clock::time_point start_;
  // The same instant on the wall clock and on the executor's steady clock (NowNs), to give node
  // metrics wall-clock start and end times from steady measurements.
  int64_t wall_anchor_ms_ = 0;
  int64_t steady_anchor_ns_ = 0;
};

}  // namespace logidata
