#include "transforms/widen_column.h"

#include "transforms/null_column.h"

namespace logidata {
namespace {

int128_t PowerOfTen(int exponent) {
  int128_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= 10;
  return p;
}

template <typename Out, typename In, typename Fn>
ColumnPtr MapFixed(const Column& in, const DataType& to, Fn fn) {
  const int64_t n = in.length();
  auto values = std::make_shared<Buffer>();
  values->Resize(static_cast<size_t>(n) * sizeof(Out));
  const In* src = in.values<In>();
  Out* dst = values->mutable_data_as<Out>();
  for (int64_t i = 0; i < n; ++i) dst[i] = fn(src[i]);
  return std::make_shared<const Column>(to, n, in.validity_buffer(), values, nullptr, in.null_count());
}

ColumnPtr Retype(const Column& in, const DataType& to) {
  return std::make_shared<const Column>(to, in.length(), in.validity_buffer(), in.values_buffer(), in.data_buffer(),
                                        in.null_count());
}

}  // namespace

Result<ColumnPtr> WidenColumn(const ColumnPtr& column, const DataType& to) {
  const Column& in = *column;
  const DataType& from = in.type();
  if (from == to) return column;
  if (from.id == TypeId::kNull || in.values_buffer() == nullptr) return AllNullColumn(to, in.length());
  switch (to.id) {
    case TypeId::kInt64:
      if (from.id == TypeId::kInt32) {
        return MapFixed<int64_t, int32_t>(in, to, [](int32_t v) { return static_cast<int64_t>(v); });
      }
      break;
    case TypeId::kFloat64:
      if (from.id == TypeId::kInt32) {
        return MapFixed<double, int32_t>(in, to, [](int32_t v) { return static_cast<double>(v); });
      }
      if (from.id == TypeId::kInt64) {
        return MapFixed<double, int64_t>(in, to, [](int64_t v) { return static_cast<double>(v); });
      }
      if (from.id == TypeId::kDecimal) {
        const double divisor = static_cast<double>(PowerOfTen(from.scale));
        return MapFixed<double, int128_t>(in, to, [divisor](int128_t v) { return static_cast<double>(v) / divisor; });
      }
      break;
    case TypeId::kDecimal: {
      if (from.id == TypeId::kInt32) {
        const int128_t f = PowerOfTen(to.scale);
        return MapFixed<int128_t, int32_t>(in, to, [f](int32_t v) { return static_cast<int128_t>(v) * f; });
      }
      if (from.id == TypeId::kInt64) {
        const int128_t f = PowerOfTen(to.scale);
        return MapFixed<int128_t, int64_t>(in, to, [f](int64_t v) { return static_cast<int128_t>(v) * f; });
      }
      if (from.id == TypeId::kDecimal && to.scale >= from.scale) {
        const int128_t f = PowerOfTen(to.scale - from.scale);
        return MapFixed<int128_t, int128_t>(in, to, [f](int128_t v) { return v * f; });
      }
      break;
    }
    case TypeId::kTimestamp:
      if (from.id == TypeId::kDate) {
        return MapFixed<int64_t, int32_t>(in, to, [](int32_t d) { return static_cast<int64_t>(d) * 86'400'000'000LL; });
      }
      if (from.id == TypeId::kTimestamp) return Retype(in, to);
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      if (from.IsVarLength()) return Retype(in, to);
      break;
    default:
      break;
  }
  return Status::Internal("cannot widen " + from.ToString() + " to " + to.ToString());
}

}  // namespace logidata
