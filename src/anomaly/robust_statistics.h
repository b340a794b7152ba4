// Robust location and scale of a small sample: the median and the median absolute deviation
// (MAD). Unlike the mean and the standard deviation, a few extreme values in a run history (an
// earlier anomaly, a backfill) barely move them. Pure functions; thread-safe.
#pragma once

#include <vector>

namespace logidata::anomaly {

// MAD × kMadToSigma estimates the standard deviation of normally distributed values.
inline constexpr double kMadToSigma = 1.4826;

// The median of `values` (the mean of the two middle ones for an even count).
// REQUIRES: !values.empty().
double Median(std::vector<double> values);

// The median of |v - median| over `values`.
// REQUIRES: !values.empty().
double MedianAbsoluteDeviation(const std::vector<double>& values, double median);

}  // namespace logidata::anomaly
