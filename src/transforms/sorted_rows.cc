#include "transforms/sorted_rows.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "common/check.h"
#include "common/parallel_for.h"

namespace logidata {

namespace {

constexpr int kMaxWords = 4;  // entries stay at most 40 bytes; further keys compare on the columns
constexpr uint64_t kRowMask = 0xffffffffu;
// Below this many rows per range, one more thread costs more than it saves.
constexpr int64_t kMinRowsPerThread = 16 * 1024;

inline uint64_t FlipSign(uint64_t v) { return v ^ (uint64_t{1} << 63); }

// One normalised key column: where its words go and how they are made.
struct Part {
  int column = 0;
  bool null_word = false;  // the key has nulls somewhere: a word 0/1/2 orders them first or last
  bool descending = false;
  bool nulls_first = false;
  int value_words = 1;
};

struct Layout {
  std::vector<Part> parts;
  int words = 0;
  bool fallback = false;    // equal words may still differ on the columns …
  size_t fallback_from = 0;  // … from this key on
};

Layout MakeLayout(const std::vector<BatchPtr>& batches, const RowComparator& cmp) {
  Layout layout;
  const auto& keys = cmp.keys();
  for (size_t k = 0; k < keys.size(); ++k) {
    Part part;
    part.column = keys[k].column;
    part.descending = keys[k].descending;
    part.nulls_first = keys[k].nulls_first;
    for (const auto& b : batches) part.null_word |= b->column(part.column)->null_count() > 0;
    const TypeId type = batches.front()->column(part.column)->type().id;
    part.value_words = type == TypeId::kDecimal ? 2 : 1;
    const int need = (part.null_word ? 1 : 0) + part.value_words;
    if (layout.words + need > kMaxWords) {
      layout.fallback = true;
      layout.fallback_from = k;
      return layout;
    }
    layout.parts.push_back(part);
    layout.words += need;
    if (type == TypeId::kString || type == TypeId::kBinary) {  // 8 bytes of a longer value
      layout.fallback = true;
      layout.fallback_from = k;
      return layout;
    }
  }
  return layout;
}

// Big-endian first 8 bytes, zero padded: compares as memcmp on the prefix.
inline uint64_t StringPrefix(std::string_view s) {
  uint64_t w = 0;
  const size_t n = std::min<size_t>(8, s.size());
  for (size_t i = 0; i < n; ++i) w |= uint64_t{static_cast<uint8_t>(s[i])} << (56 - 8 * i);
  return w;
}

// Writes the value words of row i (non-null) of `col` to w[0..value_words).
inline void ValueWords(const Column& col, int64_t i, uint64_t* w) {
  switch (col.type().id) {
    case TypeId::kNull: w[0] = 0; break;
    case TypeId::kBool: w[0] = col.GetBool(i) ? 1 : 0; break;
    case TypeId::kInt32:
    case TypeId::kDate: w[0] = FlipSign(static_cast<uint64_t>(static_cast<int64_t>(col.Get<int32_t>(i)))); break;
    case TypeId::kInt64:
    case TypeId::kTimestamp: w[0] = FlipSign(static_cast<uint64_t>(col.Get<int64_t>(i))); break;
    case TypeId::kFloat64: {
      double d = col.Get<double>(i);
      if (d == 0.0) d = 0.0;  // -0.0 sorts with 0.0
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      w[0] = (bits >> 63) ? ~bits : FlipSign(bits);
      break;
    }
    case TypeId::kDecimal: {
      const int128_t x = col.Get<int128_t>(i);
      w[0] = FlipSign(static_cast<uint64_t>(static_cast<unsigned __int128>(x) >> 64));
      w[1] = static_cast<uint64_t>(static_cast<unsigned __int128>(x));
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary: w[0] = StringPrefix(col.GetString(i)); break;
  }
}

template <int W>
struct Entry {
  uint64_t k[W];
  uint64_t pos;
};

template <int W>
class SortedRowsImpl final : public SortedRows {
 public:
  SortedRowsImpl(std::vector<BatchPtr> batches, const RowComparator& cmp, Layout layout)
      : SortedRows(std::move(batches)), cmp_(cmp), layout_(std::move(layout)) {}

  void Build(int threads) {
    std::vector<int64_t> starts(batches_.size() + 1, 0);
    for (size_t b = 0; b < batches_.size(); ++b) starts[b + 1] = starts[b] + batches_[b]->num_rows();
    const int64_t n = starts.back();
    entries_.resize(static_cast<size_t>(n));
    const int ranges = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n / kMinRowsPerThread)));
    ParallelFor(static_cast<int>(batches_.size()), ranges, [&](int b) { Encode(b, entries_.data() + starts[static_cast<size_t>(b)]); });

    // Sort `ranges` slices at once, then merge pairs (in parallel) until two are left.
    std::vector<int64_t> bounds;
    for (int r = 0; r <= ranges; ++r) bounds.push_back(n * r / ranges);
    ParallelFor(ranges, ranges, [&](int r) {
      std::sort(entries_.begin() + bounds[static_cast<size_t>(r)], entries_.begin() + bounds[static_cast<size_t>(r) + 1], Less());
    });
    if (bounds.size() > 3) {
      std::vector<Entry<W>> other(entries_.size());
      while (bounds.size() > 3) {
        const int slices = static_cast<int>(bounds.size()) - 1;
        ParallelFor((slices + 1) / 2, ranges, [&](int pair) {
          const auto lo = static_cast<size_t>(2 * pair);
          const int64_t b = bounds[lo], m = bounds[std::min(lo + 1, bounds.size() - 1)];
          const int64_t e = bounds[std::min(lo + 2, bounds.size() - 1)];
          std::merge(entries_.begin() + b, entries_.begin() + m, entries_.begin() + m, entries_.begin() + e,
                     other.begin() + b, Less());
        });
        std::vector<int64_t> merged;
        for (size_t i = 0; i < bounds.size(); i += 2) merged.push_back(bounds[i]);
        if (merged.back() != n) merged.push_back(n);
        bounds = std::move(merged);
        entries_.swap(other);
      }
    }
    split_ = bounds.size() == 3 ? bounds[1] : n;
  }

  int64_t size() const override { return static_cast<int64_t>(entries_.size()); }
  int64_t ByteSize() const override { return static_cast<int64_t>(entries_.capacity() * sizeof(Entry<W>)); }

  void Positions(int64_t begin, int64_t end, uint64_t* out) const override {
    const Entry<W>* a = entries_.data();
    const Entry<W>* b = entries_.data() + split_;
    const int64_t na = split_, nb = size() - split_;
    // Merge path: the first `begin` outputs take i rows from a and begin - i from b.
    int64_t lo = std::max<int64_t>(0, begin - nb), hi = std::min(begin, na);
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (Less()(a[mid], b[begin - mid - 1])) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int64_t i = lo, j = begin - lo;
    const EntryLess less = Less();
    for (int64_t d = begin; d < end; ++d) {
      if (j >= nb || (i < na && less(a[i], b[j]))) {
        *out++ = a[i++].pos;
      } else {
        *out++ = b[j++].pos;
      }
    }
  }

 private:
  struct EntryLess {
    const SortedRowsImpl* self;
    bool operator()(const Entry<W>& x, const Entry<W>& y) const;
  };
  EntryLess Less() const { return EntryLess{this}; }

  void Encode(int b, Entry<W>* out) const {
    const Batch& batch = *batches_[static_cast<size_t>(b)];
    const int64_t rows = batch.num_rows();
    const uint64_t base = static_cast<uint64_t>(b) << 32;
    for (int64_t i = 0; i < rows; ++i) {
      out[i].pos = base | static_cast<uint64_t>(i);
      for (int w = 0; w < W; ++w) out[i].k[w] = 0;
    }
    int w = 0;
    for (const Part& part : layout_.parts) {
      const Column& col = *batch.column(part.column);
      const bool has_nulls = col.null_count() > 0;
      const uint64_t flip = part.descending ? ~uint64_t{0} : 0;
      const int vw = w + (part.null_word ? 1 : 0);
      for (int64_t i = 0; i < rows; ++i) {
        uint64_t* k = out[i].k;
        if (has_nulls && col.IsNull(i)) {
          if (part.null_word) k[w] = part.nulls_first ? 0 : 2;
          continue;  // value words stay 0
        }
        if (part.null_word) k[w] = 1;
        ValueWords(col, i, k + vw);
        for (int v = 0; v < part.value_words; ++v) k[vw + v] ^= flip;
      }
      w = vw + part.value_words;
    }
  }

  const RowComparator& cmp_;
  Layout layout_;
  std::vector<Entry<W>> entries_;
  int64_t split_ = 0;  // entries_ is sorted in [0, split_) and [split_, size)
};

template <int W>
bool SortedRowsImpl<W>::EntryLess::operator()(const Entry<W>& x, const Entry<W>& y) const {
  for (int w = 0; w < W; ++w) {
    if (x.k[w] != y.k[w]) return x.k[w] < y.k[w];
  }
  if (self->layout_.fallback) {
    const auto& bs = self->batches_;
    const int c = self->cmp_.Compare(*bs[x.pos >> 32], static_cast<int64_t>(x.pos & kRowMask), *bs[y.pos >> 32],
                                     static_cast<int64_t>(y.pos & kRowMask), self->layout_.fallback_from);
    if (c != 0) return c < 0;
  }
  return x.pos < y.pos;
}

template <int W>
std::unique_ptr<SortedRows> Make(std::vector<BatchPtr> batches, const RowComparator& cmp, Layout layout, int threads) {
  auto rows = std::make_unique<SortedRowsImpl<W>>(std::move(batches), cmp, std::move(layout));
  rows->Build(threads);
  return rows;
}

template <typename T>
BufferPtr GatherFixed(const std::vector<const Column*>& cols, const uint64_t* pos, int64_t n) {
  std::vector<const T*> src;
  for (const Column* c : cols) src.push_back(c->values<T>());
  auto out = std::make_shared<Buffer>();
  out->Resize(static_cast<size_t>(n) * sizeof(T));
  T* dst = out->mutable_data_as<T>();
  for (int64_t i = 0; i < n; ++i) dst[i] = src[pos[i] >> 32][pos[i] & kRowMask];
  return out;
}

ColumnPtr GatherColumn(const std::vector<const Column*>& cols, const uint64_t* pos, int64_t n) {
  const DataType& type = cols.front()->type();
  if (type.id == TypeId::kNull) return Column::MakeNull(type, n);
  BufferPtr validity;
  int64_t nulls = 0;
  bool any_nulls = false;
  for (const Column* c : cols) any_nulls |= c->null_count() > 0;
  if (any_nulls) {
    validity = std::make_shared<Buffer>();
    validity->Resize(static_cast<size_t>(BitmapBytes(n)), true);
    for (int64_t i = 0; i < n; ++i) {
      if (cols[pos[i] >> 32]->IsValid(static_cast<int64_t>(pos[i] & kRowMask))) {
        SetBit(validity->mutable_data(), i);
      } else {
        ++nulls;
      }
    }
  }
  switch (type.id) {
    case TypeId::kNull: break;
    case TypeId::kBool: {
      auto values = std::make_shared<Buffer>();
      values->Resize(static_cast<size_t>(BitmapBytes(n)), true);
      for (int64_t i = 0; i < n; ++i) {
        if (cols[pos[i] >> 32]->GetBool(static_cast<int64_t>(pos[i] & kRowMask))) SetBit(values->mutable_data(), i);
      }
      return std::make_shared<const Column>(type, n, validity, values, nullptr, nulls);
    }
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<int32_t>(cols, pos, n), nullptr, nulls);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<int64_t>(cols, pos, n), nullptr, nulls);
    case TypeId::kFloat64:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<double>(cols, pos, n), nullptr, nulls);
    case TypeId::kDecimal:
      return std::make_shared<const Column>(type, n, validity, GatherFixed<int128_t>(cols, pos, n), nullptr, nulls);
    case TypeId::kString:
    case TypeId::kBinary: {
      auto offsets = std::make_shared<Buffer>();
      offsets->Resize(static_cast<size_t>(n + 1) * 4);
      int32_t* out_offsets = offsets->mutable_data_as<int32_t>();
      int64_t total = 0;
      for (int64_t i = 0; i < n; ++i) {
        const int32_t* o = cols[pos[i] >> 32]->offsets();
        const uint64_t r = pos[i] & kRowMask;
        total += o[r + 1] - o[r];
      }
      LD_CHECK(total <= INT32_MAX);  // at most kTargetBatchRows rows per gather
      auto data = std::make_shared<Buffer>(static_cast<size_t>(total));
      data->Resize(static_cast<size_t>(total));
      char* dst = data->mutable_data_as<char>();
      int32_t at = 0;
      out_offsets[0] = 0;
      for (int64_t i = 0; i < n; ++i) {
        const Column& c = *cols[pos[i] >> 32];
        const uint64_t r = pos[i] & kRowMask;
        const int32_t* o = c.offsets();
        const int32_t len = o[r + 1] - o[r];
        if (len > 0) std::memcpy(dst + at, c.string_data() + o[r], static_cast<size_t>(len));
        at += len;
        out_offsets[i + 1] = at;
      }
      return std::make_shared<const Column>(type, n, validity, offsets, data, nulls);
    }
  }
  return Column::MakeNull(type, n);
}

}  // namespace

std::unique_ptr<SortedRows> SortedRows::Sort(std::vector<BatchPtr> batches, const RowComparator& cmp, int threads) {
  LD_CHECK(!batches.empty());
  LD_CHECK(batches.size() <= kRowMask);
  Layout layout = MakeLayout(batches, cmp);
  switch (layout.words) {
    case 1: return Make<1>(std::move(batches), cmp, std::move(layout), threads);
    case 2: return Make<2>(std::move(batches), cmp, std::move(layout), threads);
    case 3: return Make<3>(std::move(batches), cmp, std::move(layout), threads);
    default: return Make<4>(std::move(batches), cmp, std::move(layout), threads);
  }
}

BatchPtr GatherRows(const SchemaPtr& schema, const std::vector<BatchPtr>& batches, const uint64_t* positions,
                    int64_t n) {
  std::vector<ColumnPtr> columns;
  std::vector<const Column*> cols(batches.size());
  for (int c = 0; c < schema->num_fields(); ++c) {
    for (size_t b = 0; b < batches.size(); ++b) cols[b] = batches[b]->column(c).get();
    columns.push_back(GatherColumn(cols, positions, n));
  }
  return Batch::Make(schema, std::move(columns), n);
}

}  // namespace logidata
