// Datum and the small building blocks every kernel uses: a value that is either a whole column or
// one scalar (constants are never broadcast inside kernels), the per-call evaluation context,
// and helpers that build Arrow-layout output buffers. Thread-compatible; EvalContext is per call.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/column.h"
#include "types/value.h"

namespace logidata::expr {

struct Datum {
  ColumnPtr column;  // set when !is_scalar
  Value scalar;      // set when is_scalar (typed; may be null)
  bool is_scalar = false;

  static Datum Scalar(Value v) {
    Datum d;
    d.scalar = std::move(v);
    d.is_scalar = true;
    return d;
  }
  static Datum Array(ColumnPtr c) {
    Datum d;
    d.column = std::move(c);
    return d;
  }
  bool IsNullScalar() const { return is_scalar && scalar.is_null(); }
  // A scalar broadcast to `length` rows, or the column itself.
  ColumnPtr ToColumn(int64_t length) const;
};

// Per-Evaluate state: maps rows of a sub-batch (CASE evaluates a branch only on the rows that
// take it) back to rows of the caller's batch, so errors name the right row.
struct EvalContext {
  const int32_t* row_map = nullptr;  // null: identity
  bool folding = false;              // evaluating constants at compile time: no row numbers
  int64_t OriginalRow(int64_t row) const { return row_map != nullptr ? row_map[row] : row; }
  Status RowError(int64_t row, const std::string& message) const {
    if (folding) return Status::DataError(message);
    return Status::DataError("row " + std::to_string(OriginalRow(row)) + ": " + message);
  }
};

// Allocates a zeroed bitmap of `bits` bits, padded to whole 64-bit words.
BufferPtr NewBitmap(int64_t bits, bool value = false);
// Allocates a zeroed buffer of `bytes` bytes (padded to 64-bit words).
BufferPtr NewBuffer(int64_t bytes);
// Validity of a datum for array kernels: null for "all valid", else the bitmap.
inline const uint8_t* ValidityOf(const Datum& d) { return d.is_scalar ? nullptr : d.column->validity(); }
// AND of up to two validity bitmaps (either may be null = all valid); null when both are.
BufferPtr AndValidity(int64_t length, const uint8_t* a, const uint8_t* b);
// Copies a validity bitmap (or returns null when `bits` is null).
BufferPtr CopyValidity(int64_t length, const uint8_t* bits);

// Builds a string column's offsets and bytes directly (no per-row Value). The write position is
// kept here, not in the Buffer, so appending a row is a bounds check and a memcpy.
class StringWriter {
 public:
  StringWriter(int64_t length, int64_t expected_bytes);
  void Append(std::string_view s) {
    char* out = Reserve(s.size());
    if (!s.empty()) std::memcpy(out, s.data(), s.size());
    Commit(s.size());
  }
  void AppendEmpty() {
    offsets_[row_ + 1] = offsets_[row_];
    ++row_;
  }
  // Reserves `n` bytes and returns where to write them; Commit(n_written) ends the row.
  char* Reserve(size_t n) {
    if (size_ + n > capacity_) Grow(n);
    return base_ + size_;
  }
  void Commit(size_t n) {
    size_ += n;
    offsets_[++row_] = static_cast<int32_t>(size_);
  }
  // True when the bytes written exceed the int32 offsets of the Arrow string layout.
  bool Overflowed() const { return size_ > static_cast<size_t>(INT32_MAX); }
  ColumnPtr Finish(const DataType& type, BufferPtr validity);

 private:
  void Grow(size_t n);

  int64_t length_;
  int64_t row_ = 0;
  BufferPtr offsets_buffer_;
  int32_t* offsets_;
  BufferPtr data_;
  char* base_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Reads element i of a fixed-width datum, scalar or array, as T.
template <typename T>
struct FixedReader {
  const T* values = nullptr;
  T constant{};
  bool scalar = false;
  T operator[](int64_t i) const { return scalar ? constant : values[i]; }
};

// Reads strings from a datum, scalar or array.
struct StringReader {
  const int32_t* offsets = nullptr;
  const char* data = nullptr;
  std::string_view constant;
  bool scalar = false;
  explicit StringReader(const Datum& d) {
    if (d.is_scalar) {
      scalar = true;
      if (!d.scalar.is_null()) constant = d.scalar.string_value();
    } else {
      offsets = d.column->offsets();
      data = d.column->string_data();
    }
  }
  std::string_view operator[](int64_t i) const {
    if (scalar) return constant;
    return std::string_view(data + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i]));
  }
};

// Null test for element i of a datum.
struct NullReader {
  const uint8_t* bits = nullptr;
  bool scalar_null = false;
  explicit NullReader(const Datum& d) {
    if (d.is_scalar) scalar_null = d.scalar.is_null();
    else bits = d.column->validity();
  }
  bool IsNull(int64_t i) const { return scalar_null || (bits != nullptr && !GetBit(bits, i)); }
};

// Physical value of a non-null scalar as T (int32/int64/double/int128/bool).
template <typename T>
T ScalarAs(const Value& v);

template <typename T>
FixedReader<T> MakeFixedReader(const Datum& d) {
  FixedReader<T> r;
  if (d.is_scalar) {
    r.scalar = true;
    if (!d.scalar.is_null()) r.constant = ScalarAs<T>(d.scalar);
  } else {
    r.values = d.column->values<T>();
  }
  return r;
}

// Packs a per-row predicate into a bitmap, 64 rows per word.
template <typename F>
void FillBitmap(uint8_t* out, int64_t length, F&& f) {
  uint64_t* words = reinterpret_cast<uint64_t*>(out);
  int64_t full = length / 64;
  for (int64_t w = 0; w < full; ++w) {
    uint64_t word = 0;
    const int64_t base = w * 64;
    for (int j = 0; j < 64; ++j) word |= static_cast<uint64_t>(f(base + j)) << j;
    words[w] = word;
  }
  if (full * 64 < length) {
    uint64_t word = 0;
    for (int64_t i = full * 64; i < length; ++i) word |= static_cast<uint64_t>(f(i)) << (i - full * 64);
    words[full] = word;
  }
}

// Makes a column of `type` from raw buffers (null_count counted from `validity`).
ColumnPtr MakeColumn(const DataType& type, int64_t length, BufferPtr validity, BufferPtr values,
                     BufferPtr data = nullptr);

// Physical C++ type of a logical type id, for dispatch.
template <typename F>
auto DispatchFixed(TypeId id, F&& f) {
  switch (id) {
    case TypeId::kInt32:
    case TypeId::kDate: return f(int32_t{});
    case TypeId::kInt64:
    case TypeId::kTimestamp: return f(int64_t{});
    case TypeId::kFloat64: return f(double{});
    default: return f(int128_t{});
  }
}

}  // namespace logidata::expr

namespace logidata::expr {

// Builds a column of `type` whose row i is row i of inputs[pick[i]] (every input is a scalar or
// a column of n rows of `type`); pick[i] == kPickNull makes the row NULL.
inline constexpr uint16_t kPickNull = 0xFFFF;
ColumnPtr GatherRows(const DataType& type, const std::vector<Datum>& inputs, const std::vector<uint16_t>& pick,
                     int64_t n);

}  // namespace logidata::expr
