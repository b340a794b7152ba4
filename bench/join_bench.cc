// Benchmarks of transform.join on in-memory batches shaped like job J3: 10M orders (probe,
// customer_id + amount + country) joined with 1M customers (build, customer_id + name + segment).
// Reports probe rows/s at 1 and 2 threads, with all output columns or only those J3 reads, and
// with a budget that forces a grace hash join.
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
#include "operator_bench_driver.h"

namespace logidata {
namespace {

using namespace logidata::bench;  // NOLINT: the shared driver

constexpr int64_t kOrders = 10'000'000;
constexpr int64_t kCustomers = 1'000'000;
const char* kSegments[] = {"consumer", "small_business", "enterprise", "public_sector"};

const std::vector<BatchPtr>& Orders() {
  static const std::vector<BatchPtr> batches = [] {
    auto schema = MakeSchema({{"order_id", DataType::Int64()}, {"customer_id", DataType::Int64()},
                              {"country", DataType::String()}, {"amount", DataType::Float64()}});
    return Chunk(schema, kOrders, [](std::vector<ColumnBuilder>& b, int64_t i) {
      b[0].AppendInt64(i + 1);
      b[1].AppendInt64(static_cast<int64_t>(Rand(i, 1) % kCustomers) + 1);
      b[2].AppendString("US");
      b[3].AppendDouble(static_cast<double>(Rand(i, 3) % 50000) / 100.0);
    });
  }();
  return batches;
}

const std::vector<BatchPtr>& Customers() {
  static const std::vector<BatchPtr> batches = [] {
    auto schema = MakeSchema({{"customer_id", DataType::Int64()}, {"name", DataType::String()},
                              {"segment", DataType::String()}});
    return Chunk(schema, kCustomers, [](std::vector<ColumnBuilder>& b, int64_t i) {
      b[0].AppendInt64(i + 1);
      b[1].AppendString("Customer " + std::to_string(i + 1));
      b[2].AppendString(kSegments[Rand(i, 5) % 4]);
    });
  }();
  return batches;
}

void Run(benchmark::State& state, bool only_needed, int64_t budget) {
  const int threads = static_cast<int>(state.range(0));
  const auto& orders = Orders();
  const auto& customers = Customers();
  int64_t out_rows = 0;
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    auto op = Bind("join", {{"type", "inner"}, {"on", {{{"left", "customer_id"}, {"right", "customer_id"}}}}},
                   {orders[0]->schema(), customers[0]->schema()});
    // J3 reads amount (3) and segment (6) after the join.
    if (only_needed) op->SetRequiredColumns({3, 6});
    out_rows = RunOperator(*op, {orders, customers}, {1, 0}, threads, budget);
  }
  ReportRates(state, static_cast<double>(kOrders + kCustomers), ProcessCpuSeconds() - cpu0);
  state.counters["out_rows"] = static_cast<double>(out_rows);
}

void BM_JoinOrdersCustomers(benchmark::State& state) { Run(state, false, int64_t{1} << 40); }
void BM_JoinOrdersCustomersProjected(benchmark::State& state) { Run(state, true, int64_t{1} << 40); }
void BM_JoinOrdersCustomersGrace(benchmark::State& state) { Run(state, true, int64_t{8} << 20); }

BENCHMARK(BM_JoinOrdersCustomers)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_JoinOrdersCustomersProjected)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_JoinOrdersCustomersGrace)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace logidata
