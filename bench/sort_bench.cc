// Benchmarks of transform.sort on in-memory batches shaped like the orders table (2M rows): by
// a float64 column, by a string then an int column, and with a budget that forces an external
// merge sort. Reports rows/s at 1 and 2 threads.
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

constexpr int64_t kRows = 2'000'000;

const std::vector<BatchPtr>& Orders() {
  static const std::vector<BatchPtr> batches = [] {
    auto schema = MakeSchema({{"order_id", DataType::Int64()}, {"country", DataType::String()},
                              {"amount", DataType::Float64()}, {"quantity", DataType::Int64()}});
    return Chunk(schema, kRows, [](std::vector<ColumnBuilder>& b, int64_t i) {
      b[0].AppendInt64(i + 1);
      b[1].AppendString("country-" + std::to_string(Rand(i, 2) % 200));
      b[2].AppendDouble(static_cast<double>(Rand(i, 3) % 5000000) / 100.0);
      b[3].AppendInt64(static_cast<int64_t>(Rand(i, 4) % 20) + 1);
    });
  }();
  return batches;
}

void Run(benchmark::State& state, const nlohmann::json& keys, int64_t budget) {
  const int threads = static_cast<int>(state.range(0));
  const auto& batches = Orders();
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    auto op = Bind("sort", {{"keys", keys}}, {batches[0]->schema()});
    benchmark::DoNotOptimize(RunOperator(*op, {batches}, {0}, threads, budget));
  }
  ReportRates(state, static_cast<double>(kRows), ProcessCpuSeconds() - cpu0);
}

void BM_SortByAmount(benchmark::State& state) {
  Run(state, {{{"column", "amount"}, {"order", "desc"}}}, int64_t{1} << 40);
}
void BM_SortByCountryQuantity(benchmark::State& state) {
  Run(state, {{{"column", "country"}}, {{"column", "quantity"}, {"order", "desc"}}}, int64_t{1} << 40);
}
void BM_SortByAmountExternal(benchmark::State& state) {
  Run(state, {{{"column", "amount"}}}, int64_t{16} << 20);
}

BENCHMARK(BM_SortByAmount)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SortByCountryQuantity)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SortByAmountExternal)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace logidata
