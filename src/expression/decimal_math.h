// Small helpers for decimal128 arithmetic (unscaled __int128 values). Pure; thread-safe.
#pragma once

#include <cstdint>

#include "types/data_type.h"

namespace logidata::expr {

// 10^n for n in [0, 38].
inline int128_t Pow10(int n) {
  static const auto table = [] {
    struct T { int128_t v[39]; } t{};
    t.v[0] = 1;
    for (int i = 1; i <= 38; ++i) t.v[i] = t.v[i - 1] * 10;
    return t;
  }();
  return table.v[n < 0 ? 0 : (n > 38 ? 38 : n)];
}

// Divides by 10^n rounding half away from zero.
inline int128_t DivRoundPow10(int128_t v, int n) {
  if (n <= 0) return v;
  int128_t d = Pow10(n);
  int128_t q = v / d;
  int128_t r = v % d;
  int128_t twice = r < 0 ? -r * 2 : r * 2;
  if (twice >= d) q += v < 0 ? -1 : 1;
  return q;
}

// True when |v| fits in `precision` digits.
inline bool FitsPrecision(int128_t v, int precision) {
  int128_t limit = Pow10(precision);
  return v < limit && v > -limit;
}

// Rescales from scale `from` to scale `to`; false on overflow of 38 digits.
inline bool Rescale(int128_t v, int from, int to, int128_t* out) {
  if (to >= from) {
    int128_t f = Pow10(to - from);
    if (__builtin_mul_overflow(v, f, out)) return false;
    return FitsPrecision(*out, 38);
  }
  *out = DivRoundPow10(v, from - to);
  return true;
}

}  // namespace logidata::expr
