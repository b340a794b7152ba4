// ColumnMeasurer: the figures of one column that the anomaly check follows from run to run — its
// null rate, its distinct count (a HyperLogLog, the profiler's, kept small) and, for numbers,
// its min and max. Bounded memory whatever the row count: 4 KiB of registers plus the sketch's
// exact set below 2048 distinct values.
// Not thread-safe: RunMeasurer guards one per column.
#pragma once

#include <cstdint>
#include <string>

#include "anomaly/run_measurements.h"
#include "profile/hyper_log_log.h"
#include "types/column.h"

namespace logidata::anomaly {

class ColumnMeasurer {
 public:
  // 2^12 registers: ±1.6 % standard error, plenty against the 5 % relative floor of the detector.
  static constexpr int kPrecision = 12;

  ColumnMeasurer() : distinct_(kPrecision) {}

  void Add(const Column& column);

  // Sets null_rate, distinct and (numbers seen) min and max of `column` of `node_id` in `run`.
  // Nothing for a column that saw no rows.
  void Report(const std::string& node_id, const std::string& column, RunMeasurements* run) const;

 private:
  template <typename T>
  void AddNumbers(const Column& column, double scale);

  int64_t rows_ = 0;
  int64_t nulls_ = 0;
  profile::HyperLogLog distinct_;
  bool any_number_ = false;
  double min_ = 0, max_ = 0;
};

}  // namespace logidata::anomaly
