#include "types/data_type.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace logidata {

std::string_view TypeIdName(TypeId id) {
  switch (id) {
    case TypeId::kNull: return "null";
    case TypeId::kBool: return "bool";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kFloat64: return "float64";
    case TypeId::kDecimal: return "decimal";
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp";
  }
  return "unknown";
}

int DataType::ByteWidth() const {
  switch (id) {
    case TypeId::kInt32:
    case TypeId::kDate: return 4;
    case TypeId::kInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp: return 8;
    case TypeId::kDecimal: return 16;
    default: return 0;
  }
}

std::string DataType::ToString() const {
  if (id == TypeId::kDecimal) {
    return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  }
  if (id == TypeId::kTimestamp && !timezone.empty()) return "timestamp(" + timezone + ")";
  return std::string(TypeIdName(id));
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<DataType> DataType::Parse(std::string_view text) {
  std::string_view trimmed = Trim(text);
  std::string lower = Lower(trimmed);
  auto open = lower.find('(');
  std::string head = open == std::string::npos ? lower : std::string(Trim(std::string_view(lower).substr(0, open)));
  std::string args;
  if (open != std::string::npos) {
    auto close = lower.rfind(')');
    if (close == std::string::npos || close < open) {
      return Status::InvalidArgument("unknown type '" + std::string(text) + "': missing ')'");
    }
    args = std::string(Trim(std::string_view(trimmed).substr(open + 1, close - open - 1)));
  }
  if (head == "bool" || head == "boolean") return Bool();
  if (head == "int" || head == "int32" || head == "integer") return Int32();
  if (head == "bigint" || head == "int64" || head == "long") return Int64();
  if (head == "double" || head == "float" || head == "float64" || head == "real" || head == "float8") return Float64();
  if (head == "string" || head == "varchar" || head == "text" || head == "utf8") return String();
  if (head == "binary" || head == "blob" || head == "bytes" || head == "bytea") return Binary();
  if (head == "date") return Date();
  if (head == "timestamptz") return Timestamp("UTC");
  if (head == "timestamp" || head == "datetime") {
    if (args.empty()) return Timestamp();
    return Timestamp(args);
  }
  if (head == "decimal" || head == "numeric") {
    int p = 18, s = 0;
    if (!args.empty()) {
      auto comma = args.find(',');
      std::string_view ps = Trim(std::string_view(args).substr(0, comma));
      std::string_view ss = comma == std::string::npos ? std::string_view("0") : Trim(std::string_view(args).substr(comma + 1));
      auto r1 = std::from_chars(ps.data(), ps.data() + ps.size(), p);
      auto r2 = std::from_chars(ss.data(), ss.data() + ss.size(), s);
      if (r1.ec != std::errc() || r2.ec != std::errc() || r1.ptr != ps.data() + ps.size() ||
          r2.ptr != ss.data() + ss.size()) {
        return Status::InvalidArgument("bad decimal arguments in '" + std::string(text) + "'");
      }
    }
    if (p < 1 || p > 38 || s < 0 || s > p) {
      return Status::InvalidArgument("decimal precision must be 1..38 and scale 0..precision in '" +
                                     std::string(text) + "'");
    }
    return Decimal(p, s);
  }
  return Status::InvalidArgument("unknown type '" + std::string(text) +
                                 "' (expected bool, int32, int64, float64, decimal(p,s), string, binary, "
                                 "date, timestamp or timestamptz)");
}

Result<DataType> CommonSuperType(const DataType& a, const DataType& b) {
  if (a == b) return a;
  if (a.id == TypeId::kNull) return b;
  if (b.id == TypeId::kNull) return a;
  auto rank = [](TypeId id) {
    switch (id) {
      case TypeId::kInt32: return 1;
      case TypeId::kInt64: return 2;
      case TypeId::kDecimal: return 3;
      case TypeId::kFloat64: return 4;
      default: return 0;
    }
  };
  if (a.IsNumeric() && b.IsNumeric()) {
    if (a.id == TypeId::kDecimal && b.id == TypeId::kDecimal) {
      int scale = std::max(a.scale, b.scale);
      int integral = std::max(a.precision - a.scale, b.precision - b.scale);
      return DataType::Decimal(std::min(38, integral + scale), scale);
    }
    if (a.id == TypeId::kDecimal && b.IsInteger()) return a.precision - a.scale >= 19 ? a : DataType::Decimal(std::min(38, 19 + a.scale), a.scale);
    if (b.id == TypeId::kDecimal && a.IsInteger()) return CommonSuperType(b, a);
    return rank(a.id) >= rank(b.id) ? a : b;
  }
  if (a.id == TypeId::kTimestamp && b.id == TypeId::kTimestamp) return DataType::Timestamp(a.timezone.empty() ? b.timezone : a.timezone);
  if (a.IsTemporal() && b.IsTemporal()) return a.id == TypeId::kTimestamp ? a : b;
  if (a.IsVarLength() && b.IsVarLength()) return DataType::Binary();
  return Status::InvalidArgument("types " + a.ToString() + " and " + b.ToString() + " have no common type");
}

}  // namespace logidata
