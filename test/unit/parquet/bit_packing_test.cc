// Bit packing (Parquet's LSB-first layout) at every width: PackBits and PackBits32 against a
// bit-at-a-time reference, and back through UnpackBits. Counts cross word boundaries at every
// offset, and the output is appended after bytes already in the string.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "formats/parquet/bit_util.h"

namespace logidata::parquet {
namespace {

std::string ReferencePack(const std::vector<uint64_t>& values, int bit_width) {
  std::string out(static_cast<size_t>((static_cast<int64_t>(values.size()) * bit_width + 7) / 8), '\0');
  int64_t bit = 0;
  for (uint64_t v : values) {
    for (int b = 0; b < bit_width; ++b, ++bit) {
      if ((v >> b) & 1) out[static_cast<size_t>(bit / 8)] = static_cast<char>(out[static_cast<size_t>(bit / 8)] | (1 << (bit % 8)));
    }
  }
  return out;
}

std::vector<uint64_t> RandomValues(std::mt19937_64& rng, size_t count, int bit_width) {
  std::vector<uint64_t> values(count);
  const uint64_t mask = bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  for (auto& v : values) v = rng() & mask;
  if (!values.empty()) values.back() = mask;  // all ones at the end: the last partial word
  return values;
}

TEST(BitPacking, EveryWidthMatchesTheReferenceAndUnpacks) {
  std::mt19937_64 rng(42);
  for (int bit_width = 0; bit_width <= 64; ++bit_width) {
    for (size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{63}, size_t{64}, size_t{65}, size_t{513}}) {
      SCOPED_TRACE("bit_width=" + std::to_string(bit_width) + " count=" + std::to_string(count));
      const std::vector<uint64_t> values = RandomValues(rng, count, bit_width);
      const std::string expected = ReferencePack(values, bit_width);

      std::string out = "prefix";
      PackBits(values.data(), static_cast<int64_t>(count), bit_width, &out);
      ASSERT_EQ(out.substr(0, 6), "prefix");
      ASSERT_EQ(out.substr(6), expected);
      std::vector<uint64_t> back(count);
      UnpackBits(reinterpret_cast<const uint8_t*>(expected.data()), expected.size(), bit_width,
                 static_cast<int64_t>(count), back.data());
      EXPECT_EQ(back, values);

      if (bit_width <= 32) {
        std::vector<uint32_t> narrow(values.begin(), values.end());
        std::string out32 = "p";
        PackBits32(narrow.data(), static_cast<int64_t>(count), bit_width, &out32);
        EXPECT_EQ(out32.substr(1), expected);
      }
    }
  }
}

}  // namespace
}  // namespace logidata::parquet
