#include "profile/kll_sketch.h"

#include <algorithm>
#include <cmath>

#include "common/check.h"

namespace logidata::profile {

namespace {

constexpr size_t kMinWidth = 8;  // the smallest capacity of a level (as in DataSketches)
constexpr double kDecay = 2.0 / 3.0;

}  // namespace

KllSketch::KllSketch(int k, uint64_t seed) : k_(k), rng_(seed | 1), levels_(1) {
  LD_CHECK(k >= 8);
  level0_capacity_ = static_cast<size_t>(k);
  levels_[0].reserve(level0_capacity_);
}

size_t KllSketch::Capacity(size_t level) const {
  // The top level holds k items; each level below holds 2/3 of the one above.
  const size_t depth = levels_.size() - 1 - level;
  const size_t c = static_cast<size_t>(std::ceil(k_ * std::pow(kDecay, static_cast<double>(depth))));
  const size_t width = std::max(kMinWidth, c);
  return level == 0 ? std::max(width, level0_capacity_) : width;
}

void KllSketch::Compress() {
  for (;;) {
    size_t full = levels_.size();
    for (size_t h = 0; h < levels_.size(); ++h) {
      if (levels_[h].size() >= Capacity(h)) {
        full = h;
        break;
      }
    }
    if (full == levels_.size()) return;
    CompactLevel(full);
  }
}

void KllSketch::CompactLevel(size_t level) {
  if (level + 1 == levels_.size()) levels_.emplace_back();
  std::vector<double>& items = levels_[level];
  std::sort(items.begin(), items.end());
  // An odd item out stays behind so the compacted part has even length.
  double leftover = 0;
  const bool odd = items.size() % 2 == 1;
  if (odd) {
    leftover = items.back();
    items.pop_back();
  }
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  const size_t offset = rng_ & 1;
  std::vector<double>& up = levels_[level + 1];
  for (size_t i = offset; i < items.size(); i += 2) up.push_back(items[i]);
  items.clear();
  if (odd) items.push_back(leftover);
}

void KllSketch::Merge(const KllSketch& other) {
  LD_CHECK_EQ(k_, other.k_);
  while (levels_.size() < other.levels_.size()) levels_.emplace_back();
  for (size_t h = 0; h < other.levels_.size(); ++h) {
    levels_[h].insert(levels_[h].end(), other.levels_[h].begin(), other.levels_[h].end());
  }
  n_ += other.n_;
  Compress();
}

std::vector<std::pair<double, uint64_t>> KllSketch::Weighted() const {
  std::vector<std::pair<double, uint64_t>> items;
  items.reserve(RetainedItems());
  for (size_t h = 0; h < levels_.size(); ++h) {
    for (double v : levels_[h]) items.emplace_back(v, uint64_t{1} << h);
  }
  std::sort(items.begin(), items.end());
  return items;
}

double KllSketch::Quantile(double q) const {
  LD_CHECK(n_ > 0);
  const auto items = Weighted();
  uint64_t total = 0;
  for (const auto& item : items) total += item.second;
  const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
  uint64_t seen = 0;
  for (const auto& [value, weight] : items) {
    seen += weight;
    if (static_cast<double>(seen) >= target) return value;
  }
  return items.back().first;
}

double KllSketch::Rank(double v) const {
  uint64_t below = 0, total = 0;
  for (size_t h = 0; h < levels_.size(); ++h) {
    for (double x : levels_[h]) {
      total += uint64_t{1} << h;
      if (x <= v) below += uint64_t{1} << h;
    }
  }
  return total == 0 ? 0 : static_cast<double>(below) / static_cast<double>(total);
}

double KllSketch::RankError() const {
  // DataSketches' empirical fit for KLL: 2.446 / k^0.9433 (99 % confidence, single-sided ranks).
  return 2.446 / std::pow(static_cast<double>(k_), 0.9433);
}

size_t KllSketch::RetainedItems() const {
  size_t n = 0;
  for (const auto& level : levels_) n += level.size();
  return n;
}

}  // namespace logidata::profile
