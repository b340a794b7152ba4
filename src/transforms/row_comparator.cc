#include "transforms/row_comparator.h"

#include <cstdint>
#include <cstring>
#include <string_view>

namespace logidata {

namespace {

template <typename T>
int Cmp(const T& x, const T& y) {
  return x < y ? -1 : (y < x ? 1 : 0);
}

int CompareValues(const Column& a, int64_t i, const Column& b, int64_t j) {
  switch (a.type().id) {
    case TypeId::kNull: return 0;
    case TypeId::kBool: return Cmp(a.GetBool(i), b.GetBool(j));
    case TypeId::kInt32:
    case TypeId::kDate: return Cmp(a.Get<int32_t>(i), b.Get<int32_t>(j));
    case TypeId::kInt64:
    case TypeId::kTimestamp: return Cmp(a.Get<int64_t>(i), b.Get<int64_t>(j));
    case TypeId::kFloat64: return Cmp(a.Get<double>(i), b.Get<double>(j));
    case TypeId::kDecimal: return Cmp(a.Get<int128_t>(i), b.Get<int128_t>(j));
    case TypeId::kString:
    case TypeId::kBinary: {
      int c = a.GetString(i).compare(b.GetString(j));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  return 0;
}

inline uint64_t FlipSign(uint64_t v) { return v ^ (uint64_t{1} << 63); }

}  // namespace

int RowComparator::Compare(const Batch& a, int64_t i, const Batch& b, int64_t j, size_t from) const {
  for (size_t k = from; k < keys_.size(); ++k) {
    const SortKey& key = keys_[k];
    const Column& ca = *a.column(key.column);
    const Column& cb = *b.column(key.column);
    const bool na = ca.IsNull(i), nb = cb.IsNull(j);
    if (na || nb) {
      if (na && nb) continue;
      // A null sorts first or last regardless of the direction.
      return (na == key.nulls_first) ? -1 : 1;
    }
    int c = CompareValues(ca, i, cb, j);
    if (c != 0) return key.descending ? -c : c;
  }
  return 0;
}

void RowComparator::Prefixes(const Column& col, bool descending, std::vector<uint64_t>* out, bool* exact) {
  const int64_t n = col.length();
  out->resize(static_cast<size_t>(n));
  uint64_t* p = out->data();
  *exact = true;
  switch (col.type().id) {
    case TypeId::kNull:
      for (int64_t i = 0; i < n; ++i) p[i] = 0;
      break;
    case TypeId::kBool:
      for (int64_t i = 0; i < n; ++i) p[i] = col.GetBool(i);
      break;
    case TypeId::kInt32:
    case TypeId::kDate: {
      const int32_t* v = col.values<int32_t>();
      for (int64_t i = 0; i < n; ++i) p[i] = FlipSign(static_cast<uint64_t>(static_cast<int64_t>(v[i])));
      break;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      const int64_t* v = col.values<int64_t>();
      for (int64_t i = 0; i < n; ++i) p[i] = FlipSign(static_cast<uint64_t>(v[i]));
      break;
    }
    case TypeId::kFloat64: {
      const double* v = col.values<double>();
      for (int64_t i = 0; i < n; ++i) {
        double d = v[i] == 0.0 ? 0.0 : v[i];
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        p[i] = (bits >> 63) ? ~bits : FlipSign(bits);
      }
      break;
    }
    case TypeId::kDecimal: {
      *exact = false;
      const int128_t* v = col.values<int128_t>();
      for (int64_t i = 0; i < n; ++i) {
        // Saturate to int64 range: order-preserving, ties resolved by Compare.
        int128_t x = v[i];
        int64_t s = x > INT64_MAX ? INT64_MAX : (x < INT64_MIN ? INT64_MIN : static_cast<int64_t>(x));
        p[i] = FlipSign(static_cast<uint64_t>(s));
      }
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      *exact = false;
      // Skip the bytes every value shares ("country-…"), so the 8 prefix bytes discriminate.
      size_t common = SIZE_MAX;
      std::string_view first;
      bool have_first = false;
      for (int64_t i = 0; i < n && common > 0; ++i) {
        if (col.IsNull(i)) continue;
        std::string_view s = col.GetString(i);
        if (!have_first) {
          first = s;
          have_first = true;
          common = s.size();
          continue;
        }
        size_t k = 0;
        const size_t m = std::min(common, s.size());
        while (k < m && s[k] == first[k]) ++k;
        common = k;
      }
      if (!have_first) common = 0;
      for (int64_t i = 0; i < n; ++i) {
        std::string_view s = col.GetString(i);
        s = s.substr(std::min(common, s.size()));
        uint64_t x = 0;
        const size_t m = std::min<size_t>(8, s.size());
        for (size_t k = 0; k < m; ++k) x |= static_cast<uint64_t>(static_cast<uint8_t>(s[k])) << (56 - 8 * k);
        p[i] = x;
      }
      break;
    }
  }
  if (descending) {
    for (int64_t i = 0; i < n; ++i) p[i] = ~p[i];
  }
}

}  // namespace logidata
