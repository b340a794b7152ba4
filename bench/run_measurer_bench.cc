// The anomaly check's cost on the hot path: RunMeasurer::Add over every batch a loader receives
// (null count, HyperLogLog distinct, min and max per column). One 65,536-row batch of an int64, a
// float64 with 5 % nulls and a 12-byte string column, measured again and again on one thread; the
// rows/s say what the check adds to a load of that shape.
//   build-*/bench/run_measurer_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "anomaly/run_measurer.h"
#include "types/column_builder.h"

namespace logidata {
namespace {

BatchPtr Orders(int64_t rows) {
  std::mt19937_64 rng(7);
  ColumnBuilder id(DataType::Int64()), amount(DataType::Float64()), email(DataType::String());
  for (int64_t r = 0; r < rows; ++r) {
    id.AppendInt64(r);
    if (rng() % 20 == 0) amount.AppendNull();
    else amount.AppendDouble(static_cast<double>(rng() % 100000) / 100);
    email.AppendString("c" + std::to_string(rng() % 50000) + "@x.org");
  }
  auto schema = MakeSchema({Field{"id", DataType::Int64(), true}, Field{"amount", DataType::Float64(), true},
                            Field{"email", DataType::String(), true}});
  return Batch::Make(schema, {id.Finish(), amount.Finish(), email.Finish()}, rows);
}

void MeasureLoaderInput(benchmark::State& state) {
  const BatchPtr batch = Orders(65536);
  anomaly::RunMeasurer measurer;
  for (auto _ : state) measurer.Add("load", *batch);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * batch->num_rows());
}

BENCHMARK(MeasureLoaderInput);

}  // namespace
}  // namespace logidata
