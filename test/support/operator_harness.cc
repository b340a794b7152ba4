#include "support/operator_harness.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "support/test_batches.h"

namespace logidata::testing {

Result<std::unique_ptr<Operator>> BindModule(const ModuleRegistry& registry, const std::string& key,
                                             const nlohmann::json& config, std::vector<SchemaPtr> input_schemas,
                                             const std::string& base_dir) {
  auto dot = key.find('.');
  LD_ASSIGN_OR_RETURN(const ModuleDescriptor* desc, registry.Find(key.substr(0, dot), key.substr(dot + 1)));
  static const ParameterMap kNoParams;
  BindContext ctx;
  ctx.node_id = "node";
  ctx.config = &config;
  ctx.input_schemas = std::move(input_schemas);
  ctx.params = &kNoParams;
  ctx.fs = &LocalFileSystem();
  ctx.base_dir = base_dir;
  return desc->factory(ctx);
}

namespace {

class CollectingEmitter final : public Emitter {
 public:
  CollectingEmitter(std::mutex* mu, std::vector<std::vector<std::pair<uint64_t, BatchPtr>>>* out, uint64_t sequence,
                    bool keep_sequence)
      : mu_(mu), out_(out), sequence_(sequence), keep_sequence_(keep_sequence) {}
  Status Emit(int port, BatchPtr batch) override {
    if (port < 0) return Status::Internal("negative output port");
    std::lock_guard<std::mutex> lock(*mu_);
    if (static_cast<size_t>(port) >= out_->size()) out_->resize(static_cast<size_t>(port) + 1);
    uint64_t seq = keep_sequence_ ? batch->sequence() : sequence_;
    (*out_)[static_cast<size_t>(port)].emplace_back(seq, std::move(batch));
    return Status::OK();
  }
  void set_sequence(uint64_t s) { sequence_ = s; }
  uint64_t next_sequence() { return sequence_++; }

 private:
  std::mutex* mu_;
  std::vector<std::vector<std::pair<uint64_t, BatchPtr>>>* out_;
  uint64_t sequence_;
  bool keep_sequence_;
};

BatchPtr Stamp(const BatchPtr& batch, uint64_t seq) {
  auto copy = std::make_shared<Batch>(batch->schema(), batch->columns(), batch->num_rows());
  copy->set_sequence(seq);
  return copy;
}

}  // namespace

Result<std::vector<std::vector<BatchPtr>>> RunOperator(Operator& op, const std::vector<std::vector<BatchPtr>>& inputs,
                                                       const HarnessOptions& options) {
  std::atomic<bool> cancelled{false};
  ExecContext ctx;
  // Every call is a run of its own: loaders keep an exactly-once ledger keyed by run id, so a
  // shared id would make a test's second load a no-op "retry" of its first.
  static std::atomic<int64_t> runs{0};
  ctx.run_id = "test-run-" + std::to_string(getpid()) + "-" + std::to_string(runs.fetch_add(1));
  ctx.node_id = "node";
  ctx.num_threads = std::max(1, options.threads);
  ctx.memory_budget_bytes = options.memory_budget_bytes;
  ctx.spill_dir = options.spill_dir.empty() ? TempDir("spill") : options.spill_dir;
  ctx.cancelled = &cancelled;
  ctx.connections = options.connections;
  ctx.evolve_target_columns = options.evolve_target_columns;
  ctx.state = options.state;
  ctx.fs = &LocalFileSystem();
  ctx.params = &options.params;
  ctx.logger = options.logger;

  Status status = op.Open(ctx);
  if (!status.ok()) {
    op.Abort();
    return status;
  }
  const int threads = ctx.num_threads;
  std::vector<std::unique_ptr<OperatorState>> states;
  std::vector<OperatorState*> state_ptrs;
  for (int t = 0; t < threads; ++t) {
    states.push_back(op.MakeThreadState());
    state_ptrs.push_back(states.back().get());
  }
  std::mutex mu;
  std::vector<std::vector<std::pair<uint64_t, BatchPtr>>> collected;
  auto fail = [&](Status s) -> Result<std::vector<std::vector<BatchPtr>>> {
    op.Abort();
    return s;
  };

  // Finish ports in an order that respects PortsRequiredBefore.
  const int num_ports = static_cast<int>(inputs.size());
  std::set<int> finished;
  std::vector<int> order;
  while (static_cast<int>(order.size()) < num_ports) {
    bool progressed = false;
    for (int p = 0; p < num_ports; ++p) {
      if (finished.count(p)) continue;
      auto deps = op.PortsRequiredBefore(p);
      if (std::all_of(deps.begin(), deps.end(), [&](int d) { return finished.count(d) > 0; })) {
        order.push_back(p);
        finished.insert(p);
        progressed = true;
      }
    }
    if (!progressed) return fail(Status::Internal("cyclic PortsRequiredBefore"));
  }

  for (int port : order) {
    const auto& batches = inputs[static_cast<size_t>(port)];
    if (op.RequiresOrderedInput(port) || threads == 1) {
      for (size_t i = 0; i < batches.size(); ++i) {
        CollectingEmitter emitter(&mu, &collected, i, false);
        Status s = op.Consume(port, Stamp(batches[i], i), state_ptrs[0], emitter);
        if (!s.ok()) return fail(s);
      }
    } else {
      std::atomic<size_t> next{0};
      std::vector<Status> results(static_cast<size_t>(threads));
      std::vector<std::thread> workers;
      for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
          for (size_t i = next++; i < batches.size(); i = next++) {
            CollectingEmitter emitter(&mu, &collected, i, false);
            Status s = op.Consume(port, Stamp(batches[i], i), state_ptrs[static_cast<size_t>(t)], emitter);
            if (!s.ok()) {
              results[static_cast<size_t>(t)] = s;
              return;
            }
          }
        });
      }
      for (auto& w : workers) w.join();
      for (const auto& s : results) {
        if (!s.ok()) return fail(s);
      }
    }
    Status s = op.FinishPort(port, state_ptrs);
    if (!s.ok()) return fail(s);
  }

  // Produce: numbered by the harness when sequential, by the operator when parallel.
  const int producers = std::min(threads, std::max(1, op.MaxProduceParallelism()));
  if (producers == 1) {
    CollectingEmitter emitter(&mu, &collected, 0, false);
    class Numbering final : public Emitter {
     public:
      explicit Numbering(CollectingEmitter* inner) : inner_(inner) {}
      Status Emit(int port, BatchPtr batch) override {
        inner_->set_sequence(next_++);
        return inner_->Emit(port, std::move(batch));
      }
     private:
      CollectingEmitter* inner_;
      uint64_t next_ = 1'000'000'000;  // after any Consume output
    } numbering(&emitter);
    while (true) {
      auto more = op.Produce(state_ptrs[0], numbering);
      if (!more.ok()) return fail(more.status());
      if (!*more) break;
    }
  } else {
    std::vector<Status> results(static_cast<size_t>(producers));
    std::vector<std::thread> workers;
    for (int t = 0; t < producers; ++t) {
      workers.emplace_back([&, t] {
        CollectingEmitter emitter(&mu, &collected, 0, true);
        while (true) {
          auto more = op.Produce(state_ptrs[static_cast<size_t>(t)], emitter);
          if (!more.ok()) {
            results[static_cast<size_t>(t)] = more.status();
            return;
          }
          if (!*more) return;
        }
      });
    }
    for (auto& w : workers) w.join();
    for (const auto& s : results) {
      if (!s.ok()) return fail(s);
    }
  }

  if (options.commit) {
    Status s = op.Commit();
    if (!s.ok()) return fail(s);
    s = op.AfterCommit();
    if (!s.ok()) return fail(s);
  } else {
    op.Abort();
  }

  std::vector<std::vector<BatchPtr>> out(std::max(collected.size(), op.output_schemas().size()));
  for (size_t p = 0; p < collected.size(); ++p) {
    auto& v = collected[p];
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [seq, b] : v) out[p].push_back(b);
  }
  return out;
}

}  // namespace logidata::testing
