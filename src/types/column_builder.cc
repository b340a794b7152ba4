#include "types/column_builder.h"

#include <cmath>

namespace logidata {

ColumnBuilder::ColumnBuilder(DataType type, int64_t expected_length)
    : type_(std::move(type)), width_(type_.ByteWidth()) {
  values_ = std::make_shared<Buffer>();
  if (type_.IsVarLength()) {
    values_->Reserve(static_cast<size_t>(expected_length + 1) * 4);
    values_->Resize(4, true);  // offsets[0] = 0
    data_ = std::make_shared<Buffer>();
  } else if (width_ > 0) {
    values_->Reserve(static_cast<size_t>(expected_length * width_));
  } else {
    values_->Reserve(static_cast<size_t>(BitmapBytes(expected_length)));
  }
}

void ColumnBuilder::AppendValidity(bool valid) {
  if (!valid && validity_ == nullptr) {
    validity_ = std::make_shared<Buffer>();
    validity_->Resize(static_cast<size_t>(BitmapBytes(length_ + 1)), true);
    for (int64_t i = 0; i < length_; ++i) SetBit(validity_->mutable_data(), i);
  }
  if (validity_ != nullptr) {
    size_t need = static_cast<size_t>(BitmapBytes(length_ + 1));
    if (validity_->size() < need) validity_->Resize(need, true);
    SetBitTo(validity_->mutable_data(), length_, valid);
  }
  if (!valid) ++null_count_;
}

void ColumnBuilder::AppendNull() {
  AppendValidity(false);
  if (type_.IsVarLength()) {
    int32_t end = static_cast<int32_t>(data_->size());
    values_->Append(&end, 4);
  } else if (width_ > 0) {
    values_->Resize(values_->size() + static_cast<size_t>(width_), true);
  } else {
    values_->Resize(static_cast<size_t>(BitmapBytes(length_ + 1)), true);
  }
  ++length_;
}

void ColumnBuilder::AppendBool(bool v) {
  AppendValidity(true);
  values_->Resize(static_cast<size_t>(BitmapBytes(length_ + 1)), true);
  SetBitTo(values_->mutable_data(), length_, v);
  ++length_;
}

void ColumnBuilder::AppendInt32(int32_t v) {
  AppendValidity(true);
  values_->Append(&v, 4);
  ++length_;
}

void ColumnBuilder::AppendInt64(int64_t v) {
  AppendValidity(true);
  values_->Append(&v, 8);
  ++length_;
}

void ColumnBuilder::AppendDouble(double v) {
  AppendValidity(true);
  values_->Append(&v, 8);
  ++length_;
}

void ColumnBuilder::AppendDecimal(int128_t v) {
  AppendValidity(true);
  values_->Append(&v, 16);
  ++length_;
}

void ColumnBuilder::AppendString(std::string_view v) {
  AppendValidity(true);
  data_->Append(v.data(), v.size());
  int32_t end = static_cast<int32_t>(data_->size());
  values_->Append(&end, 4);
  ++length_;
}

bool ColumnBuilder::AppendValue(const Value& v) {
  if (v.is_null()) {
    AppendNull();
    return true;
  }
  TypeId from = v.type().id;
  switch (type_.id) {
    case TypeId::kNull: return false;
    case TypeId::kBool:
      if (from != TypeId::kBool) return false;
      AppendBool(v.bool_value());
      return true;
    case TypeId::kInt32:
    case TypeId::kDate:
      if (from != TypeId::kInt32 && from != TypeId::kInt64 && from != TypeId::kDate) return false;
      AppendInt32(static_cast<int32_t>(v.int_value()));
      return true;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      if (from == TypeId::kInt32 || from == TypeId::kInt64 || from == TypeId::kTimestamp) {
        AppendInt64(v.int_value());
        return true;
      }
      return false;
    case TypeId::kFloat64:
      if (from == TypeId::kFloat64) AppendDouble(v.double_value());
      else if (from == TypeId::kInt32 || from == TypeId::kInt64) AppendDouble(static_cast<double>(v.int_value()));
      else if (from == TypeId::kDecimal) AppendDouble(static_cast<double>(v.decimal_value()) / std::pow(10.0, v.type().scale));
      else return false;
      return true;
    case TypeId::kDecimal: {
      if (from == TypeId::kDecimal) {
        int128_t x = v.decimal_value();
        int diff = type_.scale - v.type().scale;
        for (; diff > 0; --diff) x *= 10;
        for (; diff < 0; ++diff) x /= 10;
        AppendDecimal(x);
        return true;
      }
      if (from == TypeId::kInt32 || from == TypeId::kInt64) {
        int128_t x = v.int_value();
        for (int i = 0; i < type_.scale; ++i) x *= 10;
        AppendDecimal(x);
        return true;
      }
      return false;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      if (from == TypeId::kString || from == TypeId::kBinary) AppendString(v.string_value());
      else AppendString(v.ToString());
      return true;
  }
  return false;
}

void ColumnBuilder::AppendFrom(const Column& source, int64_t row) {
  if (source.IsNull(row)) {
    AppendNull();
    return;
  }
  switch (type_.id) {
    case TypeId::kNull: AppendNull(); break;
    case TypeId::kBool: AppendBool(source.GetBool(row)); break;
    case TypeId::kInt32:
    case TypeId::kDate: AppendInt32(source.Get<int32_t>(row)); break;
    case TypeId::kInt64:
    case TypeId::kTimestamp: AppendInt64(source.Get<int64_t>(row)); break;
    case TypeId::kFloat64: AppendDouble(source.Get<double>(row)); break;
    case TypeId::kDecimal: AppendDecimal(source.Get<int128_t>(row)); break;
    case TypeId::kString:
    case TypeId::kBinary: AppendString(source.GetString(row)); break;
  }
}

ColumnPtr ColumnBuilder::Finish() {
  auto column = std::make_shared<const Column>(type_, length_, validity_, values_, data_, null_count_);
  *this = ColumnBuilder(type_);
  return column;
}

}  // namespace logidata
