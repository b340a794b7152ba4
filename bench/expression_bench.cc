// Micro-benchmarks of the expression evaluator on 64K-row batches shaped like the standard
// orders data set (status mix, amounts 0–500, emails with stray spaces): the J2 filter
// `status = 'shipped' AND amount > 100` and the J4 projection `lower(trim(email))`.
// Run: build/bench/expression_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <random>

#include "expression/expression.h"
#include "types/column_builder.h"

namespace logidata {
namespace {

BatchPtr OrdersBatch(int64_t rows) {
  std::mt19937_64 rng(42);
  SchemaPtr schema = MakeSchema({{"status", DataType::String()},
                                 {"amount", DataType::Float64()},
                                 {"email", DataType::String()},
                                 {"country", DataType::String()}});
  ColumnBuilder status(DataType::String(), rows), amount(DataType::Float64(), rows), email(DataType::String(), rows),
      country(DataType::String(), rows);
  // Shares as in orders.csv: delivered 40%, shipped 30%, pending 15%, cancelled 10%, returned 5%.
  const char* statuses[] = {"delivered", "delivered", "delivered", "delivered", "shipped", "shipped", "shipped",
                            "pending", "pending", "cancelled", "returned"};
  const char* countries[] = {"DE", "US", "FR", "AU", "JP", "BR"};
  for (int64_t r = 0; r < rows; ++r) {
    status.AppendString(statuses[rng() % 11]);
    amount.AppendDouble(static_cast<double>(rng() % 50000) / 100.0);
    std::string e = (rng() % 5 == 0 ? " " : "") + std::string(rng() % 3 == 0 ? "User" : "user") +
                    std::to_string(rng() % 1000000) + "@example.com" + (rng() % 7 == 0 ? " " : "");
    email.AppendString(e);
    country.AppendString(countries[rng() % 6]);
  }
  return Batch::Make(schema, {status.Finish(), amount.Finish(), email.Finish(), country.Finish()}, rows);
}

const Batch& SharedBatch() {
  static BatchPtr batch = OrdersBatch(kTargetBatchRows);
  return *batch;
}

void BM_FilterJ2(benchmark::State& state) {
  const Batch& batch = SharedBatch();
  auto expr = CompileExpression("status = 'shipped' AND amount > 100", *batch.schema());
  if (!expr.ok()) {
    state.SkipWithError(expr.status().message().c_str());
    return;
  }
  int64_t kept = 0;
  for (auto _ : state) {
    auto sel = EvaluatePredicate(**expr, batch);
    kept = sel->count;
    benchmark::DoNotOptimize(sel->bitmap);
  }
  state.counters["kept"] = static_cast<double>(kept);
  state.SetItemsProcessed(state.iterations() * batch.num_rows());
}
BENCHMARK(BM_FilterJ2)->Unit(benchmark::kMicrosecond);

void BM_LowerTrimEmail(benchmark::State& state) {
  const Batch& batch = SharedBatch();
  auto expr = CompileExpression("lower(trim(email))", *batch.schema());
  if (!expr.ok()) {
    state.SkipWithError(expr.status().message().c_str());
    return;
  }
  for (auto _ : state) {
    auto col = (*expr)->Evaluate(batch);
    benchmark::DoNotOptimize(col);
  }
  state.SetItemsProcessed(state.iterations() * batch.num_rows());
}
BENCHMARK(BM_LowerTrimEmail)->Unit(benchmark::kMicrosecond);

// Other common shapes, to keep an eye on the general paths.
void BM_Expression(benchmark::State& state, const char* text) {
  const Batch& batch = SharedBatch();
  auto expr = CompileExpression(text, *batch.schema());
  if (!expr.ok()) {
    state.SkipWithError(expr.status().message().c_str());
    return;
  }
  for (auto _ : state) {
    auto col = (*expr)->Evaluate(batch);
    benchmark::DoNotOptimize(col);
  }
  state.SetItemsProcessed(state.iterations() * batch.num_rows());
}
BENCHMARK_CAPTURE(BM_Expression, in_list, "status IN ('shipped', 'delivered') AND country NOT IN ('DE', 'US')")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Expression, like_suffix, "email LIKE '%@example.com'")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Expression, arithmetic, "amount * 1.19 + 5")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Expression, case_when,
                  "CASE WHEN amount > 400 THEN 'high' WHEN amount > 100 THEN 'mid' ELSE 'low' END")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Expression, regexp_matches, "regexp_matches(email, '^user[0-9]+@')")
    ->Unit(benchmark::kMicrosecond);

void BM_Compile(benchmark::State& state) {
  const Batch& batch = SharedBatch();
  for (auto _ : state) {
    auto expr = CompileExpression("status = 'shipped' AND amount > 100 OR lower(trim(email)) LIKE 'user1%'",
                                  *batch.schema());
    benchmark::DoNotOptimize(expr);
  }
}
BENCHMARK(BM_Compile)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace logidata
