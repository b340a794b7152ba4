// Parsers from CSV field text to typed values, written for the hot loop: no allocation, no
// locale, the whole text must be consumed. Each returns false when the text is not a valid value
// of the type. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "formats/csv/csv_dialect.h"
#include "formats/csv/csv_tokenizer.h"
#include "types/data_type.h"

namespace logidata {

inline bool ParseCsvInt64(std::string_view text, int64_t* out);
// Plain decimals of up to 15 digits take an exact fast path (digits / 10^k is correctly rounded
// for such inputs); everything else goes to fast_float.
inline bool ParseCsvFloat64(std::string_view text, double* out);
bool ParseCsvFloat64Slow(std::string_view text, double* out);
// The same, for text followed by at least 8 readable bytes (inside a larger buffer): short
// values are parsed branch-free, 8 bytes at a time.
inline bool ParseCsvInt64Padded(const char* p, size_t n, int64_t* out);
inline bool ParseCsvFloat64Padded(const char* p, size_t n, double* out);
// true/false, t/f, yes/no, y/n, 1/0 (any case).
bool ParseCsvBool(std::string_view text, bool* out);
// "-12.5" into an unscaled decimal with `scale` digits; more digits than `precision` fails.
bool ParseCsvDecimal(std::string_view text, int precision, int scale, int128_t* out);

// Text without leading and trailing spaces and tabs.
std::string_view TrimBlanks(std::string_view text);

// The text of a field span: quotes removed and escapes resolved. Points into `data` when no
// rewriting is needed, else into `scratch`. Returns false (with `error` set) for a quoted field
// whose closing quote is followed by other characters or that holds an unescaped quote.
// `quoted` tells whether the field was quoted (a quoted empty field is an empty string, not null).
bool CsvFieldText(const char* data, FieldSpan span, const CsvDialect& dialect, std::string* scratch,
                  std::string_view* text, bool* quoted, const char** error);

// Appends Latin-1 bytes to `out` as UTF-8.
void AppendLatin1AsUtf8(std::string_view latin1, std::string* out);

// Inline so the column decoders' loops can fold them in.
inline bool ParseCsvInt64(std::string_view text, int64_t* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end) return false;
  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    if (++p == end) return false;
  }
  if (end - p > 19) return false;
  uint64_t v = 0;
  const char* digits = p;
  for (; p < end; ++p) {
    unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  if (end - digits == 19) {
    // 19 digits may overflow: compare with the limit.
    uint64_t limit = negative ? uint64_t{9223372036854775808ULL} : uint64_t{9223372036854775807ULL};
    if (v > limit) return false;
  }
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

namespace csv_internal {

inline constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// The value of the `n` (1..8) ASCII digits in the low bytes of `x` (first digit in the lowest
// byte), or false if one of them is not a digit.
inline bool DigitsInWord(uint64_t x, size_t n, uint64_t* out) {
  const unsigned shift = static_cast<unsigned>(8 - n) * 8;
  // Move the digits to the top and fill the bottom with '0' (leading zeros).
  if (shift != 0) x = (x << shift) | (0x3030303030303030ULL >> (64 - shift));
  const uint64_t high = x & 0xF0F0F0F0F0F0F0F0ULL;
  const uint64_t carry = ((x + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4;
  if ((high | carry) != 0x3333333333333333ULL) return false;
  x -= 0x3030303030303030ULL;
  x = x * 10 + (x >> 8);  // byte 2i: the two-digit number of digits 2i, 2i+1
  x = ((x & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)) +
       ((x >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))) >> 32;
  *out = x;
  return true;
}

inline uint64_t LoadWord(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

}  // namespace csv_internal

inline bool ParseCsvInt64Padded(const char* p, size_t n, int64_t* out) {
  const bool negative = n != 0 && p[0] == '-';
  const size_t digits = n - negative;
  uint64_t v;
  if (digits >= 1 && digits <= 8 && csv_internal::DigitsInWord(csv_internal::LoadWord(p + negative), digits, &v)) {
    *out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
    return true;
  }
  return ParseCsvInt64(std::string_view(p, n), out);
}

inline bool ParseCsvFloat64Padded(const char* p, size_t n, double* out) {
  const bool negative = n != 0 && p[0] == '-';
  const size_t len = n - negative;
  if (len >= 2 && len <= 8) {
    const uint64_t x = csv_internal::LoadWord(p + negative);
    // Lowest byte equal to '.', among the first `len`.
    const uint64_t t = x ^ 0x2E2E2E2E2E2E2E2EULL;
    uint64_t dots = (t - 0x0101010101010101ULL) & ~t & 0x8080808080808080ULL;
    if (len < 8) dots &= (uint64_t{1} << (8 * len)) - 1;
    if (dots != 0) {
      const unsigned k = static_cast<unsigned>(__builtin_ctzll(dots)) / 8;
      const uint64_t low = k == 0 ? 0 : x & ((uint64_t{1} << (8 * k)) - 1);
      const uint64_t high = k == 7 ? 0 : (x >> (8 * (k + 1))) << (8 * k);
      uint64_t mantissa;
      if (csv_internal::DigitsInWord(low | high, len - 1, &mantissa)) {
        double v = static_cast<double>(mantissa) / csv_internal::kPow10[len - 1 - k];
        *out = negative ? -v : v;
        return true;
      }
    }
  }
  return ParseCsvFloat64(std::string_view(p, n), out);
}

inline bool ParseCsvFloat64(std::string_view text, double* out) {
  const double* kPow10 = csv_internal::kPow10;
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end || end - p > 17) return ParseCsvFloat64Slow(text, out);
  bool negative = *p == '-';
  p += negative;
  uint64_t mantissa = 0;
  int digits = 0;
  int fraction = -1;  // digits after the point, -1 before it
  for (; p < end; ++p) {
    unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d <= 9) {
      mantissa = mantissa * 10 + d;
      ++digits;
      fraction += fraction >= 0;
    } else if (*p == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return ParseCsvFloat64Slow(text, out);
    }
  }
  if (digits == 0 || digits > 15) return ParseCsvFloat64Slow(text, out);
  double v = static_cast<double>(mantissa);
  if (fraction > 0) v /= kPow10[fraction];
  *out = negative ? -v : v;
  return true;
}

}  // namespace logidata
