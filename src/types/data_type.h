// DataType: the logical types of the columnar engine. Physical layout follows Apache Arrow:
//   bool       -> bit-packed values (LSB first)
//   int32      -> int32_t            int64   -> int64_t          float64 -> double
//   decimal    -> __int128 (Arrow decimal128), precision <= 38, scale <= precision
//   string     -> UTF-8, int32 offsets + bytes (Arrow "utf8")      binary -> same, raw bytes
//   date       -> int32 days since 1970-01-01 (Arrow date32)
//   timestamp  -> int64 microseconds since 1970-01-01 00:00:00; with a time zone the instant is UTC,
//                 without one it is a wall-clock value (Arrow timestamp[us] / timestamp[us, tz]).
// Value type; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace logidata {

enum class TypeId : uint8_t {
  kNull = 0,  // all values null (e.g. an empty CSV column)
  kBool,
  kInt32,
  kInt64,
  kFloat64,
  kDecimal,
  kString,
  kBinary,
  kDate,
  kTimestamp,
};

using int128_t = __int128;

struct DataType {
  TypeId id = TypeId::kNull;
  uint8_t precision = 0;  // decimal only
  uint8_t scale = 0;      // decimal only
  std::string timezone;   // timestamp only; empty = no time zone

  static DataType Null() { return {TypeId::kNull}; }
  static DataType Bool() { return {TypeId::kBool}; }
  static DataType Int32() { return {TypeId::kInt32}; }
  static DataType Int64() { return {TypeId::kInt64}; }
  static DataType Float64() { return {TypeId::kFloat64}; }
  static DataType Decimal(int precision, int scale) {
    return {TypeId::kDecimal, static_cast<uint8_t>(precision), static_cast<uint8_t>(scale)};
  }
  static DataType String() { return {TypeId::kString}; }
  static DataType Binary() { return {TypeId::kBinary}; }
  static DataType Date() { return {TypeId::kDate}; }
  static DataType Timestamp(std::string tz = "") { return {TypeId::kTimestamp, 0, 0, std::move(tz)}; }

  // Bytes per value for fixed-width types; 0 for bool (bit-packed), null, string and binary.
  int ByteWidth() const;
  bool IsFixedWidth() const { return ByteWidth() > 0; }
  bool IsVarLength() const { return id == TypeId::kString || id == TypeId::kBinary; }
  bool IsInteger() const { return id == TypeId::kInt32 || id == TypeId::kInt64; }
  bool IsNumeric() const { return IsInteger() || id == TypeId::kFloat64 || id == TypeId::kDecimal; }
  bool IsTemporal() const { return id == TypeId::kDate || id == TypeId::kTimestamp; }

  // "int64", "decimal(18,2)", "timestamp", "timestamp(UTC)".
  std::string ToString() const;
  // Parses the names users write in configs and casts: bool/boolean, int/int32/integer,
  // bigint/int64/long, double/float/float64/real, decimal(p,s)/numeric(p,s), string/varchar/text,
  // binary/blob/bytes, date, timestamp, timestamptz/timestamp(ZONE). Case-insensitive.
  static Result<DataType> Parse(std::string_view text);

  friend bool operator==(const DataType& a, const DataType& b) {
    return a.id == b.id && a.precision == b.precision && a.scale == b.scale && a.timezone == b.timezone;
  }
  friend bool operator!=(const DataType& a, const DataType& b) { return !(a == b); }
};

std::string_view TypeIdName(TypeId id);

// The narrowest type both `a` and `b` convert to without loss for comparison and union
// (int32+int64 -> int64, int+float64 -> float64, int+decimal -> decimal, null+T -> T,
// date+timestamp -> timestamp). Returns an error when there is none (string vs int64).
Result<DataType> CommonSuperType(const DataType& a, const DataType& b);

}  // namespace logidata
