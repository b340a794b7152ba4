#include "common/hash_bytes.h"

#include <cstring>

namespace logidata {
namespace {

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

constexpr uint64_t kSeed0 = 0xa0761d6478bd642fULL;
constexpr uint64_t kSeed1 = 0xe7037ed1a0b428dbULL;
constexpr uint64_t kSeed2 = 0x8ebc6af09c88c6e3ULL;

}  // namespace

uint64_t HashBytes(const void* data, size_t size) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  uint64_t seed = kSeed0 ^ (size * kSeed2);
  uint64_t a, b;
  if (size <= 16) {
    if (size >= 8) {
      a = Load64(p);
      b = Load64(p + size - 8);
    } else if (size >= 4) {
      uint32_t x, y;
      std::memcpy(&x, p, 4);
      std::memcpy(&y, p + size - 4, 4);
      a = x;
      b = y;
    } else if (size > 0) {
      a = (static_cast<uint64_t>(p[0]) << 16) | (static_cast<uint64_t>(p[size >> 1]) << 8) | p[size - 1];
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    size_t i = size;
    while (i > 16) {
      seed = Mix(Load64(p) ^ kSeed1, Load64(p + 8) ^ seed);
      p += 16;
      i -= 16;
    }
    a = Load64(p + i - 16);
    b = Load64(p + i - 8);
  }
  return Mix(kSeed1 ^ size, Mix(a ^ kSeed1, b ^ seed));
}

}  // namespace logidata
