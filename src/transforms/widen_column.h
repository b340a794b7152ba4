// WidenColumn: converts a column to a wider type that CommonSuperType (types/data_type.h) chose
// for it — int32→int64, integers→float64/decimal, decimal→wider decimal or float64,
// date→timestamp, null→anything, string↔binary — without a per-row Value. Used by union to line
// up inputs of different types. Pure function; thread-safe.
#pragma once

#include "common/result.h"
#include "types/column.h"

namespace logidata {

// Returns `column` itself when the type already matches; Internal when `to` is not a widening of
// the column's type (CommonSuperType never asks for one).
Result<ColumnPtr> WidenColumn(const ColumnPtr& column, const DataType& to);

}  // namespace logidata
