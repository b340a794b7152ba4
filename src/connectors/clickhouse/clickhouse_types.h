// The mapping between ClickHouse column types and the engine's logical types, both ways, and the
// two wire encodings the connector uses: RowBinary cells for loads (encoded for the target
// column's own ClickHouse type) and TabSeparated cells for extracts. See docs/connectors.md for
// the table. Pure functions and immutable encoders; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "types/column.h"
#include "types/column_builder.h"
#include "types/data_type.h"

namespace logidata {

// The ClickHouse type a created table uses for `type` (without Nullable). `naive_utc` says the
// server's time zone is UTC, so a time-zone-less timestamp can use plain DateTime.
std::string ClickhouseDdlType(const DataType& type, bool naive_utc);

// The logical type of a ClickHouse result column ("Nullable(Decimal(18, 2))" → decimal(18,2)).
// `*nullable` tells whether the column is Nullable. Unknown or compound types read as string.
DataType ClickhouseResultType(std::string_view ch_type, bool* nullable);

// Unescapes one TabSeparated field (\t \n \\ \' \0 …) into `out`.
void UnescapeTsvField(std::string_view field, std::string* out);

// Appends one TabSeparated cell (already unescaped, not "\N") of a column read as
// ClickhouseResultType(ch_type) to `builder`.
Status AppendTsvCell(std::string_view text, std::string_view ch_type, ColumnBuilder& builder);

// Writes the cells of one input column into RowBinary for one target column type.
class RowBinaryEncoder {
 public:
  // Unsupported when `ch_type` cannot take values of `input` (InvalidArgument names both).
  static Result<RowBinaryEncoder> Make(std::string_view ch_type, const DataType& input);
  // Appends the cell at `row`; DataError when the value does not fit the column.
  Status Append(const Column& column, int64_t row, std::string* out) const;

  enum class Kind { kInt, kUInt, kFloat32, kFloat64, kDecimal, kString, kFixedString, kDate, kDateTime, kBoolEnum };

 private:
  Kind kind_ = Kind::kString;
  bool nullable_ = false;
  int width_ = 0;  // bytes of an integer/decimal; N of FixedString(N)
  int scale_ = 0;  // decimal
};

}  // namespace logidata
