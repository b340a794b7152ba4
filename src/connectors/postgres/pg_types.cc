#include "connectors/postgres/pg_types.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "types/temporal.h"
#include "types/value.h"

namespace logidata {

namespace {

constexpr int32_t kPgEpochDays = 10957;                       // 2000-01-01 - 1970-01-01
constexpr int64_t kPgEpochMicros = int64_t{kPgEpochDays} * kMicrosPerDay;

int128_t Pow10(int n) {
  int128_t r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

Status WrongLength(uint32_t oid, int length) {
  return Status::DataError("PostgreSQL value of type oid " + std::to_string(oid) + " has unexpected length " +
                           std::to_string(length));
}

Status DecodeNumeric(const char* data, int length, int scale, int128_t* out) {
  if (length < 8) return WrongLength(pg_oid::kNumeric, length);
  int ndigits = static_cast<int16_t>(GetBE16(data));
  int weight = static_cast<int16_t>(GetBE16(data + 2));
  uint16_t sign = GetBE16(data + 4);
  if (sign == 0xC000) return Status::DataError("PostgreSQL numeric NaN cannot be stored in a decimal column");
  if (sign != 0 && sign != 0x4000) return Status::DataError("PostgreSQL numeric infinity cannot be stored in a decimal column");
  if (length < 8 + 2 * ndigits) return WrongLength(pg_oid::kNumeric, length);
  int128_t v = 0;
  for (int i = 0; i < ndigits; ++i) {
    int digit = GetBE16(data + 8 + 2 * i);
    int exp10 = 4 * (weight - i) + scale;
    if (exp10 > 38) return Status::DataError("PostgreSQL numeric value too large for decimal(38)");
    if (exp10 >= 0) {
      v += static_cast<int128_t>(digit) * Pow10(exp10);
    } else if (exp10 > -4) {
      v += digit / static_cast<int>(Pow10(-exp10));
    }
  }
  *out = sign == 0x4000 ? -v : v;
  return Status::OK();
}

}  // namespace

DataType PgTypeToDataType(uint32_t oid, int typmod, bool* needs_text_cast) {
  *needs_text_cast = false;
  switch (oid) {
    case pg_oid::kBool: return DataType::Bool();
    case pg_oid::kInt2:
    case pg_oid::kInt4: return DataType::Int32();
    case pg_oid::kInt8:
    case pg_oid::kOid: return DataType::Int64();
    case pg_oid::kFloat4:
    case pg_oid::kFloat8: return DataType::Float64();
    case pg_oid::kNumeric: {
      if (typmod >= 4) {
        int precision = ((typmod - 4) >> 16) & 0xffff;
        int scale = (typmod - 4) & 0xffff;
        if (precision >= 1 && precision <= 38 && scale <= precision) return DataType::Decimal(precision, scale);
      }
      *needs_text_cast = true;  // unconstrained numeric: exact text
      return DataType::String();
    }
    case pg_oid::kText:
    case pg_oid::kVarchar:
    case pg_oid::kBpchar:
    case pg_oid::kName: return DataType::String();
    case pg_oid::kBytea: return DataType::Binary();
    case pg_oid::kDate: return DataType::Date();
    case pg_oid::kTimestamp: return DataType::Timestamp();
    case pg_oid::kTimestampTz: return DataType::Timestamp("UTC");
    default:
      *needs_text_cast = true;
      return DataType::String();
  }
}

std::string PgDdlType(const DataType& type) {
  switch (type.id) {
    case TypeId::kBool: return "boolean";
    case TypeId::kInt32: return "integer";
    case TypeId::kInt64: return "bigint";
    case TypeId::kFloat64: return "double precision";
    case TypeId::kDecimal: return "numeric(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
    case TypeId::kBinary: return "bytea";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return type.timezone.empty() ? "timestamp" : "timestamptz";
    case TypeId::kString:
    case TypeId::kNull: return "text";
  }
  return "text";
}

Status AppendPgBinary(uint32_t oid, const char* data, int length, ColumnBuilder& builder) {
  switch (oid) {
    case pg_oid::kBool:
      if (length != 1) return WrongLength(oid, length);
      builder.AppendBool(data[0] != 0);
      return Status::OK();
    case pg_oid::kInt2:
      if (length != 2) return WrongLength(oid, length);
      builder.AppendInt32(static_cast<int16_t>(GetBE16(data)));
      return Status::OK();
    case pg_oid::kInt4:
      if (length != 4) return WrongLength(oid, length);
      builder.AppendInt32(static_cast<int32_t>(GetBE32(data)));
      return Status::OK();
    case pg_oid::kOid:
      if (length != 4) return WrongLength(oid, length);
      builder.AppendInt64(GetBE32(data));
      return Status::OK();
    case pg_oid::kInt8:
      if (length != 8) return WrongLength(oid, length);
      builder.AppendInt64(static_cast<int64_t>(GetBE64(data)));
      return Status::OK();
    case pg_oid::kFloat4: {
      if (length != 4) return WrongLength(oid, length);
      uint32_t bits = GetBE32(data);
      float f;
      std::memcpy(&f, &bits, 4);
      builder.AppendDouble(f);
      return Status::OK();
    }
    case pg_oid::kFloat8: {
      if (length != 8) return WrongLength(oid, length);
      uint64_t bits = GetBE64(data);
      double d;
      std::memcpy(&d, &bits, 8);
      builder.AppendDouble(d);
      return Status::OK();
    }
    case pg_oid::kNumeric: {
      int128_t v = 0;
      LD_RETURN_IF_ERROR(DecodeNumeric(data, length, builder.type().scale, &v));
      builder.AppendDecimal(v);
      return Status::OK();
    }
    case pg_oid::kDate:
      if (length != 4) return WrongLength(oid, length);
      builder.AppendDate(static_cast<int32_t>(GetBE32(data)) + kPgEpochDays);
      return Status::OK();
    case pg_oid::kTimestamp:
    case pg_oid::kTimestampTz:
      if (length != 8) return WrongLength(oid, length);
      builder.AppendTimestamp(static_cast<int64_t>(GetBE64(data)) + kPgEpochMicros);
      return Status::OK();
    default:  // text-like and bytea: the raw bytes
      builder.AppendString(std::string_view(data, static_cast<size_t>(length)));
      return Status::OK();
  }
}

// ---- Encoding -------------------------------------------------------------------------------

Status EncodePgNumericText(std::string_view text, std::string& out) {
  bool negative = false;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  if (text.substr(i) == "nan" || text.substr(i) == "NaN") {
    PutBE32(out, 8);
    PutBE16(out, 0); PutBE16(out, 0); PutBE16(out, 0xC000); PutBE16(out, 0);
    return Status::OK();
  }
  std::string_view int_part, frac_part;
  size_t dot = text.find('.', i);
  int_part = text.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i);
  if (dot != std::string_view::npos) frac_part = text.substr(dot + 1);
  if (int_part.empty() && frac_part.empty()) return Status::DataError("'" + std::string(text) + "' is not a number");
  for (char c : int_part) if (c < '0' || c > '9') return Status::DataError("'" + std::string(text) + "' is not a decimal number");
  for (char c : frac_part) if (c < '0' || c > '9') return Status::DataError("'" + std::string(text) + "' is not a decimal number");
  while (!int_part.empty() && int_part.front() == '0') int_part.remove_prefix(1);
  // Base-10000 digit groups aligned on the decimal point.
  int int_groups = static_cast<int>((int_part.size() + 3) / 4);
  int frac_groups = static_cast<int>((frac_part.size() + 3) / 4);
  int16_t digits[64];
  int n = 0;
  if (int_groups + frac_groups > 64) return Status::DataError("decimal '" + std::string(text) + "' is too long");
  size_t lead = int_part.size() % 4 == 0 ? 4 : int_part.size() % 4;
  size_t pos = 0;
  for (int g = 0; g < int_groups; ++g) {
    size_t len = g == 0 ? lead : 4;
    int v = 0;
    for (size_t k = 0; k < len; ++k) v = v * 10 + (int_part[pos + k] - '0');
    pos += len;
    digits[n++] = static_cast<int16_t>(v);
  }
  for (int g = 0; g < frac_groups; ++g) {
    int v = 0;
    for (size_t k = 0; k < 4; ++k) {
      size_t idx = static_cast<size_t>(g) * 4 + k;
      v = v * 10 + (idx < frac_part.size() ? frac_part[idx] - '0' : 0);
    }
    digits[n++] = static_cast<int16_t>(v);
  }
  int weight = int_groups - 1;
  int start = 0;
  while (start < n && digits[start] == 0) { ++start; --weight; }
  int end = n;
  while (end > start && digits[end - 1] == 0) --end;
  int ndigits = end - start;
  if (ndigits == 0) weight = 0;
  PutBE32(out, static_cast<uint32_t>(8 + 2 * ndigits));
  PutBE16(out, static_cast<uint16_t>(ndigits));
  PutBE16(out, static_cast<uint16_t>(static_cast<int16_t>(weight)));
  PutBE16(out, negative && ndigits > 0 ? 0x4000 : 0);
  PutBE16(out, static_cast<uint16_t>(frac_part.size()));
  for (int k = start; k < end; ++k) PutBE16(out, static_cast<uint16_t>(digits[k]));
  return Status::OK();
}

namespace {

constexpr uint32_t kNullLength = 0xFFFFFFFFu;

int64_t IntAt(const Column& c, int64_t row) {
  return c.type().id == TypeId::kInt32 ? c.Get<int32_t>(row) : c.Get<int64_t>(row);
}

Status RangeError(int64_t v, const char* target) {
  return Status::DataError("value " + std::to_string(v) + " does not fit PostgreSQL " + target);
}

Status EncNull(const Column&, int64_t, std::string& out) {
  PutBE32(out, kNullLength);
  return Status::OK();
}

#define LD_PG_NULL_CHECK()              \
  if (c.IsNull(row)) {                  \
    PutBE32(out, kNullLength);          \
    return Status::OK();                \
  }

Status EncBool(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutBE32(out, 1);
  out.push_back(c.GetBool(row) ? 1 : 0);
  return Status::OK();
}
Status EncIntToInt2(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  int64_t v = IntAt(c, row);
  if (v < INT16_MIN || v > INT16_MAX) return RangeError(v, "smallint");
  PutBE32(out, 2);
  PutBE16(out, static_cast<uint16_t>(v));
  return Status::OK();
}
Status EncIntToInt4(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  int64_t v = IntAt(c, row);
  if (v < INT32_MIN || v > INT32_MAX) return RangeError(v, "integer");
  PutBE32(out, 4);
  PutBE32(out, static_cast<uint32_t>(v));
  return Status::OK();
}
Status EncIntToInt8(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutBE32(out, 8);
  PutBE64(out, static_cast<uint64_t>(IntAt(c, row)));
  return Status::OK();
}
void PutDouble(std::string& out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  PutBE32(out, 8);
  PutBE64(out, bits);
}
void PutFloat(std::string& out, double d) {
  float f = static_cast<float>(d);
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  PutBE32(out, 4);
  PutBE32(out, bits);
}
Status EncIntToFloat8(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutDouble(out, static_cast<double>(IntAt(c, row)));
  return Status::OK();
}
Status EncFloat8(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutDouble(out, c.Get<double>(row));
  return Status::OK();
}
Status EncFloatToFloat4(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutFloat(out, c.type().id == TypeId::kFloat64 ? c.Get<double>(row) : static_cast<double>(IntAt(c, row)));
  return Status::OK();
}
Status EncDecimalToFloat8(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutDouble(out, static_cast<double>(c.Get<int128_t>(row)) / std::pow(10.0, c.type().scale));
  return Status::OK();
}
Status EncIntToNumeric(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  return EncodePgNumericText(std::to_string(IntAt(c, row)), out);
}
Status EncDecimalToNumeric(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  return EncodePgNumericText(FormatDecimal(c.Get<int128_t>(row), c.type().scale), out);
}
Status EncDoubleToNumeric(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  double d = c.Get<double>(row);
  if (std::isinf(d)) return Status::DataError("infinity cannot be loaded into a PostgreSQL numeric column");
  if (std::isnan(d)) return EncodePgNumericText("nan", out);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17f", d);  // plain notation, no exponent
  std::string_view s(buf);
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  return EncodePgNumericText(s, out);
}
Status EncBytes(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  std::string_view s = c.GetString(row);
  PutBE32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
  return Status::OK();
}
Status EncStringToJsonb(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  std::string_view s = c.GetString(row);
  PutBE32(out, static_cast<uint32_t>(s.size() + 1));
  out.push_back(1);  // jsonb binary format version
  out.append(s);
  return Status::OK();
}
Status EncStringToUuid(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  std::string_view s = c.GetString(row);
  char bytes[16];
  int n = 0, half = -1;
  for (char ch : s) {
    if (ch == '-') continue;
    int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
    if (v < 0 || n >= 16) return Status::DataError("'" + std::string(s) + "' is not a UUID");
    if (half < 0) {
      half = v;
    } else {
      bytes[n++] = static_cast<char>(half << 4 | v);
      half = -1;
    }
  }
  if (n != 16 || half >= 0) return Status::DataError("'" + std::string(s) + "' is not a UUID");
  PutBE32(out, 16);
  out.append(bytes, 16);
  return Status::OK();
}
Result<int64_t> ParseInt(std::string_view s) {
  std::string tmp(s);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(tmp.c_str(), &end, 10);
  if (tmp.empty() || *end != '\0' || errno != 0) return Status::DataError("'" + tmp + "' is not an integer");
  return static_cast<int64_t>(v);
}
template <uint32_t kOid>
Status EncStringToInt(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  LD_ASSIGN_OR_RETURN(int64_t v, ParseInt(c.GetString(row)));
  if (kOid == pg_oid::kInt2) {
    if (v < INT16_MIN || v > INT16_MAX) return RangeError(v, "smallint");
    PutBE32(out, 2);
    PutBE16(out, static_cast<uint16_t>(v));
  } else if (kOid == pg_oid::kInt4) {
    if (v < INT32_MIN || v > INT32_MAX) return RangeError(v, "integer");
    PutBE32(out, 4);
    PutBE32(out, static_cast<uint32_t>(v));
  } else {
    PutBE32(out, 8);
    PutBE64(out, static_cast<uint64_t>(v));
  }
  return Status::OK();
}
Status EncStringToFloat8(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  std::string tmp(c.GetString(row));
  char* end = nullptr;
  double d = std::strtod(tmp.c_str(), &end);
  if (tmp.empty() || *end != '\0') return Status::DataError("'" + tmp + "' is not a number");
  PutDouble(out, d);
  return Status::OK();
}
Status EncStringToNumeric(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  return EncodePgNumericText(c.GetString(row), out);
}
Status EncStringToBool(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  std::string_view s = c.GetString(row);
  bool v;
  if (s == "true" || s == "t" || s == "1" || s == "TRUE" || s == "yes") v = true;
  else if (s == "false" || s == "f" || s == "0" || s == "FALSE" || s == "no") v = false;
  else return Status::DataError("'" + std::string(s) + "' is not a boolean");
  PutBE32(out, 1);
  out.push_back(v ? 1 : 0);
  return Status::OK();
}
Status EncStringToDate(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  auto d = ParseDate(c.GetString(row));
  if (!d) return Status::DataError("'" + std::string(c.GetString(row)) + "' is not a date (YYYY-MM-DD)");
  PutBE32(out, 4);
  PutBE32(out, static_cast<uint32_t>(*d - kPgEpochDays));
  return Status::OK();
}
Status EncStringToTimestamp(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  auto t = ParseTimestamp(c.GetString(row));
  if (!t) return Status::DataError("'" + std::string(c.GetString(row)) + "' is not a timestamp");
  PutBE32(out, 8);
  PutBE64(out, static_cast<uint64_t>(*t - kPgEpochMicros));
  return Status::OK();
}
Status EncDate(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutBE32(out, 4);
  PutBE32(out, static_cast<uint32_t>(c.Get<int32_t>(row) - kPgEpochDays));
  return Status::OK();
}
Status EncDateToTimestamp(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutBE32(out, 8);
  PutBE64(out, static_cast<uint64_t>(int64_t{c.Get<int32_t>(row)} * kMicrosPerDay - kPgEpochMicros));
  return Status::OK();
}
Status EncTimestamp(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutBE32(out, 8);
  PutBE64(out, static_cast<uint64_t>(c.Get<int64_t>(row) - kPgEpochMicros));
  return Status::OK();
}
Status EncTimestampToDate(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  PutBE32(out, 4);
  PutBE32(out, static_cast<uint32_t>(FloorDiv(c.Get<int64_t>(row), kMicrosPerDay) - kPgEpochDays));
  return Status::OK();
}
// Any value as its text form, for text-like targets (a number into a text column).
Status EncValueAsText(const Column& c, int64_t row, std::string& out) {
  LD_PG_NULL_CHECK();
  std::string s = c.GetValue(row).ToString();
  PutBE32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
  return Status::OK();
}

#undef LD_PG_NULL_CHECK

bool IsTextTarget(uint32_t oid) {
  return oid == pg_oid::kText || oid == pg_oid::kVarchar || oid == pg_oid::kBpchar || oid == pg_oid::kName ||
         oid == pg_oid::kJson;
}

}  // namespace

Result<PgFieldEncoder> MakePgFieldEncoder(const DataType& source, uint32_t oid, const std::string& column_name) {
  using namespace pg_oid;
  switch (source.id) {
    case TypeId::kNull: return &EncNull;
    case TypeId::kBool:
      if (oid == kBool) return &EncBool;
      break;
    case TypeId::kInt32:
    case TypeId::kInt64:
      if (oid == kInt2) return &EncIntToInt2;
      if (oid == kInt4) return &EncIntToInt4;
      if (oid == kInt8) return &EncIntToInt8;
      if (oid == kFloat8) return &EncIntToFloat8;
      if (oid == kFloat4) return &EncFloatToFloat4;
      if (oid == kNumeric) return &EncIntToNumeric;
      break;
    case TypeId::kFloat64:
      if (oid == kFloat8) return &EncFloat8;
      if (oid == kFloat4) return &EncFloatToFloat4;
      if (oid == kNumeric) return &EncDoubleToNumeric;
      break;
    case TypeId::kDecimal:
      if (oid == kNumeric) return &EncDecimalToNumeric;
      if (oid == kFloat8) return &EncDecimalToFloat8;
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      if (IsTextTarget(oid) || oid == kBytea) return &EncBytes;
      if (oid == kJsonb) return &EncStringToJsonb;
      if (oid == kUuid) return &EncStringToUuid;
      if (oid == kInt2) return &EncStringToInt<kInt2>;
      if (oid == kInt4) return &EncStringToInt<kInt4>;
      if (oid == kInt8) return &EncStringToInt<kInt8>;
      if (oid == kFloat8) return &EncStringToFloat8;
      if (oid == kNumeric) return &EncStringToNumeric;
      if (oid == kBool) return &EncStringToBool;
      if (oid == kDate) return &EncStringToDate;
      if (oid == kTimestamp || oid == kTimestampTz) return &EncStringToTimestamp;
      break;
    case TypeId::kDate:
      if (oid == kDate) return &EncDate;
      if (oid == kTimestamp || oid == kTimestampTz) return &EncDateToTimestamp;
      break;
    case TypeId::kTimestamp:
      if (oid == kTimestamp || oid == kTimestampTz) return &EncTimestamp;
      if (oid == kDate) return &EncTimestampToDate;
      break;
  }
  if (IsTextTarget(oid)) return &EncValueAsText;
  return Status::Unsupported("column '" + column_name + "' of type " + source.ToString() +
                             " cannot be loaded into a PostgreSQL column of type oid " + std::to_string(oid) +
                             "; cast it in the pipeline first");
}

}  // namespace logidata
