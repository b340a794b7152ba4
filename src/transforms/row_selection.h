// Row selections for the row-wise transforms: turn a bitmap of kept rows into a batch without
// copying when every row is kept, and without building one when none is. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "types/batch.h"

namespace logidata {

// Indices of the set bits of `bitmap` (length `num_rows`), in order. `count` is a size hint.
std::vector<int32_t> SelectedIndices(const uint8_t* bitmap, int64_t num_rows, int64_t count);

// The rows of `batch` whose bit is set, re-labelled with `schema` (same fields as the batch's).
// Returns nullptr when no row is selected; shares the columns when all are. Columns whose entry
// in `read` is false (nobody downstream reads them) come out all NULL instead of being gathered;
// an empty `read` means all are read.
BatchPtr SelectRows(const Batch& batch, const SchemaPtr& schema, const uint8_t* bitmap, int64_t count,
                    const std::vector<bool>& read = {});

// Sorted union of two column index lists, without duplicates.
std::vector<int> MergeColumns(std::vector<int> a, const std::vector<int>& b);
// A mask of `width` entries, true at `columns`.
std::vector<bool> ColumnMask(int width, const std::vector<int>& columns);

// A bitmap of `num_rows` bits, all set.
std::vector<uint8_t> AllSetBitmap(int64_t num_rows);

}  // namespace logidata
