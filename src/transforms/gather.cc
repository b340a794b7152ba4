#include "transforms/gather.h"

#include <cstring>
#include <vector>

namespace logidata {

namespace {

// Random gathers miss the cache: prefetch this many rows ahead.
constexpr int64_t kAhead = 16;

// Validity of the gathered rows, or nullptr when all are valid.
BufferPtr GatherValidity(const Column& col, std::span<const int32_t> idx, int64_t* nulls) {
  const int64_t n = static_cast<int64_t>(idx.size());
  bool any_null = false;
  if (col.null_count() > 0) {
    for (int32_t r : idx) any_null |= r < 0 || col.IsNull(r);
  } else {
    for (int32_t r : idx) any_null |= r < 0;
  }
  *nulls = 0;
  if (!any_null) return nullptr;
  auto v = std::make_shared<Buffer>();
  v->Resize(static_cast<size_t>(BitmapBytes(n)), true);
  uint8_t* bits = v->mutable_data();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t r = idx[static_cast<size_t>(i)];
    if (r >= 0 && col.IsValid(r)) SetBit(bits, i);
    else ++*nulls;
  }
  return v;
}

template <typename T>
BufferPtr GatherFixed(const Column& col, std::span<const int32_t> idx) {
  const int64_t n = static_cast<int64_t>(idx.size());
  auto out = std::make_shared<Buffer>();
  out->Resize(static_cast<size_t>(n) * sizeof(T));
  T* dst = out->mutable_data_as<T>();
  const T* src = col.values<T>();
  for (int64_t i = 0; i < n; ++i) {
    if (i + kAhead < n && idx[static_cast<size_t>(i + kAhead)] >= 0) __builtin_prefetch(src + idx[static_cast<size_t>(i + kAhead)]);
    const int32_t r = idx[static_cast<size_t>(i)];
    dst[i] = r >= 0 ? src[r] : T{};
  }
  return out;
}

}  // namespace

ColumnPtr GatherRows(const Column& col, std::span<const int32_t> idx) {
  const int64_t n = static_cast<int64_t>(idx.size());
  const DataType& type = col.type();
  switch (type.id) {
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kFloat64:
    case TypeId::kDecimal:
    case TypeId::kString:
    case TypeId::kBinary:
      break;
    default:
      return TakeColumn(col, idx);
  }
  int64_t nulls = 0;
  BufferPtr validity = GatherValidity(col, idx, &nulls);
  switch (type.id) {
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<int32_t>(col, idx), nullptr, nulls);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<int64_t>(col, idx), nullptr, nulls);
    case TypeId::kFloat64:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<double>(col, idx), nullptr, nulls);
    case TypeId::kDecimal:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<int128_t>(col, idx), nullptr, nulls);
    default:
      break;
  }
  // Strings: offsets first, then bytes; short strings are copied 16 bytes at a time (over-copying
  // into padding) when the source has 16 readable bytes.
  const int32_t* so = col.offsets();
  const char* sd = col.string_data();
  const int64_t src_bytes = col.data_buffer() != nullptr ? static_cast<int64_t>(col.data_buffer()->size()) : 0;
  auto offsets = std::make_shared<Buffer>();
  offsets->Resize(static_cast<size_t>(n + 1) * 4);
  int32_t* o = offsets->mutable_data_as<int32_t>();
  // Pass 1: offsets and source positions (sequential writes), pass 2: bytes.
  std::vector<int32_t> from(static_cast<size_t>(n));
  int64_t total = 0;
  o[0] = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (i + kAhead < n && idx[static_cast<size_t>(i + kAhead)] >= 0) __builtin_prefetch(so + idx[static_cast<size_t>(i + kAhead)]);
    const int32_t r = idx[static_cast<size_t>(i)];
    if (r >= 0) {
      from[static_cast<size_t>(i)] = so[r];
      total += so[r + 1] - so[r];
    } else {
      from[static_cast<size_t>(i)] = 0;
    }
    o[i + 1] = static_cast<int32_t>(total);
  }
  auto data = std::make_shared<Buffer>();
  data->Reserve(static_cast<size_t>(total) + 16);
  data->Resize(static_cast<size_t>(total));
  char* dst = data->mutable_data_as<char>();
  for (int64_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(sd + from[static_cast<size_t>(i + kAhead)]);
    const int32_t len = o[i + 1] - o[i];
    if (len == 0) continue;
    char* d = dst + o[i];
    const int32_t f = from[static_cast<size_t>(i)];
    if (len <= 16 && f + 16 <= src_bytes) {
      std::memcpy(d, sd + f, 16);
    } else {
      std::memcpy(d, sd + f, static_cast<size_t>(len));
    }
  }
  return std::make_shared<const Column>(type, n, validity, offsets, data, nulls);
}

}  // namespace logidata
