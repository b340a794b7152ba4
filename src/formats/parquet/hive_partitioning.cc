#include "formats/parquet/hive_partitioning.h"

#include <charconv>
#include <cstdlib>

#include "types/temporal.h"

namespace logidata::parquet {
namespace {

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      auto r = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      if (r.ec == std::errc() && r.ptr == s.data() + i + 3) {
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

bool IsInt(const std::string& s) {
  int64_t v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool IsDouble(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseHivePath(std::string_view relative_path) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (true) {
    size_t slash = relative_path.find('/', start);
    if (slash == std::string_view::npos) break;  // the rest is the file name
    std::string_view seg = relative_path.substr(start, slash - start);
    size_t eq = seg.find('=');
    if (eq != std::string_view::npos && eq > 0) out.emplace_back(Unescape(seg.substr(0, eq)), Unescape(seg.substr(eq + 1)));
    start = slash + 1;
  }
  return out;
}

DataType InferPartitionType(const std::vector<std::string>& values) {
  bool ints = true, doubles = true, dates = true, any = false;
  for (const auto& v : values) {
    if (v.empty() || v == kHiveNullMarker) continue;
    any = true;
    ints = ints && IsInt(v);
    doubles = doubles && IsDouble(v);
    dates = dates && v.size() == 10 && ParseDate(v).has_value();
  }
  if (!any) return DataType::String();
  if (ints) return DataType::Int64();
  if (doubles) return DataType::Float64();
  if (dates) return DataType::Date();
  return DataType::String();
}

Value PartitionValue(const std::string& text, const DataType& type) {
  if (text.empty() || text == kHiveNullMarker) return Value::Null(type);
  switch (type.id) {
    case TypeId::kInt64: {
      int64_t v = 0;
      std::from_chars(text.data(), text.data() + text.size(), v);
      return Value::Int64(v);
    }
    case TypeId::kFloat64: return Value::Float64(std::strtod(text.c_str(), nullptr));
    case TypeId::kDate: return Value::Date(ParseDate(text).value_or(0));
    default: return Value::String(text);
  }
}

std::string FormatHiveSegment(const std::string& key, const Column& column, int64_t row) {
  std::string value = column.IsNull(row) ? std::string(kHiveNullMarker) : column.GetValue(row).ToString();
  if (value.empty()) value = std::string(kHiveNullMarker);
  std::string out = key + "=";
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : value) {
    if (c == '/' || c == '\\' || c == '=' || c == '%' || c == ':' || c < 0x20 || c == 0x7f) {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace logidata::parquet
