// 64-bit hashes of column values for the profiler's sketches (HyperLogLog, frequent items).
// HyperLogLog takes its register index from the top bits and its rank from the rest, so the
// hash must be well mixed in every bit: strings go through a multiply-fold hash (wyhash style)
// and fixed-width values through the MurmurHash3 finaliser. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace logidata::profile {

// MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit over the output.
inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// The high and low halves of a 128-bit product folded together.
inline uint64_t MulFold(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t HashBytes(std::string_view s) {
  constexpr uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL, k2 = 0x8ebc6af09c88c6e3ULL;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = k0 ^ (n * k1);
  while (n >= 16) {
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    h = MulFold(a ^ k1, b ^ h);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    uint64_t a;
    std::memcpy(&a, p, 8);
    h = MulFold(a ^ k2, h ^ k0);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    h = MulFold(tail ^ k1, h ^ k2 ^ n);
  }
  return Mix64(h);
}

inline uint64_t HashInt(int64_t v) { return Mix64(static_cast<uint64_t>(v) ^ 0x9e3779b97f4a7c15ULL); }

// -0.0 and 0.0 are one value; NaN never reaches the sketches.
inline uint64_t HashDouble(double v) {
  if (v == 0) v = 0;
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  return HashInt(static_cast<int64_t>(bits));
}

}  // namespace logidata::profile
