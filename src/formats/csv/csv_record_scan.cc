#include "formats/csv/csv_record_scan.h"

#include "formats/csv/csv_simd.h"

namespace logidata {

namespace {

RecordEnd FindRecordEndScalar(const char* data, size_t from, size_t nominal, size_t size, const CsvDialect& d) {
  RecordEnd r;
  bool inside = false;
  const bool separate_escape = d.has_separate_escape();
  for (size_t i = from; i < size; ++i) {
    char c = data[i];
    if (c == '\n') ++r.newlines;
    if (separate_escape && c == d.escape) {
      if (i + 1 < size && data[i + 1] == '\n') ++r.newlines;
      ++i;
      continue;
    }
    if (d.quoting() && c == d.quote) {
      inside = !inside;
    } else if (c == '\n' && !inside && i >= nominal) {
      r.found = true;
      r.end = i + 1;
      return r;
    }
  }
  return r;
}

}  // namespace

RecordEnd FindRecordEnd(const char* data, size_t from, size_t nominal, size_t size, const CsvDialect& dialect) {
  if (dialect.has_separate_escape()) return FindRecordEndScalar(data, from, nominal, size, dialect);
  RecordEnd r;
  const bool quoting = dialect.quoting();
  csv_simd::ByteMatcher matcher(quoting ? dialect.quote : '\n', '\n', '\n');
  uint64_t parity = 0;  // all ones while inside quotes
  for (size_t block = from; block < size; block += 64) {
    size_t n = size - block;
    csv_simd::BlockMasks m = n >= 64 ? matcher.Match(data + block) : matcher.MatchTail(data + block, n);
    uint64_t quotes = quoting ? m.a : 0;
    if (block + 64 <= nominal) {
      if (__builtin_popcountll(quotes) & 1) parity = ~parity;
      r.newlines += __builtin_popcountll(m.b);
      continue;
    }
    uint64_t inside = csv_simd::PrefixXor(quotes) ^ parity;
    uint64_t candidates = m.b & ~inside;
    if (nominal > block) candidates &= ~((uint64_t{1} << (nominal - block)) - 1);
    if (candidates != 0) {
      int bit = __builtin_ctzll(candidates);
      uint64_t upto = bit == 63 ? ~uint64_t{0} : (uint64_t{1} << (bit + 1)) - 1;
      r.newlines += __builtin_popcountll(m.b & upto);
      r.found = true;
      r.end = block + static_cast<size_t>(bit) + 1;
      return r;
    }
    parity = static_cast<uint64_t>(static_cast<int64_t>(inside) >> 63);
    r.newlines += __builtin_popcountll(m.b);
  }
  return r;
}

int64_t CountNewlines(const char* data, size_t size) {
  csv_simd::ByteMatcher matcher('\n', '\n', '\n');
  int64_t count = 0;
  for (size_t block = 0; block < size; block += 64) {
    size_t n = size - block;
    csv_simd::BlockMasks m = n >= 64 ? matcher.Match(data + block) : matcher.MatchTail(data + block, n);
    count += __builtin_popcountll(m.a);
  }
  return count;
}

}  // namespace logidata
