// A minimal driver for operator micro-benchmarks: concurrent Consume, FinishPort, Produce on
// in-memory batches, shared by the blocking-transform benchmarks. Not a test harness: no checks
// beyond what the benchmarks print.
#pragma once

#include <benchmark/benchmark.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <thread>

#include "module/module_registry.h"
#include "transforms/transform_modules.h"
#include "types/column_builder.h"

namespace logidata::bench {

// --- Minimal executor for operator benchmarks: concurrent Consume, FinishPort, Produce. ---
class CountingEmitter final : public Emitter {
 public:
  Status Emit(int, BatchPtr batch) override {
    rows += batch->num_rows();
    return Status::OK();
  }
  int64_t rows = 0;
};

const ModuleRegistry& Registry() {
  static ModuleRegistry* r = [] {
    auto* reg = new ModuleRegistry();
    if (!RegisterBlockingTransforms(*reg).ok()) std::abort();
    return reg;
  }();
  return *r;
}

std::unique_ptr<Operator> Bind(const std::string& name, const nlohmann::json& config, std::vector<SchemaPtr> inputs) {
  BindContext ctx;
  ctx.node_id = "bench";
  ctx.config = &config;
  ctx.input_schemas = std::move(inputs);
  auto desc = Registry().Find(ModuleKind::kTransform, name);
  auto op = (*desc)->factory(ctx);
  if (!op.ok()) {
    std::fprintf(stderr, "bind failed: %s\n", op.status().ToString().c_str());
    std::abort();
  }
  return std::move(op).value();
}

// Runs `op` over `inputs[port]` (ports finished in the order given) with `threads` workers and
// returns the number of output rows.
int64_t RunOperator(Operator& op, const std::vector<std::vector<BatchPtr>>& inputs, const std::vector<int>& port_order,
                    int threads, int64_t budget = int64_t{1} << 40) {
  ExecContext ctx;
  ctx.node_id = "bench";
  ctx.num_threads = threads;
  ctx.memory_budget_bytes = budget;
  ctx.spill_dir = std::filesystem::temp_directory_path();
  ctx.fs = &LocalFileSystem();
  if (!op.Open(ctx).ok()) std::abort();
  std::vector<std::unique_ptr<OperatorState>> states;
  std::vector<OperatorState*> ptrs;
  for (int t = 0; t < threads; ++t) {
    states.push_back(op.MakeThreadState());
    ptrs.push_back(states.back().get());
  }
  std::vector<CountingEmitter> emitters(static_cast<size_t>(threads));
  for (int port : port_order) {
    const auto& batches = inputs[static_cast<size_t>(port)];
    std::atomic<size_t> next{0};
    auto work = [&](int t) {
      for (size_t i = next++; i < batches.size(); i = next++) {
        Status st = op.Consume(port, batches[i], ptrs[static_cast<size_t>(t)], emitters[static_cast<size_t>(t)]);
        if (!st.ok()) {
          std::fprintf(stderr, "%s\n", st.ToString().c_str());
          std::abort();
        }
      }
    };
    if (threads == 1 || op.RequiresOrderedInput(port)) {
      work(0);
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
      for (auto& th : pool) th.join();
    }
    if (!op.FinishPort(port, ptrs).ok()) std::abort();
  }
  const int producers = std::min(threads, std::max(1, op.MaxProduceParallelism()));
  auto produce = [&](int t) {
    while (true) {
      auto more = op.Produce(ptrs[static_cast<size_t>(t)], emitters[static_cast<size_t>(t)]);
      if (!more.ok()) std::abort();
      if (!*more) break;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < producers; ++t) pool.emplace_back(produce, t);
  produce(0);
  for (auto& th : pool) th.join();
  int64_t rows = 0;
  for (const auto& e : emitters) rows += e.rows;
  return rows;
}

// Batches of kTargetBatchRows rows numbered 0, 1, 2…
std::vector<BatchPtr> Chunk(const SchemaPtr& schema, int64_t rows,
                            const std::function<void(std::vector<ColumnBuilder>&, int64_t)>& row) {
  std::vector<BatchPtr> out;
  for (int64_t b = 0; b < rows; b += kTargetBatchRows) {
    const int64_t n = std::min(kTargetBatchRows, rows - b);
    std::vector<ColumnBuilder> builders;
    for (const auto& f : schema->fields()) builders.emplace_back(f.type, n);
    for (int64_t i = 0; i < n; ++i) row(builders, b + i);
    std::vector<ColumnPtr> cols;
    for (auto& bl : builders) cols.push_back(bl.Finish());
    auto batch = std::make_shared<Batch>(schema, std::move(cols), n);
    batch->set_sequence(static_cast<uint64_t>(out.size()));
    out.push_back(batch);
  }
  return out;
}

// CPU seconds used by the whole process: on a shared, loaded machine this is steadier than wall time.
double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Sets rows/s (wall) and rows/cpu-s (rows per CPU-second summed over threads).
void ReportRates(benchmark::State& state, double rows, double cpu_seconds) {
  state.counters["rows/s"] = benchmark::Counter(rows, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["rows/cpu-s"] = rows * static_cast<double>(state.iterations()) / cpu_seconds;
}

uint64_t Rand(uint64_t i, uint64_t salt) {
  uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ULL ^ salt;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 29;
  return x;
}

}  // namespace logidata::bench
