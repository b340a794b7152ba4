// The mapping between PostgreSQL types and Logidata types, and the binary wire format (used by
// binary COPY and binary result sets) in both directions. Documented in docs/modules/extract.postgres.md (from the module descriptor).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "types/column.h"
#include "types/column_builder.h"

namespace logidata {

// Type OIDs from pg_type.h (stable across server versions).
namespace pg_oid {
inline constexpr uint32_t kBool = 16, kBytea = 17, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25,
                          kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701, kBpchar = 1042, kVarchar = 1043,
                          kDate = 1082, kTimestamp = 1114, kTimestampTz = 1184, kNumeric = 1700, kUuid = 2950,
                          kJsonb = 3802;
}

// Our type for a result column of PostgreSQL type `oid` with modifier `typmod`. `needs_text_cast`
// is set when the column must be read as text (`::text`) because it has no binary decoder here
// (uuid, json, intervals, arrays, unconstrained numeric…); it then maps to string.
DataType PgTypeToDataType(uint32_t oid, int typmod, bool* needs_text_cast);

// The column type used when creating a table for a Logidata type ("bigint", "numeric(18,2)").
std::string PgDdlType(const DataType& type);

// Decodes one binary value of PostgreSQL type `oid` and appends it to `builder` (whose type came
// from PgTypeToDataType). DataError on malformed input.
Status AppendPgBinary(uint32_t oid, const char* data, int length, ColumnBuilder& builder);

// Reads a big-endian integer (the wire byte order).
inline uint16_t GetBE16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
inline uint32_t GetBE32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}
inline uint64_t GetBE64(const char* p) { return (uint64_t{GetBE32(p)} << 32) | GetBE32(p + 4); }

// Appends a big-endian integer.
inline void PutBE16(std::string& out, uint16_t v) {
  char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 2);
}
inline void PutBE32(std::string& out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}
inline void PutBE64(std::string& out, uint64_t v) {
  PutBE32(out, static_cast<uint32_t>(v >> 32));
  PutBE32(out, static_cast<uint32_t>(v));
}

// Writes one field (int32 length + bytes, or -1 for null) of row `row` of `column` in the
// binary format of target type `oid`. Chosen once per column by MakePgFieldEncoder.
using PgFieldEncoder = Status (*)(const Column& column, int64_t row, std::string& out);
// The encoder turning `source` values into target type `oid`; Unsupported names both types.
Result<PgFieldEncoder> MakePgFieldEncoder(const DataType& source, uint32_t oid, const std::string& column_name);

// PostgreSQL numeric binary from decimal text ("-12.50", "1e3" is not accepted).
Status EncodePgNumericText(std::string_view text, std::string& out);

}  // namespace logidata
