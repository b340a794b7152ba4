// Shared zeros: one process-wide, read-only region of zero bytes that all-NULL columns point
// into instead of allocating their own (a validity bitmap of zeros is "all NULL", values of zero
// and string offsets of zero are valid filler). A query reads many columns it does not need
// (projection pushdown leaves them NULL) and operators copy batches (partitioning, gathering), so
// without this every unread column of every row cost its width again in memory and in the
// budget. The region is reserved address space (mmap, never written), so it costs no RAM, and
// Column::ByteSize does not count it. Thread-safe.
#pragma once

#include <cstdint>

#include "types/column.h"

namespace logidata {

// An all-NULL column of `type` whose buffers are the shared zeros, or nullptr when `length` rows
// are more than the region covers (the caller then allocates, as before).
ColumnPtr SharedZerosNullColumn(const DataType& type, int64_t length);

// True when `buffer` points into the shared zeros.
bool IsSharedZeros(const Buffer& buffer);

}  // namespace logidata
