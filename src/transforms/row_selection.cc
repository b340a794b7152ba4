#include "transforms/row_selection.h"

#include <algorithm>

#include "transforms/gather.h"
#include "transforms/null_column.h"

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

BatchPtr SelectRows(const Batch& batch, const SchemaPtr& schema, const uint8_t* bitmap, int64_t count,
                    const std::vector<bool>& read) {
  if (count <= 0) return nullptr;
  if (count == batch.num_rows()) return Batch::Make(schema, batch.columns(), batch.num_rows());
  std::vector<int32_t> indices = SelectedIndices(bitmap, batch.num_rows(), count);
  const int64_t rows = static_cast<int64_t>(indices.size());
  std::vector<ColumnPtr> columns;
  columns.reserve(batch.columns().size());
  for (size_t i = 0; i < batch.columns().size(); ++i) {
    const Column& c = *batch.columns()[i];
    const bool unread = !read.empty() && !read[i];
    columns.push_back(unread || IsAllNull(c) ? AllNullColumn(c.type(), rows) : GatherRows(c, indices));
  }
  return Batch::Make(schema, std::move(columns), rows);
}

std::vector<int> MergeColumns(std::vector<int> a, const std::vector<int>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  return a;
}

std::vector<bool> ColumnMask(int width, const std::vector<int>& columns) {
  std::vector<bool> mask(static_cast<size_t>(width), false);
  for (int c : columns) {
    if (c >= 0 && c < width) mask[static_cast<size_t>(c)] = true;
  }
  return mask;
}

std::vector<uint8_t> AllSetBitmap(int64_t num_rows) {
  std::vector<uint8_t> bits(static_cast<size_t>(BitmapBytes(num_rows)), 0xFF);
  if (num_rows % 8 != 0 && !bits.empty()) bits.back() = static_cast<uint8_t>((1u << (num_rows % 8)) - 1);
  return bits;
}

}  // namespace logidata
