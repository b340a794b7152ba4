// Benchmarks of transform.aggregate on in-memory batches shaped like job J2 (orders grouped by
// country: sum(amount), count, avg(quantity)) and on a high-cardinality key (1M customers).
// Reports input rows/s at 1 and 2 threads; a last case forces spilling with a small budget.
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

constexpr int64_t kRows = 10'000'000;
const char* kCountries[] = {"US", "DE", "FR", "GB", "IT", "ES", "NL", "BE", "PL", "SE", "NO", "DK", "FI", "IE", "PT", "AT", "CH", "CZ", "IL", "AU"};

const std::vector<BatchPtr>& Orders() {
  static const std::vector<BatchPtr> batches = [] {
    auto schema = MakeSchema({{"customer_id", DataType::Int64()}, {"country", DataType::String()},
                              {"amount", DataType::Float64()}, {"quantity", DataType::Int64()}});
    return Chunk(schema, kRows, [](std::vector<ColumnBuilder>& b, int64_t i) {
      b[0].AppendInt64(static_cast<int64_t>(Rand(i, 1) % 1'000'000) + 1);
      b[1].AppendString(kCountries[Rand(i, 2) % 20]);
      b[2].AppendDouble(static_cast<double>(Rand(i, 3) % 50000) / 100.0);
      b[3].AppendInt64(static_cast<int64_t>(Rand(i, 4) % 20) + 1);
    });
  }();
  return batches;
}

void Run(benchmark::State& state, const nlohmann::json& config, int64_t budget) {
  const int threads = static_cast<int>(state.range(0));
  const auto& batches = Orders();
  int64_t out_rows = 0;
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    auto op = Bind("aggregate", config, {batches[0]->schema()});
    out_rows = RunOperator(*op, {batches}, {0}, threads, budget);
  }
  ReportRates(state, static_cast<double>(kRows), ProcessCpuSeconds() - cpu0);
  state.counters["groups"] = static_cast<double>(out_rows);
}

const nlohmann::json kAggs = {{{"function", "sum"}, {"column", "amount"}},
                              {{"function", "count"}},
                              {{"function", "avg"}, {"column", "quantity"}}};

void BM_AggregateByCountry(benchmark::State& state) {
  Run(state, {{"group_by", {"country"}}, {"aggregates", kAggs}}, int64_t{1} << 40);
}
void BM_AggregateByCustomer(benchmark::State& state) {
  Run(state, {{"group_by", {"customer_id"}}, {"aggregates", kAggs}}, int64_t{1} << 40);
}
void BM_AggregateByCustomerSpilling(benchmark::State& state) {
  Run(state, {{"group_by", {"customer_id"}}, {"aggregates", kAggs}}, int64_t{16} << 20);
}

BENCHMARK(BM_AggregateByCountry)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AggregateByCustomer)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AggregateByCustomerSpilling)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace logidata
