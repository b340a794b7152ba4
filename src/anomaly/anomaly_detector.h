// The anomaly detector: is a run's measurement far from what earlier runs of the same pipeline
// measured? Robust statistics with weekly seasonality, deterministic and local.
//
// For one metric (a node's row count, a column's null rate, …) nothing is judged before the
// pipeline has min_history earlier runs measuring it. Then the baseline is, from the most
// specific to the least:
//   1. earlier runs that started on the same weekday and in the same hour (UTC), when there are
//      at least min_seasonal_history of them: a Monday 9:00 load is compared with Monday 9:00
//      loads, so a spike that happens every Monday morning is normal;
//   2. earlier runs in the same hour of the day, when there are at least min_seasonal_history;
//   3. all earlier runs.
// Each baseline keeps its most recent
// runs only (max_seasonal_history, max_history), so a lasting change becomes the new normal.
//
// Score = (observed − median) / scale, where scale = max(1.4826 × MAD, the metric's floor). The
// floor keeps a perfectly steady history (MAD 0) from turning a one-row or ten-millisecond
// difference into an alarm:
//   rows, distinct   max(relative_floor × |median|, 1)
//   null_rate        max(relative_floor × |median|, 0.005)      (half a percentage point)
//   min, max         relative_floor × max(|median|, 1)
//   duration_seconds max(duration_relative_floor × |median|, 0.5 s)
// |score| > threshold is an anomaly, except that a run faster than usual is not (durations are
// judged on the slow side only: a smaller load shows up in its row counts). The expected range
// shown to users is median ± threshold × scale, clipped to the metric's domain (counts and
// durations ≥ 0, rates in [0, 1]).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "anomaly/run_measurements.h"

namespace logidata::anomaly {

struct DetectorOptions {
  double threshold = 4.5;         // |score| above it is an anomaly
  int min_history = 8;            // earlier runs needed before a metric is judged at all
  int min_seasonal_history = 4;   // earlier runs needed in a weekday-and-hour or hour bucket
  int max_history = 60;           // most recent runs kept in the all-history baseline
  int max_seasonal_history = 12;  // most recent runs kept in a seasonal baseline
  double relative_floor = 0.05;   // the scale is at least this fraction of |median|
  double duration_relative_floor = 0.25;  // durations vary more from run to run than counts
};

// How many of a pipeline's most recent runs the server loads as history: twelve weeks of hourly
// runs, so that an hourly pipeline still finds its weekday-and-hour baseline.
inline constexpr int kHistoryRunsToLoad = 2016;

// The options of a pipeline's `anomalies.sensitivity`: "low" (threshold 7), "medium" (4.5) or
// "high" (3). REQUIRES: one of those three.
DetectorOptions OptionsForSensitivity(std::string_view sensitivity);

struct MetricSample {
  int64_t at_ms = 0;  // when the run started (Unix ms, UTC)
  double value = 0;
};

struct Judgement {
  bool judged = false;     // false: not enough history (the fields below are unset)
  bool anomalous = false;
  double observed = 0;
  double median = 0;
  double scale = 0;
  double score = 0;        // signed: > 0 above the median
  double expected_low = 0, expected_high = 0;
  std::string baseline;    // weekday_hour | hour | all
  std::vector<double> history;  // the baseline's values, oldest first
};

// Judges `current` against `history` (earlier runs, any order) for metric `metric` (kRows, …).
Judgement JudgeMetric(std::string_view metric, std::vector<MetricSample> history, const MetricSample& current,
                      const DetectorOptions& options);

struct Anomaly {
  MetricKey key;
  Judgement judgement;
};

struct AnomalyReport {
  int history_runs = 0;         // earlier runs compared with
  int checked = 0;              // metrics judged
  int not_enough_history = 0;   // metrics not judged
  std::vector<Anomaly> anomalies;  // sorted by |score|, largest first
};

// Judges every metric of `current` against the same metric in `history` (earlier runs).
AnomalyReport DetectRunAnomalies(const std::vector<RunMeasurements>& history, const RunMeasurements& current,
                                 const DetectorOptions& options);

// {"history_runs", "checked", "not_enough_history", "min_history", "threshold", "items": [{node_id,
// column, metric, observed, expected_low, expected_high, median, score, baseline, baseline_runs,
// history}]} — stored with the run (runs.anomalies) and served by GET /runs/{id}.
nlohmann::json AnomalyReportJson(const AnomalyReport& report, const DetectorOptions& options);

// "load_orders rows: 10000, expected 90 to 110 (median 100 over 12 runs on the same weekday and
// hour, score 41.2)" — one anomaly per clause, separated by "; ".
std::string DescribeAnomalies(const std::vector<Anomaly>& anomalies);

}  // namespace logidata::anomaly
