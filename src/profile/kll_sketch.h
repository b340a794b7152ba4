// KLL quantile sketch (Karnin, Lang, Liberty 2016) over doubles: after n values it answers
// "which value has rank q·n" with a normalized rank error of about 1.65 % at k = 200 (99 %
// confidence; the figure Apache DataSketches publishes for its KLL with the same k), whatever
// the distribution, in O(k) memory.
// Values live in levels; an item at level h stands for 2^h inputs. A full level is sorted and
// every other item (odd or even positions, chosen at random) moves up a level. Level 0 keeps at
// least k items before it compacts, which costs nothing in accuracy (its items weigh 1) and
// amortises the sorting. Two sketches merge into the sketch of both streams (levels are
// concatenated, then compacted), so each thread can sketch its own batches.
// Not thread-safe: one sketch per thread, merged at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace logidata::profile {

class KllSketch {
 public:
  static constexpr int kDefaultK = 200;
  static constexpr double kRankErrorK200 = 0.0165;

  // `seed` drives the coin flips of compaction, so one input order always yields one sketch.
  explicit KllSketch(int k = kDefaultK, uint64_t seed = 0x5eed);

  // REQUIRES: !isnan(v).
  void Add(double v) {
    levels_[0].push_back(v);
    ++n_;
    if (levels_[0].size() >= level0_capacity_) Compress();
  }
  // REQUIRES: other.k() == k().
  void Merge(const KllSketch& other);

  uint64_t count() const { return n_; }
  int k() const { return k_; }
  bool empty() const { return n_ == 0; }
  // The value at normalized rank q in [0, 1] (q = 0: the minimum seen by the sketch).
  // REQUIRES: !empty().
  double Quantile(double q) const;
  // Fraction of the values <= v (estimated).
  double Rank(double v) const;
  // The documented normalized rank error (99 % confidence) for this k.
  double RankError() const;
  size_t RetainedItems() const;

 private:
  size_t Capacity(size_t level) const;
  void Compress();
  void CompactLevel(size_t level);
  // The retained items with their weights, sorted by value.
  std::vector<std::pair<double, uint64_t>> Weighted() const;

  int k_;
  uint64_t n_ = 0;
  uint64_t rng_;
  size_t level0_capacity_;
  std::vector<std::vector<double>> levels_;
};

}  // namespace logidata::profile
