#include "expression/datum.h"

#include <algorithm>

namespace logidata::expr {

BufferPtr NewBitmap(int64_t bits, bool value) {
  auto buf = std::make_shared<Buffer>();
  size_t bytes = static_cast<size_t>((bits + 63) / 64 * 8);
  buf->Resize(bytes, /*zero_fill=*/false);
  std::memset(buf->mutable_data(), value ? 0xFF : 0, bytes);
  return buf;
}

BufferPtr NewBuffer(int64_t bytes) {
  // Zeroed so rows under NULL hold defined values that later kernels may read safely.
  auto buf = std::make_shared<Buffer>();
  buf->Resize(static_cast<size_t>((bytes + 7) / 8 * 8), /*zero_fill=*/true);
  return buf;
}

BufferPtr AndValidity(int64_t length, const uint8_t* a, const uint8_t* b) {
  if (a == nullptr && b == nullptr) return nullptr;
  if (a == nullptr || b == nullptr) return CopyValidity(length, a != nullptr ? a : b);
  BufferPtr out = NewBitmap(length);
  uint8_t* o = out->mutable_data();
  const int64_t bytes = BitmapBytes(length);
  for (int64_t i = 0; i < bytes; ++i) o[i] = a[i] & b[i];
  return out;
}

BufferPtr CopyValidity(int64_t length, const uint8_t* bits) {
  if (bits == nullptr) return nullptr;
  BufferPtr out = NewBitmap(length);
  std::memcpy(out->mutable_data(), bits, static_cast<size_t>(BitmapBytes(length)));
  return out;
}

ColumnPtr MakeColumn(const DataType& type, int64_t length, BufferPtr validity, BufferPtr values, BufferPtr data) {
  return std::make_shared<const Column>(type, length, std::move(validity), std::move(values), std::move(data), -1);
}

StringWriter::StringWriter(int64_t length, int64_t expected_bytes) : length_(length) {
  offsets_buffer_ = NewBuffer((length + 1) * 4);
  offsets_ = offsets_buffer_->mutable_data_as<int32_t>();
  offsets_[0] = 0;
  data_ = std::make_shared<Buffer>();
  data_->Reserve(static_cast<size_t>(std::max<int64_t>(expected_bytes, 64)));
  base_ = reinterpret_cast<char*>(data_->mutable_data());
  capacity_ = data_->capacity();
}

void StringWriter::Grow(size_t n) {
  data_->Resize(size_);  // Reserve copies only the bytes the Buffer knows about
  data_->Reserve(size_ + n);
  base_ = reinterpret_cast<char*>(data_->mutable_data());
  capacity_ = data_->capacity();
}

ColumnPtr StringWriter::Finish(const DataType& type, BufferPtr validity) {
  data_->Resize(size_);
  return MakeColumn(type, length_, std::move(validity), std::move(offsets_buffer_), std::move(data_));
}

template <>
int32_t ScalarAs<int32_t>(const Value& v) { return static_cast<int32_t>(v.int_value()); }
template <>
int64_t ScalarAs<int64_t>(const Value& v) { return v.int_value(); }
template <>
double ScalarAs<double>(const Value& v) { return v.double_value(); }
template <>
int128_t ScalarAs<int128_t>(const Value& v) { return v.decimal_value(); }
template <>
bool ScalarAs<bool>(const Value& v) { return v.bool_value(); }

ColumnPtr Datum::ToColumn(int64_t length) const {
  if (!is_scalar) return column;
  const DataType& type = scalar.type();
  if (scalar.is_null()) return Column::MakeNull(type, length);
  switch (type.id) {
    case TypeId::kBool:
      return MakeColumn(type, length, nullptr, NewBitmap(length, scalar.bool_value()));
    case TypeId::kString:
    case TypeId::kBinary: {
      const std::string& s = scalar.string_value();
      StringWriter w(length, static_cast<int64_t>(s.size()) * length);
      for (int64_t i = 0; i < length; ++i) w.Append(s);
      return w.Finish(type, nullptr);
    }
    default:
      return DispatchFixed(type.id, [&](auto t) {
        using T = decltype(t);
        BufferPtr values = NewBuffer(length * static_cast<int64_t>(sizeof(T)));
        T v = ScalarAs<T>(scalar);
        std::fill_n(values->mutable_data_as<T>(), length, v);
        return MakeColumn(type, length, nullptr, values);
      });
  }
}

}  // namespace logidata::expr

namespace logidata::expr {

ColumnPtr GatherRows(const DataType& type, const std::vector<Datum>& inputs, const std::vector<uint16_t>& pick,
                     int64_t n) {
  std::vector<NullReader> nulls;
  for (const auto& d : inputs) nulls.emplace_back(d);
  BufferPtr validity = NewBitmap(n, true);
  uint8_t* valid = validity->mutable_data();
  bool any_null = false;
  for (int64_t i = 0; i < n; ++i) {
    uint16_t k = pick[static_cast<size_t>(i)];
    if (k == kPickNull || nulls[k].IsNull(i)) {
      ClearBit(valid, i);
      any_null = true;
    }
  }
  if (!any_null) validity = nullptr;
  auto is_valid = [&](int64_t i) { return validity == nullptr || GetBit(valid, i); };
  switch (type.id) {
    case TypeId::kNull: return Column::MakeNull(type, n);
    case TypeId::kString:
    case TypeId::kBinary: {
      std::vector<StringReader> readers;
      for (const auto& d : inputs) readers.emplace_back(d);
      StringWriter w(n, n * 8);
      for (int64_t i = 0; i < n; ++i) {
        if (is_valid(i)) w.Append(readers[pick[static_cast<size_t>(i)]][i]);
        else w.AppendEmpty();
      }
      return w.Finish(type, validity);
    }
    case TypeId::kBool: {
      std::vector<ColumnPtr> cols;
      for (const auto& d : inputs) cols.push_back(d.ToColumn(n));
      BufferPtr values = NewBitmap(n);
      FillBitmap(values->mutable_data(), n, [&](int64_t i) {
        return is_valid(i) && cols[pick[static_cast<size_t>(i)]]->GetBool(i);
      });
      return MakeColumn(type, n, validity, values);
    }
    default:
      return DispatchFixed(type.id, [&](auto t) {
        using T = decltype(t);
        std::vector<FixedReader<T>> readers;
        for (const auto& d : inputs) readers.push_back(MakeFixedReader<T>(d));
        BufferPtr values = NewBuffer(n * static_cast<int64_t>(sizeof(T)));
        T* out = values->mutable_data_as<T>();
        for (int64_t i = 0; i < n; ++i) out[i] = is_valid(i) ? readers[pick[static_cast<size_t>(i)]][i] : T{};
        return MakeColumn(type, n, validity, values);
      });
  }
}

}  // namespace logidata::expr
