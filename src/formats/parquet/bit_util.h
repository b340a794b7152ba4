// Little helpers for Parquet's bit-level encodings: unsigned LEB128 varints, zigzag, and
// unpacking/packing of LSB-first bit-packed integers. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace logidata::parquet {

// Reads a ULEB128 varint at *pos; false when truncated or longer than 10 bytes.
inline bool ReadUleb(const uint8_t* data, size_t size, size_t* pos, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= size) return false;
    uint8_t b = data[(*pos)++];
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) { *out = v; return true; }
  }
  return false;
}
inline int64_t ZigZagDecode(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }
inline uint64_t ZigZagEncode(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline void AppendUleb(uint64_t v, std::string* out) {
  while (v >= 0x80) { out->push_back(static_cast<char>((v & 0x7f) | 0x80)); v >>= 7; }
  out->push_back(static_cast<char>(v));
}

// Unpacks `count` values of `bit_width` (0..64) bits starting at bit 0 of `data`.
// REQUIRES: data holds at least ceil(count * bit_width / 8) bytes.
template <typename T>
void UnpackBits(const uint8_t* data, size_t data_size, int bit_width, int64_t count, T* out) {
  if (bit_width == 0) {
    for (int64_t i = 0; i < count; ++i) out[i] = 0;
    return;
  }
  const uint64_t mask = bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  uint64_t bit = 0;
  for (int64_t i = 0; i < count; ++i, bit += static_cast<uint64_t>(bit_width)) {
    size_t byte = bit >> 3;
    int shift = static_cast<int>(bit & 7);
    uint64_t word = 0;
    if (byte + 8 <= data_size) {
      std::memcpy(&word, data + byte, 8);
    } else {
      std::memcpy(&word, data + byte, data_size - byte);
    }
    uint64_t v = word >> shift;
    if (shift + bit_width > 64) {
      uint64_t hi = byte + 8 < data_size ? data[byte + 8] : 0;
      v |= hi << (64 - shift);
    }
    out[i] = static_cast<T>(v & mask);
  }
}

// Appends `count` values packed LSB-first with `bit_width` bits each (whole bytes).
void PackBits(const uint64_t* values, int64_t count, int bit_width, std::string* out);
void PackBits32(const uint32_t* values, int64_t count, int bit_width, std::string* out);

inline int BitWidthOf(uint64_t max_value) {
  int w = 0;
  while (max_value != 0) { ++w; max_value >>= 1; }
  return w;
}

}  // namespace logidata::parquet
