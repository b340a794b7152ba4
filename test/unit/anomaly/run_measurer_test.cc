// The column figures measured at a loader's input: null rate, distinct count (exact below the
// sketch's exact limit, within its error above), numeric min and max across batches and threads,
// and the bound on columns per loader.
#include "anomaly/run_measurer.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/test_batches.h"

namespace logidata::anomaly {
namespace {

using testing::MakeBatch;

double Metric(const RunMeasurements& run, const std::string& node, const std::string& column, std::string_view metric) {
  auto it = run.values.find(MetricKey{node, column, std::string(metric)});
  return it == run.values.end() ? -12345 : it->second;
}

TEST(RunMeasurer, NullRateDistinctMinMaxAcrossBatches) {
  RunMeasurer measurer;
  const std::string schema = "id:int64, email:string, amount:float64, price:decimal(10,2), day:date, ok:bool";
  measurer.Add("load", *MakeBatch(schema, {{"1", "a@x.org", "2.5", "1.25", "2026-01-01", "true"},
                                           {"2", "NULL", "-1", "NULL", "2026-01-02", "false"}}));
  measurer.Add("load", *MakeBatch(schema, {{"3", "b@x.org", "NULL", "9.99", "2026-01-01", "NULL"},
                                           {"3", "a@x.org", "7", "0.5", "NULL", "true"}}));
  RunMeasurements run;
  measurer.Report(&run);
  EXPECT_EQ(Metric(run, "load", "id", kNullRate), 0);
  EXPECT_EQ(Metric(run, "load", "id", kDistinct), 3);
  EXPECT_EQ(Metric(run, "load", "id", kMin), 1);
  EXPECT_EQ(Metric(run, "load", "id", kMax), 3);
  EXPECT_EQ(Metric(run, "load", "email", kNullRate), 0.25);
  EXPECT_EQ(Metric(run, "load", "email", kDistinct), 2);
  EXPECT_EQ(Metric(run, "load", "email", kMin), -12345);  // text has no numeric bounds
  EXPECT_EQ(Metric(run, "load", "amount", kMin), -1);
  EXPECT_EQ(Metric(run, "load", "amount", kMax), 7);
  EXPECT_EQ(Metric(run, "load", "price", kMin), 0.5);
  EXPECT_EQ(Metric(run, "load", "price", kMax), 9.99);
  EXPECT_EQ(Metric(run, "load", "day", kDistinct), 2);
  EXPECT_EQ(Metric(run, "load", "day", kMax), -12345);  // dates: distinct and nulls only
  EXPECT_EQ(Metric(run, "load", "ok", kNullRate), 0.25);
  EXPECT_EQ(Metric(run, "load", "ok", kDistinct), 2);
}

TEST(RunMeasurer, ConcurrentBatchesAndLargeDistinctCounts) {
  RunMeasurer measurer;
  constexpr int kThreads = 4, kBatches = 25, kRows = 1000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<std::vector<std::string>> rows;
        for (int r = 0; r < kRows; ++r) {
          rows.push_back({std::to_string((t * kBatches + b) * kRows + r), r % 10 == 0 ? "NULL" : "x"});
        }
        measurer.Add("load", *MakeBatch("id:int64, tag:string", rows));
      }
    });
  }
  for (auto& t : threads) t.join();
  RunMeasurements run;
  measurer.Report(&run);
  const double n = kThreads * kBatches * kRows;
  // 100,000 distinct ids: far beyond the exact set; the sketch (p = 12) errs by ~1.6 %.
  EXPECT_NEAR(Metric(run, "load", "id", kDistinct), n, 0.05 * n);
  EXPECT_EQ(Metric(run, "load", "id", kMax), n - 1);
  EXPECT_DOUBLE_EQ(Metric(run, "load", "tag", kNullRate), 0.1);
  EXPECT_EQ(Metric(run, "load", "tag", kDistinct), 1);
}

TEST(RunMeasurer, MeasuresAtMostKMaxColumnsPerNode) {
  std::string schema;
  std::vector<std::string> row;
  for (int c = 0; c < 40; ++c) {
    schema += (c ? ", c" : "c") + std::to_string(c) + ":int64";
    row.push_back(std::to_string(c));
  }
  RunMeasurer measurer;
  measurer.Add("load", *MakeBatch(schema, {row}));
  RunMeasurements run;
  measurer.Report(&run);
  EXPECT_EQ(Metric(run, "load", "c31", kMax), 31);
  EXPECT_EQ(Metric(run, "load", "c32", kMax), -12345);
  EXPECT_EQ(run.values.size(), 4u * RunMeasurer::kMaxColumnsPerNode);
}

}  // namespace
}  // namespace logidata::anomaly
