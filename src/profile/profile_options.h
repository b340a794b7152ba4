// Sizes of the profiler's sketches. Larger means more accurate and more memory per column and
// thread; the defaults keep a column under about 40 KB per thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace logidata::profile {

struct ProfileOptions {
  int hll_precision = 14;        // 2^14 one-byte registers: ±0.81 % standard error
  int kll_k = 200;               // ±1.65 % normalized rank error (99 % confidence)
  size_t frequent_capacity = 128;  // counters for top values and patterns
  size_t top_values = 10;        // reported
  size_t top_patterns = 5;       // reported
  int histogram_buckets = 10;
  size_t outlier_examples = 5;   // distinct outlier values reported at each end
  size_t extremes_kept = 32;     // the most extreme values kept at each end: rare outliers are counted exactly
  double semantic_threshold = 0.9;  // share of non-empty values a semantic type must fit
  uint64_t seed = 0x5eed;        // KLL coin flips
};

}  // namespace logidata::profile
