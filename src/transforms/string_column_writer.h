// StringColumnWriter: builds a string column row by row straight into Arrow offset/data buffers,
// reusing a validity bitmap computed elsewhere (usually the input's). Cheaper than ColumnBuilder
// for kernels that map every string of a column to a new one. Not thread-safe; one per kernel call.
#pragma once

#include <string_view>

#include "types/column.h"

namespace logidata {

class StringColumnWriter {
 public:
  // REQUIRES: exactly `rows` calls to Append before Finish.
  StringColumnWriter(int64_t rows, size_t expected_bytes) : rows_(rows) {
    offsets_ = std::make_shared<Buffer>();
    offsets_->Resize(static_cast<size_t>(rows + 1) * sizeof(int32_t));
    offsets_->mutable_data_as<int32_t>()[0] = 0;
    data_ = std::make_shared<Buffer>(expected_bytes + 1);
  }

  void Append(std::string_view value) {
    if (!value.empty()) data_->Append(value.data(), value.size());
    offsets_->mutable_data_as<int32_t>()[++row_] = static_cast<int32_t>(data_->size());
  }
  // Appends a value to be produced in place: returns room for `max_bytes`, then call Commit(n).
  char* Reserve(size_t max_bytes) {
    data_->Reserve(data_->size() + max_bytes);
    return data_->mutable_data_as<char>() + data_->size();
  }
  void Commit(size_t bytes) {
    data_->Resize(data_->size() + bytes);
    offsets_->mutable_data_as<int32_t>()[++row_] = static_cast<int32_t>(data_->size());
  }

  ColumnPtr Finish(const DataType& type, BufferPtr validity, int64_t null_count) {
    return std::make_shared<const Column>(type, rows_, std::move(validity), offsets_, data_, null_count);
  }

 private:
  int64_t rows_;
  int64_t row_ = 0;
  BufferPtr offsets_;
  BufferPtr data_;
};

}  // namespace logidata
