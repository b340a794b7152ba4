// The executor's per-node and per-worker run-time state: what changes while a pipeline runs.
// What does not change is in the node's PhysicalNode (physical_plan.h). Private to the executor's
// own source files.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/executor.h"
#include "pipeline/parked_input.h"

namespace logidata {

struct Executor::NodeRuntime {
  struct Reorder {
    std::mutex mu;
    uint64_t next = 0;
    std::map<uint64_t, BatchPtr> pending;
  };

  int index = 0;
  BoundNode* bound = nullptr;
  Operator* op = nullptr;
  const PhysicalNode* plan = nullptr;  // what the planner decided for this node (read-only)
  ExecContext ctx;
  std::vector<bool> port_finished;
  int ports_unfinished = 0;
  int parallelism = 1;  // produce slots; decided when produce is scheduled (MaybeScheduleProduce)
  bool produce_scheduled = false;
  int produce_slots_active = 0;
  bool output_done = false;
  std::vector<std::unique_ptr<Reorder>> reorder;  // per input port; null when unordered
  // An input port the plan parks (PhysicalNode::parked_until): its batches are held, in memory
  // and then on disk, until the ports it waits for have finished.
  struct ParkedPort {
    std::mutex mu;
    bool open = false;
    bool finish_pending = false;  // the port's feeder finished while it was closed
    std::unique_ptr<ParkedInput> held;
  };
  std::vector<std::unique_ptr<ParkedPort>> parked;  // per input port; null when delivered directly
  std::unique_ptr<SpillDirectory> parked_spill;     // where parked ports spill (the node's spill folder)
  std::atomic<int64_t> parked_bytes{0};             // held in memory by parked ports, shown as the node's memory
  std::unique_ptr<OperatorState> ordered_state;
  std::vector<std::unique_ptr<std::atomic<uint64_t>>> next_seq;  // per output port
  std::vector<uint64_t> produce_seq_base;                         // per output port
  std::mutex finish_mu;
  std::mutex states_mu;
  std::vector<OperatorState*> all_states;

  std::atomic<int64_t> rows_in{0}, rows_out{0}, batches_out{0}, bytes_out{0}, busy_ns{0};
  std::atomic<int64_t> first_ns{-1}, done_ns{-1}, peak_memory{0};
  std::atomic<int64_t> memory_high_since_heap_return{0};  // see types/freed_heap.h
  std::atomic<int64_t> opening_ns{-1};  // while Open runs: when it began (the timeout clock before first_ns)
  std::atomic<int> status{static_cast<int>(NodeStatus::kPending)};
  std::mutex error_mu;
  std::string error;
};

struct Executor::WorkerContext {
  int index = 0;
  std::vector<std::unique_ptr<OperatorState>> states;  // per node, created lazily
  std::vector<bool> state_made;
  std::vector<int> timer_stack;
  int64_t timer_mark = 0;
};

}  // namespace logidata
