#include "formats/csv/csv_value_parser.h"

#include <cstring>

#include <fast_float/fast_float.h>

namespace logidata {

bool ParseCsvFloat64Slow(std::string_view text, double* out) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') {
    ++begin;
    if (begin != end && *begin == '-') return false;  // "+-1"
  }
  if (begin == end) return false;
  auto result = fast_float::from_chars(begin, end, *out);
  return result.ec == std::errc() && result.ptr == end;
}

namespace {
bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}
}  // namespace

bool ParseCsvBool(std::string_view text, bool* out) {
  if (text.empty() || text.size() > 5) return false;
  for (std::string_view t : {"true", "t", "yes", "y", "1"}) {
    if (EqualsIgnoreCase(text, t)) {
      *out = true;
      return true;
    }
  }
  for (std::string_view f : {"false", "f", "no", "n", "0"}) {
    if (EqualsIgnoreCase(text, f)) {
      *out = false;
      return true;
    }
  }
  return false;
}

bool ParseCsvDecimal(std::string_view text, int precision, int scale, int128_t* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end) return false;
  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    ++p;
  }
  int128_t v = 0;
  int int_digits = 0, frac_digits = 0;
  bool any = false, seen_point = false;
  for (; p < end; ++p) {
    char c = *p;
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) return false;
    any = true;
    if (seen_point) {
      if (frac_digits == scale) {
        if (d != 0) return false;  // more fractional digits than the scale can hold
        continue;
      }
      ++frac_digits;
    } else {
      if (int_digits == 0 && d == 0) continue;  // leading zeros
      ++int_digits;
    }
    v = v * 10 + d;
  }
  if (!any || int_digits + scale > precision) return false;
  for (; frac_digits < scale; ++frac_digits) v *= 10;
  *out = negative ? -v : v;
  return true;
}

std::string_view TrimBlanks(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return text.substr(b, e - b);
}

bool CsvFieldText(const char* data, FieldSpan span, const CsvDialect& dialect, std::string* scratch,
                  std::string_view* text, bool* quoted, const char** error) {
  const char* b = data + span.begin;
  size_t len = span.end - span.begin;
  const bool separate_escape = dialect.has_separate_escape();
  if (!dialect.quoting() || len == 0 || b[0] != dialect.quote) {
    *quoted = false;
    if (!separate_escape || std::memchr(b, dialect.escape, len) == nullptr) {
      *text = std::string_view(b, len);
      return true;
    }
    scratch->clear();
    for (size_t i = 0; i < len; ++i) {
      if (b[i] == dialect.escape && i + 1 < len) ++i;
      scratch->push_back(b[i]);
    }
    *text = *scratch;
    return true;
  }
  *quoted = true;
  if (len < 2 || b[len - 1] != dialect.quote) {
    *error = "a closing quote must be followed by the delimiter or the end of the line";
    return false;
  }
  const char* inner = b + 1;
  size_t n = len - 2;
  const char q = dialect.quote;
  if (dialect.escape == '\0') {
    *text = std::string_view(inner, n);
    return true;
  }
  const char* first = static_cast<const char*>(std::memchr(inner, separate_escape ? dialect.escape : q, n));
  if (first == nullptr && (!separate_escape || std::memchr(inner, q, n) == nullptr)) {
    *text = std::string_view(inner, n);
    return true;
  }
  scratch->clear();
  for (size_t i = 0; i < n; ++i) {
    char c = inner[i];
    if (separate_escape) {
      if (c == dialect.escape && i + 1 < n) {
        scratch->push_back(inner[++i]);
        continue;
      }
      if (c == q) {
        *error = "a quote inside a quoted field must be escaped";
        return false;
      }
    } else if (c == q) {
      if (i + 1 < n && inner[i + 1] == q) {
        ++i;
      } else {
        *error = "a quote inside a quoted field must be doubled";
        return false;
      }
    }
    scratch->push_back(c);
  }
  *text = *scratch;
  return true;
}

void AppendLatin1AsUtf8(std::string_view latin1, std::string* out) {
  for (char ch : latin1) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back(static_cast<char>(0xC0 | (c >> 6)));
      out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
}

}  // namespace logidata
