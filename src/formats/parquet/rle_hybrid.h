// The RLE / bit-packed hybrid encoding of Parquet, used for repetition and definition levels,
// dictionary indices and RLE-encoded booleans. RleHybridDecoder reads a run sequence,
// RleHybridEncoder writes one. Neither is thread-safe; each instance belongs to one page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace logidata::parquet {

class RleHybridDecoder {
 public:
  // `data` must outlive the decoder. REQUIRES: 0 <= bit_width <= 32 (checked by Create callers).
  RleHybridDecoder(const uint8_t* data, size_t size, int bit_width)
      : data_(data), size_(size), bit_width_(bit_width) {}

  // Decodes exactly `count` values into `out`; a DataError when the runs end early.
  template <typename T>
  Status Decode(T* out, int64_t count);

 private:
  Status NextRun();

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int bit_width_;
  int64_t repeat_left_ = 0;
  uint32_t repeat_value_ = 0;
  int64_t literal_left_ = 0;   // values left in the current bit-packed run
  const uint8_t* literal_ = nullptr;
  size_t literal_bytes_ = 0;
  int64_t literal_index_ = 0;  // next value index within the bit-packed run
};

class RleHybridEncoder {
 public:
  explicit RleHybridEncoder(int bit_width) : bit_width_(bit_width) {}
  // Appends the encoding of `values` to `out` (no length prefix).
  void Encode(const uint32_t* values, int64_t count, std::string* out) const;
  // Appends one run of `count` copies of `value`: Encode of such a sequence, without the sequence.
  void AppendRepeat(uint32_t value, int64_t count, std::string* out) const;

 private:
  static constexpr int64_t kMaxLiteralValues = 512;
  // One bit-packed run of `count` values, the last group padded to 8.
  void AppendLiterals(const uint32_t* values, int64_t count, std::string* out) const;
  int bit_width_;
};

}  // namespace logidata::parquet
