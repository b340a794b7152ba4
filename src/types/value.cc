#include "types/value.h"

#include <charconv>
#include <cmath>

#include "types/temporal.h"

namespace logidata {

std::string FormatDecimal(int128_t unscaled, int scale) {
  bool negative = unscaled < 0;
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(unscaled) : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  while (static_cast<int>(digits.size()) <= scale) digits.push_back('0');
  std::string out = negative ? "-" : "";
  for (int i = static_cast<int>(digits.size()) - 1; i >= 0; --i) {
    out.push_back(digits[static_cast<size_t>(i)]);
    if (i == scale && scale > 0) out.push_back('.');
  }
  return out;
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, res.ptr);
}

namespace {
std::string JsonQuote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}
}  // namespace

std::string Value::ToString() const {
  if (is_null()) return "";
  switch (type_.id) {
    case TypeId::kBool: return bool_value() ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kInt64: return std::to_string(int_value());
    case TypeId::kFloat64: return FormatDouble(double_value());
    case TypeId::kDecimal: return FormatDecimal(decimal_value(), type_.scale);
    case TypeId::kString:
    case TypeId::kBinary: return string_value();
    case TypeId::kDate: return FormatDate(static_cast<int32_t>(int_value()));
    case TypeId::kTimestamp: return FormatTimestamp(int_value());
    case TypeId::kNull: return "";
  }
  return "";
}

std::string Value::ToJson() const {
  if (is_null()) return "null";
  switch (type_.id) {
    case TypeId::kBool: return bool_value() ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kInt64: return std::to_string(int_value());
    case TypeId::kFloat64: {
      double d = double_value();
      if (!std::isfinite(d)) return JsonQuote(FormatDouble(d));
      return FormatDouble(d);
    }
    default: return JsonQuote(ToString());
  }
}

}  // namespace logidata
