// Page compression codecs of Parquet (UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, legacy LZ4).
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "parquet_types.h"

namespace logidata::parquet {

// Decompresses `input` into `out` (resized to exactly `uncompressed_size`). A size mismatch or a
// codec failure is a DataError; an unknown codec (LZO, BROTLI) is Unsupported.
Status Decompress(pq::CompressionCodec::type codec, const uint8_t* input, size_t input_size,
                  uint8_t* out, size_t uncompressed_size);

// Appends the compressed form of `input` to `out`. `level` is codec specific (0 = default).
Status Compress(pq::CompressionCodec::type codec, const uint8_t* input, size_t input_size, std::string* out,
                int level = 0);

// "none"/"uncompressed", "snappy", "gzip", "zstd", "lz4" / "lz4_raw" (case-insensitive).
Result<pq::CompressionCodec::type> ParseCodec(std::string_view name);
std::string_view CodecName(pq::CompressionCodec::type codec);

}  // namespace logidata::parquet
