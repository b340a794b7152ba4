#include "formats/parquet/column_chunk_reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "formats/parquet/bit_util.h"
#include "formats/parquet/compression.h"
#include "formats/parquet/rle_hybrid.h"
#include "formats/parquet/thrift_codec.h"

namespace logidata::parquet {
namespace {

constexpr int64_t kMaxPageBytes = 512 << 20;
// Run-length encoding lets a few bytes claim billions of values; no real page holds this many,
// and materialising them would exhaust memory.
constexpr int64_t kMaxPageValues = int64_t{1} << 27;

Status DecodeLevels(const uint8_t* data, size_t size, int16_t max_level, int64_t count, std::vector<int16_t>* out) {
  size_t start = out->size();
  out->resize(start + static_cast<size_t>(count));
  RleHybridDecoder decoder(data, size, BitWidthOf(static_cast<uint64_t>(max_level)));
  LD_RETURN_IF_ERROR(decoder.Decode(out->data() + start, count));
  for (size_t i = start; i < out->size(); ++i) {
    if ((*out)[i] > max_level || (*out)[i] < 0) {
      return Status::DataError("corrupt Parquet page: level " + std::to_string((*out)[i]) + " exceeds the maximum " +
                               std::to_string(max_level));
    }
  }
  return Status::OK();
}

// Decodes levels prefixed by their 4-byte length (data page v1); advances *pos.
Status DecodePrefixedLevels(const uint8_t* data, size_t size, size_t* pos, pq::Encoding::type encoding,
                            int16_t max_level, int64_t count, std::vector<int16_t>* out) {
  if (encoding != pq::Encoding::RLE) {
    return Status::Unsupported("unsupported: Parquet level encoding " + std::to_string(static_cast<int>(encoding)) +
                               " (only RLE)");
  }
  if (size - *pos < 4) return Status::DataError("corrupt Parquet page: level length is truncated");
  uint32_t len;
  std::memcpy(&len, data + *pos, 4);
  *pos += 4;
  if (len > size - *pos) return Status::DataError("corrupt Parquet page: levels run past the page end");
  LD_RETURN_IF_ERROR(DecodeLevels(data + *pos, len, max_level, count, out));
  *pos += len;
  return Status::OK();
}

}  // namespace

Status ReadColumnChunk(const LeafColumn& leaf, const pq::ColumnMetaData& meta, const uint8_t* data, size_t size,
                       ChunkData* out) {
  const int64_t expected = meta.num_values;
  if (expected < 0) return Status::DataError("corrupt Parquet column chunk: negative value count");
  out->values.Init(leaf.physical, leaf.type_length, std::min<int64_t>(expected, 1 << 20));
  if (leaf.physical == pq::Type::BYTE_ARRAY) {
    // Plain strings need about the chunk's uncompressed size; reserving it avoids regrowth copies.
    out->values.bytes->Reserve(static_cast<size_t>(std::clamp<int64_t>(meta.total_uncompressed_size, 0, 64 << 20)));
  }
  out->def.clear();
  out->rep.clear();
  out->num_levels = 0;
  if (leaf.max_def > 0) out->def.reserve(static_cast<size_t>(std::min<int64_t>(expected, 1 << 24)));

  switch (meta.codec) {
    case pq::CompressionCodec::UNCOMPRESSED: case pq::CompressionCodec::SNAPPY: case pq::CompressionCodec::GZIP:
    case pq::CompressionCodec::ZSTD: case pq::CompressionCodec::LZ4: case pq::CompressionCodec::LZ4_RAW:
      break;
    default:
      return Status::Unsupported("unsupported: Parquet compression codec " + std::string(CodecName(meta.codec)));
  }
  DenseValues dictionary;
  bool have_dictionary = false;
  std::vector<uint8_t> scratch;
  size_t pos = 0;
  while (out->num_levels < expected) {
    if (pos >= size) {
      return Status::DataError("corrupt Parquet column chunk: pages end after " + std::to_string(out->num_levels) +
                               " of " + std::to_string(expected) + " values");
    }
    pq::PageHeader header;
    LD_ASSIGN_OR_RETURN(uint32_t header_len,
                        DeserializePageHeader(data + pos, static_cast<uint32_t>(std::min<size_t>(size - pos, UINT32_MAX)),
                                              &header, "page header"));
    pos += header_len;
    if (header.compressed_page_size < 0 || static_cast<size_t>(header.compressed_page_size) > size - pos) {
      return Status::DataError("corrupt Parquet page: compressed size " + std::to_string(header.compressed_page_size) +
                               " runs past the column chunk");
    }
    if (header.uncompressed_page_size < 0 || header.uncompressed_page_size > kMaxPageBytes) {
      return Status::DataError("corrupt Parquet page: uncompressed size " + std::to_string(header.uncompressed_page_size));
    }
    const uint8_t* page = data + pos;
    const size_t page_size = static_cast<size_t>(header.compressed_page_size);
    pos += page_size;
    const size_t raw_size = static_cast<size_t>(header.uncompressed_page_size);

    auto decompress = [&](const uint8_t* in, size_t in_size, size_t out_size) -> Result<const uint8_t*> {
      if (meta.codec == pq::CompressionCodec::UNCOMPRESSED || (in_size == 0 && out_size == 0)) {
        if (in_size != out_size) {
          return Status::DataError("corrupt Parquet page: uncompressed page sizes disagree");
        }
        return in;
      }
      scratch.resize(out_size + 8);
      LD_RETURN_IF_ERROR(Decompress(meta.codec, in, in_size, scratch.data(), out_size));
      return static_cast<const uint8_t*>(scratch.data());
    };

    switch (header.type) {
      case pq::PageType::DICTIONARY_PAGE: {
        if (!header.__isset.dictionary_page_header) return Status::DataError("corrupt Parquet page: dictionary page without its header");
        const auto& dh = header.dictionary_page_header;
        if (dh.num_values < 0 || dh.num_values > kMaxPageValues) return Status::DataError("corrupt Parquet page: bad dictionary size");
        if (dh.encoding != pq::Encoding::PLAIN && dh.encoding != pq::Encoding::PLAIN_DICTIONARY) {
          return Status::Unsupported("unsupported: dictionary page encoding " + std::to_string(static_cast<int>(dh.encoding)));
        }
        LD_ASSIGN_OR_RETURN(const uint8_t* raw, decompress(page, page_size, raw_size));
        dictionary.Init(leaf.physical, leaf.type_length, std::min<int64_t>(dh.num_values, 1 << 20));
        LD_RETURN_IF_ERROR(DecodeValues(pq::Encoding::PLAIN, raw, raw_size, dh.num_values, nullptr, &dictionary));
        have_dictionary = true;
        break;
      }
      case pq::PageType::DATA_PAGE: {
        if (!header.__isset.data_page_header) return Status::DataError("corrupt Parquet page: data page without its header");
        const auto& dh = header.data_page_header;
        if (dh.num_values < 0 || dh.num_values > expected - out->num_levels) {
          return Status::DataError("corrupt Parquet page: data page holds " + std::to_string(dh.num_values) +
                                   " values, more than the column chunk");
        }
        if (dh.num_values > kMaxPageValues) return Status::DataError("corrupt Parquet page: implausibly many values");
        LD_ASSIGN_OR_RETURN(const uint8_t* raw, decompress(page, page_size, raw_size));
        size_t p = 0;
        int64_t n = dh.num_values;
        if (leaf.max_rep > 0) {
          LD_RETURN_IF_ERROR(DecodePrefixedLevels(raw, raw_size, &p, dh.repetition_level_encoding, leaf.max_rep, n, &out->rep));
        }
        int64_t non_null = n;
        if (leaf.max_def > 0) {
          size_t before = out->def.size();
          LD_RETURN_IF_ERROR(DecodePrefixedLevels(raw, raw_size, &p, dh.definition_level_encoding, leaf.max_def, n, &out->def));
          non_null = 0;
          for (size_t i = before; i < out->def.size(); ++i) non_null += out->def[i] == leaf.max_def;
        }
        LD_RETURN_IF_ERROR(DecodeValues(dh.encoding, raw + p, raw_size - p, non_null,
                                        have_dictionary ? &dictionary : nullptr, &out->values));
        out->num_levels += n;
        break;
      }
      case pq::PageType::DATA_PAGE_V2: {
        if (!header.__isset.data_page_header_v2) return Status::DataError("corrupt Parquet page: data page v2 without its header");
        const auto& dh = header.data_page_header_v2;
        if (dh.num_values < 0 || dh.num_values > expected - out->num_levels) {
          return Status::DataError("corrupt Parquet page: data page holds more values than the column chunk");
        }
        if (dh.num_values > kMaxPageValues) return Status::DataError("corrupt Parquet page: implausibly many values");
        if (dh.repetition_levels_byte_length < 0 || dh.definition_levels_byte_length < 0 ||
            static_cast<size_t>(dh.repetition_levels_byte_length) + static_cast<size_t>(dh.definition_levels_byte_length) >
                std::min(page_size, raw_size)) {
          return Status::DataError("corrupt Parquet page: level lengths exceed the page");
        }
        int64_t n = dh.num_values;
        size_t rl = static_cast<size_t>(dh.repetition_levels_byte_length);
        size_t dl = static_cast<size_t>(dh.definition_levels_byte_length);
        if (leaf.max_rep > 0) LD_RETURN_IF_ERROR(DecodeLevels(page, rl, leaf.max_rep, n, &out->rep));
        int64_t non_null = n;
        if (leaf.max_def > 0) {
          size_t before = out->def.size();
          LD_RETURN_IF_ERROR(DecodeLevels(page + rl, dl, leaf.max_def, n, &out->def));
          non_null = 0;
          for (size_t i = before; i < out->def.size(); ++i) non_null += out->def[i] == leaf.max_def;
        }
        const uint8_t* body = page + rl + dl;
        size_t body_size = page_size - rl - dl;
        size_t raw_body = raw_size - rl - dl;
        bool compressed = !dh.__isset.is_compressed || dh.is_compressed;
        const uint8_t* values = body;
        if (compressed) {
          LD_ASSIGN_OR_RETURN(values, decompress(body, body_size, raw_body));
        } else if (body_size != raw_body) {
          return Status::DataError("corrupt Parquet page: uncompressed page sizes disagree");
        }
        LD_RETURN_IF_ERROR(DecodeValues(dh.encoding, values, raw_body, non_null,
                                        have_dictionary ? &dictionary : nullptr, &out->values));
        out->num_levels += n;
        break;
      }
      default:
        break;  // index pages and unknown page types carry nothing we need
    }
  }
  return Status::OK();
}

}  // namespace logidata::parquet
