// Operator: the physical contract every module implements. One operator instance runs one node
// of one pipeline run.
//
// Lifecycle (the executor drives it; a module's factory has already bound config and schemas):
//   Open(ctx)                 once, single-threaded, before any other call.
//   MakeThreadState()         once per worker thread that will call Produce/Consume.
//   Consume(port, batch, …)   for each input batch. CONCURRENT: several threads may call it at
//                             once, each with its own thread state. Must be thread-safe with
//                             respect to shared members.
//   FinishPort(port, states)  once per input port, after every Consume on that port returned.
//                             Receives all thread states created so far (merge them here; some
//                             may be null). No output may be emitted here. Calls for different
//                             ports never overlap, but FinishPort(p) may overlap Consume on
//                             another port q unless PortsRequiredBefore(q) contains p.
//   Produce(state, out)       sources: from the start; others: after every input port finished.
//                             Returns false when this thread has nothing more to produce. Called
//                             concurrently from up to MaxProduceParallelism() threads.
//   Commit()                  loaders only, once, after the whole run succeeded: publish.
//   AfterCommit()             once, after every node's Commit returned OK: sources confirm what
//                             they read (a replication slot's position), so input is only
//                             consumed once the loads that carry it are durable.
//   Abort()                   on failure or cancellation, instead of Commit: leave targets as
//                             they were. Must be safe to call at any point after Open.
//
// Output rules (so order-sensitive consumers can restore input order after parallel work):
//   * A Consume call emits zero or more batches per output port; the executor stamps them with
//     the input batch's sequence and merges several into one.
//   * Produce with MaxProduceParallelism() == 1: the executor numbers emitted batches 0, 1, 2…
//   * Produce with MaxProduceParallelism() > 1: the operator sets each batch's sequence itself,
//     using every number from 0 upward exactly once, in the order the data should appear.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "module/exec_context.h"
#include "types/batch.h"

namespace logidata {

// Per-thread scratch state of an operator (partial aggregates, reusable buffers…).
class OperatorState {
 public:
  virtual ~OperatorState() = default;
};

// Receives an operator's output batches. Not thread-safe: each thread has its own.
class Emitter {
 public:
  virtual ~Emitter() = default;
  // `port` indexes the module's declared output ports (0 = the main output).
  virtual Status Emit(int port, BatchPtr batch) = 0;
  Status Emit(BatchPtr batch) { return Emit(0, std::move(batch)); }
};

class Operator {
 public:
  virtual ~Operator() = default;

  // Output schema per output port, fixed at bind time. Loaders have none.
  const std::vector<SchemaPtr>& output_schemas() const { return output_schemas_; }

  virtual Status Open(ExecContext& ctx) { (void)ctx; return Status::OK(); }
  virtual std::unique_ptr<OperatorState> MakeThreadState() { return nullptr; }

  // Input side. Defaults suit sources (which have no inputs).
  virtual Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) {
    (void)port; (void)batch; (void)state; (void)out;
    return Status::Internal("operator has no inputs");
  }
  virtual Status FinishPort(int port, const std::vector<OperatorState*>& states) {
    (void)port; (void)states;
    return Status::OK();
  }
  // True when Consume on `port` may emit output (filter, join probe). False for operators that
  // only accumulate (aggregate, sort, join build, loaders).
  virtual bool EmitsOnConsume(int port) const { (void)port; return true; }
  // Input ports that must be finished before any batch arrives on `port` (a hash join's build
  // side before its probe side).
  virtual std::vector<int> PortsRequiredBefore(int port) const { (void)port; return {}; }
  // True when Consume on `port` needs batches in input order, one at a time (limit, keep-first
  // dedupe, file writers). The executor then serialises and reorders delivery by sequence.
  virtual bool RequiresOrderedInput(int port) const { (void)port; return false; }

  // Output side.
  virtual Result<bool> Produce(OperatorState* state, Emitter& out) {
    (void)state; (void)out;
    return false;
  }
  // How many threads may call Produce at once. Asked once, when the node becomes ready to produce:
  // for sources after Open, for other nodes after every FinishPort returned, so the answer may
  // depend on the input (a sort that spilled answers for its merge, not for its in-memory path).
  virtual int MaxProduceParallelism() const { return 1; }
  // Projection push-down, called before Open: only these output columns (by index into output
  // port 0's schema) will be read downstream; a source may skip decoding the others but must
  // still emit batches with the full schema (unread columns may be all-null).
  virtual void SetRequiredColumns(const std::vector<int>& columns) { (void)columns; }
  // Projection push-down, planning side: which columns of input `port` this operator reads when
  // downstream reads only `needed_outputs` of output port 0 (indices, sorted). nullopt = all of
  // them (the safe default). Called once, single-threaded, before Open.
  virtual std::optional<std::vector<int>> InputColumnsNeeded(int port, const std::vector<int>& needed_outputs) const {
    (void)port; (void)needed_outputs;
    return std::nullopt;
  }

  virtual Status Commit() { return Status::OK(); }
  // Called once, single-threaded, after every node of the run committed. A source confirms its
  // input here (and only here), so a run that fails or dies before its loads commit reads the
  // same input again. An error fails the run but cannot undo the loads already published.
  virtual Status AfterCommit() { return Status::OK(); }
  virtual void Abort() {}

  // True for operators that hold data up to ExecContext::memory_budget_bytes (and spill past it):
  // the planner divides the run's budget among these nodes only, so streaming nodes (filter,
  // derive, CSV writers) do not dilute the share of the ones that need it.
  virtual bool UsesMemoryBudget() const { return false; }

  // Bytes of state currently held (hash tables, buffered rows), for metrics and budgets.
  // Called from a monitoring thread: must be thread-safe (an atomic counter is enough).
  virtual int64_t MemoryUsage() const { return 0; }
  // Sources: fraction of the input consumed so far in [0, 1] (bytes read / total), or a negative
  // value when unknown. Drives progress bars. Thread-safe, like MemoryUsage().
  virtual double ProgressFraction() const { return -1; }

 protected:
  std::vector<SchemaPtr> output_schemas_;
};

}  // namespace logidata
