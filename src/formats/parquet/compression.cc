#include "formats/parquet/compression.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

namespace logidata::parquet {
namespace {

Status SizeMismatch(std::string_view codec, size_t got, size_t expected) {
  return Status::DataError("corrupt Parquet page: " + std::string(codec) + " data decompressed to " +
                           std::to_string(got) + " bytes, header says " + std::to_string(expected));
}

Status InflateGzip(const uint8_t* input, size_t input_size, uint8_t* out, size_t out_size) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  // 15 + 32: accept both zlib and gzip headers (writers differ).
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("inflateInit2 failed");
  zs.next_in = const_cast<Bytef*>(input);
  zs.avail_in = static_cast<uInt>(input_size);
  zs.next_out = out;
  zs.avail_out = static_cast<uInt>(out_size);
  int rc = inflate(&zs, Z_FINISH);
  // Concatenated gzip members: keep inflating while input and output space remain.
  while (rc == Z_STREAM_END && zs.avail_in > 0 && zs.avail_out > 0) {
    if (inflateReset(&zs) != Z_OK) break;
    rc = inflate(&zs, Z_FINISH);
  }
  size_t produced = out_size - zs.avail_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && produced == out_size)) {
    return Status::DataError("corrupt Parquet page: gzip data is invalid");
  }
  if (produced != out_size) return SizeMismatch("gzip", produced, out_size);
  return Status::OK();
}

// Hadoop's framed LZ4 (legacy "LZ4" codec): blocks of [u32 BE decompressed][u32 BE compressed][data].
// Some writers used raw LZ4 under the same codec id, so fall back to that.
Status DecompressLz4Legacy(const uint8_t* input, size_t input_size, uint8_t* out, size_t out_size) {
  size_t in_pos = 0, out_pos = 0;
  bool framed_ok = true;
  while (in_pos + 8 <= input_size && out_pos < out_size) {
    auto be32 = [&](size_t p) {
      return (uint32_t{input[p]} << 24) | (uint32_t{input[p + 1]} << 16) | (uint32_t{input[p + 2]} << 8) | input[p + 3];
    };
    uint32_t dsize = be32(in_pos), csize = be32(in_pos + 4);
    in_pos += 8;
    if (csize > input_size - in_pos || dsize > out_size - out_pos) { framed_ok = false; break; }
    int n = LZ4_decompress_safe(reinterpret_cast<const char*>(input + in_pos), reinterpret_cast<char*>(out + out_pos),
                                static_cast<int>(csize), static_cast<int>(dsize));
    if (n < 0 || static_cast<uint32_t>(n) != dsize) { framed_ok = false; break; }
    in_pos += csize;
    out_pos += dsize;
  }
  if (framed_ok && in_pos == input_size && out_pos == out_size) return Status::OK();
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(input), reinterpret_cast<char*>(out),
                              static_cast<int>(input_size), static_cast<int>(out_size));
  if (n < 0) return Status::DataError("corrupt Parquet page: LZ4 data is invalid");
  if (static_cast<size_t>(n) != out_size) return SizeMismatch("lz4", static_cast<size_t>(n), out_size);
  return Status::OK();
}

}  // namespace

Status Decompress(pq::CompressionCodec::type codec, const uint8_t* input, size_t input_size, uint8_t* out,
                  size_t uncompressed_size) {
  switch (codec) {
    case pq::CompressionCodec::UNCOMPRESSED:
      if (input_size != uncompressed_size) return SizeMismatch("uncompressed", input_size, uncompressed_size);
      if (input_size > 0) std::memcpy(out, input, input_size);
      return Status::OK();
    case pq::CompressionCodec::SNAPPY: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(reinterpret_cast<const char*>(input), input_size, &n)) {
        return Status::DataError("corrupt Parquet page: snappy header is invalid");
      }
      if (n != uncompressed_size) return SizeMismatch("snappy", n, uncompressed_size);
      if (!snappy::RawUncompress(reinterpret_cast<const char*>(input), input_size, reinterpret_cast<char*>(out))) {
        return Status::DataError("corrupt Parquet page: snappy data is invalid");
      }
      return Status::OK();
    }
    case pq::CompressionCodec::GZIP:
      return InflateGzip(input, input_size, out, uncompressed_size);
    case pq::CompressionCodec::ZSTD: {
      size_t n = ZSTD_decompress(out, uncompressed_size, input, input_size);
      if (ZSTD_isError(n)) {
        return Status::DataError(std::string("corrupt Parquet page: zstd: ") + ZSTD_getErrorName(n));
      }
      if (n != uncompressed_size) return SizeMismatch("zstd", n, uncompressed_size);
      return Status::OK();
    }
    case pq::CompressionCodec::LZ4_RAW: {
      int n = LZ4_decompress_safe(reinterpret_cast<const char*>(input), reinterpret_cast<char*>(out),
                                  static_cast<int>(input_size), static_cast<int>(uncompressed_size));
      if (n < 0) return Status::DataError("corrupt Parquet page: LZ4 data is invalid");
      if (static_cast<size_t>(n) != uncompressed_size) return SizeMismatch("lz4_raw", static_cast<size_t>(n), uncompressed_size);
      return Status::OK();
    }
    case pq::CompressionCodec::LZ4:
      return DecompressLz4Legacy(input, input_size, out, uncompressed_size);
    default:
      return Status::Unsupported("unsupported: Parquet compression codec " +
                                 std::string(CodecName(codec)));
  }
}

CompressionScratch::CompressionScratch() = default;
CompressionScratch::~CompressionScratch() = default;
CompressionScratch::CompressionScratch(CompressionScratch&&) noexcept = default;
CompressionScratch& CompressionScratch::operator=(CompressionScratch&&) noexcept = default;

void CompressionScratch::ZstdFree::operator()(ZSTD_CCtx_s* context) const { ZSTD_freeCCtx(context); }

ZSTD_CCtx_s* CompressionScratch::zstd() {
  if (!zstd_) zstd_.reset(ZSTD_createCCtx());
  return zstd_.get();
}

// Growing `out` by the codec's worst-case bound for every page would zero-fill (and page-fault)
// that much memory only to shrink it again: the output goes here first.
char* CompressionScratch::Room(size_t bytes) {
  if (room_.size() < bytes) room_.resize(bytes);
  return room_.data();
}

Result<std::string_view> Compress(pq::CompressionCodec::type codec, const uint8_t* input, size_t input_size, int level,
                                  CompressionScratch* scratch) {
  switch (codec) {
    case pq::CompressionCodec::UNCOMPRESSED:
      return std::string_view(reinterpret_cast<const char*>(input), input_size);
    case pq::CompressionCodec::SNAPPY: {
      char* dst = scratch->Room(snappy::MaxCompressedLength(input_size));
      size_t n = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(input), input_size, dst, &n);
      return std::string_view(dst, n);
    }
    case pq::CompressionCodec::GZIP: {
      z_stream zs;
      std::memset(&zs, 0, sizeof(zs));
      if (deflateInit2(&zs, level > 0 ? level : Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return Status::Internal("deflateInit2 failed");
      }
      const size_t bound = deflateBound(&zs, static_cast<uLong>(input_size)) + 32;
      char* dst = scratch->Room(bound);
      zs.next_in = const_cast<Bytef*>(input);
      zs.avail_in = static_cast<uInt>(input_size);
      zs.next_out = reinterpret_cast<Bytef*>(dst);
      zs.avail_out = static_cast<uInt>(bound);
      int rc = deflate(&zs, Z_FINISH);
      size_t n = zs.total_out;
      deflateEnd(&zs);
      if (rc != Z_STREAM_END) return Status::Internal("gzip compression failed");
      return std::string_view(dst, n);
    }
    case pq::CompressionCodec::ZSTD: {
      const size_t bound = ZSTD_compressBound(input_size);
      char* dst = scratch->Room(bound);
      size_t n = ZSTD_compressCCtx(scratch->zstd(), dst, bound, input, input_size, level != 0 ? level : 3);
      if (ZSTD_isError(n)) return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      return std::string_view(dst, n);
    }
    case pq::CompressionCodec::LZ4_RAW: {
      const int bound = LZ4_compressBound(static_cast<int>(input_size));
      char* dst = scratch->Room(static_cast<size_t>(bound));
      int n = LZ4_compress_default(reinterpret_cast<const char*>(input), dst, static_cast<int>(input_size), bound);
      if (n <= 0 && input_size > 0) return Status::Internal("lz4 compression failed");
      return std::string_view(dst, static_cast<size_t>(n));
    }
    default:
      return Status::Unsupported("unsupported: writing Parquet compression " + std::string(CodecName(codec)));
  }
}

Result<pq::CompressionCodec::type> ParseCodec(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "none" || n == "uncompressed" || n.empty()) return pq::CompressionCodec::UNCOMPRESSED;
  if (n == "snappy") return pq::CompressionCodec::SNAPPY;
  if (n == "gzip") return pq::CompressionCodec::GZIP;
  if (n == "zstd") return pq::CompressionCodec::ZSTD;
  if (n == "lz4" || n == "lz4_raw") return pq::CompressionCodec::LZ4_RAW;
  return Status::InvalidArgument("unknown Parquet compression '" + std::string(name) +
                                 "' (expected none, snappy, gzip, zstd or lz4_raw)");
}

std::string_view CodecName(pq::CompressionCodec::type codec) {
  switch (codec) {
    case pq::CompressionCodec::UNCOMPRESSED: return "none";
    case pq::CompressionCodec::SNAPPY: return "snappy";
    case pq::CompressionCodec::GZIP: return "gzip";
    case pq::CompressionCodec::LZO: return "lzo";
    case pq::CompressionCodec::BROTLI: return "brotli";
    case pq::CompressionCodec::LZ4: return "lz4";
    case pq::CompressionCodec::ZSTD: return "zstd";
    case pq::CompressionCodec::LZ4_RAW: return "lz4_raw";
  }
  return "unknown";
}

}  // namespace logidata::parquet
