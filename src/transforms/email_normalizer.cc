#include "transforms/email_normalizer.h"

#include "transforms/null_column.h"
#include "transforms/string_column_writer.h"
#include "transforms/text_cleaning.h"

namespace logidata {
namespace {

inline bool IsLetterOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// RFC 5322 "atext" plus dots; quoted local parts are not accepted (they are vanishingly rare in
// business data and usually a typo).
inline bool IsLocalChar(char c) {
  if (IsLetterOrDigit(c)) return true;
  switch (c) {
    case '.': case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '/': case '=': case '?': case '^': case '_': case '`': case '{': case '|':
    case '}': case '~':
      return true;
    default:
      return static_cast<unsigned char>(c) >= 0x80;  // internationalised addresses
  }
}

}  // namespace

// One pass over the address (this runs for every row of every email column).
bool IsValidEmail(std::string_view s) {
  const size_t n = s.size();
  size_t i = 0;
  // Local part: atext characters, no leading, trailing or doubled dot.
  char prev = '.';
  for (; i < n && s[i] != '@'; ++i) {
    const char c = s[i];
    if (!IsLocalChar(c) || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  if (i == 0 || i == n || i > 64 || prev == '.') return false;
  const size_t domain_start = ++i;
  if (n - domain_start > 253) return false;
  // Domain: dot-separated labels of letters, digits and inner hyphens; the last one (the TLD) has
  // two or more characters and no digits unless it is an IDN ("xn--…").
  int labels = 0;
  size_t label_start = i;
  bool label_has_digit = false;
  for (;; ++i) {
    if (i == n || s[i] == '.') {
      const size_t len = i - label_start;
      if (len == 0 || len > 63 || s[label_start] == '-' || s[i - 1] == '-') return false;
      ++labels;
      if (i == n) {
        if (len < 2) return false;
        if (label_has_digit && s.substr(label_start, 4) != "xn--") return false;
        break;
      }
      label_start = i + 1;
      label_has_digit = false;
      continue;
    }
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      label_has_digit = true;
    } else if (!IsLetterOrDigit(c) && c != '-' && static_cast<unsigned char>(c) < 0x80) {
      return false;  // includes a second '@'
    }
  }
  return labels >= 2;
}

bool NormalizeEmail(std::string_view text, std::string& out) {
  std::string_view trimmed = TrimAscii(text);
  out.assign(trimmed);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return IsValidEmail(out);
}

NormalizedTextColumn AllNullNormalizedColumn(const Column& column) {
  NormalizedTextColumn all_null;
  all_null.column = AllNullColumn(column.type(), column.length());
  all_null.valid.assign(static_cast<size_t>(BitmapBytes(column.length())), 0);
  return all_null;
}

NormalizedTextColumn NormalizeEmailColumn(const Column& column) {
  const int64_t n = column.length();
  if (column.values_buffer() == nullptr) return AllNullNormalizedColumn(column);
  const int32_t* offsets = column.offsets();
  NormalizedTextColumn result;
  result.valid.assign(static_cast<size_t>(BitmapBytes(n)), 0);
  StringColumnWriter out(n, static_cast<size_t>(offsets[n] - offsets[0]));
  for (int64_t i = 0; i < n; ++i) {
    std::string_view s = TrimAscii(column.GetString(i));
    char* dst = out.Reserve(s.size());
    for (size_t k = 0; k < s.size(); ++k) {
      const char c = s[k];
      dst[k] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    if (column.IsValid(i)) {
      if (IsValidEmail(std::string_view(dst, s.size()))) {
        SetBit(result.valid.data(), i);
      } else {
        ++result.invalid_count;
      }
    }
    out.Commit(s.size());
  }
  result.column = out.Finish(column.type(), column.validity_buffer(), column.null_count());
  return result;
}

}  // namespace logidata
