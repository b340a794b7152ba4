#include "formats/parquet/column_chunk_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <string_view>

#include "common/hash_bytes.h"
#include "formats/parquet/bit_util.h"
#include "formats/parquet/compression.h"
#include "formats/parquet/rle_hybrid.h"
#include "formats/parquet/thrift_codec.h"

namespace logidata::parquet {
namespace {

// Longest min/max string kept in statistics; longer values leave min/max out (truncating would
// need the max to be rounded up).
constexpr size_t kMaxStatBytes = 64;

int DecimalByteLength(int precision) {
  unsigned __int128 max = 1;
  for (int i = 0; i < precision; ++i) max *= 10;
  max -= 1;
  int n = 1;
  while (n < 16 && (static_cast<unsigned __int128>(1) << (8 * n - 1)) <= max) ++n;
  return n;
}

pq::Type::type PhysicalFor(const DataType& t, int* type_length) {
  *type_length = 0;
  switch (t.id) {
    case TypeId::kBool: return pq::Type::BOOLEAN;
    case TypeId::kInt32: case TypeId::kDate: case TypeId::kNull: return pq::Type::INT32;
    case TypeId::kInt64: case TypeId::kTimestamp: return pq::Type::INT64;
    case TypeId::kFloat64: return pq::Type::DOUBLE;
    case TypeId::kDecimal:
      if (t.precision <= 9) return pq::Type::INT32;
      if (t.precision <= 18) return pq::Type::INT64;
      *type_length = DecimalByteLength(t.precision);
      return pq::Type::FIXED_LEN_BYTE_ARRAY;
    case TypeId::kString: case TypeId::kBinary: return pq::Type::BYTE_ARRAY;
  }
  return pq::Type::BYTE_ARRAY;
}

// Non-null values of a chunk in physical form plus the definition levels, in the scratch's buffers.
struct Gathered {
  explicit Gathered(ColumnEncodeScratch* scratch)
      : fixed(scratch->fixed), strings(scratch->strings), def(scratch->definition_levels) {
    fixed.clear();
    strings.clear();
    def.clear();
  }
  pq::Type::type physical = pq::Type::INT32;
  int width = 0;                       // fixed-width bytes per value (1 for BOOLEAN)
  std::string& fixed;                  // fixed-width values
  std::vector<std::string_view>& strings;
  std::vector<uint32_t>& def;          // one per row when the chunk has nulls, else empty
  int64_t rows = 0;
  int64_t non_null = 0;
};

template <typename T, typename Src>
void GatherFixed(const Column& c, Gathered* g, const std::function<T(Src)>& f = nullptr) {
  const Src* src = c.values<Src>();
  const int64_t n = c.length();
  size_t base = g->fixed.size();
  g->fixed.resize(base + static_cast<size_t>(n - c.null_count()) * sizeof(T));
  char* dst = g->fixed.data() + base;
  if (c.null_count() == 0 && !f && sizeof(T) == sizeof(Src)) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(T));
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (!c.IsValid(i)) continue;
    T v = f ? f(src[i]) : static_cast<T>(src[i]);
    std::memcpy(dst, &v, sizeof(T));
    dst += sizeof(T);
  }
}

void Gather(const DataType& t, const Column& c, Gathered* g) {
  const int64_t n = c.length();
  if (c.null_count() == n) return;  // all-null columns may have no value buffers at all
  switch (t.id) {
    case TypeId::kNull:
      break;
    case TypeId::kBool:
      for (int64_t i = 0; i < n; ++i) if (c.IsValid(i)) g->fixed.push_back(c.GetBool(i) ? 1 : 0);
      break;
    case TypeId::kInt32: case TypeId::kDate:
      GatherFixed<int32_t, int32_t>(c, g);
      break;
    case TypeId::kInt64: case TypeId::kTimestamp:
      GatherFixed<int64_t, int64_t>(c, g);
      break;
    case TypeId::kFloat64:
      GatherFixed<double, double>(c, g);
      break;
    case TypeId::kDecimal:
      if (g->physical == pq::Type::INT32) {
        GatherFixed<int32_t, int128_t>(c, g, [](int128_t v) { return static_cast<int32_t>(v); });
      } else if (g->physical == pq::Type::INT64) {
        GatherFixed<int64_t, int128_t>(c, g, [](int128_t v) { return static_cast<int64_t>(v); });
      } else {
        const int w = g->width;
        for (int64_t i = 0; i < n; ++i) {
          if (!c.IsValid(i)) continue;
          auto v = static_cast<unsigned __int128>(c.Get<int128_t>(i));
          for (int b = w - 1; b >= 0; --b) g->fixed.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
        }
      }
      break;
    case TypeId::kString: case TypeId::kBinary:
      for (int64_t i = 0; i < n; ++i) if (c.IsValid(i)) g->strings.push_back(c.GetString(i));
      break;
  }
}

// The first 8 bytes of `v`, zero-padded, as a big-endian number: when two strings' prefixes
// differ, they order as the strings do (unsigned bytes, Parquet's BYTE_ARRAY order).
uint64_t OrderPrefix(std::string_view v) {
  uint64_t p = 0;
  if (v.size() >= sizeof(p)) {
    std::memcpy(&p, v.data(), sizeof(p));
    return __builtin_bswap64(p);
  }
  // Shorter values are assembled in a register: a variable-length memcpy into `p` is stored in
  // pieces that the 8-byte load cannot forward from, and that stall was most of the statistics'
  // time on the orders table's text columns.
  for (size_t i = 0; i < v.size(); ++i) p |= static_cast<uint64_t>(static_cast<uint8_t>(v[i])) << (56 - 8 * i);
  return p;
}

// The values min/max statistics are taken over, in physical form: a chunk's non-null values, or
// its dictionary's distinct values (50 countries rather than a million rows).
struct StatValues {
  pq::Type::type physical;
  const char* fixed;                // `count` fixed-width values
  const std::string_view* strings;  // or `count` strings
  int64_t count;
};

// Statistics (physical order = our logical order for all we write, except FIXED_LEN_BYTE_ARRAY
// decimals, which get no min/max).
void ComputeStats(const StatValues& values, int64_t null_count, const DataType& t, pq::Statistics* s) {
  s->__set_null_count(null_count);
  if (values.count == 0 || t.id == TypeId::kNull) return;
  auto set = [&](const void* mn, const void* mx, size_t w) {
    s->__set_min_value(std::string(static_cast<const char*>(mn), w));
    s->__set_max_value(std::string(static_cast<const char*>(mx), w));
  };
  const int64_t n = values.count;
  switch (values.physical) {
    case pq::Type::BOOLEAN: {
      char mn = 1, mx = 0;
      for (int64_t i = 0; i < n; ++i) { mn = std::min(mn, values.fixed[i]); mx = std::max(mx, values.fixed[i]); }
      set(&mn, &mx, 1);
      break;
    }
    case pq::Type::INT32: {
      const auto* v = reinterpret_cast<const int32_t*>(values.fixed);
      int32_t mn = v[0], mx = v[0];
      for (int64_t i = 1; i < n; ++i) { mn = std::min(mn, v[i]); mx = std::max(mx, v[i]); }
      set(&mn, &mx, 4);
      break;
    }
    case pq::Type::INT64: {
      const auto* v = reinterpret_cast<const int64_t*>(values.fixed);
      int64_t mn = v[0], mx = v[0];
      for (int64_t i = 1; i < n; ++i) { mn = std::min(mn, v[i]); mx = std::max(mx, v[i]); }
      set(&mn, &mx, 8);
      break;
    }
    case pq::Type::DOUBLE: {
      const auto* v = reinterpret_cast<const double*>(values.fixed);
      double mn = INFINITY, mx = -INFINITY;
      bool any = false;
      for (int64_t i = 0; i < n; ++i) {
        if (std::isnan(v[i])) continue;
        any = true;
        mn = std::min(mn, v[i]);
        mx = std::max(mx, v[i]);
      }
      if (any) {
        // Per the spec, a zero min is written as -0.0 and a zero max as +0.0.
        if (mn == 0) mn = -0.0;
        if (mx == 0) mx = 0.0;
        set(&mn, &mx, 8);
      }
      break;
    }
    case pq::Type::BYTE_ARRAY: {
      // Most comparisons are decided by the first 8 bytes as one big-endian number; only equal
      // prefixes need the full comparison (it was two memcmp calls per value).
      std::string_view mn = values.strings[0], mx = values.strings[0];
      uint64_t mn_prefix = OrderPrefix(mn), mx_prefix = mn_prefix;
      for (int64_t i = 0; i < n; ++i) {
        const std::string_view v = values.strings[i];
        const uint64_t p = OrderPrefix(v);
        if (p < mn_prefix || (p == mn_prefix && v < mn)) { mn = v; mn_prefix = p; }
        if (p > mx_prefix || (p == mx_prefix && v > mx)) { mx = v; mx_prefix = p; }
      }
      if (mn.size() <= kMaxStatBytes && mx.size() <= kMaxStatBytes) {
        s->__set_min_value(std::string(mn));
        s->__set_max_value(std::string(mx));
      }
      break;
    }
    default:
      break;
  }
}

// Open-addressing dictionary builder over 64-bit keys or byte strings.
class DictionaryBuilder {
 public:
  // The table starts sized for the first kProbeValues values at most, not the whole chunk: most
  // columns that are not worth a dictionary are given up after those, and a table sized for a
  // million values is 8 MB allocated and zeroed per column chunk for nothing. A dictionary that
  // keeps going grows the table by rehashing. (Encode CPU time of the orders table: no change
  // measurable on this machine, bench/parquet_bench.)
  DictionaryBuilder(int64_t byte_limit, int64_t expected, std::vector<uint32_t>* indices)
      : byte_limit_(byte_limit), indices_(*indices) {
    indices_.clear();
    while (initial_slots_ < static_cast<size_t>(std::min<int64_t>(expected, kProbeValues)) * 2) initial_slots_ <<= 1;
  }

  // Murmur3's finalizer: every key bit affects the low bits used as the slot.
  static uint64_t Mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
  }

  // Returns false once the dictionary is over its limit.
  bool BuildFixed(const Gathered& g) { return g.width == 4 ? BuildFixedOf<4>(g) : BuildFixedOf<8>(g); }

  bool BuildStrings(const Gathered& g) {
    slots_.assign(initial_slots_, 0);
    indices_.resize(static_cast<size_t>(g.non_null));
    for (int64_t i = 0; i < g.non_null; ++i) {
      std::string_view key = g.strings[static_cast<size_t>(i)];
      const size_t h = HashBytes(key.data(), key.size());  // std::hash was 1 % of J1z's CPU
      size_t mask = slots_.size() - 1;
      size_t s = h & mask;
      while (true) {
        uint32_t e = slots_[s];
        if (e == 0) {
          string_keys_.push_back(key);
          hashes_.push_back(h);
          slots_[s] = static_cast<uint32_t>(string_keys_.size());
          indices_[static_cast<size_t>(i)] = static_cast<uint32_t>(string_keys_.size() - 1);
          bytes_ += static_cast<int64_t>(key.size()) + 4;
          if (bytes_ > byte_limit_) return false;
          if (string_keys_.size() * 2 > slots_.size()) RehashStrings();
          break;
        }
        if (hashes_[e - 1] == h && string_keys_[e - 1] == key) { indices_[static_cast<size_t>(i)] = e - 1; break; }
        s = (s + 1) & mask;
      }
      if (i == kProbeValues && MostlyDistinct(string_keys_.size())) return false;
    }
    return true;
  }

  int64_t size() const { return static_cast<int64_t>(std::max(fixed_keys_.size(), string_keys_.size())); }

  // After this many values, a column whose values are still mostly new is not worth a
  // dictionary (ids, timestamps, amounts): give up early instead of hashing the whole chunk.
  static constexpr int64_t kProbeValues = 65536;
  static bool MostlyDistinct(size_t distinct) { return distinct * 4 > static_cast<size_t>(kProbeValues) * 3; }
  const std::vector<uint32_t>& indices() const { return indices_; }
  const std::vector<std::string_view>& string_keys() const { return string_keys_; }

  void AppendPlain(const Gathered& g, std::string* out) const {
    if (g.physical == pq::Type::BYTE_ARRAY) {
      for (auto k : string_keys_) {
        uint32_t len = static_cast<uint32_t>(k.size());
        out->append(reinterpret_cast<const char*>(&len), 4);
        out->append(k);
      }
    } else {
      for (uint64_t k : fixed_keys_) out->append(reinterpret_cast<const char*>(&k), static_cast<size_t>(g.width));
    }
  }

 private:
  // A fixed-width key and its dictionary index + 1 (0 = empty) in one slot: a probe that finds
  // its key touches one cache line, not a slot and then the key list (two misses per value on
  // the orders table's amount column, whose table outgrows L2).
  struct FixedSlot {
    uint64_t key;
    uint32_t index_plus_one;
  };

  // The key is read with a constant width: a variable-width memcpy into a zeroed word went
  // through the stack, and the 8-byte load of it waited on the narrower store.
  template <size_t kWidth>
  bool BuildFixedOf(const Gathered& g) {
    fixed_slots_.assign(initial_slots_, FixedSlot{0, 0});
    indices_.resize(static_cast<size_t>(g.non_null));
    const char* values = g.fixed.data();
    auto key_at = [values](int64_t i) {
      if constexpr (kWidth == 4) {
        uint32_t narrow;
        std::memcpy(&narrow, values + static_cast<size_t>(i) * 4, 4);
        return static_cast<uint64_t>(narrow);
      } else {
        uint64_t wide;
        std::memcpy(&wide, values + static_cast<size_t>(i) * 8, 8);
        return wide;
      }
    };
    // The slot of the value kPrefetchAhead places on is fetched while this one is probed: with a
    // table larger than L2 each probe is a cache miss, and they overlap instead of queueing. Each
    // key is hashed once, when it is prefetched; the ring holds the hashes until their probe.
    constexpr int64_t kPrefetchAhead = 16;  // a power of two: the ring's index is a mask
    uint64_t ahead[kPrefetchAhead];
    auto hash_ahead = [&](int64_t i) {
      const uint64_t h = Mix(key_at(i));
      ahead[i & (kPrefetchAhead - 1)] = h;
      __builtin_prefetch(&fixed_slots_[h & (fixed_slots_.size() - 1)]);
    };
    for (int64_t i = 0; i < std::min(kPrefetchAhead, g.non_null); ++i) hash_ahead(i);
    for (int64_t i = 0; i < g.non_null; ++i) {
      const uint64_t key = key_at(i);
      const uint64_t hash = ahead[i & (kPrefetchAhead - 1)];
      if (i + kPrefetchAhead < g.non_null) hash_ahead(i + kPrefetchAhead);
      const size_t mask = fixed_slots_.size() - 1;
      size_t s = hash & mask;
      while (true) {
        FixedSlot& slot = fixed_slots_[s];
        if (slot.index_plus_one == 0) {
          fixed_keys_.push_back(key);
          slot = FixedSlot{key, static_cast<uint32_t>(fixed_keys_.size())};
          indices_[static_cast<size_t>(i)] = static_cast<uint32_t>(fixed_keys_.size() - 1);
          bytes_ += static_cast<int64_t>(kWidth);
          if (bytes_ > byte_limit_) return false;
          if (fixed_keys_.size() * 2 > fixed_slots_.size()) RehashFixed();
          break;
        }
        if (slot.key == key) {
          indices_[static_cast<size_t>(i)] = slot.index_plus_one - 1;
          break;
        }
        s = (s + 1) & mask;
      }
      if (i == kProbeValues && MostlyDistinct(fixed_keys_.size())) return false;
    }
    return true;
  }

  void RehashFixed() {
    std::vector<FixedSlot> slots(fixed_slots_.size() * 2, FixedSlot{0, 0});
    const size_t mask = slots.size() - 1;
    for (size_t e = 0; e < fixed_keys_.size(); ++e) {
      size_t s = Mix(fixed_keys_[e]) & mask;
      while (slots[s].index_plus_one != 0) s = (s + 1) & mask;
      slots[s] = FixedSlot{fixed_keys_[e], static_cast<uint32_t>(e + 1)};
    }
    fixed_slots_.swap(slots);
  }
  void RehashStrings() {
    std::vector<uint32_t> slots(slots_.size() * 2, 0);
    size_t mask = slots.size() - 1;
    for (size_t e = 0; e < string_keys_.size(); ++e) {
      size_t s = hashes_[e] & mask;
      while (slots[s] != 0) s = (s + 1) & mask;
      slots[s] = static_cast<uint32_t>(e + 1);
    }
    slots_.swap(slots);
  }

  int64_t byte_limit_;
  int64_t bytes_ = 0;
  size_t initial_slots_ = 1024;          // a power of two
  std::vector<uint32_t> slots_;          // string keys' table (index + 1, 0 = empty)
  std::vector<FixedSlot> fixed_slots_;   // or fixed-width keys' table
  std::vector<uint64_t> fixed_keys_;
  std::vector<std::string_view> string_keys_;
  std::vector<size_t> hashes_;
  std::vector<uint32_t>& indices_;  // the scratch's
};

Status AppendPage(const pq::PageHeader& header_in, const std::string& raw, const ColumnWriteOptions& options,
                  CompressionScratch* scratch, EncodedChunk* chunk) {
  LD_ASSIGN_OR_RETURN(std::string_view compressed,
                      Compress(options.compression, reinterpret_cast<const uint8_t*>(raw.data()), raw.size(),
                               options.compression_level, scratch));
  pq::PageHeader header = header_in;
  header.uncompressed_page_size = static_cast<int32_t>(raw.size());
  header.compressed_page_size = static_cast<int32_t>(compressed.size());
  size_t before = chunk->bytes.size();
  LD_RETURN_IF_ERROR(SerializePageHeader(header, &chunk->bytes));
  size_t header_size = chunk->bytes.size() - before;
  chunk->bytes.append(compressed);
  chunk->meta.total_uncompressed_size += static_cast<int64_t>(header_size + raw.size());
  chunk->meta.total_compressed_size += static_cast<int64_t>(header_size + compressed.size());
  return Status::OK();
}

}  // namespace

pq::SchemaElement SchemaElementFor(const Field& field) {
  pq::SchemaElement e;
  e.__set_name(field.name);
  int type_length = 0;
  e.__set_type(PhysicalFor(field.type, &type_length));
  if (type_length > 0) e.__set_type_length(type_length);
  e.__set_repetition_type(field.nullable ? pq::FieldRepetitionType::OPTIONAL : pq::FieldRepetitionType::REQUIRED);
  pq::LogicalType lt;
  const DataType& t = field.type;
  switch (t.id) {
    case TypeId::kString:
      lt.__set_STRING(pq::StringType());
      e.__set_converted_type(pq::ConvertedType::UTF8);
      e.__set_logicalType(lt);
      break;
    case TypeId::kDecimal: {
      pq::DecimalType d;
      d.scale = t.scale;
      d.precision = t.precision;
      lt.__set_DECIMAL(d);
      e.__set_converted_type(pq::ConvertedType::DECIMAL);
      e.__set_scale(t.scale);
      e.__set_precision(t.precision);
      e.__set_logicalType(lt);
      break;
    }
    case TypeId::kDate:
      lt.__set_DATE(pq::DateType());
      e.__set_converted_type(pq::ConvertedType::DATE);
      e.__set_logicalType(lt);
      break;
    case TypeId::kTimestamp: {
      pq::TimestampType ts;
      ts.isAdjustedToUTC = !t.timezone.empty();
      ts.unit.__set_MICROS(pq::MicroSeconds());
      lt.__set_TIMESTAMP(ts);
      // The legacy annotation implies UTC-adjusted; leave it off for wall-clock timestamps.
      if (ts.isAdjustedToUTC) e.__set_converted_type(pq::ConvertedType::TIMESTAMP_MICROS);
      e.__set_logicalType(lt);
      break;
    }
    case TypeId::kNull:
      lt.__set_UNKNOWN(pq::NullType());
      e.__set_logicalType(lt);
      break;
    default:
      break;
  }
  return e;
}

Result<EncodedChunk> EncodeColumnChunk(const Field& field, const std::vector<ColumnPtr>& pieces,
                                       const ColumnWriteOptions& options, ColumnEncodeScratch* scratch,
                                       std::string reused_bytes) {
  const DataType& t = field.type;
  Gathered g(scratch);
  int type_length = 0;
  g.physical = PhysicalFor(t, &type_length);
  g.width = g.physical == pq::Type::BOOLEAN ? 1 : g.physical == pq::Type::INT32 ? 4
            : g.physical == pq::Type::FIXED_LEN_BYTE_ARRAY ? type_length
            : g.physical == pq::Type::BYTE_ARRAY ? 0 : 8;
  int64_t nulls = 0;
  for (const auto& c : pieces) {
    g.rows += c->length();
    nulls += t.id == TypeId::kNull ? c->length() : c->null_count();
  }
  g.non_null = g.rows - nulls;
  const bool optional = field.nullable || nulls > 0;
  if (!optional && nulls > 0) return Status::Internal("nulls in a required column");
  if (g.physical == pq::Type::BYTE_ARRAY) g.strings.reserve(static_cast<size_t>(g.non_null));
  else g.fixed.reserve(static_cast<size_t>(g.non_null * g.width));
  // Without nulls every definition level is 1, and each page writes them as one repeat: the
  // levels are only spelled out when some are 0 (they were 4 bytes per row of every column).
  const bool has_nulls = nulls > 0;
  if (has_nulls) g.def.reserve(static_cast<size_t>(g.rows));
  for (const auto& c : pieces) {
    if (t.id != TypeId::kNull) Gather(t, *c, &g);
    if (has_nulls) {
      if (t.id == TypeId::kNull) g.def.insert(g.def.end(), static_cast<size_t>(c->length()), 0u);
      else if (c->null_count() == 0) g.def.insert(g.def.end(), static_cast<size_t>(c->length()), 1u);
      else for (int64_t i = 0; i < c->length(); ++i) g.def.push_back(c->IsValid(i) ? 1u : 0u);
    }
  }

  EncodedChunk chunk;
  chunk.bytes = std::move(reused_bytes);
  chunk.bytes.clear();
  pq::ColumnMetaData& meta = chunk.meta;
  meta.type = g.physical;
  meta.path_in_schema = {field.name};
  meta.codec = options.compression;
  meta.num_values = g.rows;
  meta.total_compressed_size = 0;
  meta.total_uncompressed_size = 0;
  // Dictionary: worth it when values repeat; abandoned past the byte limit.
  bool use_dict = false;
  DictionaryBuilder dict(options.dictionary_size_limit, g.non_null, &scratch->dictionary_indices);
  const bool dict_type = g.physical == pq::Type::BYTE_ARRAY || g.physical == pq::Type::INT32 ||
                         g.physical == pq::Type::INT64 || g.physical == pq::Type::DOUBLE;
  if (options.dictionary && dict_type && g.non_null > 0) {
    bool fits = g.physical == pq::Type::BYTE_ARRAY ? dict.BuildStrings(g) : dict.BuildFixed(g);
    use_dict = fits && dict.size() * 2 <= g.non_null + 1;
  }
  int bit_width = 0;
  std::string& raw = scratch->page;
  raw.clear();
  if (use_dict) dict.AppendPlain(g, &raw);  // the dictionary page: the distinct values, PLAIN
  pq::Statistics stats;
  if (use_dict && g.physical == pq::Type::BYTE_ARRAY) {
    ComputeStats({g.physical, nullptr, dict.string_keys().data(), dict.size()}, g.rows - g.non_null, t, &stats);
  } else if (use_dict) {  // fixed-width values, `width` bytes each
    ComputeStats({g.physical, raw.data(), nullptr, dict.size()}, g.rows - g.non_null, t, &stats);
  } else {
    ComputeStats({g.physical, g.fixed.data(), g.strings.data(), g.non_null}, g.rows - g.non_null, t, &stats);
  }
  meta.__set_statistics(stats);
  chunk.bytes.reserve(static_cast<size_t>(g.physical == pq::Type::BYTE_ARRAY ? g.rows * 8 : g.non_null * g.width) / 2 + 4096);
  if (use_dict) {
    bit_width = std::max(1, BitWidthOf(static_cast<uint64_t>(dict.size() - 1)));
    pq::PageHeader h;
    h.type = pq::PageType::DICTIONARY_PAGE;
    pq::DictionaryPageHeader dh;
    dh.num_values = static_cast<int32_t>(dict.size());
    dh.encoding = pq::Encoding::PLAIN;
    h.__set_dictionary_page_header(dh);
    meta.__set_dictionary_page_offset(0);
    LD_RETURN_IF_ERROR(AppendPage(h, raw, options, &scratch->compression, &chunk));
  }
  meta.data_page_offset = static_cast<int64_t>(chunk.bytes.size());

  // Data pages over row ranges of about page_size bytes.
  int64_t row = 0, value = 0;
  const double value_cost = use_dict ? bit_width / 8.0 : g.width;
  const bool plain_strings = g.physical == pq::Type::BYTE_ARRAY && !use_dict;
  const double level_cost = optional ? 0.125 : 0;
  std::string& levels = scratch->levels;
  do {
    int64_t row_end = row, value_end = value;
    size_t plain_string_bytes = 0;  // the page's values when they are plain strings
    if (!has_nulls && !plain_strings) {
      // Every row costs the same: the page's row count is a division, not a walk.
      const auto rows = static_cast<int64_t>(std::ceil(static_cast<double>(options.page_size) / (value_cost + level_cost)));
      row_end = std::min(g.rows, row + std::max<int64_t>(1, rows));
      value_end = value + (row_end - row);
    } else {
      double bytes = 0;
      while (row_end < g.rows && bytes < static_cast<double>(options.page_size)) {
        bool valid = !has_nulls || g.def[static_cast<size_t>(row_end)] != 0;
        if (valid) {
          if (plain_strings) {
            const size_t size = 4 + g.strings[static_cast<size_t>(value_end)].size();
            plain_string_bytes += size;
            bytes += static_cast<double>(size);
          } else {
            bytes += value_cost;
          }
          ++value_end;
        }
        bytes += level_cost;
        ++row_end;
      }
    }
    raw.clear();
    if (optional) {
      levels.clear();
      if (has_nulls) RleHybridEncoder(1).Encode(g.def.data() + row, row_end - row, &levels);
      else RleHybridEncoder(1).AppendRepeat(1, row_end - row, &levels);
      uint32_t len = static_cast<uint32_t>(levels.size());
      raw.append(reinterpret_cast<const char*>(&len), 4);
      raw.append(levels);
    }
    const int64_t n = value_end - value;
    if (use_dict) {
      raw.push_back(static_cast<char>(bit_width));
      RleHybridEncoder(bit_width).Encode(dict.indices().data() + value, n, &raw);
    } else if (g.physical == pq::Type::BOOLEAN) {
      std::vector<uint32_t> bits(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) bits[static_cast<size_t>(i)] = static_cast<uint8_t>(g.fixed[static_cast<size_t>(value + i)]);
      PackBits32(bits.data(), n, 1, &raw);
    } else if (g.physical == pq::Type::BYTE_ARRAY) {
      // Sized once (the walk above measured it) and filled with plain copies: two appends per
      // value checked capacity twice.
      const size_t start = raw.size();
      raw.resize(start + plain_string_bytes);
      char* dst = raw.data() + start;
      for (int64_t i = value; i < value_end; ++i) {
        std::string_view s = g.strings[static_cast<size_t>(i)];
        const auto len = static_cast<uint32_t>(s.size());
        std::memcpy(dst, &len, 4);
        std::memcpy(dst + 4, s.data(), s.size());
        dst += 4 + s.size();
      }
    } else {
      raw.append(g.fixed.data() + static_cast<size_t>(value * g.width), static_cast<size_t>(n * g.width));
    }
    pq::PageHeader h;
    h.type = pq::PageType::DATA_PAGE;
    pq::DataPageHeader dh;
    dh.num_values = static_cast<int32_t>(row_end - row);
    dh.encoding = use_dict ? pq::Encoding::RLE_DICTIONARY : pq::Encoding::PLAIN;
    dh.definition_level_encoding = pq::Encoding::RLE;
    dh.repetition_level_encoding = pq::Encoding::RLE;
    h.__set_data_page_header(dh);
    LD_RETURN_IF_ERROR(AppendPage(h, raw, options, &scratch->compression, &chunk));
    row = row_end;
    value = value_end;
  } while (row < g.rows);

  meta.encodings = {pq::Encoding::RLE, use_dict ? pq::Encoding::RLE_DICTIONARY : pq::Encoding::PLAIN};
  if (use_dict) meta.encodings.push_back(pq::Encoding::PLAIN);
  return chunk;
}

}  // namespace logidata::parquet
