// GatherRows: builds a column from rows of another picked by index (negative = null) — the hot
// copy of join output. Like TakeColumn, but avoids a validity bitmap when nothing is null and
// copies short strings without a libc call per row. Pure function; thread-safe.
#pragma once

#include <span>

#include "types/column.h"

namespace logidata {

ColumnPtr GatherRows(const Column& column, std::span<const int32_t> indices);

}  // namespace logidata
