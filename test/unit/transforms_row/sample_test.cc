#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "row_module_runner.h"
#include "transforms/sample.h"

namespace logidata::testing {
namespace {

std::vector<int64_t> Ids(const std::vector<std::vector<BatchPtr>>& out) {
  std::vector<int64_t> ids;
  for (const auto& row : PortRows(out, 0)) ids.push_back(std::stoll(row[0]));
  return ids;
}

struct FractionCase {
  double fraction;
  int64_t seed;
};

class FractionCases : public ::testing::TestWithParam<FractionCase> {};

TEST_P(FractionCases, KeepsAboutTheFractionDeterministically) {
  const FractionCase& c = GetParam();
  auto input = GeneratedBatches(20, 1000);
  nlohmann::json config = {{"fraction", c.fraction}, {"seed", c.seed}};
  auto serial = RunModule("transform.sample", config, {input}, 1);
  auto parallel = RunModule("transform.sample", config, {input}, 2);
  ASSERT_TRUE(serial.ok()) << serial.status().ToString();
  ASSERT_TRUE(parallel.ok()) << parallel.status().ToString();
  auto ids = Ids(*serial);
  EXPECT_EQ(ids, Ids(*parallel));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  // Binomial(20000, f): within 5 standard deviations.
  const double expected = 20000 * c.fraction;
  const double sd = std::sqrt(20000 * c.fraction * (1 - c.fraction));
  EXPECT_NEAR(static_cast<double>(ids.size()), expected, 5 * sd + 0.5);
}

INSTANTIATE_TEST_SUITE_P(All, FractionCases,
                         ::testing::Values(FractionCase{0.0, 1}, FractionCase{0.01, 1}, FractionCase{0.1, 42},
                                           FractionCase{0.5, 7}, FractionCase{0.9, -3}, FractionCase{1.0, 1}));

TEST(Sample, SeedChangesTheChoice) {
  auto input = GeneratedBatches(5, 1000);
  auto a = RunModule("transform.sample", {{"fraction", 0.2}, {"seed", 1}}, {input});
  auto b = RunModule("transform.sample", {{"fraction", 0.2}, {"seed", 2}}, {input});
  auto a2 = RunModule("transform.sample", {{"fraction", 0.2}, {"seed", 1}}, {input});
  ASSERT_TRUE(a.ok() && b.ok() && a2.ok());
  EXPECT_NE(Ids(*a), Ids(*b));
  EXPECT_EQ(Ids(*a), Ids(*a2));
}

struct RowsCase {
  int64_t n;
  int batches;
  int rows_per_batch;
};

class RowsCases : public ::testing::TestWithParam<RowsCase> {};

TEST_P(RowsCases, KeepsExactlyNRowsDeterministically) {
  const RowsCase& c = GetParam();
  auto input = GeneratedBatches(c.batches, c.rows_per_batch);
  const int64_t total = static_cast<int64_t>(c.batches) * c.rows_per_batch;
  nlohmann::json config = {{"n", c.n}, {"seed", 5}};
  auto serial = RunModule("transform.sample", config, {input}, 1);
  auto parallel = RunModule("transform.sample", config, {input}, 2);
  ASSERT_TRUE(serial.ok()) << serial.status().ToString();
  ASSERT_TRUE(parallel.ok()) << parallel.status().ToString();
  auto ids = Ids(*serial);
  EXPECT_EQ(static_cast<int64_t>(ids.size()), std::min(c.n, total));
  EXPECT_EQ(ids, Ids(*parallel));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), ids.size());
  // The full rows come through, not only the ids.
  auto rows = PortRows(*serial, 0);
  for (const auto& r : rows) EXPECT_EQ(r[1], std::to_string(std::stoll(r[0]) % 7));
}

INSTANTIATE_TEST_SUITE_P(All, RowsCases,
                         ::testing::Values(RowsCase{0, 3, 100}, RowsCase{1, 3, 100}, RowsCase{10, 3, 100},
                                           RowsCase{299, 3, 100}, RowsCase{300, 3, 100}, RowsCase{1000, 3, 100},
                                           RowsCase{50, 40, 500}, RowsCase{5000, 10, 2000}));

// Uniformity: over many seeds, each of 10 rows is picked about n/10 of the time.
TEST(Sample, RowsModeIsUniform) {
  auto input = GeneratedBatches(2, 5);
  std::vector<int> hits(10, 0);
  const int trials = 2000;
  for (int seed = 0; seed < trials; ++seed) {
    auto out = RunModule("transform.sample", {{"n", 3}, {"seed", seed}}, {input});
    ASSERT_TRUE(out.ok());
    for (int64_t id : Ids(*out)) ++hits[static_cast<size_t>(id)];
  }
  for (int h : hits) EXPECT_NEAR(h, trials * 3 / 10, 100);
}

TEST(Sample, RowKeyDependsOnSeedSequenceAndRow) {
  EXPECT_EQ(SampleRowKey(1, 2, 3), SampleRowKey(1, 2, 3));
  EXPECT_NE(SampleRowKey(1, 2, 3), SampleRowKey(2, 2, 3));
  EXPECT_NE(SampleRowKey(1, 2, 3), SampleRowKey(1, 3, 3));
  EXPECT_NE(SampleRowKey(1, 2, 3), SampleRowKey(1, 2, 4));
}

class SampleBadConfigs : public ::testing::TestWithParam<BadConfig> {};

TEST_P(SampleBadConfigs, NameTheField) {
  ExpectConfigRefused("transform.sample", GetParam(), GeneratedBatches(1, 1)[0]->schema());
}

INSTANTIATE_TEST_SUITE_P(All, SampleBadConfigs,
                         ::testing::Values(BadConfig{"neither", nlohmann::json::object(), "/fraction"},
                                           BadConfig{"both", {{"fraction", 0.5}, {"n", 3}}, "/n"},
                                           BadConfig{"fraction_high", {{"fraction", 1.5}}, "/fraction"},
                                           BadConfig{"fraction_negative", {{"fraction", -0.1}}, "/fraction"},
                                           BadConfig{"fraction_string", {{"fraction", "0.5"}}, "/fraction"},
                                           BadConfig{"n_negative", {{"n", -1}}, "/n"},
                                           BadConfig{"seed_string", {{"n", 1}, {"seed", "x"}}, "/seed"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace logidata::testing
