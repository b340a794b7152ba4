#include "formats/parquet/rle_hybrid.h"

#include <algorithm>

#include "formats/parquet/bit_util.h"

namespace logidata::parquet {

Status RleHybridDecoder::NextRun() {
  uint64_t header = 0;
  if (!ReadUleb(data_, size_, &pos_, &header)) {
    return Status::DataError("corrupt Parquet page: RLE/bit-packed run header is truncated");
  }
  if (header & 1) {
    uint64_t groups = header >> 1;
    if (groups == 0 || groups > (uint64_t{1} << 28)) return Status::DataError("corrupt Parquet page: bad bit-packed run length");
    int64_t values = static_cast<int64_t>(groups * 8);
    size_t bytes = static_cast<size_t>(groups) * static_cast<size_t>(bit_width_);
    // The final run may be cut short by writers that do not pad; keep only the whole values present.
    size_t avail = std::min(bytes, size_ - pos_);
    if (avail < bytes) {
      values = bit_width_ == 0 ? values : static_cast<int64_t>(avail * 8 / static_cast<size_t>(bit_width_));
      if (values == 0) return Status::DataError("corrupt Parquet page: bit-packed run is truncated");
    }
    literal_ = data_ + pos_;
    literal_bytes_ = avail;
    literal_left_ = values;
    literal_index_ = 0;
    pos_ += avail;
  } else {
    uint64_t run = header >> 1;
    if (run == 0) return Status::DataError("corrupt Parquet page: empty RLE run");
    size_t width_bytes = static_cast<size_t>((bit_width_ + 7) / 8);
    if (size_ - pos_ < width_bytes) return Status::DataError("corrupt Parquet page: RLE run value is truncated");
    uint32_t v = 0;
    for (size_t i = 0; i < width_bytes; ++i) v |= static_cast<uint32_t>(data_[pos_ + i]) << (8 * i);
    pos_ += width_bytes;
    repeat_left_ = static_cast<int64_t>(std::min<uint64_t>(run, uint64_t{1} << 40));
    repeat_value_ = v;
  }
  return Status::OK();
}

template <typename T>
Status RleHybridDecoder::Decode(T* out, int64_t count) {
  int64_t done = 0;
  while (done < count) {
    if (repeat_left_ == 0 && literal_left_ == 0) {
      if (pos_ >= size_) return Status::DataError("corrupt Parquet page: RLE/bit-packed data ends early");
      LD_RETURN_IF_ERROR(NextRun());
    }
    if (repeat_left_ > 0) {
      int64_t n = std::min(repeat_left_, count - done);
      std::fill(out + done, out + done + n, static_cast<T>(repeat_value_));
      repeat_left_ -= n;
      done += n;
    } else {
      int64_t n = std::min(literal_left_, count - done);
      size_t bit = static_cast<size_t>(literal_index_) * static_cast<size_t>(bit_width_);
      size_t byte = bit / 8;  // groups of 8 values start on byte boundaries
      if (bit % 8 == 0) {
        UnpackBits(literal_ + byte, literal_bytes_ - byte, bit_width_, n, out + done);
      } else {
        // Resume mid-byte: decode from the group start and drop the leading values.
        int64_t skip = literal_index_ % 8;
        size_t group_byte = static_cast<size_t>(literal_index_ - skip) * static_cast<size_t>(bit_width_) / 8;
        std::vector<T> tmp(static_cast<size_t>(n + skip));
        UnpackBits(literal_ + group_byte, literal_bytes_ - group_byte, bit_width_, n + skip, tmp.data());
        std::copy(tmp.begin() + skip, tmp.end(), out + done);
      }
      literal_index_ += n;
      literal_left_ -= n;
      done += n;
    }
  }
  return Status::OK();
}

template Status RleHybridDecoder::Decode<uint32_t>(uint32_t*, int64_t);
template Status RleHybridDecoder::Decode<int16_t>(int16_t*, int64_t);
template Status RleHybridDecoder::Decode<uint8_t>(uint8_t*, int64_t);

void RleHybridEncoder::AppendLiterals(const uint32_t* values, int64_t count, std::string* out) const {
  if (count == 0) return;
  const int64_t whole = count & ~int64_t{7};
  AppendUleb((static_cast<uint64_t>((count + 7) / 8) << 1) | 1, out);
  PackBits32(values, whole, bit_width_, out);
  if (whole < count) {  // the last group is padded with zeros
    uint32_t tail[8] = {};
    std::copy(values + whole, values + count, tail);
    PackBits32(tail, 8, bit_width_, out);
  }
}

void RleHybridEncoder::AppendRepeat(uint32_t value, int64_t count, std::string* out) const {
  AppendUleb(static_cast<uint64_t>(count) << 1, out);
  const int width_bytes = (bit_width_ + 7) / 8;
  for (int b = 0; b < width_bytes; ++b) out->push_back(static_cast<char>((value >> (8 * b)) & 0xff));
}

namespace {

// Bit k (k < 15) set when values[k] == values[k + 1]: branch-free, unlike a loop that stops at
// the first difference, which mispredicted on every short run of repeated values.
inline uint32_t EqualNeighbours(const uint32_t* values) {
  uint32_t mask = 0;
  for (int k = 0; k < 15; ++k) mask |= static_cast<uint32_t>(values[k] == values[k + 1]) << k;
  return mask;
}

// Bit k (k < 8) set when values[k .. k + 8) are equal, i.e. bits k .. k + 6 of `equal` are set.
inline uint32_t RunOf8Starts(uint32_t equal) {
  const uint32_t two = equal & (equal >> 1);  // bits k, k + 1
  const uint32_t four = two & (two >> 2);     // bits k .. k + 3
  return four & (four >> 3) & 0xffu;          // bits k .. k + 6
}

}  // namespace

void RleHybridEncoder::Encode(const uint32_t* values, int64_t count, std::string* out) const {
  // A literal stretch is a contiguous range of the input, so it is packed straight from
  // `values`: copying each value into a pending buffer first cost more than the packing.
  int64_t literal_start = 0;
  int64_t i = 0;
  while (i < count) {
    if (i + 16 <= count) {
      // Eight values at a time while no run of 8 starts among them: they are literals.
      const uint32_t starts = RunOf8Starts(EqualNeighbours(values + i));
      if (starts == 0) {
        i += 8;
        while (i - literal_start >= kMaxLiteralValues) {
          AppendLiterals(values + literal_start, kMaxLiteralValues, out);
          literal_start += kMaxLiteralValues;
        }
        continue;
      }
      i += __builtin_ctz(starts);  // the run's first value; those before it are literals
    }
    const uint32_t v = values[i];
    int64_t run = 1;
    while (i + run < count && values[i + run] == v) ++run;
    if (run >= 8) {
      // Literal runs hold whole groups of 8: the pending stretch takes what it needs from this run.
      const int64_t need = (8 - (i - literal_start) % 8) % 8;
      if (run - need >= 8) {
        AppendLiterals(values + literal_start, i + need - literal_start, out);
        AppendRepeat(v, run - need, out);
        i += run;
        literal_start = i;
        continue;
      }
    }
    i += run;
    // Literal runs are cut at about kMaxLiteralValues (a few more when a repeat tops their last
    // group up), as other writers' are, so a reader never sizes a buffer for a long one.
    while (i - literal_start >= kMaxLiteralValues) {
      AppendLiterals(values + literal_start, kMaxLiteralValues, out);
      literal_start += kMaxLiteralValues;
    }
  }
  AppendLiterals(values + literal_start, count - literal_start, out);
}

}  // namespace logidata::parquet
