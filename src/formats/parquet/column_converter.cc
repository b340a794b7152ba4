#include "formats/parquet/column_converter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "types/temporal.h"

namespace logidata::parquet {
namespace {

constexpr int64_t kJulianEpochDay = 2440588;  // Julian day number of 1970-01-01

template <typename Out, typename In, typename F>
BufferPtr MapFixed(const DenseValues& v, F f) {
  auto buf = std::make_shared<Buffer>(static_cast<size_t>(v.count) * sizeof(Out));
  buf->Resize(static_cast<size_t>(v.count) * sizeof(Out));
  const In* src = v.fixed->data_as<In>();
  Out* dst = buf->mutable_data_as<Out>();
  for (int64_t i = 0; i < v.count; ++i) dst[i] = f(src[i]);
  return buf;
}

double HalfToDouble(uint16_t h) {
  int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0) v = std::ldexp(mant, -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(mant + 1024, exp - 25);
  return sign ? -v : v;
}

int128_t BigEndianToInt128(const uint8_t* p, size_t n) {
  if (n == 0) return 0;
  unsigned __int128 v = (p[0] & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return static_cast<int128_t>(v);
}

}  // namespace

Result<ColumnPtr> ConvertDense(const LeafColumn& leaf, const DenseValues& v) {
  const int64_t n = v.count;
  const DataType& t = leaf.value_type;
  switch (leaf.conversion) {
    case Conversion::kNull:
      return Column::MakeNull(DataType::Null(), n);
    case Conversion::kBool: {
      auto bits = std::make_shared<Buffer>(static_cast<size_t>(BitmapBytes(n)));
      bits->Resize(static_cast<size_t>(BitmapBytes(n)), true);
      const uint8_t* src = v.fixed->data();
      uint8_t* dst = bits->mutable_data();
      for (int64_t i = 0; i < n; ++i) if (src[i]) SetBit(dst, i);
      return std::make_shared<const Column>(t, n, nullptr, bits, nullptr, 0);
    }
    case Conversion::kInt32:
    case Conversion::kDate:
    case Conversion::kInt64:
    case Conversion::kDouble:
    case Conversion::kTimestampMicros:
    case Conversion::kTimeMicros:
      return std::make_shared<const Column>(t, n, nullptr, v.fixed, nullptr, 0);
    case Conversion::kUInt32ToInt64:
      return std::make_shared<const Column>(t, n, nullptr, MapFixed<int64_t, uint32_t>(v, [](uint32_t x) { return int64_t{x}; }), nullptr, 0);
    case Conversion::kUInt64ToDecimal:
      return std::make_shared<const Column>(t, n, nullptr, MapFixed<int128_t, uint64_t>(v, [](uint64_t x) { return static_cast<int128_t>(x); }), nullptr, 0);
    case Conversion::kFloatToDouble:
      return std::make_shared<const Column>(t, n, nullptr, MapFixed<double, float>(v, [](float x) { return static_cast<double>(x); }), nullptr, 0);
    case Conversion::kFloat16ToDouble:
      return std::make_shared<const Column>(t, n, nullptr, MapFixed<double, uint16_t>(v, HalfToDouble), nullptr, 0);
    case Conversion::kDecimalInt32:
      return std::make_shared<const Column>(t, n, nullptr, MapFixed<int128_t, int32_t>(v, [](int32_t x) { return static_cast<int128_t>(x); }), nullptr, 0);
    case Conversion::kDecimalInt64:
      return std::make_shared<const Column>(t, n, nullptr, MapFixed<int128_t, int64_t>(v, [](int64_t x) { return static_cast<int128_t>(x); }), nullptr, 0);
    case Conversion::kTimestampMillis:
      return std::make_shared<const Column>(t, n, nullptr, MapFixed<int64_t, int64_t>(v, [](int64_t x) { return static_cast<int64_t>(static_cast<uint64_t>(x) * 1000); }), nullptr, 0);
    case Conversion::kTimestampNanos:
    case Conversion::kTimeNanos:
      return std::make_shared<const Column>(t, n, nullptr, MapFixed<int64_t, int64_t>(v, [](int64_t x) { return FloorDiv(x, 1000); }), nullptr, 0);
    case Conversion::kTimeMillis:
      return std::make_shared<const Column>(t, n, nullptr, MapFixed<int64_t, int32_t>(v, [](int32_t x) { return int64_t{x} * 1000; }), nullptr, 0);
    case Conversion::kInt96Timestamp: {
      auto buf = std::make_shared<Buffer>(static_cast<size_t>(n) * 8);
      buf->Resize(static_cast<size_t>(n) * 8);
      const uint8_t* src = v.fixed->data();
      int64_t* dst = buf->mutable_data_as<int64_t>();
      for (int64_t i = 0; i < n; ++i) {
        int64_t nanos;
        int32_t day;
        std::memcpy(&nanos, src + i * 12, 8);
        std::memcpy(&day, src + i * 12 + 8, 4);
        dst[i] = static_cast<int64_t>(static_cast<uint64_t>(int64_t{day} - kJulianEpochDay) * static_cast<uint64_t>(kMicrosPerDay) +
                                      static_cast<uint64_t>(FloorDiv(nanos, 1000)));
      }
      return std::make_shared<const Column>(t, n, nullptr, buf, nullptr, 0);
    }
    case Conversion::kDecimalBytes: {
      auto buf = std::make_shared<Buffer>(static_cast<size_t>(n) * 16);
      buf->Resize(static_cast<size_t>(n) * 16);
      int128_t* dst = buf->mutable_data_as<int128_t>();
      if (v.is_byte_array()) {
        const int32_t* off = v.offsets->data_as<int32_t>();
        for (int64_t i = 0; i < n; ++i) {
          size_t len = static_cast<size_t>(off[i + 1] - off[i]);
          if (len > 16) return Status::DataError("corrupt Parquet column '" + leaf.name + "': decimal longer than 16 bytes");
          dst[i] = BigEndianToInt128(v.bytes->data() + off[i], len);
        }
      } else {
        const size_t w = static_cast<size_t>(v.width);
        for (int64_t i = 0; i < n; ++i) dst[i] = BigEndianToInt128(v.fixed->data() + static_cast<size_t>(i) * w, w);
      }
      return std::make_shared<const Column>(t, n, nullptr, buf, nullptr, 0);
    }
    case Conversion::kString:
    case Conversion::kBinary: {
      if (v.is_byte_array()) return std::make_shared<const Column>(t, n, nullptr, v.offsets, v.bytes, 0);
      const int64_t w = v.width;
      if (n * w > INT32_MAX) return Status::Unsupported("unsupported: more than 2 GiB of data in one Parquet column chunk");
      auto off = std::make_shared<Buffer>(static_cast<size_t>(n + 1) * 4);
      off->Resize(static_cast<size_t>(n + 1) * 4);
      int32_t* o = off->mutable_data_as<int32_t>();
      for (int64_t i = 0; i <= n; ++i) o[i] = static_cast<int32_t>(i * w);
      return std::make_shared<const Column>(t, n, nullptr, off, v.fixed, 0);
    }
  }
  return Status::Internal("unhandled Parquet conversion");
}

namespace {

// Spreads `dense` (non-null values in order) over `rows` slots; slot i is valid when def[i] == max_def.
ColumnPtr Spread(const Column& dense, const std::vector<int16_t>& def, int16_t max_def, int64_t rows) {
  const DataType& t = dense.type();
  auto validity = std::make_shared<Buffer>(static_cast<size_t>(BitmapBytes(rows)));
  validity->Resize(static_cast<size_t>(BitmapBytes(rows)), true);
  uint8_t* valid = validity->mutable_data();
  int64_t nulls = 0;
  for (int64_t i = 0; i < rows; ++i) {
    if (def[static_cast<size_t>(i)] == max_def) SetBit(valid, i); else ++nulls;
  }
  if (t.id == TypeId::kNull) return Column::MakeNull(t, rows);
  if (t.IsVarLength()) {
    auto off = std::make_shared<Buffer>(static_cast<size_t>(rows + 1) * 4);
    off->Resize(static_cast<size_t>(rows + 1) * 4);
    int32_t* o = off->mutable_data_as<int32_t>();
    const int32_t* src = dense.offsets();
    int64_t k = 0;
    o[0] = src[0];
    for (int64_t i = 0; i < rows; ++i) {
      if (GetBit(valid, i)) ++k;
      o[i + 1] = src[k];
    }
    return std::make_shared<const Column>(t, rows, validity, off, dense.data_buffer(), nulls);
  }
  if (t.id == TypeId::kBool) {
    auto bits = std::make_shared<Buffer>(static_cast<size_t>(BitmapBytes(rows)));
    bits->Resize(static_cast<size_t>(BitmapBytes(rows)), true);
    int64_t k = 0;
    for (int64_t i = 0; i < rows; ++i) {
      if (GetBit(valid, i)) { if (dense.GetBool(k)) SetBit(bits->mutable_data(), i); ++k; }
    }
    return std::make_shared<const Column>(t, rows, validity, bits, nullptr, nulls);
  }
  const size_t w = static_cast<size_t>(t.ByteWidth());
  auto values = std::make_shared<Buffer>(static_cast<size_t>(rows) * w);
  values->Resize(static_cast<size_t>(rows) * w, true);
  const uint8_t* src = dense.values_buffer()->data();
  uint8_t* dst = values->mutable_data();
  int64_t k = 0;
  if (w == 8) {
    for (int64_t i = 0; i < rows; ++i) {
      if (GetBit(valid, i)) { std::memcpy(dst + i * 8, src + k * 8, 8); ++k; }
    }
  } else {
    for (int64_t i = 0; i < rows; ++i) {
      if (GetBit(valid, i)) { std::memcpy(dst + static_cast<size_t>(i) * w, src + static_cast<size_t>(k) * w, w); ++k; }
    }
  }
  return std::make_shared<const Column>(t, rows, validity, values, nullptr, nulls);
}

void AppendJsonValue(const Column& c, int64_t i, std::string* out) {
  Value v = c.GetValue(i);
  if (c.type().id == TypeId::kString) {
    out->push_back('"');
    for (unsigned char ch : v.string_value()) {
      switch (ch) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default:
          if (ch < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", ch);
            out->append(buf);
          } else {
            out->push_back(static_cast<char>(ch));
          }
      }
    }
    out->push_back('"');
  } else {
    out->append(v.ToJson());
  }
}

// Record assembly for one repeated leaf: one JSON array (nested per repeated level) per row; a
// row whose outermost list is null becomes a null cell.
Result<ColumnPtr> AssembleJson(const LeafColumn& leaf, const ChunkData& chunk, const Column& dense, int64_t num_rows) {
  const int levels = leaf.max_rep;
  std::vector<std::string> rows;
  std::vector<bool> row_null;
  rows.reserve(static_cast<size_t>(std::min(num_rows, chunk.num_levels)));
  int64_t k = 0;  // next dense value
  int depth = 0;  // arrays currently open
  std::string* cur = nullptr;
  for (int64_t i = 0; i < chunk.num_levels; ++i) {
    int r = chunk.rep[static_cast<size_t>(i)];
    int d = leaf.max_def > 0 ? chunk.def[static_cast<size_t>(i)] : 0;
    if (r == 0) {
      if (cur != nullptr) while (depth > 0) { cur->push_back(']'); --depth; }
      rows.emplace_back();
      row_null.push_back(false);
      cur = &rows.back();
    } else {
      if (cur == nullptr || r > depth) return Status::DataError("corrupt Parquet column '" + leaf.name + "': bad repetition level");
      while (depth > r) { cur->push_back(']'); --depth; }
      cur->push_back(',');
    }
    int level = r == 0 ? 1 : r + 1;
    bool leaf_reached = true;
    for (; level <= levels; ++level) {
      size_t L = static_cast<size_t>(level - 1);
      if (d >= leaf.repeated_def[L]) {
        cur->push_back('[');
        depth = level;
        continue;
      }
      leaf_reached = false;
      bool empty = leaf.empty_def[L] >= 0 && d == leaf.empty_def[L];
      if (level == 1 && !empty) row_null.back() = true;
      else cur->append(empty ? "[]" : "null");
      break;
    }
    if (leaf_reached) {
      if (d == leaf.max_def) {
        if (k >= dense.length()) return Status::DataError("corrupt Parquet column '" + leaf.name + "': fewer values than levels say");
        AppendJsonValue(dense, k++, cur);
      } else {
        cur->append("null");
      }
    }
  }
  if (cur != nullptr) while (depth > 0) { cur->push_back(']'); --depth; }
  if (static_cast<int64_t>(rows.size()) != num_rows) {
    return Status::DataError("corrupt Parquet column '" + leaf.name + "': " + std::to_string(rows.size()) +
                             " rows, row group says " + std::to_string(num_rows));
  }
  auto off = std::make_shared<Buffer>(static_cast<size_t>(num_rows + 1) * 4);
  off->Resize(static_cast<size_t>(num_rows + 1) * 4);
  auto data = std::make_shared<Buffer>();
  auto validity = std::make_shared<Buffer>(static_cast<size_t>(BitmapBytes(num_rows)));
  validity->Resize(static_cast<size_t>(BitmapBytes(num_rows)), true);
  int32_t* o = off->mutable_data_as<int32_t>();
  o[0] = 0;
  int64_t nulls = 0;
  for (int64_t i = 0; i < num_rows; ++i) {
    if (row_null[static_cast<size_t>(i)]) {
      ++nulls;
    } else {
      SetBit(validity->mutable_data(), i);
      data->Append(rows[static_cast<size_t>(i)].data(), rows[static_cast<size_t>(i)].size());
    }
    if (data->size() > INT32_MAX) return Status::Unsupported("unsupported: more than 2 GiB of JSON in one column chunk");
    o[i + 1] = static_cast<int32_t>(data->size());
  }
  return std::make_shared<const Column>(DataType::String(), num_rows, validity, off, data, nulls);
}

}  // namespace

Result<ColumnPtr> ConvertChunk(const LeafColumn& leaf, ChunkData& chunk, int64_t num_rows) {
  LD_ASSIGN_OR_RETURN(ColumnPtr dense, ConvertDense(leaf, chunk.values));
  if (leaf.max_rep > 0) return AssembleJson(leaf, chunk, *dense, num_rows);
  if (chunk.num_levels != num_rows) {
    return Status::DataError("corrupt Parquet column '" + leaf.name + "': " + std::to_string(chunk.num_levels) +
                             " values, row group says " + std::to_string(num_rows) + " rows");
  }
  if (leaf.max_def == 0 || chunk.values.count == num_rows) {
    if (chunk.values.count != num_rows) {
      return Status::DataError("corrupt Parquet column '" + leaf.name + "': value count disagrees with row count");
    }
    return dense;
  }
  if (leaf.conversion == Conversion::kNull) return Column::MakeNull(DataType::Null(), num_rows);
  return Spread(*dense, chunk.def, leaf.max_def, num_rows);
}

}  // namespace logidata::parquet
