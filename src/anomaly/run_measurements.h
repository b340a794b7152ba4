// RunMeasurements: what one run measured, per node — the rows it produced (a loader: the rows it
// received), how long it took, and for each column a loader received its null rate, distinct
// count and numeric min and max. The anomaly check (anomaly_detector.h) compares a finished run's
// measurements with those of the pipeline's earlier runs; the run keeps them (runs.measurements)
// so that later runs can compare with it. Plain data; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace logidata::anomaly {

// Node-level metrics (column empty) and column-level metrics.
inline constexpr std::string_view kRows = "rows";
inline constexpr std::string_view kDurationSeconds = "duration_seconds";
inline constexpr std::string_view kNullRate = "null_rate";
inline constexpr std::string_view kDistinct = "distinct";
inline constexpr std::string_view kMin = "min";
inline constexpr std::string_view kMax = "max";

struct MetricKey {
  std::string node_id;
  std::string column;  // empty: a node-level metric
  std::string metric;  // one of the names above
  auto operator<=>(const MetricKey&) const = default;
};

struct RunMeasurements {
  int64_t started_at_ms = 0;  // Unix ms (UTC); places the run in its weekday and hour
  std::map<MetricKey, double> values;

  void Set(const std::string& node_id, const std::string& column, std::string_view metric, double value) {
    values[MetricKey{node_id, column, std::string(metric)}] = value;
  }
};

// {"<node>": {"rows": n, "duration_seconds": s, "columns": {"<column>": {"null_rate": r,
// "distinct": d, "min": x, "max": y}}}} — the form stored with a run and served by the API.
nlohmann::json MeasurementsJson(const RunMeasurements& run);

// The inverse of MeasurementsJson. Tolerant: anything malformed (a hand-edited row, a future
// field) is skipped, never an error, so one bad row cannot stop every later check.
RunMeasurements MeasurementsFromJson(const nlohmann::json& json, int64_t started_at_ms);

}  // namespace logidata::anomaly
