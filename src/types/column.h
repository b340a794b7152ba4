// Column: an immutable, typed array in the Apache Arrow layout (see data_type.h) with an optional
// validity bitmap (absent = no nulls). Columns are shared between batches and threads through
// ColumnPtr and never change after construction, so reads are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "types/buffer.h"
#include "types/data_type.h"
#include "types/value.h"

namespace logidata {

class Column;
using ColumnPtr = std::shared_ptr<const Column>;

class Column {
 public:
  // Buffers, Arrow style:
  //   validity: bitmap of `length` bits or nullptr (all valid)
  //   values:   fixed-width values, the bool bitmap, or int32 offsets (length + 1) for string/binary
  //   data:     string/binary bytes; nullptr otherwise
  // `null_count` < 0 means "count it now".
  Column(DataType type, int64_t length, BufferPtr validity, BufferPtr values, BufferPtr data = nullptr,
         int64_t null_count = -1);

  static ColumnPtr MakeNull(const DataType& type, int64_t length);
  // A column of `length` copies of `value` (cast to its own type).
  static ColumnPtr MakeConstant(const Value& value, int64_t length);

  const DataType& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  const uint8_t* validity() const { return validity_ ? validity_->data() : nullptr; }
  bool IsValid(int64_t i) const { return validity_ == nullptr || GetBit(validity_->data(), i); }
  bool IsNull(int64_t i) const { return !IsValid(i); }

  // Fixed-width access. REQUIRES: sizeof(T) == type().ByteWidth().
  template <typename T> const T* values() const { return values_->data_as<T>(); }
  template <typename T> T Get(int64_t i) const { return values_->data_as<T>()[i]; }
  bool GetBool(int64_t i) const { return GetBit(values_->data(), i); }
  // String/binary access.
  const int32_t* offsets() const { return values_->data_as<int32_t>(); }
  const char* string_data() const { return data_ ? data_->data_as<char>() : ""; }
  std::string_view GetString(int64_t i) const {
    const int32_t* o = offsets();
    return std::string_view(string_data() + o[i], static_cast<size_t>(o[i + 1] - o[i]));
  }

  // Slow path: the value at row `i` as a Value.
  Value GetValue(int64_t i) const;

  const BufferPtr& validity_buffer() const { return validity_; }
  const BufferPtr& values_buffer() const { return values_; }
  const BufferPtr& data_buffer() const { return data_; }
  // Bytes held by this column's buffers (for memory accounting and metrics).
  int64_t ByteSize() const;

 private:
  DataType type_;
  int64_t length_;
  int64_t null_count_;
  BufferPtr validity_;
  BufferPtr values_;
  BufferPtr data_;
};

// Gathers rows by index (indices may repeat, any order). A negative index yields null.
ColumnPtr TakeColumn(const Column& column, std::span<const int32_t> indices);
// Keeps the rows whose bit is set in `selection` (a bitmap of column.length() bits).
ColumnPtr FilterColumn(const Column& column, const uint8_t* selection, int64_t selected_count);
// Copies rows [offset, offset + length).
ColumnPtr SliceColumn(const Column& column, int64_t offset, int64_t length);
// Appends columns of the same type end to end.
ColumnPtr ConcatColumns(std::span<const ColumnPtr> columns);

}  // namespace logidata
