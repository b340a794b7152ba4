#include "transforms/email_normalizer.h"

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

bool IsValidEmail(std::string_view s) {
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (char c : local) {
    if (!IsLocalChar(c)) return false;
  }
  if (domain.empty() || domain.size() > 253) return false;
  size_t label_start = 0;
  int labels = 0;
  while (true) {
    size_t dot = domain.find('.', label_start);
    std::string_view label = domain.substr(label_start, dot == std::string_view::npos ? std::string_view::npos
                                                                                        : dot - label_start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!IsLetterOrDigit(c) && c != '-' && static_cast<unsigned char>(c) < 0x80) return false;
    }
    ++labels;
    if (dot == std::string_view::npos) {
      // The top-level domain: two or more letters (or an IDN "xn--" label).
      if (label.size() < 2) return false;
      if (label.rfind("xn--", 0) != 0) {
        for (char c : label) {
          if (c >= '0' && c <= '9') return false;
        }
      }
      break;
    }
    label_start = dot + 1;
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

NormalizedTextColumn NormalizeEmailColumn(const Column& column) {
  const int64_t n = column.length();
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
