// Reads one column chunk (the pages of one leaf column in one row group): page headers,
// decompression, repetition/definition levels and values, into a ChunkData of dense physical
// values plus levels. Validates every length against the bytes present, so corrupt input yields
// a DataError naming the column and row group. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_decoders.h"
#include "parquet_types.h"

namespace logidata::parquet {

struct ChunkData {
  DenseValues values;        // non-null leaf values in order
  std::vector<int16_t> def;  // one per level entry (empty when max_def == 0)
  std::vector<int16_t> rep;  // one per level entry (empty when max_rep == 0)
  int64_t num_levels = 0;    // level entries = rows when the column is not repeated
};

// Decodes the chunk whose bytes are [data, data + size) (starting at the first page).
Status ReadColumnChunk(const LeafColumn& leaf, const pq::ColumnMetaData& meta, const uint8_t* data, size_t size,
                       ChunkData* out);

}  // namespace logidata::parquet
