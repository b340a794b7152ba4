#include "connectors/value_text.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "types/temporal.h"
#include "types/value.h"

namespace logidata {

std::optional<int128_t> ParseDecimalText(std::string_view text, int scale) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (text.find_first_of("eE") != std::string_view::npos) {
    std::string tmp(text);
    char* end = nullptr;
    double d = std::strtod(tmp.c_str(), &end);
    if (*end != '\0' || !std::isfinite(d)) return std::nullopt;
    double scaled = std::round(d * std::pow(10.0, scale));
    if (std::fabs(scaled) > 1e37) return std::nullopt;
    return static_cast<int128_t>(scaled);
  }
  bool negative = false;
  size_t i = 0;
  if (text[0] == '-' || text[0] == '+') negative = text[i++] == '-';
  int128_t v = 0;
  int frac = -1;
  bool any = false, round_up = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && frac < 0) { frac = 0; continue; }
    if (c < '0' || c > '9') return std::nullopt;
    any = true;
    if (frac >= 0) {
      if (frac == scale) {
        if (c >= '5' && !round_up) round_up = true;
        frac = scale + 1;
        continue;
      }
      if (frac > scale) continue;
      ++frac;
    }
    if (v > (static_cast<int128_t>(1) << 122)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (!any) return std::nullopt;
  int have = frac < 0 ? 0 : std::min(frac, scale);
  for (int k = have; k < scale; ++k) v *= 10;
  if (round_up) v += 1;
  return negative ? -v : v;
}

Status AppendParsedText(std::string_view text, ColumnBuilder& builder) {
  auto bad = [&]() {
    return Status::DataError("'" + std::string(text.substr(0, 80)) + "' is not a valid " + builder.type().ToString());
  };
  switch (builder.type().id) {
    case TypeId::kNull: builder.AppendNull(); return Status::OK();
    case TypeId::kBool:
      if (text == "1" || text == "true" || text == "t" || text == "TRUE") builder.AppendBool(true);
      else if (text == "0" || text == "false" || text == "f" || text == "FALSE") builder.AppendBool(false);
      else return bad();
      return Status::OK();
    case TypeId::kInt32:
    case TypeId::kInt64: {
      std::string tmp(text);
      char* end = nullptr;
      errno = 0;
      long long v = std::strtoll(tmp.c_str(), &end, 10);
      if (tmp.empty() || *end != '\0' || errno != 0) return bad();
      if (builder.type().id == TypeId::kInt32) {
        if (v < INT32_MIN || v > INT32_MAX) return bad();
        builder.AppendInt32(static_cast<int32_t>(v));
      } else {
        builder.AppendInt64(v);
      }
      return Status::OK();
    }
    case TypeId::kFloat64: {
      std::string tmp(text);
      char* end = nullptr;
      double d = std::strtod(tmp.c_str(), &end);
      if (tmp.empty() || *end != '\0') return bad();
      builder.AppendDouble(d);
      return Status::OK();
    }
    case TypeId::kDecimal: {
      auto v = ParseDecimalText(text, builder.type().scale);
      if (!v) return bad();
      builder.AppendDecimal(*v);
      return Status::OK();
    }
    case TypeId::kString:
    case TypeId::kBinary: builder.AppendString(text); return Status::OK();
    case TypeId::kDate: {
      auto d = ParseDate(text.substr(0, 10));
      if (!d) return bad();
      builder.AppendDate(*d);
      return Status::OK();
    }
    case TypeId::kTimestamp: {
      auto t = ParseTimestamp(text);
      if (!t) return bad();
      builder.AppendTimestamp(*t);
      return Status::OK();
    }
  }
  return bad();
}

std::string CellText(const Column& column, int64_t row) {
  const DataType& t = column.type();
  switch (t.id) {
    case TypeId::kBool: return column.GetBool(row) ? "1" : "0";
    case TypeId::kInt32: return std::to_string(column.Get<int32_t>(row));
    case TypeId::kInt64: return std::to_string(column.Get<int64_t>(row));
    case TypeId::kDecimal: return FormatDecimal(column.Get<int128_t>(row), t.scale);
    case TypeId::kString:
    case TypeId::kBinary: return std::string(column.GetString(row));
    case TypeId::kDate: return FormatDate(column.Get<int32_t>(row));
    case TypeId::kTimestamp: {
      std::string s = FormatTimestamp(column.Get<int64_t>(row));
      if (!t.timezone.empty()) s += "+00:00";
      return s;
    }
    default: return column.GetValue(row).ToString();
  }
}

}  // namespace logidata
