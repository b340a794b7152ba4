// Value: one typed scalar (or null). Used on slow paths — literals, statistics, previews, tests —
// never inside per-row hot loops, which work on Column buffers directly. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "types/data_type.h"

namespace logidata {

class Value {
 public:
  Value() = default;  // null of type null
  static Value Null(DataType type = DataType::Null()) { Value v; v.type_ = std::move(type); return v; }
  static Value Bool(bool b) { return Value(DataType::Bool(), b); }
  static Value Int32(int32_t i) { return Value(DataType::Int32(), static_cast<int64_t>(i)); }
  static Value Int64(int64_t i) { return Value(DataType::Int64(), i); }
  static Value Float64(double d) { return Value(DataType::Float64(), d); }
  static Value Decimal(int128_t unscaled, int precision, int scale) {
    return Value(DataType::Decimal(precision, scale), unscaled);
  }
  static Value String(std::string s) { return Value(DataType::String(), std::move(s)); }
  static Value Binary(std::string s) { return Value(DataType::Binary(), std::move(s)); }
  static Value Date(int32_t days) { return Value(DataType::Date(), static_cast<int64_t>(days)); }
  static Value Timestamp(int64_t micros, std::string tz = "") { return Value(DataType::Timestamp(std::move(tz)), micros); }

  const DataType& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }

  // REQUIRES: !is_null() and the matching physical kind.
  bool bool_value() const { return std::get<bool>(data_); }
  int64_t int_value() const { return std::get<int64_t>(data_); }  // int32, int64, date, timestamp
  double double_value() const { return std::get<double>(data_); }
  int128_t decimal_value() const { return std::get<int128_t>(data_); }
  const std::string& string_value() const { return std::get<std::string>(data_); }  // string, binary

  // Human/CSV text: ints, shortest round-trip doubles, decimals with scale, ISO dates and
  // timestamps ("2024-05-01 12:30:00", fractional seconds only when non-zero). Null -> "".
  std::string ToString() const;
  // JSON value: numbers, strings, true/false, null. Decimals and timestamps as strings.
  std::string ToJson() const;

  friend bool operator==(const Value& a, const Value& b) { return a.type_ == b.type_ && a.data_ == b.data_; }

 private:
  using Data = std::variant<std::monostate, bool, int64_t, double, int128_t, std::string>;
  Value(DataType type, Data data) : type_(std::move(type)), data_(std::move(data)) {}
  DataType type_;
  Data data_;
};

// Formats an unscaled decimal with `scale` digits after the point ("-12.50").
std::string FormatDecimal(int128_t unscaled, int scale);
// Shortest text that parses back to the same double ("0.1", "1e+20", "nan", "inf").
std::string FormatDouble(double d);

}  // namespace logidata
