// The anomaly detector on hand-made histories: the median and MAD, which baseline a run is
// compared with (weekday and hour, hour, all runs), the scale floors of a steady history, the
// expected range and its clipping, durations judged on the slow side only, and the report's JSON
// and one-line description. Table-driven.
#include "anomaly/anomaly_detector.h"

#include <gtest/gtest.h>

#include "anomaly/robust_statistics.h"

namespace logidata::anomaly {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;
// Monday 2026-01-05 00:00 UTC.
constexpr int64_t kMonday = 1'767'571'200'000;

TEST(RobustStatistics, MedianAndMad) {
  EXPECT_EQ(Median({3, 1, 2}), 2);
  EXPECT_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(Median({7}), 7);
  // A single extreme value moves neither.
  EXPECT_EQ(Median({10, 11, 9, 10, 1e9}), 10);
  EXPECT_EQ(MedianAbsoluteDeviation({10, 11, 9, 10, 1e9}, 10), 1);
}

std::vector<MetricSample> Daily(int64_t first, int count, std::vector<double> values) {
  std::vector<MetricSample> out;
  for (int i = 0; i < count; ++i) out.push_back({first + i * kDay, values[static_cast<size_t>(i) % values.size()]});
  return out;
}

TEST(AnomalyDetector, JudgeMetric) {
  struct Case {
    std::string name;
    std::string metric;
    std::vector<MetricSample> history;
    MetricSample current;
    bool judged, anomalous;
    std::string baseline;
    double median;
  };
  const int64_t monday9 = kMonday + 9 * kHour;
  // Eight weeks of daily 9:00 runs: 100 rows, except 500 on Mondays.
  std::vector<MetricSample> weekly_spike;
  for (int d = 0; d < 56; ++d) weekly_spike.push_back({monday9 + d * kDay, d % 7 == 0 ? 500.0 : 100.0 + d % 3});
  const int64_t next_monday9 = monday9 + 8 * kWeek;
  const std::vector<Case> cases = {
      {"not enough history", "rows", Daily(monday9, 5, {100}), {monday9 + 5 * kDay, 1000}, false, false, "", 0},
      {"steady history, small change", "rows", Daily(monday9, 10, {100}), {monday9 + 10 * kDay, 104}, true, false,
       "hour", 100},
      {"steady history, spike", "rows", Daily(monday9, 10, {100}), {monday9 + 10 * kDay, 1000}, true, true, "hour", 100},
      {"steady history, drop", "rows", Daily(monday9, 10, {100, 102, 98}), {monday9 + 10 * kDay, 10}, true, true, "hour",
       100},
      {"the Monday 9:00 spike is normal on a Monday", "rows", weekly_spike, {next_monday9, 510}, true, false,
       "weekday_hour", 500},
      {"the Monday level is a drop on a Tuesday", "rows", weekly_spike, {next_monday9 + kDay, 500}, true, true,
       "weekday_hour", 101},
      {"a normal Tuesday", "rows", weekly_spike, {next_monday9 + kDay, 101}, true, false, "weekday_hour", 101},
      {"other hours: all runs", "rows",
       [] {
         std::vector<MetricSample> h;
         for (int i = 0; i < 10; ++i) h.push_back({kMonday + i * 5 * kHour, 100});  // hours spread over the day
         return h;
       }(),
       {kMonday + 60 * kHour + 30 * 60'000, 100}, true, false, "all", 100},
      {"slower than usual", "duration_seconds", Daily(monday9, 10, {10, 11, 9}), {monday9 + 10 * kDay, 60}, true, true,
       "hour", 10},
      {"faster than usual is no anomaly", "duration_seconds", Daily(monday9, 10, {10, 11, 9}),
       {monday9 + 10 * kDay, 0.1}, true, false, "hour", 10},
      {"a few ms slower on a tiny job is no anomaly", "duration_seconds", Daily(monday9, 10, {0.01}),
       {monday9 + 10 * kDay, 0.3}, true, false, "hour", 0.01},
      {"null rate jump", "null_rate", Daily(monday9, 10, {0.02, 0.021, 0.019}), {monday9 + 10 * kDay, 0.2}, true, true,
       "hour", 0.02},
      {"null rate wobble", "null_rate", Daily(monday9, 10, {0.02, 0.021, 0.019}), {monday9 + 10 * kDay, 0.025}, true,
       false, "hour", 0.02},
      {"a max that never moved, moved", "max", Daily(monday9, 10, {0}), {monday9 + 10 * kDay, 5}, true, true, "hour", 0},
      {"an earlier anomaly in the history does not hide the next", "rows",
       Daily(monday9, 12, {100, 100, 100, 100, 100, 5000}), {monday9 + 12 * kDay, 4000}, true, true, "hour", 100},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Judgement j = JudgeMetric(c.metric, c.history, c.current, DetectorOptions{});
    EXPECT_EQ(j.judged, c.judged);
    EXPECT_EQ(j.anomalous, c.anomalous) << "score " << j.score << " median " << j.median << " scale " << j.scale;
    EXPECT_EQ(j.baseline, c.baseline);
    if (c.judged) {
      EXPECT_DOUBLE_EQ(j.median, c.median);
    }
  }
}

TEST(AnomalyDetector, ExpectedRangeIsClippedToTheDomain) {
  Judgement j = JudgeMetric("null_rate", Daily(kMonday, 10, {0.0, 0.001}), {kMonday + 10 * kDay, 0.5}, {});
  ASSERT_TRUE(j.judged);
  EXPECT_EQ(j.expected_low, 0);
  EXPECT_GT(j.expected_high, 0);
  EXPECT_LT(j.expected_high, 0.05);
  EXPECT_TRUE(j.anomalous);
}

TEST(AnomalyDetector, SensitivitySetsTheThreshold) {
  EXPECT_EQ(OptionsForSensitivity("low").threshold, 7);
  EXPECT_EQ(OptionsForSensitivity("medium").threshold, 4.5);
  EXPECT_EQ(OptionsForSensitivity("high").threshold, 3);
  // 100 ± MAD 2 (scale floor 5): 125 is 5 scales out — an anomaly for medium and high, not low.
  auto history = Daily(kMonday, 10, {98, 100, 102});
  EXPECT_FALSE(JudgeMetric("rows", history, {kMonday + 10 * kDay, 125}, OptionsForSensitivity("low")).anomalous);
  EXPECT_TRUE(JudgeMetric("rows", history, {kMonday + 10 * kDay, 125}, OptionsForSensitivity("medium")).anomalous);
  EXPECT_TRUE(JudgeMetric("rows", history, {kMonday + 10 * kDay, 118}, OptionsForSensitivity("high")).anomalous);
}

RunMeasurements SampleRun(int64_t at, double rows, double null_rate) {
  RunMeasurements r;
  r.started_at_ms = at;
  r.Set("load", "", kRows, rows);
  r.Set("load", "", kDurationSeconds, 2);
  r.Set("load", "email", kNullRate, null_rate);
  return r;
}

TEST(AnomalyDetector, RunReportJsonAndDescription) {
  std::vector<RunMeasurements> history;
  for (int i = 0; i < 12; ++i) history.push_back(SampleRun(kMonday + i * kDay, 100, 0.01));
  RunMeasurements current = SampleRun(kMonday + 12 * kDay, 10000, 0.01);
  current.Set("new_node", "", kRows, 5);  // no history yet: counted, not judged
  AnomalyReport report = DetectRunAnomalies(history, current, DetectorOptions{});
  EXPECT_EQ(report.history_runs, 12);
  EXPECT_EQ(report.checked, 3);
  EXPECT_EQ(report.not_enough_history, 1);
  ASSERT_EQ(report.anomalies.size(), 1u);
  EXPECT_EQ(report.anomalies[0].key.metric, "rows");
  EXPECT_EQ(DescribeAnomalies(report.anomalies),
            "load rows: 10000, expected 77.5 to 122.5 (median 100 over 12 runs at the same hour, score 1980.0)");

  nlohmann::json json = AnomalyReportJson(report, DetectorOptions{});
  EXPECT_EQ(json["checked"], 3);
  EXPECT_EQ(json["threshold"], 4.5);
  ASSERT_EQ(json["items"].size(), 1u);
  const nlohmann::json& item = json["items"][0];
  EXPECT_EQ(item["node_id"], "load");
  EXPECT_TRUE(item["column"].is_null());
  EXPECT_EQ(item["observed"], 10000);
  EXPECT_EQ(item["baseline"], "hour");
  EXPECT_EQ(item["baseline_runs"], 12);
  EXPECT_EQ(item["history"].size(), 12u);
  EXPECT_EQ(json["summary"], DescribeAnomalies(report.anomalies));
}

TEST(RunMeasurements, JsonRoundTripSkipsWhatIsMalformed) {
  RunMeasurements run = SampleRun(kMonday, 100, 0.25);
  run.Set("load", "amount", kMin, -3.5);
  nlohmann::json json = MeasurementsJson(run);
  EXPECT_EQ(json["load"]["rows"], 100);
  EXPECT_EQ(json["load"]["columns"]["email"]["null_rate"], 0.25);
  RunMeasurements back = MeasurementsFromJson(json, kMonday);
  EXPECT_EQ(back.values, run.values);

  nlohmann::json bad = {{"load", {{"rows", "many"}, {"duration_seconds", 3}, {"columns", {{"x", 1}, {"y", {{"min", nullptr}, {"max", 9}}}}}}},
                        {"other", 5}};
  RunMeasurements tolerant = MeasurementsFromJson(bad, 0);
  EXPECT_EQ(tolerant.values.size(), 2u);
  EXPECT_EQ(tolerant.values.at(MetricKey{"load", "", "duration_seconds"}), 3);
  EXPECT_EQ(tolerant.values.at(MetricKey{"load", "y", "max"}), 9);
  EXPECT_TRUE(MeasurementsFromJson("not an object", 0).values.empty());
}

}  // namespace
}  // namespace logidata::anomaly
