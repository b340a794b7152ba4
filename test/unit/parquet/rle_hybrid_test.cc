// The RLE / bit-packed hybrid encoder against its decoder: sequences mixing long repeats, short
// repeats and distinct values at every bit width, so that literal stretches take values from the
// repeats that follow them, cross the 512-value literal limit and end in a padded group.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "formats/parquet/rle_hybrid.h"

namespace logidata::parquet {
namespace {

std::vector<uint32_t> MixedRuns(std::mt19937_64& rng, size_t count, int bit_width) {
  const uint64_t mask = bit_width == 32 ? 0xffffffffu : (uint64_t{1} << bit_width) - 1;
  std::vector<uint32_t> values;
  while (values.size() < count) {
    const auto v = static_cast<uint32_t>(rng() & mask);
    size_t run = 1;
    switch (rng() % 4) {
      case 0: run = 1 + rng() % 7; break;      // too short for a repeat
      case 1: run = 8 + rng() % 12; break;     // a repeat only after topping up literals
      case 2: run = 20 + rng() % 2000; break;  // a repeat
      default: break;
    }
    values.insert(values.end(), std::min(run, count - values.size()), v);
  }
  return values;
}

std::vector<uint32_t> RoundTrip(const std::vector<uint32_t>& values, int bit_width) {
  std::string encoded = "prefix";
  RleHybridEncoder(bit_width).Encode(values.data(), static_cast<int64_t>(values.size()), &encoded);
  std::vector<uint32_t> decoded(values.size());
  RleHybridDecoder decoder(reinterpret_cast<const uint8_t*>(encoded.data()) + 6, encoded.size() - 6, bit_width);
  EXPECT_TRUE(decoder.Decode(decoded.data(), static_cast<int64_t>(decoded.size())).ok());
  return decoded;
}

TEST(RleHybrid, MixedRunsRoundTripAtEveryWidth) {
  std::mt19937_64 rng(7);
  for (int bit_width = 1; bit_width <= 32; ++bit_width) {
    for (size_t count : {size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{511}, size_t{513}, size_t{5000}, size_t{100000}}) {
      SCOPED_TRACE("bit_width=" + std::to_string(bit_width) + " count=" + std::to_string(count));
      const std::vector<uint32_t> values = MixedRuns(rng, count, bit_width);
      EXPECT_EQ(RoundTrip(values, bit_width), values);
    }
  }
}

TEST(RleHybrid, DistinctValuesCrossTheLiteralLimit) {
  std::vector<uint32_t> values(2000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint32_t>(i % 1024);
  EXPECT_EQ(RoundTrip(values, 10), values);
}

TEST(RleHybrid, ARepeatIsOneRunNotPackedBits) {
  const std::vector<uint32_t> values(1000000, 1);
  std::string encoded;
  RleHybridEncoder(1).Encode(values.data(), static_cast<int64_t>(values.size()), &encoded);
  EXPECT_LE(encoded.size(), 5u);  // a ULEB header and one byte of value
  EXPECT_EQ(RoundTrip(values, 1), values);
}

}  // namespace
}  // namespace logidata::parquet
