#include "transforms/row_selection.h"

namespace logidata {

std::vector<int32_t> SelectedIndices(const uint8_t* bitmap, int64_t num_rows, int64_t count) {
  std::vector<int32_t> out;
  out.reserve(static_cast<size_t>(count > 0 ? count : 0));
  const int64_t full_bytes = num_rows / 8;
  for (int64_t byte = 0; byte < full_bytes; ++byte) {
    unsigned bits = bitmap[byte];
    while (bits != 0) {
      int bit = __builtin_ctz(bits);
      out.push_back(static_cast<int32_t>(byte * 8 + bit));
      bits &= bits - 1;
    }
  }
  for (int64_t i = full_bytes * 8; i < num_rows; ++i) {
    if (GetBit(bitmap, i)) out.push_back(static_cast<int32_t>(i));
  }
  return out;
}

BatchPtr SelectRows(const Batch& batch, const SchemaPtr& schema, const uint8_t* bitmap, int64_t count) {
  if (count <= 0) return nullptr;
  if (count == batch.num_rows()) return Batch::Make(schema, batch.columns(), batch.num_rows());
  std::vector<int32_t> indices = SelectedIndices(bitmap, batch.num_rows(), count);
  std::vector<ColumnPtr> columns;
  columns.reserve(batch.columns().size());
  for (const auto& c : batch.columns()) columns.push_back(TakeColumn(*c, indices));
  return Batch::Make(schema, std::move(columns), static_cast<int64_t>(indices.size()));
}

std::vector<uint8_t> AllSetBitmap(int64_t num_rows) {
  std::vector<uint8_t> bits(static_cast<size_t>(BitmapBytes(num_rows)), 0xFF);
  if (num_rows % 8 != 0 && !bits.empty()) bits.back() = static_cast<uint8_t>((1u << (num_rows % 8)) - 1);
  return bits;
}

}  // namespace logidata
