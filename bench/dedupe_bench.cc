// Benchmarks of transform.dedupe on in-memory batches shaped like job J4: 10M orders deduplicated on
// (customer_id, normalised email) keeping the first row; about 3M distinct keys. Reports rows/s,
// also for keep = last and with a budget that forces partitioned spilling.
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

const std::vector<BatchPtr>& Orders() {
  static const std::vector<BatchPtr> batches = [] {
    auto schema = MakeSchema({{"order_id", DataType::Int64()}, {"customer_id", DataType::Int64()},
                              {"amount", DataType::Float64()}, {"email_norm", DataType::String()}});
    return Chunk(schema, kRows, [](std::vector<ColumnBuilder>& b, int64_t i) {
      const int64_t customer = static_cast<int64_t>(Rand(i, 1) % 1'000'000) + 1;
      const uint64_t variant = Rand(i, 2) % 10;
      b[0].AppendInt64(i + 1);
      b[1].AppendInt64(customer);
      b[2].AppendDouble(static_cast<double>(Rand(i, 3) % 50000) / 100.0);
      // Mostly the customer's main address, sometimes one of two alternates.
      b[3].AppendString(variant < 8 ? "user" + std::to_string(customer) + "@example.com"
                                    : "c" + std::to_string(customer) + ".alt" + std::to_string(variant - 7) +
                                          "@mail.example.org");
    });
  }();
  return batches;
}

void Run(benchmark::State& state, const std::string& keep, int64_t budget) {
  const auto& batches = Orders();
  int64_t out_rows = 0;
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    auto op = Bind("dedupe", {{"keys", {"customer_id", "email_norm"}}, {"keep", keep}}, {batches[0]->schema()});
    out_rows = RunOperator(*op, {batches}, {0}, 1, budget);
  }
  ReportRates(state, static_cast<double>(kRows), ProcessCpuSeconds() - cpu0);
  state.counters["out_rows"] = static_cast<double>(out_rows);
}

void BM_DedupeKeepFirst(benchmark::State& state) { Run(state, "first", int64_t{1} << 40); }
void BM_DedupeKeepLast(benchmark::State& state) { Run(state, "last", int64_t{1} << 40); }
void BM_DedupeKeepFirstSpilling(benchmark::State& state) { Run(state, "first", int64_t{32} << 20); }

BENCHMARK(BM_DedupeKeepFirst)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DedupeKeepLast)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DedupeKeepFirstSpilling)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace logidata
