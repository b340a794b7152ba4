#include "transforms/phone_normalizer.h"

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
  std::string_view s = TrimAscii(text);
  s = TrimAscii(s.substr(0, WithoutExtension(s)));
  out.clear();
  bool international = false;
  std::string digits;
  digits.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !international) {
      international = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t') {
      // "+44 (0)20 …": a trunk zero in parentheses after the country code is not dialled.
      if (c == '(' && international && i + 2 < s.size() && s[i + 1] == '0' && s[i + 2] == ')') i += 2;
    } else {
      out.assign(TrimAscii(text));
      return false;
    }
  }
  std::string number;  // country code + national number
  const bool nanp = default_country_code == "1";
  if (!international && digits.rfind("00", 0) == 0) {
    number = digits.substr(2);
  } else if (!international && nanp && digits.rfind("011", 0) == 0) {
    number = digits.substr(3);
  } else if (international) {
    number = digits;
  } else {
    std::string_view national = digits;
    if (nanp) {
      if (national.size() == 11 && national.front() == '1') national.remove_prefix(1);
    } else if (!national.empty() && national.front() == '0') {
      national.remove_prefix(1);
    }
    number.assign(default_country_code);
    number.append(national);
  }
  bool valid = number.size() >= 8 && number.size() <= 15 && number.front() != '0';
  if (valid && number.front() == '1') {
    // North American Numbering Plan: 10 national digits, area code and exchange not starting 0/1.
    valid = number.size() == 11 && number[1] >= '2' && number[4] >= '2';
  }
  if (!valid) {
    out.assign(TrimAscii(text));
    return false;
  }
  out = "+" + number;
  return true;
}

NormalizedTextColumn NormalizePhoneColumn(const Column& column, std::string_view default_country_code) {
  const int64_t n = column.length();
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
