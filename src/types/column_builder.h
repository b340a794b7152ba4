// ColumnBuilder: appends values of one type, then Finish()es into an immutable Column.
// Not thread-safe; one builder per thread.
#pragma once

#include <string_view>

#include "types/column.h"

namespace logidata {

class ColumnBuilder {
 public:
  explicit ColumnBuilder(DataType type, int64_t expected_length = 0);

  const DataType& type() const { return type_; }
  int64_t length() const { return length_; }

  void AppendNull();
  void AppendBool(bool v);
  void AppendInt32(int32_t v);
  void AppendInt64(int64_t v);   // int64, timestamp
  void AppendDouble(double v);
  void AppendDecimal(int128_t unscaled);
  void AppendString(std::string_view v);  // string, binary
  void AppendDate(int32_t days) { AppendInt32(days); }
  void AppendTimestamp(int64_t micros) { AppendInt64(micros); }
  // Appends a Value, converting between numeric kinds when needed. Returns false if impossible.
  bool AppendValue(const Value& v);
  // Appends row `row` of `source`. REQUIRES: source.type() == type().
  void AppendFrom(const Column& source, int64_t row);

  // Produces the column and resets the builder to empty.
  ColumnPtr Finish();

 private:
  void AppendValidity(bool valid);

  DataType type_;
  int width_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  BufferPtr validity_;  // created lazily at the first null
  BufferPtr values_;
  BufferPtr data_;
};

}  // namespace logidata
