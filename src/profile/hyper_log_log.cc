#include "profile/hyper_log_log.h"

#include <cmath>
#include <limits>

#include "common/check.h"

namespace logidata::profile {

namespace {

// Ertl 2017, algorithm 4: sigma(x) = x + sum_k x^(2^k) 2^(k-1).
double Sigma(double x) {
  if (x == 1) return std::numeric_limits<double>::infinity();
  double y = 1, z = x, previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z != previous);
  return z;
}

// Ertl 2017, algorithm 4: tau(x) = (1 - x - sum_k (1 - x^(2^-k))^2 2^-k) / 3.
double Tau(double x) {
  if (x == 0 || x == 1) return 0;
  double y = 1, z = 1 - x, previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z != previous);
  return z / 3;
}

}  // namespace

HyperLogLog::HyperLogLog(int precision) : precision_(precision), registers_(size_t{1} << precision, 0) {
  LD_CHECK(precision >= 4 && precision <= 18);
  exact_slots_.assign(64, 0);
}

void HyperLogLog::AddExact(uint64_t hash) {
  if (hash == 0) hash = 1;
  const size_t mask = exact_slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    if (exact_slots_[i] == hash) return;
    if (exact_slots_[i] == 0) {
      exact_slots_[i] = hash;
      if (++exact_size_ > kExactLimit) {
        // Too many to keep: the registers alone carry on.
        exact_ = false;
        std::vector<uint64_t>().swap(exact_slots_);
      } else if (exact_size_ * 2 > exact_slots_.size()) {
        GrowExact();
      }
      return;
    }
  }
}

void HyperLogLog::GrowExact() {
  std::vector<uint64_t> old(exact_slots_.size() * 2, 0);
  old.swap(exact_slots_);
  const size_t mask = exact_slots_.size() - 1;
  for (uint64_t h : old) {
    if (h == 0) continue;
    size_t i = h & mask;
    while (exact_slots_[i] != 0) i = (i + 1) & mask;
    exact_slots_[i] = h;
  }
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  LD_CHECK_EQ(precision_, other.precision_);
  for (size_t i = 0; i < registers_.size(); ++i) {
    if (other.registers_[i] > registers_[i]) registers_[i] = other.registers_[i];
  }
  if (exact_ && other.exact_) {
    for (uint64_t h : other.exact_slots_) {
      if (h != 0) AddExact(h);
      if (!exact_) break;
    }
  } else if (exact_) {
    exact_ = false;
    std::vector<uint64_t>().swap(exact_slots_);
  }
}

double HyperLogLog::Estimate() const {
  if (exact_) return static_cast<double>(exact_size_);
  const int q = 64 - precision_;
  const double m = static_cast<double>(registers_.size());
  std::vector<int> histogram(static_cast<size_t>(q + 2), 0);
  for (uint8_t r : registers_) ++histogram[r];
  double z = m * Tau(1 - histogram[static_cast<size_t>(q + 1)] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + histogram[static_cast<size_t>(k)]);
  z += m * Sigma(histogram[0] / m);
  const double alpha_inf = 1 / (2 * std::log(2.0));
  return alpha_inf * m * m / z;
}

double HyperLogLog::RelativeStandardError() const {
  return exact_ ? 0 : 1.04 / std::sqrt(static_cast<double>(registers_.size()));
}

}  // namespace logidata::profile
