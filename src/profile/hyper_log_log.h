// HyperLogLog: an estimate of the number of distinct values in a stream, in 2^precision bytes.
// The estimate uses Ertl's improved estimator ("New cardinality estimation algorithms for
// HyperLogLog sketches", 2017), which needs no empirical bias tables and stays accurate from
// one value to billions. Below kExactLimit distinct hashes the sketch also keeps the hashes
// themselves, so small cardinalities (countries, statuses) are exact.
// Two sketches of the same precision merge into the sketch of the concatenated streams (the
// register-wise maximum), which is what lets each thread profile its own batches.
// Not thread-safe: one sketch per thread, merged at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace logidata::profile {

class HyperLogLog {
 public:
  static constexpr int kDefaultPrecision = 14;  // 16384 registers, ±0.81 % standard error
  static constexpr size_t kExactLimit = 2048;

  // REQUIRES: 4 <= precision <= 18.
  explicit HyperLogLog(int precision = kDefaultPrecision);

  // `hash` must be a well-mixed 64-bit hash of the value (value_hash.h).
  void Add(uint64_t hash) {
    const uint64_t index = hash >> (64 - precision_);
    // Rank: leading zeros of the remaining bits + 1; the sentinel bit caps it at 64 - p + 1.
    const uint64_t rest = (hash << precision_) | (uint64_t{1} << (precision_ - 1));
    const uint8_t rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
    if (exact_) AddExact(hash);
  }

  // REQUIRES: other.precision() == precision().
  void Merge(const HyperLogLog& other);

  // The estimated number of distinct values (exact while IsExact()).
  double Estimate() const;
  bool IsExact() const { return exact_; }
  int precision() const { return precision_; }
  // The relative standard error of the estimate: 1.04 / sqrt(2^precision).
  double RelativeStandardError() const;

 private:
  void AddExact(uint64_t hash);
  void GrowExact();

  int precision_;
  std::vector<uint8_t> registers_;
  // Open-addressing set of the hashes seen (0 marks an empty slot; hash 0 is kept as 1), dropped
  // once it holds more than kExactLimit.
  bool exact_ = true;
  std::vector<uint64_t> exact_slots_;
  size_t exact_size_ = 0;
};

}  // namespace logidata::profile
