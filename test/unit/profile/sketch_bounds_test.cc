// Property tests: the sketches stay within their stated error bounds over many random seeds and
// several distributions, and merging partial sketches gives what one pass gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <cstring>
#include <iostream>
#include <random>

#include "profile/frequent_items.h"
#include "profile/hyper_log_log.h"
#include "profile/kll_sketch.h"
#include "profile/value_hash.h"

namespace logidata::profile {
namespace {

TEST(HyperLogLogTest, SmallCardinalitiesAreExact) {
  for (int n : {0, 1, 7, 100, 2048}) {
    HyperLogLog hll;
    for (int rep = 0; rep < 3; ++rep) {
      for (int i = 0; i < n; ++i) hll.Add(HashInt(i));
    }
    EXPECT_TRUE(hll.IsExact()) << n;
    EXPECT_EQ(hll.Estimate(), n);
    EXPECT_EQ(hll.RelativeStandardError(), 0);
  }
}

// Over 40 seeds per cardinality, every estimate lies within 4 standard errors (a miss has odds
// of about 1 in 16,000 per estimate) and the errors average out near the stated standard error.
TEST(HyperLogLogTest, EstimatesStayWithinTheStandardError) {
  for (int64_t n : {3000, 20000, 100000, 1000000}) {
    double sum_sq = 0;
    const int seeds = n >= 1000000 ? 12 : 40;
    for (int seed = 1; seed <= seeds; ++seed) {
      HyperLogLog hll;
      std::mt19937_64 rng(static_cast<uint64_t>(seed) * 7919 + static_cast<uint64_t>(n));
      const uint64_t base = rng();
      for (int64_t i = 0; i < n; ++i) hll.Add(HashInt(static_cast<int64_t>(base + static_cast<uint64_t>(i))));
      const double rse = hll.RelativeStandardError();
      const double err = (hll.Estimate() - static_cast<double>(n)) / static_cast<double>(n);
      EXPECT_LT(std::abs(err), 4 * rse) << "n=" << n << " seed=" << seed << " estimate=" << hll.Estimate();
      sum_sq += err * err;
    }
    const double rms = std::sqrt(sum_sq / seeds);
    EXPECT_LT(rms, 1.6 * 0.0081) << "n=" << n;
  }
}

TEST(HyperLogLogTest, MergeEqualsOnePass) {
  HyperLogLog whole, a, b, c;
  for (int64_t i = 0; i < 300000; ++i) {
    const uint64_t h = HashInt(i % 200000);  // overlapping halves
    whole.Add(h);
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).Add(h);
  }
  a.Merge(b);
  a.Merge(c);
  EXPECT_EQ(a.Estimate(), whole.Estimate());
  EXPECT_FALSE(a.IsExact());
}

TEST(HyperLogLogTest, MergeOfExactSketchesStaysExactUntilTheLimit) {
  HyperLogLog a, b;
  for (int i = 0; i < 1000; ++i) a.Add(HashInt(i));
  for (int i = 500; i < 1500; ++i) b.Add(HashInt(i));
  a.Merge(b);
  EXPECT_TRUE(a.IsExact());
  EXPECT_EQ(a.Estimate(), 1500);
  HyperLogLog c;
  for (int i = 1500; i < 3000; ++i) c.Add(HashInt(i));
  a.Merge(c);
  EXPECT_FALSE(a.IsExact());
  EXPECT_NEAR(a.Estimate(), 3000, 3000 * 4 * a.RelativeStandardError());
}

// The largest difference between the sketch's rank of a value and its true rank, over a grid of
// quantiles. `sorted` is the whole input, sorted.
double MaxRankError(const KllSketch& sketch, const std::vector<double>& sorted) {
  double worst = 0;
  const double n = static_cast<double>(sorted.size());
  for (int i = 1; i < 100; ++i) {
    const double q = i / 100.0;
    const double v = sketch.Quantile(q);
    // True rank interval of v (ties span a range).
    const double lo = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin()) / n;
    const double hi = static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin()) / n;
    const double err = q < lo ? lo - q : q > hi ? q - hi : 0;
    worst = std::max(worst, err);
  }
  return worst;
}

std::vector<double> Generate(const std::string& shape, int n, std::mt19937_64& rng) {
  std::vector<double> v(static_cast<size_t>(n));
  std::uniform_real_distribution<double> uniform(0, 1000);
  std::lognormal_distribution<double> lognormal(3, 1.5);
  std::uniform_int_distribution<int> few(1, 20);
  for (int i = 0; i < n; ++i) {
    if (shape == "uniform") v[static_cast<size_t>(i)] = uniform(rng);
    else if (shape == "lognormal") v[static_cast<size_t>(i)] = lognormal(rng);
    else if (shape == "ascending") v[static_cast<size_t>(i)] = i;
    else if (shape == "descending") v[static_cast<size_t>(i)] = n - i;
    else v[static_cast<size_t>(i)] = few(rng);  // heavy ties
  }
  return v;
}

TEST(KllSketchTest, RankErrorStaysWithinTheBoundOverSeedsAndShapes) {
  for (const std::string shape : {"uniform", "lognormal", "ascending", "descending", "ties"}) {
    double worst = 0;
    for (int seed = 1; seed <= 25; ++seed) {
      std::mt19937_64 rng(static_cast<uint64_t>(seed));
      const std::vector<double> values = Generate(shape, 100000, rng);
      KllSketch sketch(KllSketch::kDefaultK, static_cast<uint64_t>(seed));
      for (double v : values) sketch.Add(v);
      std::vector<double> sorted = values;
      std::sort(sorted.begin(), sorted.end());
      const double err = MaxRankError(sketch, sorted);
      worst = std::max(worst, err);
      EXPECT_LE(err, sketch.RankError()) << shape << " seed " << seed;
      EXPECT_EQ(sketch.count(), 100000u);
      EXPECT_LT(sketch.RetainedItems(), 1000u) << "memory stays O(k)";
    }
    std::cout << shape << ": worst rank error " << worst << " (bound " << KllSketch().RankError() << ")\n";
  }
}

TEST(KllSketchTest, MergedPartsStayWithinTheBound) {
  for (int seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(static_cast<uint64_t>(seed) + 1000);
    const std::vector<double> values = Generate(seed % 2 ? "lognormal" : "uniform", 200000, rng);
    std::vector<KllSketch> parts;
    for (int p = 0; p < 4; ++p) parts.emplace_back(KllSketch::kDefaultK, static_cast<uint64_t>(seed * 10 + p));
    for (size_t i = 0; i < values.size(); ++i) parts[(i / 2048) % 4].Add(values[i]);
    for (int p = 1; p < 4; ++p) parts[0].Merge(parts[static_cast<size_t>(p)]);
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(parts[0].count(), values.size());
    EXPECT_LE(MaxRankError(parts[0], sorted), parts[0].RankError()) << "seed " << seed;
  }
}

TEST(KllSketchTest, SmallInputsAreExact) {
  KllSketch sketch;
  for (int i = 100; i >= 1; --i) sketch.Add(i);
  EXPECT_EQ(sketch.Quantile(0), 1);
  EXPECT_EQ(sketch.Quantile(0.5), 50);
  EXPECT_EQ(sketch.Quantile(1), 100);
  EXPECT_DOUBLE_EQ(sketch.Rank(25), 0.25);
}

TEST(FrequentItemsTest, FewDistinctValuesAreCountedExactly) {
  FrequentItems items;
  std::map<std::string, int64_t> truth;
  std::mt19937_64 rng(5);
  for (int i = 0; i < 50000; ++i) {
    const std::string v = "v" + std::to_string(rng() % 40);
    items.AddText(HashBytes(v), v);
    ++truth[v];
  }
  EXPECT_EQ(items.max_error(), 0);
  for (const auto& item : items.Top(40)) EXPECT_EQ(item.count, truth[item.text]) << item.text;
}

// Zipf-like streams over many seeds: counts are never over-estimated, short by at most
// max_error(), and max_error() <= 2n / capacity — also after merging partial sketches.
TEST(FrequentItemsTest, CountsStayWithinTheErrorBound) {
  for (int seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(static_cast<uint64_t>(seed));
    std::vector<FrequentItems> parts(3);
    std::map<int64_t, int64_t> truth;
    const int n = 60000;
    for (int i = 0; i < n; ++i) {
      // Heavy head, long tail: value k with probability ~ 1/k.
      const double u = std::uniform_real_distribution<double>(0, 1)(rng);
      const int64_t v = static_cast<int64_t>(std::exp(u * std::log(50000.0)));
      ++truth[v];
      parts[static_cast<size_t>(i % 3)].AddRaw(HashInt(v), &v, sizeof v);
    }
    parts[0].Merge(parts[1]);
    parts[0].Merge(parts[2]);
    const FrequentItems& merged = parts[0];
    EXPECT_EQ(merged.total(), n);
    EXPECT_LE(merged.max_error(), 2 * n / static_cast<int64_t>(FrequentItems::kDefaultCapacity));
    for (const auto& item : merged.Top(10)) {
      int64_t v;
      std::memcpy(&v, item.raw.data(), sizeof v);
      EXPECT_LE(item.count, truth[v]);
      EXPECT_GE(item.count + merged.max_error(), truth[v]);
    }
    // The true top value is reported first.
    auto top = std::max_element(truth.begin(), truth.end(), [](auto& a, auto& b) { return a.second < b.second; });
    int64_t first;
    std::memcpy(&first, merged.Top(1)[0].raw.data(), sizeof first);
    EXPECT_EQ(first, top->first) << "seed " << seed;
  }
}

}  // namespace
}  // namespace logidata::profile
