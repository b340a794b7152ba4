// Encodes one column of one row group into a Parquet column chunk: definition levels (RLE),
// values as a dictionary (RLE_DICTIONARY, falling back to PLAIN when the dictionary grows past
// its limit or would not pay off) or PLAIN, split into data pages of about `page_size` bytes,
// each compressed; plus min/max/null_count statistics. Thread-safe functions (the writer encodes
// several columns in parallel), each call with a scratch of its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "formats/parquet/compression.h"
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

// Buffers for encoding column chunks, kept from one chunk to the next by whoever encodes them
// (the writer keeps one per encoding thread). Allocated per chunk, they were page-faulted in anew
// for every row group: with the chunks' output bytes, most of J1z's page faults.
struct ColumnEncodeScratch {
  std::string fixed;                      // the chunk's non-null fixed-width values
  std::vector<std::string_view> strings;  // or its non-null strings
  std::vector<uint32_t> definition_levels;
  std::vector<uint32_t> dictionary_indices;
  std::string page;                       // one page before compression
  std::string levels;                     // one page's encoded definition levels
  CompressionScratch compression;
};

// Encodes `pieces` (the field's column slices of one row group, in order). The chunk's bytes
// start from `reused_bytes` (cleared; its capacity is what is reused), so a caller can hand back
// the bytes of a chunk it has written. `scratch` belongs to this call until it returns.
Result<EncodedChunk> EncodeColumnChunk(const Field& field, const std::vector<ColumnPtr>& pieces,
                                       const ColumnWriteOptions& options, ColumnEncodeScratch* scratch,
                                       std::string reused_bytes = {});

}  // namespace logidata::parquet
