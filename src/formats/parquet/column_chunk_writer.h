// Encodes one column of one row group into a Parquet column chunk: definition levels (RLE),
// values as a dictionary (RLE_DICTIONARY, falling back to PLAIN when the dictionary grows past
// its limit or would not pay off) or PLAIN, split into data pages of about `page_size` bytes,
// each compressed; plus min/max/null_count statistics. Stateless functions; thread-safe (the
// writer encodes several columns in parallel).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "parquet_types.h"
#include "types/column.h"
#include "types/schema.h"

namespace logidata::parquet {

struct ColumnWriteOptions {
  pq::CompressionCodec::type compression = pq::CompressionCodec::ZSTD;
  int compression_level = 0;
  int64_t page_size = 1 << 20;
  int64_t dictionary_size_limit = 1 << 20;  // bytes of dictionary values before falling back
  bool dictionary = true;
};

struct EncodedChunk {
  std::string bytes;           // all pages of the chunk
  pq::ColumnMetaData meta;     // offsets relative to the start of `bytes`
};

// The schema element (name, physical and logical type, repetition) for `field`.
pq::SchemaElement SchemaElementFor(const Field& field);

// Encodes `pieces` (the field's column slices of one row group, in order).
Result<EncodedChunk> EncodeColumnChunk(const Field& field, const std::vector<ColumnPtr>& pieces,
                                       const ColumnWriteOptions& options);

}  // namespace logidata::parquet
