#include "connectors/clickhouse/clickhouse_types.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "connectors/value_text.h"
#include "types/column_builder.h"
#include "types/temporal.h"

namespace logidata {

namespace {

constexpr std::string_view kBoolEnum = "Enum8('false' = 0, 'true' = 1)";
constexpr int64_t kMicros = 1000000;
// 2105-12-31: ClickHouse 18.16 stores Date up to day 65535 and DateTime up to 2^32-1 s, but its
// date tables end in 2105 and later values print wrapped (2106-02-07 06:28:15 prints as
// 1970-01-01 06:28:15, day 65535 as 1970-01-01).
constexpr int32_t kLastDay = 49672;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "Nullable(X)" → X; also LowCardinality(X) → X.
std::string_view StripWrappers(std::string_view t, bool* nullable) {
  *nullable = false;
  while (true) {
    if (StartsWith(t, "Nullable(") && t.back() == ')') {
      *nullable = true;
      t = t.substr(9, t.size() - 10);
    } else if (StartsWith(t, "LowCardinality(") && t.back() == ')') {
      t = t.substr(15, t.size() - 16);
    } else {
      return t;
    }
  }
}

// Decimal(P, S) → {P, S}; false when `t` is not one.
bool ParseDecimalType(std::string_view t, int* p, int* s) {
  if (!StartsWith(t, "Decimal(")) return false;
  std::string inner(t.substr(8, t.size() - 9));
  return std::sscanf(inner.c_str(), "%d, %d", p, s) == 2 || std::sscanf(inner.c_str(), "%d,%d", p, s) == 2;
}

std::string DateTimeZone(std::string_view t) {
  // DateTime('UTC') → UTC
  if (t.size() > 12 && t[9] == '\'') return std::string(t.substr(10, t.size() - 12));
  return "";
}

template <typename T>
void Put(std::string* out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out->append(b, sizeof(T));
}

void PutVarUInt(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutInt(std::string* out, int128_t v, int width) {
  char b[16];
  std::memcpy(b, &v, 16);  // little-endian: the low `width` bytes are the value
  out->append(b, static_cast<size_t>(width));
}

int128_t Pow10(int n) {
  int128_t r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

}  // namespace

std::string ClickhouseDdlType(const DataType& type, bool naive_utc) {
  switch (type.id) {
    case TypeId::kBool: return std::string(kBoolEnum);
    case TypeId::kInt32: return "Int32";
    case TypeId::kInt64: return "Int64";
    case TypeId::kFloat64: return "Float64";
    case TypeId::kDecimal: return "Decimal(" + std::to_string(type.precision) + ", " + std::to_string(type.scale) + ")";
    case TypeId::kDate: return "Date";
    case TypeId::kTimestamp: return type.timezone.empty() && naive_utc ? "DateTime" : "DateTime('UTC')";
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kNull: return "String";
  }
  return "String";
}

DataType ClickhouseResultType(std::string_view ch_type, bool* nullable) {
  std::string_view t = StripWrappers(ch_type, nullable);
  if (t == "Int8" || t == "Int16" || t == "Int32" || t == "UInt8" || t == "UInt16") return DataType::Int32();
  if (t == "Int64" || t == "UInt32") return DataType::Int64();
  if (t == "UInt64") return DataType::Decimal(20, 0);
  if (t == "Float32" || t == "Float64") return DataType::Float64();
  int p = 0, s = 0;
  if (ParseDecimalType(t, &p, &s) && p >= 1 && p <= 38) return DataType::Decimal(p, s);
  if (t == "Date") return DataType::Date();
  if (t == "DateTime") return DataType::Timestamp();
  if (StartsWith(t, "DateTime(")) {
    std::string zone = DateTimeZone(t);
    // Only UTC text is an instant we can read without a time zone database; other zones are read
    // as their wall clock.
    return zone == "UTC" ? DataType::Timestamp("UTC") : DataType::Timestamp();
  }
  if (t == kBoolEnum) return DataType::Bool();
  if (t == "Nothing") {
    *nullable = true;
    return DataType::Null();
  }
  return DataType::String();
}

void UnescapeTsvField(std::string_view field, std::string* out) {
  out->clear();
  for (size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c != '\\' || i + 1 == field.size()) {
      out->push_back(c);
      continue;
    }
    char e = field[++i];
    switch (e) {
      case 't': out->push_back('\t'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case '0': out->push_back('\0'); break;
      case 'a': out->push_back('\a'); break;
      case 'v': out->push_back('\v'); break;
      default: out->push_back(e); break;  // \\ \' and any other escaped character
    }
  }
}

Status AppendTsvCell(std::string_view text, std::string_view ch_type, ColumnBuilder& builder) {
  switch (builder.type().id) {
    case TypeId::kBool:
      if (text == "true") builder.AppendBool(true);
      else if (text == "false") builder.AppendBool(false);
      else return Status::DataError("'" + std::string(text) + "' is not a bool");
      return Status::OK();
    case TypeId::kFloat64:
      if (text == "inf" || text == "+inf") builder.AppendDouble(std::numeric_limits<double>::infinity());
      else if (text == "-inf") builder.AppendDouble(-std::numeric_limits<double>::infinity());
      else if (text == "nan" || text == "-nan") builder.AppendDouble(std::numeric_limits<double>::quiet_NaN());
      else return AppendParsedText(text, builder);
      return Status::OK();
    case TypeId::kDate:
      // ClickHouse prints day 0 as 0000-00-00.
      if (text == "0000-00-00") builder.AppendDate(0);
      else return AppendParsedText(text, builder);
      return Status::OK();
    case TypeId::kTimestamp:
      if (text == "0000-00-00 00:00:00") builder.AppendTimestamp(0);
      else return AppendParsedText(text, builder);
      return Status::OK();
    default: (void)ch_type; return AppendParsedText(text, builder);
  }
}

Result<RowBinaryEncoder> RowBinaryEncoder::Make(std::string_view ch_type, const DataType& input) {
  RowBinaryEncoder e;
  std::string_view t = StripWrappers(ch_type, &e.nullable_);
  auto refuse = [&]() {
    return Status::InvalidArgument("cannot write " + input.ToString() + " values into a ClickHouse " +
                                   std::string(ch_type) + " column");
  };
  const bool integer_input = input.id == TypeId::kInt32 || input.id == TypeId::kInt64 || input.id == TypeId::kBool;
  struct IntType {
    const char* name;
    Kind kind;
    int width;
  };
  static const IntType kInts[] = {{"Int8", Kind::kInt, 1},   {"Int16", Kind::kInt, 2},   {"Int32", Kind::kInt, 4},
                                  {"Int64", Kind::kInt, 8},  {"UInt8", Kind::kUInt, 1},  {"UInt16", Kind::kUInt, 2},
                                  {"UInt32", Kind::kUInt, 4}, {"UInt64", Kind::kUInt, 8}};
  for (const IntType& it : kInts) {
    if (t == it.name) {
      if (!integer_input) return refuse();
      e.kind_ = it.kind;
      e.width_ = it.width;
      return e;
    }
  }
  if (t == "Float32" || t == "Float64") {
    if (!integer_input && input.id != TypeId::kFloat64 && input.id != TypeId::kDecimal) return refuse();
    e.kind_ = t == "Float32" ? Kind::kFloat32 : Kind::kFloat64;
    return e;
  }
  int p = 0, s = 0;
  if (ParseDecimalType(t, &p, &s)) {
    if (!integer_input && input.id != TypeId::kDecimal) return refuse();
    if (input.id == TypeId::kDecimal && input.scale > s) return refuse();  // would round
    e.kind_ = Kind::kDecimal;
    e.width_ = p <= 9 ? 4 : p <= 18 ? 8 : 16;
    e.scale_ = s;
    return e;
  }
  if (t == "String") {
    e.kind_ = Kind::kString;  // any input: strings and binary as their bytes, others as text
    return e;
  }
  if (StartsWith(t, "FixedString(")) {
    if (input.id != TypeId::kString && input.id != TypeId::kBinary) return refuse();
    e.kind_ = Kind::kFixedString;
    e.width_ = std::atoi(std::string(t.substr(12)).c_str());
    return e;
  }
  if (t == "Date") {
    if (input.id != TypeId::kDate) return refuse();
    e.kind_ = Kind::kDate;
    return e;
  }
  if (t == "DateTime" || StartsWith(t, "DateTime(")) {
    if (input.id != TypeId::kTimestamp && input.id != TypeId::kDate) return refuse();
    e.kind_ = Kind::kDateTime;
    return e;
  }
  if (t == kBoolEnum) {
    if (input.id != TypeId::kBool) return refuse();
    e.kind_ = Kind::kBoolEnum;
    return e;
  }
  if (input.id == TypeId::kNull && e.nullable_) {
    e.kind_ = Kind::kString;  // only NULLs come
    return e;
  }
  return refuse();
}

Status RowBinaryEncoder::Append(const Column& column, int64_t row, std::string* out) const {
  if (column.IsNull(row)) {
    if (!nullable_) return Status::DataError("NULL in a column that is not Nullable");
    out->push_back('\1');
    return Status::OK();
  }
  if (nullable_) out->push_back('\0');
  const DataType& in = column.type();
  auto integer = [&]() -> int128_t {
    switch (in.id) {
      case TypeId::kBool: return column.GetBool(row) ? 1 : 0;
      case TypeId::kInt32: return column.Get<int32_t>(row);
      default: return column.Get<int64_t>(row);
    }
  };
  switch (kind_) {
    case Kind::kInt:
    case Kind::kUInt: {
      int128_t v = integer();
      int bits = width_ * 8;
      int128_t lo = kind_ == Kind::kInt ? -(int128_t{1} << (bits - 1)) : 0;
      int128_t hi = kind_ == Kind::kInt ? (int128_t{1} << (bits - 1)) - 1 : (int128_t{1} << bits) - 1;
      if (v < lo || v > hi) return Status::DataError(CellText(column, row) + " is out of the column's range");
      PutInt(out, v, width_);
      return Status::OK();
    }
    case Kind::kFloat32:
    case Kind::kFloat64: {
      double d = in.id == TypeId::kFloat64   ? column.Get<double>(row)
                 : in.id == TypeId::kDecimal ? static_cast<double>(column.Get<int128_t>(row)) /
                                                   static_cast<double>(Pow10(in.scale))
                                             : static_cast<double>(integer());
      if (kind_ == Kind::kFloat32) Put(out, static_cast<float>(d));
      else Put(out, d);
      return Status::OK();
    }
    case Kind::kDecimal: {
      int128_t v = in.id == TypeId::kDecimal ? column.Get<int128_t>(row) * Pow10(scale_ - in.scale) : integer() * Pow10(scale_);
      int128_t limit = width_ == 4 ? int128_t{1} << 31 : width_ == 8 ? int128_t{1} << 63 : Pow10(38);
      if (v >= limit || v <= -limit) return Status::DataError(CellText(column, row) + " is out of the column's range");
      PutInt(out, v, width_);
      return Status::OK();
    }
    case Kind::kString: {
      if (in.id == TypeId::kString || in.id == TypeId::kBinary) {
        std::string_view v = column.GetString(row);
        PutVarUInt(out, v.size());
        out->append(v);
      } else {
        std::string v = CellText(column, row);
        PutVarUInt(out, v.size());
        out->append(v);
      }
      return Status::OK();
    }
    case Kind::kFixedString: {
      std::string_view v = column.GetString(row);
      if (static_cast<int>(v.size()) > width_) {
        return Status::DataError("a value of " + std::to_string(v.size()) + " bytes does not fit FixedString(" +
                                 std::to_string(width_) + ")");
      }
      out->append(v);
      out->append(static_cast<size_t>(width_) - v.size(), '\0');
      return Status::OK();
    }
    case Kind::kDate: {
      int32_t days = column.Get<int32_t>(row);
      if (days < 0 || days > kLastDay) {
        return Status::DataError("date " + FormatDate(days) + " is outside ClickHouse's date range 1970-01-01..2105-12-31");
      }
      Put(out, static_cast<uint16_t>(days));
      return Status::OK();
    }
    case Kind::kDateTime: {
      int64_t micros = in.id == TypeId::kDate ? int64_t{column.Get<int32_t>(row)} * 86400 * kMicros : column.Get<int64_t>(row);
      if (micros % kMicros != 0) {
        return Status::DataError("timestamp " + FormatTimestamp(micros) +
                                 " has fractions of a second, which ClickHouse DateTime cannot hold (round it first, "
                                 "e.g. with a derive)");
      }
      int64_t seconds = micros / kMicros;
      if (seconds < 0 || seconds >= (int64_t{kLastDay} + 1) * 86400) {
        return Status::DataError("timestamp " + FormatTimestamp(micros) +
                                 " is outside ClickHouse's date range 1970-01-01..2105-12-31");
      }
      Put(out, static_cast<uint32_t>(seconds));
      return Status::OK();
    }
    case Kind::kBoolEnum: out->push_back(column.GetBool(row) ? '\1' : '\0'); return Status::OK();
  }
  return Status::Internal("unknown encoder");
}

}  // namespace logidata
