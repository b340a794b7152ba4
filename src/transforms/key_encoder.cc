#include "transforms/key_encoder.h"

#include <cmath>
#include <cstring>

#include "types/column_builder.h"

namespace logidata {

namespace {

// Fixed bytes a column contributes to every row (validity byte + value or length prefix).
int FixedPart(const DataType& type) {
  switch (type.id) {
    case TypeId::kNull: return 1;
    case TypeId::kBool: return 2;
    case TypeId::kString:
    case TypeId::kBinary: return 5;
    default: return 1 + type.ByteWidth();
  }
}

template <typename T>
void WriteFixed(const Column& col, int64_t begin, int64_t n, std::span<const int32_t> rows, char* data,
                uint32_t* pos) {
  const T* values = col.values<T>();
  const bool has_nulls = col.null_count() > 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t r = rows.empty() ? begin + i : rows[static_cast<size_t>(i)];
    char* dst = data + pos[i];
    bool valid = !has_nulls || col.IsValid(r);
    dst[0] = static_cast<char>(valid);
    T v = valid ? values[r] : T{};
    std::memcpy(dst + 1, &v, sizeof(T));
    pos[i] += 1 + sizeof(T);
  }
}

}  // namespace

void EncodedKeys::ComputeHashes() {
  const int64_t n = static_cast<int64_t>(offsets.size()) - 1;
  hashes.resize(static_cast<size_t>(n));
  for (int64_t r = 0; r < n; ++r) {
    hashes[static_cast<size_t>(r)] =
        HashBytes(data.data() + offsets[static_cast<size_t>(r)], offsets[static_cast<size_t>(r) + 1] - offsets[static_cast<size_t>(r)]);
  }
}

void KeyEncoder::Encode(std::span<const ColumnPtr> columns, int64_t begin, int64_t end, EncodedKeys* out,
                        std::span<const int32_t> rows) const {
  const int64_t n = rows.empty() ? end - begin : static_cast<int64_t>(rows.size());
  auto row_at = [&](int64_t i) -> int64_t { return rows.empty() ? begin + i : rows[static_cast<size_t>(i)]; };
  uint32_t fixed = 0;
  for (const auto& t : types_) fixed += static_cast<uint32_t>(FixedPart(t));

  // Row sizes -> offsets.
  out->offsets.resize(static_cast<size_t>(n) + 1);
  uint32_t* offsets = out->offsets.data();
  offsets[0] = 0;
  for (int64_t i = 0; i < n; ++i) offsets[i + 1] = fixed;
  for (size_t c = 0; c < types_.size(); ++c) {
    if (!types_[c].IsVarLength()) continue;
    const Column& col = *columns[c];
    const int32_t* o = col.offsets();
    const bool has_nulls = col.null_count() > 0;
    for (int64_t i = 0; i < n; ++i) {
      int64_t r = row_at(i);
      if (!has_nulls || col.IsValid(r)) offsets[i + 1] += static_cast<uint32_t>(o[r + 1] - o[r]);
    }
  }
  for (int64_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];
  out->data.resize(offsets[n]);
  char* data = out->data.data();

  // Write column by column at per-row cursors.
  std::vector<uint32_t> pos(offsets, offsets + n);
  out->all_valid.assign(static_cast<size_t>(n), 1);
  for (size_t c = 0; c < types_.size(); ++c) {
    const Column& col = *columns[c];
    if (col.null_count() > 0) {
      for (int64_t i = 0; i < n; ++i) {
        if (col.IsNull(row_at(i))) out->all_valid[static_cast<size_t>(i)] = 0;
      }
    }
    switch (types_[c].id) {
      case TypeId::kNull:
        for (int64_t i = 0; i < n; ++i) data[pos[i]++] = 0;
        out->all_valid.assign(static_cast<size_t>(n), 0);
        break;
      case TypeId::kBool:
        for (int64_t i = 0; i < n; ++i) {
          int64_t r = row_at(i);
          bool valid = col.IsValid(r);
          data[pos[i]] = static_cast<char>(valid);
          data[pos[i] + 1] = static_cast<char>(valid && col.GetBool(r));
          pos[i] += 2;
        }
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        WriteFixed<int32_t>(col, begin, n, rows, data, pos.data());
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        WriteFixed<int64_t>(col, begin, n, rows, data, pos.data());
        break;
      case TypeId::kFloat64: {
        // -0.0 and 0.0 must be one key; all NaNs one key.
        const double* values = col.values<double>();
        for (int64_t i = 0; i < n; ++i) {
          int64_t r = row_at(i);
          bool valid = col.IsValid(r);
          double v = valid ? values[r] : 0.0;
          if (v == 0.0) v = 0.0;
          if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
          data[pos[i]] = static_cast<char>(valid);
          std::memcpy(data + pos[i] + 1, &v, 8);
          pos[i] += 9;
        }
        break;
      }
      case TypeId::kDecimal:
        WriteFixed<int128_t>(col, begin, n, rows, data, pos.data());
        break;
      case TypeId::kString:
      case TypeId::kBinary: {
        const int32_t* o = col.offsets();
        const char* bytes = col.string_data();
        const bool has_nulls = col.null_count() > 0;
        for (int64_t i = 0; i < n; ++i) {
          int64_t r = row_at(i);
          bool valid = !has_nulls || col.IsValid(r);
          uint32_t len = valid ? static_cast<uint32_t>(o[r + 1] - o[r]) : 0;
          char* dst = data + pos[i];
          dst[0] = static_cast<char>(valid);
          std::memcpy(dst + 1, &len, 4);
          if (len > 0) std::memcpy(dst + 5, bytes + o[r], len);  // an all-empty column has no bytes buffer
          pos[i] += 5 + len;
        }
        break;
      }
    }
  }

  out->hashes.resize(static_cast<size_t>(n));
  uint64_t* hashes = out->hashes.data();
  for (int64_t i = 0; i < n; ++i) hashes[i] = HashBytes(data + offsets[i], offsets[i + 1] - offsets[i]);
}

std::vector<ColumnPtr> KeyEncoder::Decode(std::span<const std::string_view> keys) const {
  const int64_t n = static_cast<int64_t>(keys.size());
  std::vector<size_t> pos(static_cast<size_t>(n), 0);
  std::vector<ColumnPtr> out;
  for (const auto& type : types_) {
    ColumnBuilder builder(type, n);
    for (int64_t i = 0; i < n; ++i) {
      const char* p = keys[static_cast<size_t>(i)].data() + pos[static_cast<size_t>(i)];
      bool valid = p[0] != 0;
      size_t used = static_cast<size_t>(FixedPart(type));
      if (type.IsVarLength()) {
        uint32_t len;
        std::memcpy(&len, p + 1, 4);
        used += len;
        if (valid) builder.AppendString(std::string_view(p + 5, len));
      } else if (valid) {
        switch (type.id) {
          case TypeId::kBool: builder.AppendBool(p[1] != 0); break;
          case TypeId::kInt32:
          case TypeId::kDate: { int32_t v; std::memcpy(&v, p + 1, 4); builder.AppendInt32(v); break; }
          case TypeId::kInt64:
          case TypeId::kTimestamp: { int64_t v; std::memcpy(&v, p + 1, 8); builder.AppendInt64(v); break; }
          case TypeId::kFloat64: { double v; std::memcpy(&v, p + 1, 8); builder.AppendDouble(v); break; }
          case TypeId::kDecimal: { int128_t v; std::memcpy(&v, p + 1, 16); builder.AppendDecimal(v); break; }
          default: builder.AppendNull(); break;
        }
      }
      if (!valid) builder.AppendNull();
      pos[static_cast<size_t>(i)] += used;
    }
    out.push_back(builder.Finish());
  }
  return out;
}

namespace {

int128_t Pow10(int n) {
  int128_t r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

template <typename Fn>
ColumnPtr MapColumn(const Column& col, const DataType& target, Fn fn) {
  ColumnBuilder builder(target, col.length());
  for (int64_t i = 0; i < col.length(); ++i) {
    if (col.IsNull(i)) {
      builder.AppendNull();
    } else {
      fn(builder, i);
    }
  }
  return builder.Finish();
}

}  // namespace

Result<ColumnPtr> CastKeyColumn(const ColumnPtr& column, const DataType& target) {
  const Column& col = *column;
  const DataType& from = col.type();
  if (from == target) return column;
  if (from.id == TypeId::kNull) return Column::MakeNull(target, col.length());
  if (from.IsVarLength() && target.IsVarLength()) {
    return std::make_shared<const Column>(target, col.length(), col.validity_buffer(), col.values_buffer(),
                                          col.data_buffer(), col.null_count());
  }
  if (from.id == TypeId::kTimestamp && target.id == TypeId::kTimestamp) {
    return std::make_shared<const Column>(target, col.length(), col.validity_buffer(), col.values_buffer(),
                                          nullptr, col.null_count());
  }
  auto as_int = [&](int64_t i) -> int64_t {
    return from.id == TypeId::kInt32 ? col.Get<int32_t>(i) : col.Get<int64_t>(i);
  };
  switch (target.id) {
    case TypeId::kInt64:
      if (from.id == TypeId::kInt32) {
        return MapColumn(col, target, [&](ColumnBuilder& b, int64_t i) { b.AppendInt64(col.Get<int32_t>(i)); });
      }
      break;
    case TypeId::kFloat64:
      if (from.IsInteger()) {
        return MapColumn(col, target, [&](ColumnBuilder& b, int64_t i) { b.AppendDouble(static_cast<double>(as_int(i))); });
      }
      if (from.id == TypeId::kDecimal) {
        const double div = static_cast<double>(Pow10(from.scale));
        return MapColumn(col, target, [&](ColumnBuilder& b, int64_t i) {
          b.AppendDouble(static_cast<double>(col.Get<int128_t>(i)) / div);
        });
      }
      break;
    case TypeId::kDecimal:
      if (from.IsInteger()) {
        const int128_t mul = Pow10(target.scale);
        return MapColumn(col, target, [&](ColumnBuilder& b, int64_t i) { b.AppendDecimal(as_int(i) * mul); });
      }
      if (from.id == TypeId::kDecimal && target.scale >= from.scale) {
        const int128_t mul = Pow10(target.scale - from.scale);
        return MapColumn(col, target, [&](ColumnBuilder& b, int64_t i) { b.AppendDecimal(col.Get<int128_t>(i) * mul); });
      }
      break;
    case TypeId::kTimestamp:
      if (from.id == TypeId::kDate) {
        return MapColumn(col, target, [&](ColumnBuilder& b, int64_t i) {
          b.AppendInt64(static_cast<int64_t>(col.Get<int32_t>(i)) * 86'400'000'000LL);
        });
      }
      break;
    default:
      break;
  }
  return Status::InvalidArgument("cannot convert key of type " + from.ToString() + " to " + target.ToString());
}

}  // namespace logidata
