// RowComparator: orders rows by several key columns, each ascending or descending with nulls
// first or last — the ordering of transform.sort, usable within one batch (sorting) and across
// batches (merging sorted runs). Also computes 64-bit order-preserving prefixes of the first key
// so most comparisons are one integer compare. Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "types/batch.h"

namespace logidata {

struct SortKey {
  int column = 0;
  bool descending = false;
  bool nulls_first = false;
};

class RowComparator {
 public:
  explicit RowComparator(std::vector<SortKey> keys) : keys_(std::move(keys)) {}

  const std::vector<SortKey>& keys() const { return keys_; }

  // <0, 0, >0 as row i of `a` sorts before, with, or after row j of `b`, on keys [from, end).
  int Compare(const Batch& a, int64_t i, const Batch& b, int64_t j, size_t from = 0) const;

  // Order-preserving prefix of the first key for non-null rows (already inverted for
  // descending): prefix(x) < prefix(y) implies x sorts before y. Equal prefixes need Compare.
  // `exact` is set when equal prefixes imply equal first-key values.
  static void Prefixes(const Column& column, bool descending, std::vector<uint64_t>* out, bool* exact);

 private:
  std::vector<SortKey> keys_;
};

}  // namespace logidata
