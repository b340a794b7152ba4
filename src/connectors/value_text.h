// Converting between text and typed cells where a driver hands out or takes text (SQLite
// decimals and dates, MySQL results, JSON from REST APIs). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "types/column.h"
#include "types/column_builder.h"

namespace logidata {

// "-12.345" (or "1e3", "12") as an unscaled decimal with `scale` digits; rounds half away from
// zero beyond `scale`; nullopt when not a number or out of range.
std::optional<int128_t> ParseDecimalText(std::string_view text, int scale);

// Parses `text` as `builder`'s type and appends it; DataError names the value and type.
Status AppendParsedText(std::string_view text, ColumnBuilder& builder);

// The cell at `row` as text for a SQL engine: ISO dates and timestamps (with "+00:00" when the
// timestamp has a zone), decimals with their scale, booleans as 1/0, binary as its bytes.
// REQUIRES: the cell is not null.
std::string CellText(const Column& column, int64_t row);

}  // namespace logidata
