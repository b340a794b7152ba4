// AllNullColumn: a column of `length` NULLs of any type with every buffer present (zeroed
// values, offsets for strings; the process's shared zeros when they cover it, see
// types/shared_zeros.h), so kernels that read values without checking validity first stay safe. Column::MakeNull leaves the value buffers out; row transforms use this instead whenever
// they create NULL columns, and treat a column whose values buffer is missing as all NULL.
// Pure functions; thread-safe.
#pragma once

#include "types/column.h"

namespace logidata {

ColumnPtr AllNullColumn(const DataType& type, int64_t length);

// True when every row is NULL (including columns made without value buffers).
inline bool IsAllNull(const Column& column) {
  return column.null_count() == column.length() || column.values_buffer() == nullptr;
}

}  // namespace logidata
