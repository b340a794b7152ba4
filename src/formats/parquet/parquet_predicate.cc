#include "formats/parquet/parquet_predicate.h"

#include <cmath>
#include <cstring>

namespace logidata::parquet {
namespace {

template <typename T>
std::optional<T> Load(const std::string& bytes) {
  if (bytes.size() != sizeof(T)) return std::nullopt;
  T v;
  std::memcpy(&v, bytes.data(), sizeof(T));
  return v;
}

std::optional<Value> DecodeOne(const LeafColumn& leaf, const std::string& bytes) {
  const DataType& t = leaf.value_type;
  switch (leaf.conversion) {
    case Conversion::kInt32:
      if (auto v = Load<int32_t>(bytes)) return Value::Int32(*v);
      break;
    case Conversion::kDate:
      if (auto v = Load<int32_t>(bytes)) return Value::Date(*v);
      break;
    case Conversion::kInt64:
      if (auto v = Load<int64_t>(bytes)) return Value::Int64(*v);
      break;
    case Conversion::kDouble:
      if (auto v = Load<double>(bytes); v && !std::isnan(*v)) return Value::Float64(*v);
      break;
    case Conversion::kFloatToDouble:
      if (auto v = Load<float>(bytes); v && !std::isnan(*v)) return Value::Float64(*v);
      break;
    case Conversion::kTimestampMicros:
      if (auto v = Load<int64_t>(bytes)) return Value::Timestamp(*v, t.timezone);
      break;
    case Conversion::kTimestampMillis:
      if (auto v = Load<int64_t>(bytes)) return Value::Timestamp(*v * 1000, t.timezone);
      break;
    case Conversion::kTimestampNanos:
      if (auto v = Load<int64_t>(bytes)) return Value::Timestamp(*v / 1000, t.timezone);
      break;
    case Conversion::kDecimalInt32:
      if (auto v = Load<int32_t>(bytes)) return Value::Decimal(*v, t.precision, t.scale);
      break;
    case Conversion::kDecimalInt64:
      if (auto v = Load<int64_t>(bytes)) return Value::Decimal(*v, t.precision, t.scale);
      break;
    case Conversion::kString:
      return Value::String(bytes);
    default:
      break;
  }
  return std::nullopt;
}

// Numeric view of a value for cross-type comparison; nullopt for non-numeric kinds.
std::optional<long double> AsNumber(const Value& v) {
  switch (v.type().id) {
    case TypeId::kInt32: case TypeId::kInt64: case TypeId::kDate: case TypeId::kTimestamp:
      return static_cast<long double>(v.int_value());
    case TypeId::kFloat64: return static_cast<long double>(v.double_value());
    case TypeId::kDecimal: return static_cast<long double>(v.decimal_value()) / std::pow(10.0L, v.type().scale);
    default: return std::nullopt;
  }
}

// <0, 0, >0 or nullopt when the two values cannot be compared.
std::optional<int> Compare(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  bool a_text = a.type().id == TypeId::kString, b_text = b.type().id == TypeId::kString;
  if (a_text && b_text) {
    int c = a.string_value().compare(b.string_value());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a_text || b_text) return std::nullopt;
  // Dates and timestamps are only comparable with their own kind.
  bool a_temporal = a.type().IsTemporal(), b_temporal = b.type().IsTemporal();
  if ((a_temporal || b_temporal) && a.type().id != b.type().id) return std::nullopt;
  auto x = AsNumber(a), y = AsNumber(b);
  if (!x || !y) return std::nullopt;
  return *x < *y ? -1 : *x > *y ? 1 : 0;
}

}  // namespace

ColumnStatistics DecodeStatistics(const LeafColumn& leaf, const pq::ColumnMetaData& meta) {
  ColumnStatistics out;
  if (!meta.__isset.statistics || leaf.as_json) return out;
  const pq::Statistics& s = meta.statistics;
  if (s.__isset.null_count && s.null_count >= 0) out.null_count = s.null_count;
  if (s.__isset.min_value && s.__isset.max_value) {
    out.min = DecodeOne(leaf, s.min_value);
    out.max = DecodeOne(leaf, s.max_value);
  } else if (s.__isset.min && s.__isset.max && leaf.conversion != Conversion::kString) {
    // Legacy min/max used signed comparison: trustworthy for signed numbers only.
    out.min = DecodeOne(leaf, s.min);
    out.max = DecodeOne(leaf, s.max);
  }
  if (!out.min || !out.max) { out.min.reset(); out.max.reset(); }
  return out;
}

bool MayMatch(const ParquetPredicate& p, const ColumnStatistics& stats, int64_t num_rows) {
  using Op = ParquetPredicate::Op;
  const bool all_null = stats.null_count && *stats.null_count == num_rows && num_rows > 0;
  if (p.op == Op::kIsNull) return !stats.null_count || *stats.null_count > 0;
  if (p.op == Op::kIsNotNull) return !all_null;
  if (all_null) return false;  // comparisons with null are never true
  if (!stats.min || !stats.max || p.literal.is_null()) return true;
  auto lo = Compare(p.literal, *stats.min), hi = Compare(p.literal, *stats.max);
  if (!lo || !hi) return true;
  switch (p.op) {
    case Op::kEq: return *lo >= 0 && *hi <= 0;
    case Op::kNe: return !(*lo == 0 && *hi == 0);
    case Op::kLt: return *lo > 0;   // some value < literal  <=> min < literal
    case Op::kLe: return *lo >= 0;
    case Op::kGt: return *hi < 0;   // max > literal
    case Op::kGe: return *hi <= 0;
    default: return true;
  }
}

}  // namespace logidata::parquet
