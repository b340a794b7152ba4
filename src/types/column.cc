#include "types/column.h"

#include "common/check.h"
#include "types/column_builder.h"
#include "types/shared_zeros.h"

namespace logidata {

Column::Column(DataType type, int64_t length, BufferPtr validity, BufferPtr values, BufferPtr data,
               int64_t null_count)
    : type_(std::move(type)),
      length_(length),
      null_count_(null_count),
      validity_(std::move(validity)),
      values_(std::move(values)),
      data_(std::move(data)) {
  if (validity_ == nullptr) {
    null_count_ = type_.id == TypeId::kNull ? length_ : 0;
  } else if (null_count_ < 0) {
    null_count_ = length_ - CountSetBits(validity_->data(), length_);
  }
  if (values_ == nullptr) {
    // Null-typed (or all-null) columns still get a zeroed values buffer so readers never
    // dereference null.
    int64_t bytes = type_.IsVarLength() ? (length_ + 1) * 4
                    : type_.id == TypeId::kBool || type_.id == TypeId::kNull ? BitmapBytes(length_)
                                                                           : length_ * type_.ByteWidth();
    values_ = std::make_shared<Buffer>(static_cast<size_t>(bytes));
    values_->Resize(static_cast<size_t>(bytes), /*zero_fill=*/true);
  }
}

ColumnPtr Column::MakeNull(const DataType& type, int64_t length) {
  auto validity = std::make_shared<Buffer>();
  validity->Resize(static_cast<size_t>(BitmapBytes(length)), /*zero_fill=*/true);
  return std::make_shared<const Column>(type, length, std::move(validity), nullptr, nullptr, length);
}

ColumnPtr Column::MakeConstant(const Value& value, int64_t length) {
  if (value.is_null()) return MakeNull(value.type(), length);
  ColumnBuilder builder(value.type(), length);
  for (int64_t i = 0; i < length; ++i) builder.AppendValue(value);
  return builder.Finish();
}

Value Column::GetValue(int64_t i) const {
  if (IsNull(i)) return Value::Null(type_);
  switch (type_.id) {
    case TypeId::kNull: return Value::Null(type_);
    case TypeId::kBool: return Value::Bool(GetBool(i));
    case TypeId::kInt32: return Value::Int32(Get<int32_t>(i));
    case TypeId::kInt64: return Value::Int64(Get<int64_t>(i));
    case TypeId::kFloat64: return Value::Float64(Get<double>(i));
    case TypeId::kDecimal: return Value::Decimal(Get<int128_t>(i), type_.precision, type_.scale);
    case TypeId::kString: return Value::String(std::string(GetString(i)));
    case TypeId::kBinary: return Value::Binary(std::string(GetString(i)));
    case TypeId::kDate: return Value::Date(Get<int32_t>(i));
    case TypeId::kTimestamp: return Value::Timestamp(Get<int64_t>(i), type_.timezone);
  }
  return Value::Null(type_);
}

int64_t Column::ByteSize() const {
  int64_t total = 0;
  for (const auto* b : {&validity_, &values_, &data_}) {
    if (*b && !IsSharedZeros(**b)) total += static_cast<int64_t>((*b)->size());  // the shared zeros cost nothing
  }
  return total;
}

namespace {

BufferPtr GatherValidity(const Column& column, std::span<const int32_t> indices, int64_t* nulls) {
  bool any_negative = false;
  for (int32_t idx : indices) any_negative |= idx < 0;
  if (column.validity() == nullptr && !any_negative) {
    *nulls = 0;
    return nullptr;
  }
  auto out = std::make_shared<Buffer>();
  out->Resize(static_cast<size_t>(BitmapBytes(static_cast<int64_t>(indices.size()))), true);
  int64_t valid = 0;
  for (size_t i = 0; i < indices.size(); ++i) {
    int32_t idx = indices[i];
    if (idx >= 0 && column.IsValid(idx)) {
      SetBit(out->mutable_data(), static_cast<int64_t>(i));
      ++valid;
    }
  }
  *nulls = static_cast<int64_t>(indices.size()) - valid;
  return out;
}

template <typename T>
BufferPtr GatherFixed(const Column& column, std::span<const int32_t> indices) {
  auto out = std::make_shared<Buffer>();
  out->Resize(indices.size() * sizeof(T));
  const T* src = column.values<T>();
  T* dst = out->mutable_data_as<T>();
  for (size_t i = 0; i < indices.size(); ++i) dst[i] = indices[i] >= 0 ? src[indices[i]] : T{};
  return out;
}

}  // namespace

ColumnPtr TakeColumn(const Column& column, std::span<const int32_t> indices) {
  const int64_t n = static_cast<int64_t>(indices.size());
  // An all-NULL column (an unread one, most often) stays free: gathering it would allocate its
  // full width for nothing.
  if (column.null_count() == column.length() && column.type().id != TypeId::kNull) {
    if (ColumnPtr shared = SharedZerosNullColumn(column.type(), n)) return shared;
  }
  int64_t nulls = 0;
  BufferPtr validity = GatherValidity(column, indices, &nulls);
  const DataType& type = column.type();
  switch (type.id) {
    case TypeId::kNull:
      return Column::MakeNull(type, n);
    case TypeId::kBool: {
      auto values = std::make_shared<Buffer>();
      values->Resize(static_cast<size_t>(BitmapBytes(n)), true);
      for (int64_t i = 0; i < n; ++i) {
        int32_t idx = indices[static_cast<size_t>(i)];
        if (idx >= 0 && column.GetBool(idx)) SetBit(values->mutable_data(), i);
      }
      return std::make_shared<const Column>(type, n, validity, values, nullptr, nulls);
    }
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<int32_t>(column, indices), nullptr, nulls);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<int64_t>(column, indices), nullptr, nulls);
    case TypeId::kFloat64:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<double>(column, indices), nullptr, nulls);
    case TypeId::kDecimal:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<int128_t>(column, indices), nullptr, nulls);
    case TypeId::kString:
    case TypeId::kBinary: {
      auto offsets = std::make_shared<Buffer>();
      offsets->Resize(static_cast<size_t>(n + 1) * 4);
      int32_t* out_offsets = offsets->mutable_data_as<int32_t>();
      const int32_t* src_offsets = column.offsets();
      int64_t total = 0;
      for (int64_t i = 0; i < n; ++i) {
        int32_t idx = indices[static_cast<size_t>(i)];
        if (idx >= 0) total += src_offsets[idx + 1] - src_offsets[idx];
      }
      auto data = std::make_shared<Buffer>(static_cast<size_t>(total));
      data->Resize(static_cast<size_t>(total));
      char* dst = data->mutable_data_as<char>();
      const char* src = column.string_data();
      int32_t pos = 0;
      out_offsets[0] = 0;
      for (int64_t i = 0; i < n; ++i) {
        int32_t idx = indices[static_cast<size_t>(i)];
        if (idx >= 0) {
          int32_t len = src_offsets[idx + 1] - src_offsets[idx];
          if (len > 0) std::memcpy(dst + pos, src + src_offsets[idx], static_cast<size_t>(len));  // dst is null when all are empty
          pos += len;
        }
        out_offsets[i + 1] = pos;
      }
      return std::make_shared<const Column>(type, n, validity, offsets, data, nulls);
    }
  }
  return Column::MakeNull(type, n);
}

ColumnPtr FilterColumn(const Column& column, const uint8_t* selection, int64_t selected_count) {
  std::vector<int32_t> indices;
  indices.reserve(static_cast<size_t>(selected_count));
  for (int64_t i = 0; i < column.length(); ++i) {
    if (GetBit(selection, i)) indices.push_back(static_cast<int32_t>(i));
  }
  return TakeColumn(column, indices);
}

ColumnPtr SliceColumn(const Column& column, int64_t offset, int64_t length) {
  std::vector<int32_t> indices(static_cast<size_t>(length));
  for (int64_t i = 0; i < length; ++i) indices[static_cast<size_t>(i)] = static_cast<int32_t>(offset + i);
  return TakeColumn(column, indices);
}

ColumnPtr ConcatColumns(std::span<const ColumnPtr> columns) {
  LD_CHECK(!columns.empty());
  int64_t total = 0;
  int64_t nulls = 0;
  for (const auto& c : columns) {
    total += c->length();
    nulls += c->null_count();
  }
  if (nulls == total && columns[0]->type().id != TypeId::kNull) {
    if (ColumnPtr shared = SharedZerosNullColumn(columns[0]->type(), total)) return shared;
  }
  ColumnBuilder builder(columns[0]->type(), total);
  for (const auto& c : columns) {
    for (int64_t i = 0; i < c->length(); ++i) builder.AppendFrom(*c, i);
  }
  return builder.Finish();
}

}  // namespace logidata
