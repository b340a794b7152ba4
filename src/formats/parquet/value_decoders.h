// Decoders for the value section of Parquet data pages: PLAIN, dictionary indices,
// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT and RLE
// booleans. They append the non-null values of a page to a DenseValues accumulator in Parquet's
// physical representation; conversion to our logical types happens afterwards (column_converter.h).
// Stateless functions over caller-owned data; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "parquet_types.h"
#include "types/buffer.h"

namespace logidata::parquet {

// Non-null values of one column chunk, physical layout:
//   fixed-width types (INT32, INT64, INT96, FLOAT, DOUBLE, FIXED_LEN_BYTE_ARRAY): `fixed`
//     holds count * width bytes; BOOLEAN: one byte (0/1) per value in `fixed`;
//   BYTE_ARRAY: `offsets` holds count + 1 int32 offsets into `bytes`.
struct DenseValues {
  pq::Type::type physical = pq::Type::INT32;
  int width = 4;  // bytes per fixed-width value (1 for BOOLEAN)
  int64_t count = 0;
  BufferPtr fixed;
  BufferPtr offsets;
  BufferPtr bytes;

  // Prepares empty buffers for `physical` with `type_length` (FLBA width).
  void Init(pq::Type::type physical_type, int type_length, int64_t expected_count);
  bool is_byte_array() const { return physical == pq::Type::BYTE_ARRAY; }
};

// Bytes per value of a fixed-width physical type; 0 for BYTE_ARRAY.
int PhysicalWidth(pq::Type::type physical, int type_length);

// Decodes `count` values encoded with `encoding` from [data, data + size) and appends them to
// `out`. Dictionary encodings need `dictionary` (the decoded dictionary page).
Status DecodeValues(pq::Encoding::type encoding, const uint8_t* data, size_t size, int64_t count,
                    const DenseValues* dictionary, DenseValues* out);

}  // namespace logidata::parquet
