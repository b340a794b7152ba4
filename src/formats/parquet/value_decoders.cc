#include "formats/parquet/value_decoders.h"

#include <cstring>
#include <vector>

#include "formats/parquet/bit_util.h"
#include "formats/parquet/rle_hybrid.h"

namespace logidata::parquet {
namespace {

Status Truncated(std::string_view what) {
  return Status::DataError("corrupt Parquet page: " + std::string(what) + " values are truncated");
}

// Grows `buf` by `n` bytes and returns a pointer to the new region.
uint8_t* Grow(Buffer& buf, size_t n) {
  size_t old = buf.size();
  if (old + n > buf.capacity()) buf.Reserve(std::max(old + n, buf.capacity() * 2));
  buf.Resize(old + n);
  return buf.mutable_data() + old;
}

Status AppendByteArray(DenseValues* out, const uint8_t* p, size_t len) {
  size_t base = out->bytes->size();
  if (base + len > static_cast<size_t>(INT32_MAX)) {
    return Status::Unsupported("unsupported: more than 2 GiB of string data in one Parquet column chunk");
  }
  if (len > 0) std::memcpy(Grow(*out->bytes, len), p, len);
  int32_t end = static_cast<int32_t>(base + len);
  std::memcpy(Grow(*out->offsets, 4), &end, 4);
  return Status::OK();
}

Status DecodePlain(const uint8_t* data, size_t size, int64_t count, DenseValues* out) {
  if (out->physical == pq::Type::BOOLEAN) {
    if (static_cast<uint64_t>(count) > size * 8) return Truncated("PLAIN boolean");
    uint8_t* dst = Grow(*out->fixed, static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) dst[i] = GetBit(data, i);
  } else if (out->physical == pq::Type::BYTE_ARRAY) {
    size_t pos = 0;
    out->offsets->Reserve(out->offsets->size() + static_cast<size_t>(count) * 4);
    for (int64_t i = 0; i < count; ++i) {
      if (size - pos < 4) return Truncated("PLAIN byte array");
      uint32_t len;
      std::memcpy(&len, data + pos, 4);
      pos += 4;
      if (len > size - pos) return Truncated("PLAIN byte array");
      LD_RETURN_IF_ERROR(AppendByteArray(out, data + pos, len));
      pos += len;
    }
  } else {
    size_t bytes = static_cast<size_t>(count) * static_cast<size_t>(out->width);
    if (count < 0 || bytes / static_cast<size_t>(out->width) != static_cast<size_t>(count) || bytes > size) {
      return Truncated("PLAIN");
    }
    std::memcpy(Grow(*out->fixed, bytes), data, bytes);
  }
  out->count += count;
  return Status::OK();
}

Status DecodeDictionaryIndices(const uint8_t* data, size_t size, int64_t count, const DenseValues* dict,
                               DenseValues* out) {
  if (dict == nullptr) return Status::DataError("corrupt Parquet column: dictionary-encoded page without a dictionary page");
  if (count == 0) return Status::OK();
  if (size < 1) return Truncated("dictionary index");
  int bit_width = data[0];
  if (bit_width > 32) return Status::DataError("corrupt Parquet page: dictionary index bit width " + std::to_string(bit_width));
  std::vector<uint32_t> idx(static_cast<size_t>(count));
  RleHybridDecoder decoder(data + 1, size - 1, bit_width);
  LD_RETURN_IF_ERROR(decoder.Decode(idx.data(), count));
  const uint64_t dict_size = static_cast<uint64_t>(dict->count);
  for (uint32_t i : idx) {
    if (i >= dict_size) {
      return Status::DataError("corrupt Parquet page: dictionary index " + std::to_string(i) +
                               " out of range (dictionary has " + std::to_string(dict_size) + " entries)");
    }
  }
  if (out->is_byte_array()) {
    const int32_t* doff = dict->offsets->data_as<int32_t>();
    const uint8_t* dbytes = dict->bytes->data();
    uint64_t total = 0;
    for (uint32_t i : idx) total += static_cast<uint64_t>(doff[i + 1] - doff[i]);
    if (out->bytes->size() + total > static_cast<uint64_t>(INT32_MAX)) {
      return Status::Unsupported("unsupported: more than 2 GiB of string data in one Parquet column chunk");
    }
    uint8_t* dst = Grow(*out->bytes, static_cast<size_t>(total));
    int32_t* offs = reinterpret_cast<int32_t*>(Grow(*out->offsets, static_cast<size_t>(count) * 4));
    int32_t end = static_cast<int32_t>(out->bytes->size() - total);
    for (int64_t k = 0; k < count; ++k) {
      uint32_t i = idx[static_cast<size_t>(k)];
      int32_t len = doff[i + 1] - doff[i];
      std::memcpy(dst, dbytes + doff[i], static_cast<size_t>(len));
      dst += len;
      end += len;
      offs[k] = end;
    }
  } else {
    const size_t w = static_cast<size_t>(out->width);
    uint8_t* dst = Grow(*out->fixed, static_cast<size_t>(count) * w);
    const uint8_t* src = dict->fixed->data();
    switch (w) {
      case 4:
        for (int64_t k = 0; k < count; ++k) std::memcpy(dst + k * 4, src + size_t{idx[static_cast<size_t>(k)]} * 4, 4);
        break;
      case 8:
        for (int64_t k = 0; k < count; ++k) std::memcpy(dst + k * 8, src + size_t{idx[static_cast<size_t>(k)]} * 8, 8);
        break;
      default:
        for (int64_t k = 0; k < count; ++k) std::memcpy(dst + static_cast<size_t>(k) * w, src + idx[static_cast<size_t>(k)] * w, w);
    }
  }
  out->count += count;
  return Status::OK();
}

// DELTA_BINARY_PACKED: decodes up to `max_count` values (the header says how many) into `values`;
// `*consumed` is the number of bytes used.
Status DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, int64_t max_total, std::vector<int64_t>* values,
                               size_t* consumed) {
  size_t pos = 0;
  uint64_t block_size, miniblocks, total, first_zz;
  if (!ReadUleb(data, size, &pos, &block_size) || !ReadUleb(data, size, &pos, &miniblocks) ||
      !ReadUleb(data, size, &pos, &total) || !ReadUleb(data, size, &pos, &first_zz)) {
    return Truncated("DELTA_BINARY_PACKED header");
  }
  if (block_size == 0 || block_size % 128 != 0 || miniblocks == 0 || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 32 != 0 || block_size > (1u << 20)) {
    return Status::DataError("corrupt Parquet page: bad DELTA_BINARY_PACKED block size");
  }
  if (total > static_cast<uint64_t>(max_total)) {
    return Status::DataError("corrupt Parquet page: DELTA_BINARY_PACKED holds more values than the page");
  }
  const uint64_t per_mini = block_size / miniblocks;
  values->clear();
  values->reserve(static_cast<size_t>(total));
  if (total == 0) { *consumed = pos; return Status::OK(); }
  uint64_t last = static_cast<uint64_t>(ZigZagDecode(first_zz));
  values->push_back(static_cast<int64_t>(last));
  std::vector<uint64_t> deltas(static_cast<size_t>(per_mini));
  while (values->size() < total) {
    uint64_t min_zz;
    if (!ReadUleb(data, size, &pos, &min_zz)) return Truncated("DELTA_BINARY_PACKED block");
    uint64_t min_delta = static_cast<uint64_t>(ZigZagDecode(min_zz));
    if (size - pos < miniblocks) return Truncated("DELTA_BINARY_PACKED block");
    const uint8_t* widths = data + pos;
    pos += static_cast<size_t>(miniblocks);
    for (uint64_t m = 0; m < miniblocks && values->size() < total; ++m) {
      int w = widths[m];
      if (w > 64) return Status::DataError("corrupt Parquet page: DELTA_BINARY_PACKED bit width " + std::to_string(w));
      size_t bytes = static_cast<size_t>(per_mini * static_cast<uint64_t>(w) / 8);
      if (size - pos < bytes) return Truncated("DELTA_BINARY_PACKED miniblock");
      UnpackBits(data + pos, bytes, w, static_cast<int64_t>(per_mini), deltas.data());
      pos += bytes;
      for (uint64_t k = 0; k < per_mini && values->size() < total; ++k) {
        last += min_delta + deltas[static_cast<size_t>(k)];
        values->push_back(static_cast<int64_t>(last));
      }
    }
  }
  *consumed = pos;
  return Status::OK();
}

Status DecodeDeltaInts(const uint8_t* data, size_t size, int64_t count, DenseValues* out) {
  if (out->physical != pq::Type::INT32 && out->physical != pq::Type::INT64) {
    return Status::DataError("corrupt Parquet column: DELTA_BINARY_PACKED on a non-integer column");
  }
  std::vector<int64_t> values;
  size_t used = 0;
  LD_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, size, count, &values, &used));
  if (static_cast<int64_t>(values.size()) < count) return Truncated("DELTA_BINARY_PACKED");
  if (out->physical == pq::Type::INT32) {
    auto* dst = reinterpret_cast<int32_t*>(Grow(*out->fixed, static_cast<size_t>(count) * 4));
    for (int64_t i = 0; i < count; ++i) dst[i] = static_cast<int32_t>(values[static_cast<size_t>(i)]);
  } else {
    std::memcpy(Grow(*out->fixed, static_cast<size_t>(count) * 8), values.data(), static_cast<size_t>(count) * 8);
  }
  out->count += count;
  return Status::OK();
}

Status DecodeDeltaLengthByteArray(const uint8_t* data, size_t size, int64_t count, DenseValues* out) {
  if (!out->is_byte_array()) return Status::DataError("corrupt Parquet column: DELTA_LENGTH_BYTE_ARRAY on a non-byte-array column");
  std::vector<int64_t> lengths;
  size_t used = 0;
  LD_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, size, count, &lengths, &used));
  if (static_cast<int64_t>(lengths.size()) < count) return Truncated("DELTA_LENGTH_BYTE_ARRAY");
  size_t pos = used;
  for (int64_t i = 0; i < count; ++i) {
    int64_t len = lengths[static_cast<size_t>(i)];
    if (len < 0 || static_cast<uint64_t>(len) > size - pos) return Truncated("DELTA_LENGTH_BYTE_ARRAY");
    LD_RETURN_IF_ERROR(AppendByteArray(out, data + pos, static_cast<size_t>(len)));
    pos += static_cast<size_t>(len);
  }
  out->count += count;
  return Status::OK();
}

Status DecodeDeltaByteArray(const uint8_t* data, size_t size, int64_t count, DenseValues* out) {
  std::vector<int64_t> prefixes, lengths;
  size_t used = 0, used2 = 0;
  LD_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, size, count, &prefixes, &used));
  LD_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data + used, size - used, count, &lengths, &used2));
  if (static_cast<int64_t>(prefixes.size()) < count || static_cast<int64_t>(lengths.size()) < count) {
    return Truncated("DELTA_BYTE_ARRAY");
  }
  size_t pos = used + used2;
  std::string prev, cur;
  const bool flba = out->physical == pq::Type::FIXED_LEN_BYTE_ARRAY;
  for (int64_t i = 0; i < count; ++i) {
    int64_t pre = prefixes[static_cast<size_t>(i)], len = lengths[static_cast<size_t>(i)];
    if (pre < 0 || static_cast<size_t>(pre) > prev.size()) return Status::DataError("corrupt Parquet page: DELTA_BYTE_ARRAY prefix too long");
    if (len < 0 || static_cast<uint64_t>(len) > size - pos) return Truncated("DELTA_BYTE_ARRAY");
    cur.assign(prev.data(), static_cast<size_t>(pre));
    cur.append(reinterpret_cast<const char*>(data + pos), static_cast<size_t>(len));
    pos += static_cast<size_t>(len);
    if (flba) {
      if (cur.size() != static_cast<size_t>(out->width)) return Status::DataError("corrupt Parquet page: DELTA_BYTE_ARRAY value has the wrong fixed length");
      std::memcpy(Grow(*out->fixed, cur.size()), cur.data(), cur.size());
    } else if (out->is_byte_array()) {
      LD_RETURN_IF_ERROR(AppendByteArray(out, reinterpret_cast<const uint8_t*>(cur.data()), cur.size()));
    } else {
      return Status::DataError("corrupt Parquet column: DELTA_BYTE_ARRAY on a non-byte-array column");
    }
    std::swap(prev, cur);
  }
  out->count += count;
  return Status::OK();
}

Status DecodeByteStreamSplit(const uint8_t* data, size_t size, int64_t count, DenseValues* out) {
  if (out->is_byte_array() || out->physical == pq::Type::BOOLEAN) {
    return Status::DataError("corrupt Parquet column: BYTE_STREAM_SPLIT on a variable-width column");
  }
  const size_t w = static_cast<size_t>(out->width);
  const size_t n = static_cast<size_t>(count);
  if (n * w > size) return Truncated("BYTE_STREAM_SPLIT");
  // Streams span the whole page; the page's value count is size / width.
  const size_t stride = size / w;
  if (stride < n) return Truncated("BYTE_STREAM_SPLIT");
  uint8_t* dst = Grow(*out->fixed, n * w);
  for (size_t k = 0; k < w; ++k) {
    const uint8_t* stream = data + k * stride;
    for (size_t i = 0; i < n; ++i) dst[i * w + k] = stream[i];
  }
  out->count += count;
  return Status::OK();
}

Status DecodeRleBooleans(const uint8_t* data, size_t size, int64_t count, DenseValues* out) {
  if (out->physical != pq::Type::BOOLEAN) return Status::DataError("corrupt Parquet column: RLE values on a non-boolean column");
  if (size < 4) return Truncated("RLE boolean");
  uint32_t len;
  std::memcpy(&len, data, 4);
  if (len > size - 4) return Truncated("RLE boolean");
  RleHybridDecoder decoder(data + 4, len, 1);
  uint8_t* dst = Grow(*out->fixed, static_cast<size_t>(count));
  LD_RETURN_IF_ERROR(decoder.Decode(dst, count));
  out->count += count;
  return Status::OK();
}

}  // namespace

int PhysicalWidth(pq::Type::type physical, int type_length) {
  switch (physical) {
    case pq::Type::BOOLEAN: return 1;
    case pq::Type::INT32: case pq::Type::FLOAT: return 4;
    case pq::Type::INT64: case pq::Type::DOUBLE: return 8;
    case pq::Type::INT96: return 12;
    case pq::Type::FIXED_LEN_BYTE_ARRAY: return type_length;
    default: return 0;
  }
}

void DenseValues::Init(pq::Type::type physical_type, int type_length, int64_t expected_count) {
  physical = physical_type;
  width = PhysicalWidth(physical_type, type_length);
  count = 0;
  fixed = std::make_shared<Buffer>();
  offsets = std::make_shared<Buffer>();
  bytes = std::make_shared<Buffer>();
  if (physical == pq::Type::BYTE_ARRAY) {
    offsets->Reserve(static_cast<size_t>(expected_count + 1) * 4);
    int32_t zero = 0;
    offsets->Append(&zero, 4);
  } else {
    fixed->Reserve(static_cast<size_t>(expected_count) * static_cast<size_t>(width));
  }
}

Status DecodeValues(pq::Encoding::type encoding, const uint8_t* data, size_t size, int64_t count,
                    const DenseValues* dictionary, DenseValues* out) {
  if (count == 0) return Status::OK();
  switch (encoding) {
    case pq::Encoding::PLAIN: return DecodePlain(data, size, count, out);
    case pq::Encoding::PLAIN_DICTIONARY:
    case pq::Encoding::RLE_DICTIONARY: return DecodeDictionaryIndices(data, size, count, dictionary, out);
    case pq::Encoding::DELTA_BINARY_PACKED: return DecodeDeltaInts(data, size, count, out);
    case pq::Encoding::DELTA_LENGTH_BYTE_ARRAY: return DecodeDeltaLengthByteArray(data, size, count, out);
    case pq::Encoding::DELTA_BYTE_ARRAY: return DecodeDeltaByteArray(data, size, count, out);
    case pq::Encoding::BYTE_STREAM_SPLIT: return DecodeByteStreamSplit(data, size, count, out);
    case pq::Encoding::RLE: return DecodeRleBooleans(data, size, count, out);
    default:
      return Status::Unsupported("unsupported: Parquet value encoding " + std::to_string(static_cast<int>(encoding)));
  }
}

}  // namespace logidata::parquet
