// CSV reader benchmarks: the tokenizer and decoders on an in-memory orders-like chunk, and the
// whole extract.csv scan of the standard orders.csv (all columns, and only the 4 columns J2
// reads) on 1 and 2 threads. Set LOGIDATA_ORDERS_CSV to point at another file; without the file
// the scan benchmarks are skipped.
//   build-*/bench/csv_parse_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include <sys/resource.h>

#include "formats/csv/csv_column_decoder.h"
#include "formats/csv/csv_modules.h"
#include "formats/csv/csv_tokenizer.h"

namespace logidata {
namespace {

// About 8 MB of rows shaped like the standard orders.csv.
const std::string& OrdersChunk() {
  static const std::string text = [] {
    std::mt19937 rng(1);
    const char* countries[] = {"DE", "FR", "US", "AU", "IL", "JP"};
    const char* statuses[] = {"shipped", "delivered", "returned", "cancelled", "pending"};
    std::string s;
    for (int i = 0; s.size() < (8u << 20); ++i) {
      s += std::to_string(uint64_t{2654435761} * static_cast<uint64_t>(i)) + "," + std::to_string(rng() % 1000000) + "," +
           countries[rng() % 6] + "," + statuses[rng() % 5] + "," + std::to_string(rng() % 500) + "." +
           std::to_string(10 + rng() % 90) + "," + std::to_string(rng() % 20) + ",2024-0" + std::to_string(1 + rng() % 9) +
           "-1" + std::to_string(rng() % 10) + " 12:34:56,user" + std::to_string(rng() % 1000000) + "@example.com," +
           (rng() % 5 == 0 ? "\"door used,second red box\"" : "large") + "\n";
    }
    return s;
  }();
  return text;
}

void BM_Tokenize(benchmark::State& state) {
  const std::string& text = OrdersChunk();
  std::vector<int> columns;
  for (int c = 0; c < state.range(0); ++c) columns.push_back(c);
  CsvTokenizer tokenizer(CsvDialect{}, 9, columns);
  TokenizedRecords out;
  for (auto _ : state) {
    tokenizer.Tokenize(text.data(), text.size(), &out);
    benchmark::DoNotOptimize(out.num_rows);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_Tokenize)->Arg(1)->Arg(4)->Arg(9);

void BM_TokenizeScalar(benchmark::State& state) {
  const std::string& text = OrdersChunk();
  CsvTokenizer tokenizer(CsvDialect{}, 9, {2, 3, 4, 5});
  TokenizedRecords out;
  for (auto _ : state) {
    tokenizer.TokenizeScalar(text.data(), text.size(), &out);
    benchmark::DoNotOptimize(out.num_rows);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_TokenizeScalar);

// Decoding one column of the chunk: 0 order_id int64, 2 country string, 4 amount float64,
// 6 created_at timestamp.
void BM_DecodeColumn(benchmark::State& state) {
  const std::string& text = OrdersChunk();
  const int column = static_cast<int>(state.range(0));
  CsvTokenizer tokenizer(CsvDialect{}, 9, {column});
  TokenizedRecords rec;
  tokenizer.Tokenize(text.data(), text.size(), &rec);
  const DataType types[] = {DataType::Int64(), DataType::Int64(), DataType::String(), DataType::String(),
                            DataType::Float64(), DataType::Int64(), DataType::Timestamp()};
  Field field{"c", types[column], true};
  CsvCellOptions options;
  std::vector<CsvCellError> errors;
  for (auto _ : state) {
    ColumnPtr col = DecodeCsvColumn(text.data(), text.size(), rec.spans[0].data(), rec.num_rows, field, options, &errors);
    benchmark::DoNotOptimize(col);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * rec.num_rows);
}
BENCHMARK(BM_DecodeColumn)->Arg(0)->Arg(2)->Arg(4)->Arg(6);

class CountingEmitter final : public Emitter {
 public:
  explicit CountingEmitter(std::atomic<int64_t>* rows) : rows_(rows) {}
  Status Emit(int, BatchPtr batch) override {
    *rows_ += batch->num_rows();
    return Status::OK();
  }

 private:
  std::atomic<int64_t>* rows_;
};

// CPU seconds used by the whole process (all threads) so far.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string OrdersPath() {
  const char* env = std::getenv("LOGIDATA_ORDERS_CSV");
  return env != nullptr ? env : "/work/bench-data/orders.csv";
}

// Whole scan through the operator, as the executor drives it: args = threads, only J2 columns.
void BM_ScanOrders(benchmark::State& state) {
  const std::string path = OrdersPath();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    state.SkipWithError(("no " + path).c_str());
    return;
  }
  const int threads = static_cast<int>(state.range(0));
  const bool j2_only = state.range(1) != 0;
  nlohmann::json config = {{"path", path}};
  int64_t rows_total = 0;
  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    BindContext bind;
    bind.config = &config;
    bind.fs = &LocalFileSystem();
    auto op = MakeCsvExtractOperator(bind);
    if (!op.ok()) {
      state.SkipWithError(op.status().ToString().c_str());
      return;
    }
    if (j2_only) {
      const Schema& schema = *(*op)->output_schemas()[0];
      (*op)->SetRequiredColumns({schema.FieldIndex("country"), schema.FieldIndex("status"),
                                 schema.FieldIndex("amount"), schema.FieldIndex("quantity")});
    }
    ExecContext ctx;
    ctx.fs = &LocalFileSystem();
    ctx.num_threads = threads;
    if (!(*op)->Open(ctx).ok()) {
      state.SkipWithError("open failed");
      return;
    }
    std::atomic<int64_t> rows{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        auto ts = (*op)->MakeThreadState();
        CountingEmitter out(&rows);
        while (true) {
          auto more = (*op)->Produce(ts.get(), out);
          if (!more.ok()) failed = true;
          if (!more.ok() || !*more) return;
        }
      });
    }
    for (auto& w : workers) w.join();
    if (failed) {
      state.SkipWithError("scan failed");
      return;
    }
    rows_total = rows;
  }
  // On a shared machine wall time depends on the neighbours; CPU seconds per scan (all threads)
  // do not. cpu_GBps is bytes per CPU second: the wall-clock rate on `threads` idle cores is at
  // most threads * cpu_GBps.
  const double cpu = (ProcessCpuSeconds() - cpu_start) / static_cast<double>(state.iterations());
  state.counters["rows"] = static_cast<double>(rows_total);
  state.counters["cpu_s"] = cpu;
  state.counters["cpu_GBps"] = static_cast<double>(size) / cpu / 1e9;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(size));
}
BENCHMARK(BM_ScanOrders)
    ->ArgNames({"threads", "j2_columns"})
    ->Args({1, 0})
    ->Args({2, 0})
    ->Args({1, 1})
    ->Args({2, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace logidata
