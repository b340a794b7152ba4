#include "formats/parquet/bit_util.h"

namespace logidata::parquet {
namespace {

template <typename T>
void PackBitsImpl(const T* values, int64_t count, int bit_width, std::string* out) {
  size_t start = out->size();
  size_t bytes = static_cast<size_t>((count * bit_width + 7) / 8);
  out->resize(start + bytes + 8, '\0');
  auto* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  uint64_t bit = 0;
  for (int64_t i = 0; i < count; ++i, bit += static_cast<uint64_t>(bit_width)) {
    uint64_t v = static_cast<uint64_t>(values[i]);
    size_t byte = bit >> 3;
    int shift = static_cast<int>(bit & 7);
    uint64_t word;
    std::memcpy(&word, dst + byte, 8);
    word |= v << shift;
    std::memcpy(dst + byte, &word, 8);
    if (shift + bit_width > 64) dst[byte + 8] |= static_cast<uint8_t>(v >> (64 - shift));
  }
  out->resize(start + bytes);
}

}  // namespace

void PackBits(const uint64_t* values, int64_t count, int bit_width, std::string* out) {
  PackBitsImpl(values, count, bit_width, out);
}
void PackBits32(const uint32_t* values, int64_t count, int bit_width, std::string* out) {
  PackBitsImpl(values, count, bit_width, out);
}

}  // namespace logidata::parquet
