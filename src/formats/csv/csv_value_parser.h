// Parsers from CSV field text to typed values, written for the hot loop: no allocation, no
// locale, the whole text must be consumed. Each returns false when the text is not a valid value
// of the type. Pure functions; thread-safe.
#pragma once

#include <cstdint>
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

inline bool ParseCsvFloat64(std::string_view text, double* out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
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
