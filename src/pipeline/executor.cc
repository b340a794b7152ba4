#include "pipeline/executor.h"
#include "pipeline/executor_node_runtime.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <random>
#include <thread>

#include "types/freed_heap.h"

namespace logidata {

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

BatchPtr WithSequence(const BatchPtr& batch, uint64_t sequence) {
  if (batch->sequence() == sequence) return batch;
  auto copy = std::make_shared<Batch>(*batch);
  copy->set_sequence(sequence);
  return copy;
}

template <typename T>
void AtomicMax(std::atomic<T>& target, T value) {
  T cur = target.load(std::memory_order_relaxed);
  while (value > cur && !target.compare_exchange_weak(cur, value, std::memory_order_relaxed)) {
  }
}

// Forwards operator log lines to the run observer.
class ObserverLogger final : public RunLogger {
 public:
  explicit ObserverLogger(RunObserver* observer) : observer_(observer) {}
  void Log(LogLevel level, const std::string& node_id, const std::string& message) override {
    if (observer_ != nullptr) observer_->OnLog(level, node_id, message);
  }

 private:
  RunObserver* observer_;
};

}  // namespace

std::string_view NodeStatusName(NodeStatus status) {
  switch (status) {
    case NodeStatus::kPending: return "pending";
    case NodeStatus::kRunning: return "running";
    case NodeStatus::kSucceeded: return "succeeded";
    case NodeStatus::kFailed: return "failed";
    case NodeStatus::kCancelled: return "cancelled";
    case NodeStatus::kSkipped: return "skipped";
  }
  return "unknown";
}

// Collects (Consume) or forwards (Produce) one node's output batches.
class Executor::NodeEmitter final : public Emitter {
 public:
  NodeEmitter(Executor* exec, WorkerContext* w, int node, bool collect)
      : exec_(exec), w_(w), node_(node), collect_(collect) {}

  Status Emit(int port, BatchPtr batch) override {
    NodeRuntime& n = *exec_->nodes_[static_cast<size_t>(node_)];
    if (port < 0 || static_cast<size_t>(port) >= n.next_seq.size()) {
      return Status::Internal("node '" + n.ctx.node_id + "' emitted on unknown output port " + std::to_string(port));
    }
    if (collect_) {
      if (collected_.size() <= static_cast<size_t>(port)) collected_.resize(static_cast<size_t>(port) + 1);
      collected_[static_cast<size_t>(port)].push_back(std::move(batch));
      return Status::OK();
    }
    uint64_t seq;
    if (n.parallelism > 1) {
      seq = n.produce_seq_base[static_cast<size_t>(port)] + batch->sequence();
    } else {
      seq = n.next_seq[static_cast<size_t>(port)]->fetch_add(1, std::memory_order_relaxed);
    }
    return exec_->EmitFromNode(*w_, node_, port, WithSequence(batch, seq));
  }

  std::vector<std::vector<BatchPtr>>& collected() { return collected_; }

 private:
  Executor* exec_;
  WorkerContext* w_;
  int node_;
  bool collect_;
  std::vector<std::vector<BatchPtr>> collected_;
};

Executor::Executor(BoundPipeline& pipeline, ExecutorOptions options)
    : pipeline_(pipeline), options_(std::move(options)) {}

Executor::~Executor() = default;

bool Executor::ShouldStop() const {
  return stop_.load(std::memory_order_relaxed) || failed_.load(std::memory_order_relaxed) ||
         stop_early_.load(std::memory_order_relaxed) ||
         (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed));
}

void Executor::Fail(int node, const Status& status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_.load()) {
      NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
      first_error_ = status.WithContext("node '" + n.ctx.node_id + "'");
      failed_node_ = n.ctx.node_id;
      failed_.store(true);
      stop_.store(true);
      {
        std::lock_guard<std::mutex> elock(n.error_mu);
        n.error = status.message();
      }
      n.status.store(static_cast<int>(NodeStatus::kFailed));
      if (options_.observer != nullptr) options_.observer->OnNodeStatus(n.ctx.node_id, NodeStatus::kFailed, status.message());
    }
  }
  cv_.notify_all();
}

Executor::WorkerContext* Executor::NewDrainContext() {
  auto ctx = std::make_unique<WorkerContext>();
  ctx->index = static_cast<int>(workers_.size() + drain_contexts_.size());
  ctx->states.resize(nodes_.size());
  ctx->state_made.assign(nodes_.size(), false);
  drain_contexts_.push_back(std::move(ctx));
  return drain_contexts_.back().get();
}

OperatorState* Executor::StateFor(WorkerContext& w, int node) {
  size_t i = static_cast<size_t>(node);
  if (!w.state_made[i]) {
    w.state_made[i] = true;
    NodeRuntime& n = *nodes_[i];
    w.states[i] = n.op->MakeThreadState();
    std::lock_guard<std::mutex> lock(n.states_mu);
    n.all_states.push_back(w.states[i].get());
  }
  return w.states[i].get();
}

Status Executor::Prepare() {
  PhysicalPlanOptions planning;
  planning.memory_budget_bytes = options_.memory_budget_bytes;
  planning.spill_root = options_.spill_dir.empty()
                            ? std::filesystem::temp_directory_path() / ("logidata-spill-" + options_.run_id)
                            : std::filesystem::path(options_.spill_dir);
  planning.capture_node = options_.capture_node;
  LD_ASSIGN_OR_RETURN(plan_, PlanPhysical(pipeline_, planning));

  for (size_t i = 0; i < pipeline_.nodes.size(); ++i) {
    auto rt = std::make_unique<NodeRuntime>();
    BoundNode& node = pipeline_.nodes[i];
    const PhysicalNode& plan = plan_.nodes[i];
    rt->index = static_cast<int>(i);
    rt->bound = &node;
    rt->op = node.op.get();
    rt->plan = &plan;
    rt->ctx.run_id = options_.run_id;
    rt->ctx.evolve_target_columns = options_.evolve_target_columns;
    rt->ctx.pipeline_id = options_.pipeline_id;
    rt->ctx.node_id = node.spec->id;
    if (rt->op == nullptr) {
      nodes_.push_back(std::move(rt));
      continue;
    }
    if (plan.required_columns) rt->op->SetRequiredColumns(*plan.required_columns);
    rt->ctx.num_threads = options_.threads;
    rt->ctx.memory_budget_bytes = plan.memory_budget_bytes;
    rt->ctx.spill_dir = plan.spill_dir;
    rt->ctx.cancelled = &stop_;
    rt->ctx.connections = options_.connections;
    rt->ctx.state = options_.state;
    rt->ctx.fs = options_.fs != nullptr ? options_.fs : &LocalFileSystem();
    rt->ctx.sandbox = options_.sandbox;
    rt->ctx.params = &pipeline_.params;
    rt->ctx.shared = options_.shared;
    const size_t ports = node.input_edges.size();
    rt->port_finished.assign(ports, false);
    rt->ports_unfinished = static_cast<int>(ports);
    rt->reorder.resize(ports);
    rt->parked.resize(ports);
    for (size_t p = 0; p < ports; ++p) {
      if (plan.ordered_input[p]) rt->reorder[p] = std::make_unique<NodeRuntime::Reorder>();
      if (!plan.parked_until[p]) continue;
      if (rt->parked_spill == nullptr) rt->parked_spill = std::make_unique<SpillDirectory>(rt->ctx.fs, plan.spill_dir, "parked");
      rt->parked[p] = std::make_unique<NodeRuntime::ParkedPort>();
      rt->parked[p]->held = std::make_unique<ParkedInput>(rt->parked_spill.get(), node.input_schemas[p], plan.parked_budget_bytes);
    }
    for (int p = 0; p < plan.output_ports; ++p) {
      rt->next_seq.push_back(std::make_unique<std::atomic<uint64_t>>(0));
      rt->produce_seq_base.push_back(0);
    }
    nodes_.push_back(std::move(rt));
  }
  return Status::OK();
}

bool Executor::WaitUnlessStopped(double seconds) {
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  std::unique_lock<std::mutex> lock(mu_);
  while (!ShouldStop()) {
    if (cv_.wait_until(lock, std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(100))) ==
            std::cv_status::timeout &&
        std::chrono::steady_clock::now() >= until) {
      break;
    }
  }
  return !ShouldStop();
}

void Executor::OpenNodes() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int v : pipeline_.topo_order) {
    NodeRuntime& n = *nodes_[static_cast<size_t>(v)];
    if (n.op == nullptr) continue;
    const RetryPolicy& retry = n.bound->spec->policy.retry;
    n.opening_ns.store(NowNs());
    Status st;
    for (int attempt = 1;; ++attempt) {
      st = n.op->Open(n.ctx);
      if (st.ok() || !st.IsUnavailable() || attempt >= retry.max_attempts || ShouldStop()) break;
      double wait = RetryBackoffSeconds(retry, attempt, std::uniform_real_distribution<double>(0, 1)(rng));
      n.ctx.Log(LogLevel::kWarn, "opening failed (attempt " + std::to_string(attempt) + " of " +
                                     std::to_string(retry.max_attempts) + "): " + st.message() + "; retrying in " +
                                     nlohmann::json(std::round(wait * 10) / 10).dump() + " s");
      if (!WaitUnlessStopped(wait)) break;
    }
    n.opening_ns.store(-1);
    if (!st.ok()) {
      if (!(st.IsCancelled() && ShouldStop())) Fail(v, st);
      return;
    }
    if (ShouldStop()) return;
    bool any_ordered = false;
    for (const auto& r : n.reorder) any_ordered |= r != nullptr;
    if (any_ordered) {
      n.ordered_state = n.op->MakeThreadState();
      n.all_states.push_back(n.ordered_state.get());
    }
  }
}

void Executor::CheckStopsAndTimeouts() {
  if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed) && !stop_.load()) {
    stop_.store(true);
    cv_.notify_all();
  }
  const int64_t now = NowNs();
  for (const auto& n : nodes_) {
    if (n->op == nullptr) continue;
    const double limit = n->bound->spec->policy.timeout_seconds;
    if (limit <= 0 || n->done_ns.load() >= 0) continue;
    int64_t since = n->first_ns.load();
    if (since < 0) since = n->opening_ns.load();
    if (since < 0 || static_cast<double>(now - since) / 1e9 <= limit) continue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (failed_.load()) return;
      timed_out_ = true;
    }
    Fail(n->index, Status::Unavailable("timed out after " + nlohmann::json(limit).dump() +
                                       " s (the node's timeout_seconds)"));
    return;
  }
}

void Executor::MaybeScheduleProduce(int node) {
  // REQUIRES: mu_ held.
  NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
  if (n.op == nullptr || n.produce_scheduled || n.ports_unfinished > 0) return;
  for (auto [other, port] : n.plan->required_before_produce) {
    if (!nodes_[static_cast<size_t>(other)]->port_finished[static_cast<size_t>(port)]) return;
  }
  n.produce_scheduled = true;
  // Asked only now, after Open and every FinishPort: how many threads may produce depends on what
  // the input turned out to be (a sort that spilled merges differently from one that did not).
  n.parallelism = std::clamp(n.op->MaxProduceParallelism(), 1, std::max(1, options_.threads));
  n.produce_slots_active = n.parallelism;
  for (size_t p = 0; p < n.next_seq.size(); ++p) n.produce_seq_base[p] = n.next_seq[p]->load();
  for (int s = 0; s < n.parallelism; ++s) runnable_slots_.push_back(node);
  cv_.notify_all();
}

Status Executor::EmitFromNode(WorkerContext& w, int node, int port, BatchPtr batch) {
  NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
  n.rows_out.fetch_add(batch->num_rows(), std::memory_order_relaxed);
  n.batches_out.fetch_add(1, std::memory_order_relaxed);
  n.bytes_out.fetch_add(batch->ByteSize(), std::memory_order_relaxed);
  AtomicMax<uint64_t>(*n.next_seq[static_cast<size_t>(port)], batch->sequence() + 1);
  if (node == options_.capture_node && port == options_.capture_port && options_.capture) {
    if (!options_.capture(batch)) {
      stop_early_.store(true);
      stop_.store(true);
      cv_.notify_all();
    }
  }
  for (int e : n.bound->output_edges[static_cast<size_t>(port)]) {
    const BoundEdge& edge = pipeline_.edges[static_cast<size_t>(e)];
    LD_RETURN_IF_ERROR(Deliver(w, edge.target_node, edge.target_port, batch));
  }
  return Status::OK();
}

Status Executor::Deliver(WorkerContext& w, int node, int port, const BatchPtr& batch) {
  NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
  if (n.op == nullptr) return Status::OK();  // preview: unbound downstream nodes
  if (ShouldStop()) return Status::Cancelled("stopping");
  n.rows_in.fetch_add(batch->num_rows(), std::memory_order_relaxed);
  if (watch_loader_input_ && n.bound->module->kind == ModuleKind::kLoad) {
    options_.observer->OnLoaderInput(n.ctx.node_id, *batch);
  }
  if (auto* parked = n.parked[static_cast<size_t>(port)].get()) {
    std::lock_guard<std::mutex> lock(parked->mu);
    if (!parked->open) {
      auto change = parked->held->Hold(batch);
      if (!change.ok()) {
        Fail(node, change.status().WithContext("holding input port " + std::to_string(port) +
                                               " until the node's other inputs finish"));
        return Status::Cancelled("stopping");
      }
      int64_t held = n.parked_bytes.fetch_add(*change, std::memory_order_relaxed) + *change;
      AtomicMax(n.peak_memory, held);
      return Status::OK();
    }
  }
  return DeliverInOrder(w, node, port, batch);
}

Status Executor::DeliverInOrder(WorkerContext& w, int node, int port, const BatchPtr& batch) {
  NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
  auto& reorder = n.reorder[static_cast<size_t>(port)];
  if (reorder == nullptr) return ConsumeNow(w, node, port, batch);
  std::lock_guard<std::mutex> lock(reorder->mu);
  reorder->pending.emplace(batch->sequence(), batch);
  while (!reorder->pending.empty() && reorder->pending.begin()->first <= reorder->next) {
    BatchPtr next = std::move(reorder->pending.begin()->second);
    reorder->pending.erase(reorder->pending.begin());
    reorder->next = std::max(reorder->next, next->sequence() + 1);
    LD_RETURN_IF_ERROR(ConsumeNow(w, node, port, next));
  }
  return Status::OK();
}

Status Executor::ConsumeNow(WorkerContext& w, int node, int port, const BatchPtr& batch) {
  NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
  if (n.first_ns.load(std::memory_order_relaxed) < 0) {
    int64_t expected = -1;
    if (n.first_ns.compare_exchange_strong(expected, NowNs())) {
      n.status.store(static_cast<int>(NodeStatus::kRunning));
      if (options_.observer != nullptr) options_.observer->OnNodeStatus(n.ctx.node_id, NodeStatus::kRunning, "");
    }
  }
  OperatorState* state = n.reorder[static_cast<size_t>(port)] != nullptr ? n.ordered_state.get() : StateFor(w, node);
  NodeEmitter emitter(this, &w, node, /*collect=*/true);
  // Exclusive busy time: pause the caller's clock while this node works.
  int64_t now = NowNs();
  if (!w.timer_stack.empty()) nodes_[static_cast<size_t>(w.timer_stack.back())]->busy_ns += now - w.timer_mark;
  w.timer_stack.push_back(node);
  w.timer_mark = now;
  Status st;
  try {
    st = n.op->Consume(port, batch, state, emitter);
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("operator threw: ") + e.what());
  }
  now = NowNs();
  n.busy_ns += now - w.timer_mark;
  w.timer_stack.pop_back();
  w.timer_mark = now;
  if (!st.ok()) {
    if (!st.IsCancelled() || !ShouldStop()) Fail(node, st);
    return Status::Cancelled("stopping");
  }
  if (!n.plan->emits_on_consume[static_cast<size_t>(port)]) {
    for (const auto& port_batches : emitter.collected()) {
      if (!port_batches.empty()) {
        Fail(node, Status::Internal("operator emitted output from Consume although EmitsOnConsume() is false"));
        return Status::Cancelled("stopping");
      }
    }
    return Status::OK();
  }
  // Exactly one batch per output port per input batch, so sequence numbers stay contiguous.
  auto& collected = emitter.collected();
  for (size_t p = 0; p < n.next_seq.size(); ++p) {
    if (n.bound->output_edges[p].empty() && !(node == options_.capture_node && static_cast<int>(p) == options_.capture_port)) {
      if (p < collected.size()) {
        for (const auto& b : collected[p]) {
          n.rows_out.fetch_add(b->num_rows(), std::memory_order_relaxed);
        }
      }
      continue;
    }
    BatchPtr out;
    if (p >= collected.size() || collected[p].empty()) {
      out = Batch::Empty(n.op->output_schemas()[p]);
    } else if (collected[p].size() == 1) {
      out = std::move(collected[p][0]);
    } else {
      out = ConcatBatches(collected[p]);
    }
    uint64_t seq = n.plan->multi_emitting_inputs ? n.next_seq[p]->fetch_add(1, std::memory_order_relaxed) : batch->sequence();
    LD_RETURN_IF_ERROR(EmitFromNode(w, node, static_cast<int>(p), WithSequence(out, seq)));
  }
  return Status::OK();
}

void Executor::RunProduceSlot(int worker, int node) {
  WorkerContext& w = *workers_[static_cast<size_t>(worker)];
  NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
  if (n.first_ns.load() < 0) {
    int64_t expected = -1;
    if (n.first_ns.compare_exchange_strong(expected, NowNs())) {
      n.status.store(static_cast<int>(NodeStatus::kRunning));
      if (options_.observer != nullptr) options_.observer->OnNodeStatus(n.ctx.node_id, NodeStatus::kRunning, "");
    }
  }
  OperatorState* state = StateFor(w, node);
  NodeEmitter emitter(this, &w, node, /*collect=*/false);
  while (!ShouldStop()) {
    if (n.plan->is_source && options_.source_row_limit > 0 && n.rows_out.load() >= options_.source_row_limit) break;
    int64_t now = NowNs();
    w.timer_stack.push_back(node);
    w.timer_mark = now;
    Result<bool> more = false;
    try {
      more = n.op->Produce(state, emitter);
    } catch (const std::exception& e) {
      more = Status::Internal(std::string("operator threw: ") + e.what());
    }
    n.busy_ns += NowNs() - w.timer_mark;
    w.timer_stack.pop_back();
    if (n.plan->memory_budget_bytes > 0) ReturnFreedHeapAfterDrop(n.op->MemoryUsage(), &n.memory_high_since_heap_return);
    if (!more.ok()) {
      if (!more.status().IsCancelled() || !ShouldStop()) Fail(node, more.status());
      break;
    }
    if (!*more) break;
  }
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last = --n.produce_slots_active == 0;
  }
  if (last && !ShouldStop()) NodeOutputDone(node);
}

void Executor::NodeOutputDone(int node) {
  NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
  n.done_ns.store(NowNs());
  if (n.first_ns.load() < 0) n.first_ns.store(n.done_ns.load());
  n.status.store(static_cast<int>(NodeStatus::kSucceeded));
  if (options_.observer != nullptr) options_.observer->OnNodeStatus(n.ctx.node_id, NodeStatus::kSucceeded, "");
  for (const auto& edges : n.bound->output_edges) {
    for (int e : edges) {
      const BoundEdge& edge = pipeline_.edges[static_cast<size_t>(e)];
      FinishInputPort(edge.target_node, edge.target_port);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  n.output_done = true;
  if (--nodes_remaining_ == 0) finished_ = true;
  cv_.notify_all();
}

void Executor::FinishInputPort(int node, int port) {
  NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
  if (n.op == nullptr || ShouldStop()) return;
  if (auto* parked = n.parked[static_cast<size_t>(port)].get()) {
    std::lock_guard<std::mutex> lock(parked->mu);
    if (!parked->open) {  // finished once its held batches have been delivered (OpenParkedPorts)
      parked->finish_pending = true;
      return;
    }
  }
  {
    std::lock_guard<std::mutex> finish_lock(n.finish_mu);
    auto& reorder = n.reorder[static_cast<size_t>(port)];
    if (reorder != nullptr) {
      // Deliver anything still waiting for a gap that will never be filled, in order.
      std::lock_guard<std::mutex> lock(reorder->mu);
      if (!reorder->pending.empty()) {
        WorkerContext* w = nullptr;
        {
          std::lock_guard<std::mutex> schedule_lock(mu_);
          w = NewDrainContext();
        }
        for (auto& [seq, batch] : reorder->pending) {
          if (!ConsumeNow(*w, node, port, batch).ok()) return;
        }
        reorder->pending.clear();
      }
    }
    std::vector<OperatorState*> states;
    {
      std::lock_guard<std::mutex> lock(n.states_mu);
      states = n.all_states;
    }
    Status st;
    try {
      int64_t t0 = NowNs();
      st = n.op->FinishPort(port, states);
      n.busy_ns += NowNs() - t0;
    } catch (const std::exception& e) {
      st = Status::Internal(std::string("operator threw: ") + e.what());
    }
    if (!st.ok()) {
      Fail(node, st);
      return;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    n.port_finished[static_cast<size_t>(port)] = true;
    --n.ports_unfinished;
    // Finishing a port can unblock this node and any node waiting on it.
    for (size_t v = 0; v < nodes_.size(); ++v) MaybeScheduleProduce(static_cast<int>(v));
  }
  OpenParkedPorts(node);
}

void Executor::OpenParkedPorts(int node) {
  NodeRuntime& n = *nodes_[static_cast<size_t>(node)];
  for (size_t p = 0; p < n.parked.size(); ++p) {
    auto* parked = n.parked[p].get();
    if (parked == nullptr) continue;
    WorkerContext* w = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const std::vector<int>& waits_for = *n.plan->parked_until[p];
      bool ready = std::all_of(waits_for.begin(), waits_for.end(),
                               [&](int r) { return n.port_finished[static_cast<size_t>(r)]; });
      if (!ready) continue;
      w = NewDrainContext();  // the thread that opens the port delivers the held batches with it
    }
    bool finish = false;
    {
      std::lock_guard<std::mutex> lock(parked->mu);
      if (parked->open) continue;
      const int64_t held = parked->held->bytes_in_memory();
      Status released = parked->held->Release([&](const BatchPtr& batch) {
        return ShouldStop() ? Status::Cancelled("stopping") : DeliverInOrder(*w, node, static_cast<int>(p), batch);
      });
      if (!released.ok()) {
        if (!released.IsCancelled()) Fail(node, released);
        return;
      }
      n.parked_bytes.fetch_sub(held, std::memory_order_relaxed);
      parked->open = true;
      finish = parked->finish_pending;
    }
    if (finish) FinishInputPort(node, static_cast<int>(p));
  }
}

void Executor::WorkerLoop(int worker) {
  while (true) {
    int node = -1;
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (true) {
        if (finished_) return;
        if (ShouldStop() && active_slots_ == 0) return;
        if (!runnable_slots_.empty() && !ShouldStop()) break;
        if (runnable_slots_.empty() && active_slots_ == 0 && !ShouldStop()) {
          // Nothing runs and nothing can start: a scheduling bug or an unsatisfiable dependency.
          std::string waiting;
          for (const auto& n : nodes_) {
            if (n->op != nullptr && !n->output_done) waiting += (waiting.empty() ? "" : ", ") + n->ctx.node_id;
          }
          lock.unlock();
          Fail(pipeline_.topo_order.empty() ? 0 : pipeline_.topo_order.front(),
               Status::Internal("pipeline stalled; nodes still waiting: " + waiting));
          lock.lock();
          continue;
        }
        cv_.wait_for(lock, std::chrono::milliseconds(50));
      }
      node = runnable_slots_.back();
      runnable_slots_.pop_back();
      ++active_slots_;
    }
    RunProduceSlot(worker, node);
    {
      std::lock_guard<std::mutex> lock(mu_);
      --active_slots_;
    }
    cv_.notify_all();
  }
}

std::map<std::string, NodeMetrics> Executor::Snapshot() {
  std::map<std::string, NodeMetrics> out;
  int64_t now = NowNs();
  for (const auto& n : nodes_) {
    NodeMetrics m;
    m.status = static_cast<NodeStatus>(n->status.load());
    m.rows_in = n->rows_in.load();
    m.rows_out = n->rows_out.load();
    m.batches_out = n->batches_out.load();
    m.bytes_out = n->bytes_out.load();
    m.busy_seconds = static_cast<double>(n->busy_ns.load()) / 1e9;
    int64_t first = n->first_ns.load();
    int64_t done = n->done_ns.load();
    if (first >= 0) {
      m.wall_seconds = static_cast<double>((done >= 0 ? done : now) - first) / 1e9;
      m.started_at_ms = wall_anchor_ms_ + (first - steady_anchor_ns_) / 1000000;
      if (done >= 0) m.finished_at_ms = wall_anchor_ms_ + (done - steady_anchor_ns_) / 1000000;
    }
    if (n->op != nullptr) {
      int64_t mem = n->op->MemoryUsage() + n->parked_bytes.load(std::memory_order_relaxed);
      int64_t peak = n->peak_memory.load();
      while (mem > peak && !n->peak_memory.compare_exchange_weak(peak, mem)) {
      }
    }
    m.peak_memory_bytes = n->peak_memory.load();
    if (n->op != nullptr && n->plan->is_source) {
      m.progress = m.status == NodeStatus::kSucceeded ? 1.0 : n->op->ProgressFraction();
    }
    {
      std::lock_guard<std::mutex> lock(n->error_mu);
      m.error = n->error;
    }
    out[n->ctx.node_id] = std::move(m);
  }
  return out;
}

RunResult Executor::Run() {
  RunResult result;
  start_ = std::chrono::steady_clock::now();
  steady_anchor_ns_ = NowNs();
  wall_anchor_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  MemoryTracker::ResetPeak();
  options_.threads = std::max(1, options_.threads);
  ObserverLogger logger(options_.observer);
  Status prepared = Prepare();
  for (auto& n : nodes_) n->ctx.logger = &logger;
  // Previews (no commit) are not measured: they see a sample, not a run.
  watch_loader_input_ = options_.observer != nullptr && options_.commit && options_.observer->WantsLoaderInput();
  if (!prepared.ok()) {
    for (auto& node : pipeline_.nodes) {
      if (node.op != nullptr) node.op->Abort();
    }
    result.status = prepared;
    result.failed_node = failed_node_;
    result.nodes = Snapshot();
    return result;
  }
  for (int t = 0; t < options_.threads; ++t) {
    auto w = std::make_unique<WorkerContext>();
    w->index = t;
    w->states.resize(nodes_.size());
    w->state_made.assign(nodes_.size(), false);
    workers_.push_back(std::move(w));
  }

  // Progress snapshots and the watchdog (cancel, node timeouts) run from before the nodes open,
  // so a node stuck connecting is cancelled or timed out like one stuck reading.
  std::mutex progress_mu;
  std::condition_variable progress_cv;
  bool progress_stop = false;
  const int tick_ms = std::max(20, options_.progress_interval_ms);
  std::thread progress([&] {
    std::unique_lock<std::mutex> lock(progress_mu);
    auto next_progress = std::chrono::steady_clock::now();
    while (!progress_cv.wait_for(lock, std::chrono::milliseconds(std::min(tick_ms, 100)), [&] { return progress_stop; })) {
      lock.unlock();
      CheckStopsAndTimeouts();
      if (std::chrono::steady_clock::now() >= next_progress) {
        next_progress = std::chrono::steady_clock::now() + std::chrono::milliseconds(tick_ms);
        auto snapshot = Snapshot();
        if (options_.observer != nullptr) options_.observer->OnProgress(snapshot);
      }
      lock.lock();
    }
  });
  OpenNodes();
  const bool stopped_while_opening = ShouldStop();
  if (!stopped_while_opening) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& n : nodes_) nodes_remaining_ += n->op != nullptr;
    if (nodes_remaining_ == 0) finished_ = true;
    for (size_t v = 0; v < nodes_.size(); ++v) MaybeScheduleProduce(static_cast<int>(v));
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < options_.threads; ++t) threads.emplace_back([this, t] { WorkerLoop(t); });
  for (auto& t : threads) t.join();
  {
    std::lock_guard<std::mutex> lock(progress_mu);
    progress_stop = true;
  }
  progress_cv.notify_all();
  progress.join();

  bool cancelled = options_.cancel != nullptr && options_.cancel->load();
  Status status;
  if (failed_.load() && !(cancelled && first_error_.IsCancelled())) {
    status = first_error_;
    result.timed_out = timed_out_;
  } else if (cancelled && (!finished_ || stopped_while_opening || failed_.load())) {
    status = Status::Cancelled("run cancelled");
  }
  if (status.ok() && options_.commit && options_.observer != nullptr) {
    status = options_.observer->OnBeforePublish(Snapshot());
  }
  if (status.ok() && options_.commit) status = PublishOutputs(result);
  if (!status.ok() || !options_.commit) {
    for (auto it = pipeline_.topo_order.rbegin(); it != pipeline_.topo_order.rend(); ++it) {
      NodeRuntime& n = *nodes_[static_cast<size_t>(*it)];
      if (n.op != nullptr) n.op->Abort();
      auto s = static_cast<NodeStatus>(n.status.load());
      if (!status.ok() && (s == NodeStatus::kRunning || s == NodeStatus::kPending)) {
        n.status.store(static_cast<int>(NodeStatus::kCancelled));
        if (options_.observer != nullptr) options_.observer->OnNodeStatus(n.ctx.node_id, NodeStatus::kCancelled, "");
      }
    }
  }
  std::error_code ec;
  if (options_.spill_dir.empty()) {
    std::filesystem::remove_all(std::filesystem::temp_directory_path() / ("logidata-spill-" + options_.run_id), ec);
  }
  result.status = status;
  result.failed_node = status.ok() ? "" : failed_node_;
  result.nodes = Snapshot();
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  result.peak_memory_bytes = MemoryTracker::PeakBytes();
  if (options_.observer != nullptr) options_.observer->OnProgress(result.nodes);
  return result;
}

}  // namespace logidata
