#include "formats/csv/csv_column_decoder.h"

#include <algorithm>
#include <cstring>

#include "formats/csv/csv_value_parser.h"
#include "types/temporal.h"
#include "types/utf8.h"

namespace logidata {

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMax = 60;
  std::string out = "'";
  out.append(text.substr(0, kMax));
  if (text.size() > kMax) out.append("…");
  out.push_back('\'');
  return out;
}

namespace {

class NullMatcher {
 public:
  explicit NullMatcher(const std::vector<std::string>& values)
      : values_(values), only_empty_(values.size() == 1 && values[0].empty()), none_(values.empty()) {}
  bool IsNull(const char* b, size_t len) const {
    if (only_empty_) return len == 0;
    if (none_) return false;
    for (const auto& v : values_) {
      if (v.size() == len && std::memcmp(v.data(), b, len) == 0) return true;
    }
    return false;
  }

 private:
  const std::vector<std::string>& values_;
  bool only_empty_;
  bool none_;
};

// A validity bitmap filled 64 rows at a time. The running word and null count are kept by the
// caller in locals: as members they could alias the value stores and would be reloaded per row.
class ValidityBitmap {
 public:
  explicit ValidityBitmap(int64_t n) : buffer_(std::make_shared<Buffer>()) {
    buffer_->Resize(static_cast<size_t>((n + 63) / 64 * 8), /*zero_fill=*/true);
    words_ = buffer_->mutable_data_as<uint64_t>();
  }
  uint64_t* words() const { return words_; }
  // The bitmap, or nullptr when every row is valid.
  BufferPtr Finish(int64_t n, uint64_t last_word, int64_t nulls) {
    if ((n & 63) != 0) words_[n >> 6] = last_word;
    return nulls == 0 ? nullptr : buffer_;
  }

 private:
  BufferPtr buffer_;
  uint64_t* words_;
};

#define LD_CSV_SET_VALID(i, valid)                      \
  do {                                                  \
    word |= static_cast<uint64_t>(valid) << ((i) & 63); \
    nulls += !(valid);                                  \
    if (((i) & 63) == 63) {                             \
      words[(i) >> 6] = word;                           \
      word = 0;                                         \
    }                                                   \
  } while (0)

struct DecodeContext {
  const char* data;
  size_t data_size;
  const FieldSpan* spans;
  int64_t n;
  const Field& field;
  const CsvCellOptions& options;
  std::vector<CsvCellError>* errors;
  NullMatcher nulls;
};

// The text of a quoted or escaped field (unquoted into `scratch` when needed); false, with the
// error recorded against `row` and the column, when the field is malformed.
bool FieldText(DecodeContext& c, FieldSpan span, int64_t row, std::string* scratch, std::string_view* text,
               bool* quoted) {
  const char* error = nullptr;
  if (CsvFieldText(c.data, span, c.options.dialect, scratch, text, quoted, &error)) return true;
  c.errors->push_back({row, std::string(error) + " (column '" + c.field.name + "')"});
  return false;
}

void ReportBadValue(DecodeContext& c, int64_t row, std::string_view text) {
  c.errors->push_back({row, "value " + QuoteForMessage(text) + " is not a valid " + c.field.type.ToString() +
                                " for column '" + c.field.name + "'"});
}

// Fixed-width types: `parse(text, &value)` for each non-null cell; `padded(p, n, &value)` may be
// used instead when at least 8 bytes follow the cell inside the chunk.
template <typename T, typename Parse, typename PaddedParse>
ColumnPtr DecodeFixed(DecodeContext& c, Parse parse, PaddedParse padded) {
  auto values = std::make_shared<Buffer>();
  values->Resize(static_cast<size_t>(c.n) * sizeof(T));
  T* out = values->mutable_data_as<T>();
  ValidityBitmap validity(c.n);
  uint64_t* const words = validity.words();
  uint64_t word = 0;
  int64_t nulls = 0;
  const char quote = c.options.dialect.quoting() ? c.options.dialect.quote : '\0';
  const bool separate_escape = c.options.dialect.has_separate_escape();
  std::string scratch;
  for (int64_t i = 0; i < c.n; ++i) {
    const FieldSpan span = c.spans[i];
    const char* b = c.data + span.begin;
    size_t len = span.end - span.begin;
    out[i] = T{};
    bool valid;
    const bool plain = len != 0 && b[0] != quote && !separate_escape && !c.nulls.IsNull(b, len);
    if (plain && (span.end + 8 <= c.data_size ? padded(b, len, &out[i]) : parse(std::string_view(b, len), &out[i]))) {
      valid = true;  // the fast path: a plain, well-formed value
    } else if (len == 0 || (b[0] != quote && c.nulls.IsNull(b, len))) {
      valid = false;
    } else {
      std::string_view text;
      bool quoted;
      if (!FieldText(c, span, i, &scratch, &text, &quoted)) {
        valid = false;
      } else {
        std::string_view trimmed = TrimBlanks(text);
        if (trimmed.empty() || (!quoted && c.nulls.IsNull(trimmed.data(), trimmed.size()))) {
          valid = false;
        } else if (parse(trimmed, &out[i])) {
          valid = true;
        } else {
          ReportBadValue(c, i, text);
          out[i] = T{};
          valid = false;
        }
      }
    }
    LD_CSV_SET_VALID(i, valid);
  }
  return std::make_shared<const Column>(c.field.type, c.n, validity.Finish(c.n, word, nulls), std::move(values),
                                        nullptr, nulls);
}

template <typename T, typename Parse>
ColumnPtr DecodeFixed(DecodeContext& c, Parse parse) {
  return DecodeFixed<T>(c, parse, [&parse](const char* p, size_t n, T* v) { return parse(std::string_view(p, n), v); });
}

ColumnPtr DecodeBool(DecodeContext& c) {
  // Decode to bytes first, then pack into the Arrow bit layout.
  ColumnPtr bytes = DecodeFixed<uint8_t>(c, [](std::string_view t, uint8_t* v) {
    bool b;
    if (!ParseCsvBool(t, &b)) return false;
    *v = b;
    return true;
  });
  auto bits = std::make_shared<Buffer>();
  bits->Resize(static_cast<size_t>(BitmapBytes(c.n)), true);
  const uint8_t* src = bytes->values<uint8_t>();
  for (int64_t i = 0; i < c.n; ++i) {
    if (src[i]) SetBit(bits->mutable_data(), i);
  }
  return std::make_shared<const Column>(c.field.type, c.n, bytes->validity_buffer(), std::move(bits), nullptr,
                                        bytes->null_count());
}

ColumnPtr DecodeString(DecodeContext& c) {
  const char quote = c.options.dialect.quoting() ? c.options.dialect.quote : '\0';
  const bool separate_escape = c.options.dialect.has_separate_escape();
  const bool latin1 = c.options.latin1;
  size_t total = 0;
  for (int64_t i = 0; i < c.n; ++i) total += c.spans[i].end - c.spans[i].begin;
  if (latin1) total *= 2;
  auto offsets = std::make_shared<Buffer>();
  offsets->Resize(static_cast<size_t>(c.n + 1) * sizeof(int32_t));
  int32_t* off = offsets->mutable_data_as<int32_t>();
  auto bytes = std::make_shared<Buffer>();
  constexpr size_t kWideCopy = 16;
  bytes->Resize(total + kWideCopy);
  char* dst = bytes->mutable_data_as<char>();
  size_t pos = 0;
  ValidityBitmap validity(c.n);
  uint64_t* const words = validity.words();
  uint64_t word = 0;
  int64_t nulls = 0;
  std::string scratch, converted;
  for (int64_t i = 0; i < c.n; ++i) {
    off[i] = static_cast<int32_t>(pos);
    const FieldSpan span = c.spans[i];
    const char* b = c.data + span.begin;
    size_t len = span.end - span.begin;
    bool valid = true;
    if (len == 0 || b[0] != quote) {
      if (c.nulls.IsNull(b, len)) {
        valid = false;
        len = 0;
      }
    }
    if (valid && ((len != 0 && b[0] == quote) || separate_escape)) {
      std::string_view text;
      bool quoted;
      if (!FieldText(c, span, i, &scratch, &text, &quoted)) {
        valid = false;
        len = 0;
      } else {
        b = text.data();
        len = text.size();
      }
    }
    if (latin1 && len != 0) {
      converted.clear();
      AppendLatin1AsUtf8(std::string_view(b, len), &converted);
      b = converted.data();
      len = converted.size();
    }
    if (len <= kWideCopy && b == c.data + span.begin && span.begin + kWideCopy <= c.data_size) {
      std::memcpy(dst + pos, b, kWideCopy);  // one fixed-size move beats a memcpy call for short fields
    } else {
      std::memcpy(dst + pos, b, len);
    }
    pos += len;
    LD_CSV_SET_VALID(i, valid);
  }
  off[c.n] = static_cast<int32_t>(pos);
  // Strings are UTF-8: one pass over the column's bytes (ASCII 16 bytes at a time) finds a file
  // that is not, and only then are the bad cells located. Latin-1 input was converted above.
  // The one pass runs over the cells' concatenation, where a sequence could span two cells: a cell
  // that ends inside a sequence is caught by its own (constant-time) end check.
  // A column of ASCII only has no sequence for a cell to end inside: the per-cell check is skipped.
  bool suspect = false;
  if (c.field.type.id == TypeId::kString && !latin1) {
    bool multibyte = false;
    suspect = FindInvalidUtf8(std::string_view(dst, pos), &multibyte) != kValidUtf8;
    for (int64_t i = 0; !suspect && multibyte && i < c.n; ++i) {
      suspect = EndsInsideUtf8Sequence(std::string_view(dst + off[i], static_cast<size_t>(off[i + 1] - off[i])));
    }
  }
  if (suspect) {
    const size_t before = c.errors->size();
    for (int64_t i = 0; i < c.n; ++i) {
      const std::string_view cell(dst + off[i], static_cast<size_t>(off[i + 1] - off[i]));
      const size_t bad = FindInvalidUtf8(cell);
      if (bad == kValidUtf8) continue;
      c.errors->push_back({i, "invalid UTF-8: " + DescribeInvalidUtf8(cell, bad) + " at byte " + std::to_string(bad + 1) +
                                  " of the field (column '" + c.field.name +
                                  "'); if the file is Latin-1, set \"encoding\": \"latin-1\""});
    }
    // Keep the row order callers rely on (conversion errors were reported during the loop).
    std::inplace_merge(c.errors->begin(), c.errors->begin() + static_cast<long>(before), c.errors->end(),
                       [](const CsvCellError& a, const CsvCellError& b) { return a.row < b.row; });
  }
  bytes->Resize(pos);
  return std::make_shared<const Column>(c.field.type, c.n, validity.Finish(c.n, word, nulls), std::move(offsets),
                                        std::move(bytes), nulls);
}

#undef LD_CSV_SET_VALID

}  // namespace

ColumnPtr DecodeCsvColumn(const char* data, size_t data_size, const FieldSpan* spans, int64_t num_rows, const Field& field,
                          const CsvCellOptions& options, std::vector<CsvCellError>* errors) {
  DecodeContext c{data, data_size, spans, num_rows, field, options, errors, NullMatcher(options.null_values)};
  const DataType& type = field.type;
  switch (type.id) {
    case TypeId::kBool:
      return DecodeBool(c);
    case TypeId::kInt32:
      return DecodeFixed<int32_t>(c, [](std::string_view t, int32_t* v) {
        int64_t x;
        if (!ParseCsvInt64(t, &x) || x < INT32_MIN || x > INT32_MAX) return false;
        *v = static_cast<int32_t>(x);
        return true;
      });
    case TypeId::kInt64:
      return DecodeFixed<int64_t>(c, [](std::string_view t, int64_t* v) { return ParseCsvInt64(t, v); },
                                  [](const char* p, size_t n, int64_t* v) { return ParseCsvInt64Padded(p, n, v); });
    case TypeId::kFloat64:
      return DecodeFixed<double>(c, [](std::string_view t, double* v) { return ParseCsvFloat64(t, v); },
                                 [](const char* p, size_t n, double* v) { return ParseCsvFloat64Padded(p, n, v); });
    case TypeId::kDecimal: {
      const int precision = type.precision, scale = type.scale;
      return DecodeFixed<int128_t>(c, [precision, scale](std::string_view t, int128_t* v) {
        return ParseCsvDecimal(t, precision, scale, v);
      });
    }
    case TypeId::kDate:
      return DecodeFixed<int32_t>(c, [](std::string_view t, int32_t* v) { return ParseDateInto(t, v); });
    case TypeId::kTimestamp:
      return DecodeFixed<int64_t>(c, [](std::string_view t, int64_t* v) { return ParseTimestampInto(t, v); });
    case TypeId::kString:
    case TypeId::kBinary:
      return DecodeString(c);
    case TypeId::kNull:
      return Column::MakeNull(type, num_rows);
  }
  return Column::MakeNull(type, num_rows);
}

}  // namespace logidata
