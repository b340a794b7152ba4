#include "transforms/null_column.h"

#include "types/shared_zeros.h"

namespace logidata {

ColumnPtr AllNullColumn(const DataType& type, int64_t length) {
  if (ColumnPtr shared = SharedZerosNullColumn(type, length)) return shared;
  auto validity = std::make_shared<Buffer>();
  validity->Resize(static_cast<size_t>(BitmapBytes(length)), /*zero_fill=*/true);
  auto values = std::make_shared<Buffer>();
  BufferPtr data;
  if (type.IsVarLength()) {
    values->Resize(static_cast<size_t>(length + 1) * sizeof(int32_t), true);
    data = std::make_shared<Buffer>();
  } else if (type.IsFixedWidth()) {
    values->Resize(static_cast<size_t>(length) * static_cast<size_t>(type.ByteWidth()), true);
  } else {
    values->Resize(static_cast<size_t>(BitmapBytes(length)), true);  // bool and null
  }
  return std::make_shared<const Column>(type, length, std::move(validity), std::move(values), std::move(data), length);
}

}  // namespace logidata
