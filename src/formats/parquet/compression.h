// Page compression codecs of Parquet (UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, legacy LZ4).
// Thread-safe functions; a CompressionScratch belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "parquet_types.h"

struct ZSTD_CCtx_s;  // zstd.h: typedef struct ZSTD_CCtx_s ZSTD_CCtx

namespace logidata::parquet {

// Decompresses `input` into `out` (resized to exactly `uncompressed_size`). A size mismatch or a
// codec failure is a DataError; an unknown codec (LZO, BROTLI) is Unsupported.
Status Decompress(pq::CompressionCodec::type codec, const uint8_t* input, size_t input_size,
                  uint8_t* out, size_t uncompressed_size);

// What compressing pages needs from one page to the next: zstd's context and room for the
// worst-case output. An encoder keeps one and passes it to every Compress call; made afresh, the
// context's tables and the room were page-faulted in again each time. Movable, not thread-safe.
class CompressionScratch {
 public:
  CompressionScratch();
  ~CompressionScratch();
  CompressionScratch(CompressionScratch&&) noexcept;
  CompressionScratch& operator=(CompressionScratch&&) noexcept;

  ZSTD_CCtx_s* zstd();  // made on first use
  char* Room(size_t bytes);

 private:
  struct ZstdFree {
    void operator()(ZSTD_CCtx_s* context) const;
  };
  std::unique_ptr<ZSTD_CCtx_s, ZstdFree> zstd_;
  std::string room_;
};

// The compressed form of `input`, in the scratch's room (or `input` itself, uncompressed): valid
// until the scratch is used again. `level` is codec specific (0 = default).
Result<std::string_view> Compress(pq::CompressionCodec::type codec, const uint8_t* input, size_t input_size, int level,
                                  CompressionScratch* scratch);

// "none"/"uncompressed", "snappy", "gzip", "zstd", "lz4" / "lz4_raw" (case-insensitive).
Result<pq::CompressionCodec::type> ParseCodec(std::string_view name);
std::string_view CodecName(pq::CompressionCodec::type codec);

}  // namespace logidata::parquet
