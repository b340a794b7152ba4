#include "transforms/aggregate_function.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "transforms/key_encoder.h"
#include "transforms/key_table.h"
#include "types/column_builder.h"

namespace logidata {

namespace {

constexpr uint32_t kUnmapped = 0xffffffffu;

int128_t Pow10(int n) {
  int128_t r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Reads a numeric input value as double (int32, int64, float64, decimal).
struct DoubleReader {
  explicit DoubleReader(const Column& c) : col(c), type(c.type().id), div(static_cast<double>(Pow10(c.type().scale))) {}
  double operator()(int64_t i) const {
    switch (type) {
      case TypeId::kInt32: return col.Get<int32_t>(i);
      case TypeId::kInt64: return static_cast<double>(col.Get<int64_t>(i));
      case TypeId::kDecimal: return static_cast<double>(col.Get<int128_t>(i)) / div;
      default: return col.Get<double>(i);
    }
  }
  const Column& col;
  TypeId type;
  double div;
};

// Physical value access per storage type.
template <typename T>
T ReadValue(const Column& c, int64_t i) {
  if constexpr (std::is_same_v<T, bool>) {
    return c.GetBool(i);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return std::string(c.GetString(i));
  } else {
    return c.Get<T>(i);
  }
}

template <typename T>
void AppendValue(ColumnBuilder& b, const T& v) {
  if constexpr (std::is_same_v<T, bool>) b.AppendBool(v);
  else if constexpr (std::is_same_v<T, int32_t>) b.AppendInt32(v);
  else if constexpr (std::is_same_v<T, int64_t>) b.AppendInt64(v);
  else if constexpr (std::is_same_v<T, double>) b.AppendDouble(v);
  else if constexpr (std::is_same_v<T, int128_t>) b.AppendDecimal(v);
  else b.AppendString(v);
}

template <typename T>
int64_t ValueBytes(const std::vector<T>& v) {
  int64_t bytes = static_cast<int64_t>(v.capacity() * sizeof(T));
  if constexpr (std::is_same_v<T, std::string>) {
    for (const auto& s : v) bytes += static_cast<int64_t>(s.capacity() > 15 ? s.capacity() : 0);
  }
  return bytes;
}

class CountAcc final : public Accumulator {
 public:
  void Resize(int64_t g) override { counts_.resize(static_cast<size_t>(g), 0); }
  Status Update(const Column* in, const uint32_t* groups, int64_t n, uint64_t, const int64_t*) override {
    int64_t* counts = counts_.data();
    if (in == nullptr || in->null_count() == 0) {
      if (in != nullptr && in->type().id == TypeId::kNull) return Status::OK();
      for (int64_t i = 0; i < n; ++i) ++counts[groups[i]];
    } else {
      for (int64_t i = 0; i < n; ++i) counts[groups[i]] += in->IsValid(i);
    }
    return Status::OK();
  }
  Status Merge(Accumulator& o, std::span<const uint32_t> src, std::span<const uint32_t> dst) override {
    auto& other = static_cast<CountAcc&>(o);
    for (size_t k = 0; k < src.size(); ++k) counts_[dst[k]] += other.counts_[src[k]];
    return Status::OK();
  }
  ColumnPtr Finish(int64_t b, int64_t e) override {
    auto values = Buffer::CopyOf(counts_.data() + b, static_cast<size_t>(e - b) * 8);
    return std::make_shared<const Column>(DataType::Int64(), e - b, nullptr, values);
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(counts_.capacity() * 8); }

 private:
  std::vector<int64_t> counts_;
};

// Sum of int32/int64 into int64 with overflow detection.
class SumIntAcc final : public Accumulator {
 public:
  explicit SumIntAcc(std::string name) : name_(std::move(name)) {}
  void Resize(int64_t g) override {
    sums_.resize(static_cast<size_t>(g), 0);
    has_.resize(static_cast<size_t>(g), 0);
  }
  Status Update(const Column* in, const uint32_t* groups, int64_t n, uint64_t, const int64_t*) override {
    bool overflow = false;
    const bool nulls = in->null_count() > 0;
    int64_t* sums = sums_.data();
    uint8_t* has = has_.data();
    auto run = [&](auto* values) {
      for (int64_t i = 0; i < n; ++i) {
        if (nulls && in->IsNull(i)) continue;
        const uint32_t g = groups[i];
        overflow |= __builtin_add_overflow(sums[g], static_cast<int64_t>(values[i]), &sums[g]);
        has[g] = 1;
      }
    };
    if (in->type().id == TypeId::kInt32) run(in->values<int32_t>());
    else run(in->values<int64_t>());
    if (overflow) return Overflow();
    return Status::OK();
  }
  Status Merge(Accumulator& o, std::span<const uint32_t> src, std::span<const uint32_t> dst) override {
    auto& other = static_cast<SumIntAcc&>(o);
    bool overflow = false;
    for (size_t k = 0; k < src.size(); ++k) {
      overflow |= __builtin_add_overflow(sums_[dst[k]], other.sums_[src[k]], &sums_[dst[k]]);
      has_[dst[k]] |= other.has_[src[k]];
    }
    if (overflow) return Overflow();
    return Status::OK();
  }
  ColumnPtr Finish(int64_t b, int64_t e) override {
    ColumnBuilder out(DataType::Int64(), e - b);
    for (int64_t g = b; g < e; ++g) {
      if (has_[static_cast<size_t>(g)]) out.AppendInt64(sums_[static_cast<size_t>(g)]);
      else out.AppendNull();
    }
    return out.Finish();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(sums_.capacity() * 9); }

 private:
  Status Overflow() const {
    return Status::DataError("sum of column '" + name_ + "' overflows int64; cast it to decimal or float64 first");
  }
  std::string name_;
  std::vector<int64_t> sums_;
  std::vector<uint8_t> has_;
};

// Sum of float64 (T = double) or decimal (T = int128_t, result decimal(38, s)).
template <typename T>
class SumAcc final : public Accumulator {
 public:
  explicit SumAcc(DataType result) : result_(std::move(result)) {}
  void Resize(int64_t g) override {
    sums_.resize(static_cast<size_t>(g), T{});
    has_.resize(static_cast<size_t>(g), 0);
  }
  Status Update(const Column* in, const uint32_t* groups, int64_t n, uint64_t, const int64_t*) override {
    const T* values = in->values<T>();
    T* sums = sums_.data();
    uint8_t* has = has_.data();
    if (in->null_count() == 0) {
      for (int64_t i = 0; i < n; ++i) {
        sums[groups[i]] += values[i];
        has[groups[i]] = 1;
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        if (in->IsNull(i)) continue;
        sums[groups[i]] += values[i];
        has[groups[i]] = 1;
      }
    }
    return Status::OK();
  }
  Status Merge(Accumulator& o, std::span<const uint32_t> src, std::span<const uint32_t> dst) override {
    auto& other = static_cast<SumAcc&>(o);
    for (size_t k = 0; k < src.size(); ++k) {
      sums_[dst[k]] += other.sums_[src[k]];
      has_[dst[k]] |= other.has_[src[k]];
    }
    return Status::OK();
  }
  ColumnPtr Finish(int64_t b, int64_t e) override {
    ColumnBuilder out(result_, e - b);
    for (int64_t g = b; g < e; ++g) {
      if (has_[static_cast<size_t>(g)]) AppendValue<T>(out, sums_[static_cast<size_t>(g)]);
      else out.AppendNull();
    }
    return out.Finish();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(sums_.capacity() * (sizeof(T) + 1)); }

 private:
  DataType result_;
  std::vector<T> sums_;
  std::vector<uint8_t> has_;
};

class AvgAcc final : public Accumulator {
 public:
  void Resize(int64_t g) override {
    sums_.resize(static_cast<size_t>(g), 0.0);
    counts_.resize(static_cast<size_t>(g), 0);
  }
  Status Update(const Column* in, const uint32_t* groups, int64_t n, uint64_t, const int64_t*) override {
    double* sums = sums_.data();
    int64_t* counts = counts_.data();
    if (in->null_count() == 0) {
      auto run = [&](auto* v) {
        for (int64_t i = 0; i < n; ++i) {
          sums[groups[i]] += static_cast<double>(v[i]);
          ++counts[groups[i]];
        }
      };
      switch (in->type().id) {
        case TypeId::kFloat64: run(in->values<double>()); return Status::OK();
        case TypeId::kInt64: run(in->values<int64_t>()); return Status::OK();
        case TypeId::kInt32: run(in->values<int32_t>()); return Status::OK();
        default: break;
      }
    }
    DoubleReader read(*in);
    const bool nulls = in->null_count() > 0;
    for (int64_t i = 0; i < n; ++i) {
      if (nulls && in->IsNull(i)) continue;
      sums[groups[i]] += read(i);
      ++counts[groups[i]];
    }
    return Status::OK();
  }
  Status Merge(Accumulator& o, std::span<const uint32_t> src, std::span<const uint32_t> dst) override {
    auto& other = static_cast<AvgAcc&>(o);
    for (size_t k = 0; k < src.size(); ++k) {
      sums_[dst[k]] += other.sums_[src[k]];
      counts_[dst[k]] += other.counts_[src[k]];
    }
    return Status::OK();
  }
  ColumnPtr Finish(int64_t b, int64_t e) override {
    ColumnBuilder out(DataType::Float64(), e - b);
    for (int64_t g = b; g < e; ++g) {
      const size_t s = static_cast<size_t>(g);
      if (counts_[s] > 0) out.AppendDouble(sums_[s] / static_cast<double>(counts_[s]));
      else out.AppendNull();
    }
    return out.Finish();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(sums_.capacity() * 16); }

 private:
  std::vector<double> sums_;
  std::vector<int64_t> counts_;
};

// Sample standard deviation with Welford updates and Chan's parallel merge.
class StddevAcc final : public Accumulator {
 public:
  void Resize(int64_t g) override {
    count_.resize(static_cast<size_t>(g), 0.0);
    mean_.resize(static_cast<size_t>(g), 0.0);
    m2_.resize(static_cast<size_t>(g), 0.0);
  }
  Status Update(const Column* in, const uint32_t* groups, int64_t n, uint64_t, const int64_t*) override {
    DoubleReader read(*in);
    const bool nulls = in->null_count() > 0;
    for (int64_t i = 0; i < n; ++i) {
      if (nulls && in->IsNull(i)) continue;
      const uint32_t g = groups[i];
      const double x = read(i);
      count_[g] += 1.0;
      const double d = x - mean_[g];
      mean_[g] += d / count_[g];
      m2_[g] += d * (x - mean_[g]);
    }
    return Status::OK();
  }
  Status Merge(Accumulator& o, std::span<const uint32_t> src, std::span<const uint32_t> dst) override {
    auto& other = static_cast<StddevAcc&>(o);
    for (size_t k = 0; k < src.size(); ++k) {
      const uint32_t a = dst[k], b = src[k];
      const double nb = other.count_[b];
      if (nb == 0) continue;
      const double na = count_[a];
      const double n = na + nb;
      const double d = other.mean_[b] - mean_[a];
      mean_[a] += d * nb / n;
      m2_[a] += other.m2_[b] + d * d * na * nb / n;
      count_[a] = n;
    }
    return Status::OK();
  }
  ColumnPtr Finish(int64_t b, int64_t e) override {
    ColumnBuilder out(DataType::Float64(), e - b);
    for (int64_t g = b; g < e; ++g) {
      const size_t s = static_cast<size_t>(g);
      if (count_[s] >= 2) out.AppendDouble(std::sqrt(m2_[s] / (count_[s] - 1)));
      else out.AppendNull();
    }
    return out.Finish();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(count_.capacity() * 24); }

 private:
  std::vector<double> count_, mean_, m2_;
};

// min / max over any ordered type.
template <typename T, bool kMax>
class MinMaxAcc final : public Accumulator {
 public:
  explicit MinMaxAcc(DataType result) : result_(std::move(result)) {}
  void Resize(int64_t g) override {
    values_.resize(static_cast<size_t>(g));
    has_.resize(static_cast<size_t>(g), 0);
  }
  void Offer(uint32_t g, const T& v) {
    if (!has_[g]) {
      values_[g] = v;
      has_[g] = 1;
    } else if (kMax ? (values_[g] < v) : (v < values_[g])) {
      values_[g] = v;
    }
  }
  Status Update(const Column* in, const uint32_t* groups, int64_t n, uint64_t, const int64_t*) override {
    const bool nulls = in->null_count() > 0;
    if constexpr (std::is_same_v<T, std::string>) {
      for (int64_t i = 0; i < n; ++i) {
        if (nulls && in->IsNull(i)) continue;
        const uint32_t g = groups[i];
        std::string_view v = in->GetString(i);
        if (!has_[g] || (kMax ? (std::string_view(values_[g]) < v) : (v < std::string_view(values_[g])))) {
          values_[g].assign(v);
          has_[g] = 1;
        }
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        if (nulls && in->IsNull(i)) continue;
        Offer(groups[i], ReadValue<T>(*in, i));
      }
    }
    return Status::OK();
  }
  Status Merge(Accumulator& o, std::span<const uint32_t> src, std::span<const uint32_t> dst) override {
    auto& other = static_cast<MinMaxAcc&>(o);
    for (size_t k = 0; k < src.size(); ++k) {
      if (other.has_[src[k]]) Offer(dst[k], other.values_[src[k]]);
    }
    return Status::OK();
  }
  ColumnPtr Finish(int64_t b, int64_t e) override {
    ColumnBuilder out(result_, e - b);
    for (int64_t g = b; g < e; ++g) {
      if (has_[static_cast<size_t>(g)]) AppendValue<T>(out, values_[static_cast<size_t>(g)]);
      else out.AppendNull();
    }
    return out.Finish();
  }
  int64_t MemoryBytes() const override { return ValueBytes(values_) + static_cast<int64_t>(has_.capacity()); }

 private:
  DataType result_;
  std::vector<T> values_;
  std::vector<uint8_t> has_;
};

// first / last in input order (by stamp), nulls included.
template <typename T, bool kLast>
class FirstLastAcc final : public Accumulator {
 public:
  explicit FirstLastAcc(DataType result) : result_(std::move(result)) {}
  void Resize(int64_t g) override {
    values_.resize(static_cast<size_t>(g));
    valid_.resize(static_cast<size_t>(g), 0);
    stamps_.resize(static_cast<size_t>(g), kLast ? 0 : std::numeric_limits<uint64_t>::max());
    has_.resize(static_cast<size_t>(g), 0);
  }
  bool Wins(uint32_t g, uint64_t stamp) const {
    return !has_[g] || (kLast ? stamp > stamps_[g] : stamp < stamps_[g]);
  }
  Status Update(const Column* in, const uint32_t* groups, int64_t n, uint64_t base, const int64_t* stamps) override {
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t g = groups[i];
      const uint64_t s = stamps != nullptr ? static_cast<uint64_t>(stamps[i]) : base + static_cast<uint64_t>(i);
      if (!Wins(g, s)) continue;
      has_[g] = 1;
      stamps_[g] = s;
      valid_[g] = in->IsValid(i);
      if (valid_[g]) values_[g] = ReadValue<T>(*in, i);
    }
    return Status::OK();
  }
  Status Merge(Accumulator& o, std::span<const uint32_t> src, std::span<const uint32_t> dst) override {
    auto& other = static_cast<FirstLastAcc&>(o);
    for (size_t k = 0; k < src.size(); ++k) {
      const uint32_t s = src[k], d = dst[k];
      if (!other.has_[s] || !Wins(d, other.stamps_[s])) continue;
      has_[d] = 1;
      stamps_[d] = other.stamps_[s];
      valid_[d] = other.valid_[s];
      values_[d] = other.values_[s];
    }
    return Status::OK();
  }
  ColumnPtr Finish(int64_t b, int64_t e) override {
    ColumnBuilder out(result_, e - b);
    for (int64_t g = b; g < e; ++g) {
      const size_t s = static_cast<size_t>(g);
      if (has_[s] && valid_[s]) AppendValue<T>(out, values_[s]);
      else out.AppendNull();
    }
    return out.Finish();
  }
  int64_t MemoryBytes() const override {
    return ValueBytes(values_) + static_cast<int64_t>(valid_.capacity() * 10);
  }

 private:
  DataType result_;
  std::vector<T> values_;
  std::vector<uint8_t> valid_;
  std::vector<uint64_t> stamps_;
  std::vector<uint8_t> has_;
};

// count_distinct: a set of (group id, encoded value) pairs; nulls are not counted.
class CountDistinctAcc final : public Accumulator {
 public:
  explicit CountDistinctAcc(DataType input) : encoder_({std::move(input)}) {}
  void Resize(int64_t g) override { groups_ = g; }
  Status Update(const Column* in, const uint32_t* groups, int64_t n, uint64_t, const int64_t*) override {
    ColumnPtr holder(in, [](const Column*) {});
    ColumnPtr cols[1] = {holder};
    encoder_.Encode(cols, 0, n, &values_);
    pairs_.data.clear();
    pairs_.offsets.assign(1, 0);
    for (int64_t i = 0; i < n; ++i) {
      if (!values_.all_valid[static_cast<size_t>(i)]) continue;
      AppendPair(groups[i], values_.key(i));
    }
    pairs_.ComputeHashes();
    ids_.resize(pairs_.hashes.size());
    table_.FindOrInsert(pairs_, ids_.data());
    return Status::OK();
  }
  Status Merge(Accumulator& o, std::span<const uint32_t> src, std::span<const uint32_t> dst) override {
    auto& other = static_cast<CountDistinctAcc&>(o);
    std::vector<uint32_t> map(static_cast<size_t>(other.groups_), kUnmapped);
    for (size_t k = 0; k < src.size(); ++k) map[src[k]] = dst[k];
    pairs_.data.clear();
    pairs_.offsets.assign(1, 0);
    for (int64_t e = 0; e < other.table_.size(); ++e) {
      std::string_view key = other.table_.key(e);
      uint32_t g;
      std::memcpy(&g, key.data(), 4);
      if (map[g] == kUnmapped) continue;
      AppendPair(map[g], key.substr(4));
    }
    pairs_.ComputeHashes();
    ids_.resize(pairs_.hashes.size());
    table_.FindOrInsert(pairs_, ids_.data());
    return Status::OK();
  }
  ColumnPtr Finish(int64_t b, int64_t e) override {
    std::vector<int64_t> counts(static_cast<size_t>(e - b), 0);
    for (int64_t k = 0; k < table_.size(); ++k) {
      uint32_t g;
      std::memcpy(&g, table_.key(k).data(), 4);
      if (g >= b && g < e) ++counts[g - static_cast<uint64_t>(b)];
    }
    auto values = Buffer::CopyOf(counts.data(), counts.size() * 8);
    return std::make_shared<const Column>(DataType::Int64(), e - b, nullptr, values);
  }
  int64_t MemoryBytes() const override { return table_.MemoryBytes(); }

 private:
  void AppendPair(uint32_t group, std::string_view value) {
    const char* gp = reinterpret_cast<const char*>(&group);
    pairs_.data.insert(pairs_.data.end(), gp, gp + 4);
    pairs_.data.insert(pairs_.data.end(), value.begin(), value.end());
    pairs_.offsets.push_back(static_cast<uint32_t>(pairs_.data.size()));
  }

  KeyEncoder encoder_;
  KeyTable table_;
  int64_t groups_ = 0;
  EncodedKeys values_, pairs_;
  std::vector<uint32_t> ids_;
};

// Aggregates over an all-null (null-typed) column: always null.
class NullAcc final : public Accumulator {
 public:
  explicit NullAcc(DataType result) : result_(std::move(result)) {}
  void Resize(int64_t) override {}
  Status Update(const Column*, const uint32_t*, int64_t, uint64_t, const int64_t*) override { return Status::OK(); }
  Status Merge(Accumulator&, std::span<const uint32_t>, std::span<const uint32_t>) override { return Status::OK(); }
  ColumnPtr Finish(int64_t b, int64_t e) override { return Column::MakeNull(result_, e - b); }
  int64_t MemoryBytes() const override { return 0; }

 private:
  DataType result_;
};

template <template <typename, bool> class Acc, bool kFlag>
std::unique_ptr<Accumulator> ByStorage(const DataType& t, const DataType& result) {
  switch (t.id) {
    case TypeId::kBool: return std::make_unique<Acc<bool, kFlag>>(result);
    case TypeId::kInt32:
    case TypeId::kDate: return std::make_unique<Acc<int32_t, kFlag>>(result);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return std::make_unique<Acc<int64_t, kFlag>>(result);
    case TypeId::kFloat64: return std::make_unique<Acc<double, kFlag>>(result);
    case TypeId::kDecimal: return std::make_unique<Acc<int128_t, kFlag>>(result);
    case TypeId::kString:
    case TypeId::kBinary: return std::make_unique<Acc<std::string, kFlag>>(result);
    case TypeId::kNull: return std::make_unique<NullAcc>(result);
  }
  return std::make_unique<NullAcc>(result);
}

}  // namespace

const std::vector<std::string>& AggFunctionNames() {
  static const std::vector<std::string> kNames = {"count", "count_distinct", "sum", "avg", "min",
                                                  "max", "first", "last", "stddev"};
  return kNames;
}

std::optional<AggFunction> ParseAggFunction(std::string_view name) {
  const auto& names = AggFunctionNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<AggFunction>(i);
  }
  if (name == "mean") return AggFunction::kAvg;
  return std::nullopt;
}

Result<DataType> AggResultType(AggFunction fn, const DataType* input) {
  if (fn == AggFunction::kCount) return DataType::Int64();
  if (input == nullptr) return Status::InvalidArgument("needs a column");
  const DataType& t = *input;
  switch (fn) {
    case AggFunction::kCountDistinct: return DataType::Int64();
    case AggFunction::kSum:
      if (t.id == TypeId::kNull) return DataType::Int64();
      if (t.IsInteger()) return DataType::Int64();
      if (t.id == TypeId::kFloat64) return DataType::Float64();
      if (t.id == TypeId::kDecimal) return DataType::Decimal(38, t.scale);
      break;
    case AggFunction::kAvg:
    case AggFunction::kStddev:
      if (t.IsNumeric() || t.id == TypeId::kNull) return DataType::Float64();
      break;
    default:
      return t;
  }
  return Status::InvalidArgument("cannot compute " + AggFunctionNames()[static_cast<size_t>(fn)] + " of a " +
                                 t.ToString() + " column");
}

std::unique_ptr<Accumulator> MakeAccumulator(AggFunction fn, const DataType* input, const DataType& result,
                                             std::string column_name) {
  if (fn == AggFunction::kCount) return std::make_unique<CountAcc>();
  const DataType& t = *input;
  if (t.id == TypeId::kNull) {
    if (fn == AggFunction::kCountDistinct) return std::make_unique<CountDistinctAcc>(t);
    return std::make_unique<NullAcc>(result);
  }
  switch (fn) {
    case AggFunction::kCount: break;
    case AggFunction::kCountDistinct: return std::make_unique<CountDistinctAcc>(t);
    case AggFunction::kSum:
      if (t.IsInteger()) return std::make_unique<SumIntAcc>(std::move(column_name));
      if (t.id == TypeId::kDecimal) return std::make_unique<SumAcc<int128_t>>(result);
      return std::make_unique<SumAcc<double>>(result);
    case AggFunction::kAvg: return std::make_unique<AvgAcc>();
    case AggFunction::kStddev: return std::make_unique<StddevAcc>();
    case AggFunction::kMin: return ByStorage<MinMaxAcc, false>(t, result);
    case AggFunction::kMax: return ByStorage<MinMaxAcc, true>(t, result);
    case AggFunction::kFirst: return ByStorage<FirstLastAcc, false>(t, result);
    case AggFunction::kLast: return ByStorage<FirstLastAcc, true>(t, result);
  }
  return std::make_unique<CountAcc>();
}

}  // namespace logidata
