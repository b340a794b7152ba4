#include "transforms/text_cleaning.h"

#include "transforms/null_column.h"
#include "transforms/string_column_writer.h"

namespace logidata {
namespace {

inline bool IsSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
inline bool IsAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
inline char Lower(unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); }
inline char Upper(unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); }

}  // namespace

std::string_view TrimAscii(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && IsSpace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

ColumnPtr TrimColumn(const Column& column) {
  const int64_t n = column.length();
  if (column.values_buffer() == nullptr) return AllNullColumn(column.type(), n);
  const int32_t* offsets = column.offsets();
  StringColumnWriter out(n, static_cast<size_t>(offsets[n] - offsets[0]));
  for (int64_t i = 0; i < n; ++i) out.Append(TrimAscii(column.GetString(i)));
  return out.Finish(column.type(), column.validity_buffer(), column.null_count());
}

ColumnPtr ChangeCaseColumn(const Column& column, TextCase text_case) {
  const int64_t n = column.length();
  if (column.values_buffer() == nullptr) return AllNullColumn(column.type(), n);
  const int32_t* offsets = column.offsets();
  StringColumnWriter out(n, static_cast<size_t>(offsets[n] - offsets[0]));
  for (int64_t i = 0; i < n; ++i) {
    std::string_view s = column.GetString(i);
    char* dst = out.Reserve(s.size());
    switch (text_case) {
      case TextCase::kLower:
        for (size_t k = 0; k < s.size(); ++k) dst[k] = Lower(static_cast<unsigned char>(s[k]));
        break;
      case TextCase::kUpper:
        for (size_t k = 0; k < s.size(); ++k) dst[k] = Upper(static_cast<unsigned char>(s[k]));
        break;
      case TextCase::kTitle: {
        bool word_start = true;
        for (size_t k = 0; k < s.size(); ++k) {
          const unsigned char c = static_cast<unsigned char>(s[k]);
          dst[k] = word_start ? Upper(c) : Lower(c);
          word_start = !IsAlnum(c) && c != '\'';
        }
        break;
      }
    }
    out.Commit(s.size());
  }
  return out.Finish(column.type(), column.validity_buffer(), column.null_count());
}

}  // namespace logidata
