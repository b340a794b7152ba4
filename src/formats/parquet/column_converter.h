// Turns a decoded column chunk (dense physical values + levels) into one of our Columns: applies
// the leaf's Conversion (timestamp units, INT96, decimals, unsigned widening…), spreads values
// over null slots, and for repeated leaves assembles one JSON array string per row.
// Stateless; thread-safe.
#pragma once

#include "common/result.h"
#include "formats/parquet/column_chunk_reader.h"
#include "types/column.h"

namespace logidata::parquet {

// `num_rows` is the row group's row count; a mismatch is a DataError.
Result<ColumnPtr> ConvertChunk(const LeafColumn& leaf, ChunkData& chunk, int64_t num_rows);

// Converts the dense values alone (no nulls) into a column of leaf.value_type.
Result<ColumnPtr> ConvertDense(const LeafColumn& leaf, const DenseValues& values);

}  // namespace logidata::parquet
