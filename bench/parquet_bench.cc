// Parquet codec benchmarks on the standard orders data (bench-data, 10M rows).
//   BM_ParquetWriteOrders/<codec>: encodes the orders table, held in memory as batches, into a
//     Parquet file (J1's encode half); reports the output size next to DuckDB's file.
//   BM_ParquetJ5: J5 over a Parquet file — decodes only status, amount, country (row groups in
//     parallel) and computes sum/count/avg per country for status='shipped' AND amount>100.
// Input: LOGIDATA_PARQUET_ORDERS (default /tmp/peer-out/duckdb/J1_orders_zstd.parquet, made by
// `DATA_DIR=bench-data OUT_DIR=/tmp/peer-out ../shared/peers/peer jobs/duckdb/J1.mjs zstd`);
// the write benchmark loads that file once into memory as its source batches.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "formats/parquet/compression.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"

namespace logidata::parquet {
namespace {

std::string OrdersFile() {
  const char* env = std::getenv("LOGIDATA_PARQUET_ORDERS");
  return env ? env : "/tmp/peer-out/duckdb/J1_orders_zstd.parquet";
}
int Threads() {
  const char* env = std::getenv("LOGIDATA_THREADS");
  return env ? std::atoi(env) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// CPU seconds of the whole process (all threads): on a shared, loaded machine this is the stable
// number; wall time on an idle machine is about cpu_s / threads when the work parallelises.
double ProcessCpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

const std::vector<BatchPtr>& OrdersInMemory() {
  static std::vector<BatchPtr> batches = [] {
    auto reader = ParquetReader::Open(LocalFileSystem(), OrdersFile());
    if (!reader.ok()) { std::fprintf(stderr, "%s\n", reader.status().ToString().c_str()); std::exit(1); }
    auto all = (*reader)->ReadAll();
    if (!all.ok()) { std::fprintf(stderr, "%s\n", all.status().ToString().c_str()); std::exit(1); }
    return std::move(all).value();
  }();
  return batches;
}

void BM_ParquetWriteOrders(benchmark::State& state, const char* codec) {
  const auto& batches = OrdersInMemory();
  std::string out = "/tmp/logidata_bench_orders_" + std::string(codec) + ".parquet";
  int64_t rows = 0, bytes = 0;
  double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    ParquetWriteOptions options;
    options.compression = ParseCodec(codec).value();
    options.num_threads = Threads();
    auto writer = ParquetWriter::Open(LocalFileSystem(), out, batches[0]->schema(), options);
    if (!writer.ok()) { state.SkipWithError(writer.status().ToString().c_str()); return; }
    for (const auto& b : batches) {
      Status st = (*writer)->Write(b);
      if (!st.ok()) { state.SkipWithError(st.ToString().c_str()); return; }
    }
    Status st = (*writer)->Close();
    if (!st.ok()) { state.SkipWithError(st.ToString().c_str()); return; }
    rows = (*writer)->rows_written();
    bytes = static_cast<int64_t>(std::filesystem::file_size(out));
  }
  state.counters["cpu_s"] = (ProcessCpuSeconds() - cpu0) / static_cast<double>(state.iterations());
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
  std::string duck = "/tmp/peer-out/duckdb/J1_orders_" + std::string(codec) + ".parquet";
  if (std::filesystem::exists(duck)) {
    state.counters["vs_duckdb_size"] = static_cast<double>(bytes) / static_cast<double>(std::filesystem::file_size(duck));
  }
}
BENCHMARK_CAPTURE(BM_ParquetWriteOrders, zstd, "zstd")->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK_CAPTURE(BM_ParquetWriteOrders, snappy, "snappy")->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

struct Agg {
  double sum = 0;
  int64_t count = 0;
};

void BM_ParquetJ5(benchmark::State& state) {
  double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    auto reader = ParquetReader::Open(LocalFileSystem(), OrdersFile());
    if (!reader.ok()) { state.SkipWithError(reader.status().ToString().c_str()); return; }
    const Schema& s = *(*reader)->schema();
    std::vector<int> cols = {s.FieldIndex("status"), s.FieldIndex("amount"), s.FieldIndex("country")};
    std::vector<ParquetPredicate> filters = {{"status", ParquetPredicate::Op::kEq, Value::String("shipped")},
                                             {"amount", ParquetPredicate::Op::kGt, Value::Float64(100)}};
    std::vector<int> groups = (*reader)->SelectRowGroups(filters);
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::map<std::string, Agg> result;
    Status failure;
    auto work = [&] {
      std::unordered_map<std::string_view, Agg> local;
      std::vector<BatchPtr> keep;  // string_views point into these
      for (size_t i = next++; i < groups.size(); i = next++) {
        auto b = (*reader)->ReadRowGroup(groups[i], cols);
        if (!b.ok()) { std::lock_guard<std::mutex> l(mu); failure = b.status(); return; }
        const Column& status = *(*b)->column(0);
        const Column& amount = *(*b)->column(1);
        const Column& country = *(*b)->column(2);
        for (int64_t r = 0; r < (*b)->num_rows(); ++r) {
          if (status.IsNull(r) || amount.IsNull(r) || country.IsNull(r)) continue;
          if (status.GetString(r) != "shipped") continue;
          double a = amount.Get<double>(r);
          if (!(a > 100)) continue;
          Agg& g = local[country.GetString(r)];
          g.sum += a;
          ++g.count;
        }
        keep.push_back(*b);
      }
      std::lock_guard<std::mutex> l(mu);
      for (auto& [k, v] : local) {
        Agg& g = result[std::string(k)];
        g.sum += v.sum;
        g.count += v.count;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < Threads(); ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (!failure.ok()) { state.SkipWithError(failure.ToString().c_str()); return; }
    benchmark::DoNotOptimize(result);
    state.counters["groups"] = static_cast<double>(result.size());
    state.counters["row_groups_read"] = static_cast<double>(groups.size());
  }
  state.counters["cpu_s"] = (ProcessCpuSeconds() - cpu0) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ParquetJ5)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);

}  // namespace
}  // namespace logidata::parquet
