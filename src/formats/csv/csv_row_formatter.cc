#include "formats/csv/csv_row_formatter.h"

#include <charconv>

#include "types/temporal.h"
#include "types/value.h"

namespace logidata {

CsvRowFormatter::CsvRowFormatter(const CsvWriteOptions& options) : options_(options) {}

void CsvRowFormatter::AppendHeader(const std::vector<std::string>& names, std::string* out) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out->push_back(options_.delimiter);
    AppendQuoted(names[i], true, out);
  }
  out->push_back('\n');
}

void CsvRowFormatter::AppendValueText(const Column& column, int64_t row, std::string* out) {
  char buf[64];
  switch (column.type().id) {
    case TypeId::kNull:
      return;
    case TypeId::kBool:
      out->append(column.GetBool(row) ? "true" : "false");
      return;
    case TypeId::kInt32: {
      auto r = std::to_chars(buf, buf + sizeof buf, column.Get<int32_t>(row));
      out->append(buf, r.ptr);
      return;
    }
    case TypeId::kInt64: {
      auto r = std::to_chars(buf, buf + sizeof buf, column.Get<int64_t>(row));
      out->append(buf, r.ptr);
      return;
    }
    case TypeId::kFloat64: {
      double d = column.Get<double>(row);
      // Shortest text that reads back as the same double.
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      out->append(buf, r.ptr);
      return;
    }
    case TypeId::kDecimal:
      out->append(FormatDecimal(column.Get<int128_t>(row), column.type().scale));
      return;
    case TypeId::kString:
    case TypeId::kBinary:
      out->append(column.GetString(row));
      return;
    case TypeId::kDate:
      AppendDate(column.Get<int32_t>(row), *out);
      return;
    case TypeId::kTimestamp:
      AppendTimestamp(column.Get<int64_t>(row), *out);
      if (!column.type().timezone.empty()) out->push_back('Z');
      return;
  }
}

void CsvRowFormatter::AppendQuoted(std::string_view text, bool is_string, std::string* out) const {
  bool quote = false;
  switch (options_.quote_style) {
    case CsvQuoteStyle::kAll:
      quote = true;
      break;
    case CsvQuoteStyle::kNone:
      quote = false;
      break;
    case CsvQuoteStyle::kMinimal:
      // A string equal to the null text is quoted so it reads back as a value, not a null.
      quote = is_string && text == options_.null_value;
      for (char c : text) {
        if (c == options_.delimiter || c == options_.quote || c == '\n' || c == '\r') {
          quote = true;
          break;
        }
      }
      break;
  }
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back(options_.quote);
  for (char c : text) {
    if (c == options_.quote) out->push_back(c);
    out->push_back(c);
  }
  out->push_back(options_.quote);
}

void CsvRowFormatter::AppendRow(const Batch& batch, const std::vector<int>& columns, int64_t row,
                                std::string* out) const {
  std::string cell;
  bool first = true;
  for (int c : columns) {
    if (!first) out->push_back(options_.delimiter);
    first = false;
    const Column& column = *batch.column(c);
    if (column.IsNull(row) || column.type().id == TypeId::kNull) {
      out->append(options_.null_value);
      continue;
    }
    const TypeId id = column.type().id;
    if (id == TypeId::kString || id == TypeId::kBinary) {
      AppendQuoted(column.GetString(row), true, out);
      continue;
    }
    cell.clear();
    AppendValueText(column, row, &cell);
    AppendQuoted(cell, false, out);
  }
  out->push_back('\n');
}

}  // namespace logidata
