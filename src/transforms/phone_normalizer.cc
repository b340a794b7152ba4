#include "transforms/phone_normalizer.h"

#include <algorithm>

#include "transforms/string_column_writer.h"
#include "transforms/text_cleaning.h"

namespace logidata {
namespace {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Length of `s` before an extension marker ("x", "ext", "ext.", "extension", "#") that follows
// at least one digit.
size_t WithoutExtension(std::string_view s) {
  bool seen_digit = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = Lower(s[i]);
    if (IsDigit(c)) {
      seen_digit = true;
      continue;
    }
    if (seen_digit && (c == 'x' || c == '#' || (c == 'e' && i + 2 < s.size() && Lower(s[i + 1]) == 'x' &&
                                                Lower(s[i + 2]) == 't'))) {
      return i;
    }
  }
  return s.size();
}

}  // namespace

bool NormalizePhone(std::string_view text, std::string_view default_country_code, std::string& out) {
  // Fixed buffers: this runs for every row, and a valid number has at most 15 digits.
  constexpr size_t kMaxDigits = 32;
  std::string_view s = TrimAscii(text);
  s = TrimAscii(s.substr(0, WithoutExtension(s)));
  auto invalid = [&] {
    out.assign(TrimAscii(text));
    return false;
  };
  bool international = false;
  char digits[kMaxDigits];
  size_t num_digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      if (num_digits == kMaxDigits) return invalid();
      digits[num_digits++] = c;
    } else if (c == '+' && num_digits == 0 && !international) {
      international = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t') {
      // "+44 (0)20 …": a trunk zero in parentheses after the country code is not dialled.
      if (c == '(' && international && i + 2 < s.size() && s[i + 1] == '0' && s[i + 2] == ')') i += 2;
    } else {
      return invalid();
    }
  }
  std::string_view all(digits, num_digits);
  const bool nanp = default_country_code == "1";
  // The number as country code + national number, in two pieces.
  std::string_view prefix;
  std::string_view rest;
  if (!international && all.substr(0, 2) == "00") {
    rest = all.substr(2);
  } else if (!international && nanp && all.substr(0, 3) == "011") {
    rest = all.substr(3);
  } else if (international) {
    rest = all;
  } else {
    rest = all;
    if (nanp) {
      if (rest.size() == 11 && rest.front() == '1') rest.remove_prefix(1);
    } else if (!rest.empty() && rest.front() == '0') {
      rest.remove_prefix(1);
    }
    prefix = default_country_code;
  }
  const size_t length = prefix.size() + rest.size();
  if (length < 8 || length > 15) return invalid();
  char number[kMaxDigits];
  std::copy(prefix.begin(), prefix.end(), number);
  std::copy(rest.begin(), rest.end(), number + prefix.size());
  if (number[0] == '0') return invalid();
  // North American Numbering Plan: 10 national digits, area code and exchange not starting 0/1.
  if (number[0] == '1' && (length != 11 || number[1] < '2' || number[4] < '2')) return invalid();
  out.assign(1, '+');
  out.append(number, length);
  return true;
}

NormalizedTextColumn NormalizePhoneColumn(const Column& column, std::string_view default_country_code) {
  const int64_t n = column.length();
  if (column.values_buffer() == nullptr) return AllNullNormalizedColumn(column);
  const int32_t* offsets = column.offsets();
  NormalizedTextColumn result;
  result.valid.assign(static_cast<size_t>(BitmapBytes(n)), 0);
  StringColumnWriter out(n, static_cast<size_t>(offsets[n] - offsets[0]) + static_cast<size_t>(n) * 4);
  std::string scratch;
  for (int64_t i = 0; i < n; ++i) {
    if (column.IsNull(i)) {
      out.Append({});
      continue;
    }
    if (NormalizePhone(column.GetString(i), default_country_code, scratch)) {
      SetBit(result.valid.data(), i);
    } else {
      ++result.invalid_count;
    }
    out.Append(scratch);
  }
  result.column = out.Finish(column.type(), column.validity_buffer(), column.null_count());
  return result;
}

}  // namespace logidata
