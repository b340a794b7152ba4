// Byte-class bitmasks over 64-byte blocks, the building block of the CSV tokenizer and record
// boundary scans: bit i of a mask is set when byte i of the block equals the searched byte.
// Uses AVX-512BW or AVX2 when the build targets them, else a portable loop. Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__AVX512BW__) || defined(__AVX2__) || defined(__PCLMUL__)
#include <immintrin.h>
#endif

namespace logidata::csv_simd {

// Up to three byte classes of one block; unused classes may repeat a byte (their mask is ignored).
struct BlockMasks {
  uint64_t a = 0;
  uint64_t b = 0;
  uint64_t c = 0;
};

class ByteMatcher {
 public:
  ByteMatcher(char a, char b, char c) : a_(a), b_(b), c_(c) {
#if defined(__AVX512BW__)
    va_ = _mm512_set1_epi8(a);
    vb_ = _mm512_set1_epi8(b);
    vc_ = _mm512_set1_epi8(c);
#elif defined(__AVX2__)
    va_ = _mm256_set1_epi8(a);
    vb_ = _mm256_set1_epi8(b);
    vc_ = _mm256_set1_epi8(c);
#endif
  }

  // REQUIRES: 64 readable bytes at `p`.
  BlockMasks Match(const char* p) const {
    BlockMasks m;
#if defined(__AVX512BW__)
    __m512i v = _mm512_loadu_si512(reinterpret_cast<const void*>(p));
    m.a = _mm512_cmpeq_epi8_mask(v, va_);
    m.b = _mm512_cmpeq_epi8_mask(v, vb_);
    m.c = _mm512_cmpeq_epi8_mask(v, vc_);
#elif defined(__AVX2__)
    __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    auto mask = [&](__m256i needle) {
      uint64_t l = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, needle)));
      uint64_t h = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, needle)));
      return l | (h << 32);
    };
    m.a = mask(va_);
    m.b = mask(vb_);
    m.c = mask(vc_);
#else
    for (int i = 0; i < 64; ++i) {
      m.a |= static_cast<uint64_t>(p[i] == a_) << i;
      m.b |= static_cast<uint64_t>(p[i] == b_) << i;
      m.c |= static_cast<uint64_t>(p[i] == c_) << i;
    }
#endif
    return m;
  }

  // Like Match for the `n` < 64 bytes at `p` (copied to a padded block); bits >= n are clear.
  BlockMasks MatchTail(const char* p, size_t n) const {
    alignas(64) char block[64];
    std::memset(block, 0, sizeof block);
    std::memcpy(block, p, n);
    BlockMasks m = Match(block);
    uint64_t keep = n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
    m.a &= keep;
    m.b &= keep;
    m.c &= keep;
    return m;
  }

 private:
  [[maybe_unused]] char a_, b_, c_;  // the scalar fallback's; unused when SIMD compiles in
#if defined(__AVX512BW__)
  __m512i va_, vb_, vc_;
#elif defined(__AVX2__)
  __m256i va_, vb_, vc_;
#endif
};

// Bit i of the result is the XOR of bits 0..i of `x`: with `x` = quote positions it marks the
// bytes inside quotes (opening quote included, closing quote excluded).
inline uint64_t PrefixXor(uint64_t x) {
#if defined(__PCLMUL__)
  __m128i r = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<int64_t>(x)), _mm_set1_epi8(-1), 0);
  return static_cast<uint64_t>(_mm_cvtsi128_si64(r));
#else
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
#endif
}

}  // namespace logidata::csv_simd
