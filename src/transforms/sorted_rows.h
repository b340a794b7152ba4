// SortedRows: the sorted order of the rows of several batches, computed in parallel on
// normalised keys — the engine of transform.sort, both in memory and when writing spill runs.
//
// Keys: every sort key becomes one or more 64-bit words that compare as unsigned integers in the
// key's order (a null word when the key has nulls anywhere, descending keys inverted), so most
// comparisons are a few integer compares on contiguous memory instead of a type dispatch per
// column. Strings contribute their first 8 bytes and end the normalised part: rows whose words
// are equal are then compared on the original columns from that key on. The last tie-breaker is
// the input position (batch index, row), so the order is total and the sort stable.
//
// Parallelism: the rows are split into `threads` ranges sorted at once, then merged pairwise in
// parallel until two sorted halves are left. Those two are never merged into a third array:
// Positions() finds where any output range starts in both halves by a binary search on the merge
// path and merges just that range, so output chunks are produced by several threads at once and
// the merge needs no extra memory.
// Thread-safety: immutable after Sort(); Positions() may run on any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "transforms/row_comparator.h"
#include "types/batch.h"

namespace logidata {

class SortedRows {
 public:
  virtual ~SortedRows() = default;

  // Sorts the rows of `batches` (in input order; they must outlive the result) by `cmp`.
  static std::unique_ptr<SortedRows> Sort(std::vector<BatchPtr> batches, const RowComparator& cmp, int threads);

  virtual int64_t size() const = 0;
  // Writes the input positions (batch index << 32 | row) of sorted rows [begin, end) to `out`.
  virtual void Positions(int64_t begin, int64_t end, uint64_t* out) const = 0;
  // Bytes held by the key arrays (the batches are the caller's).
  virtual int64_t ByteSize() const = 0;

  const std::vector<BatchPtr>& batches() const { return batches_; }

 protected:
  explicit SortedRows(std::vector<BatchPtr> batches) : batches_(std::move(batches)) {}
  std::vector<BatchPtr> batches_;
};

// The rows at input positions `positions` (as SortedRows::Positions writes them) of `batches`,
// gathered into one batch of `schema` (the batches' first schema->num_fields() columns).
BatchPtr GatherRows(const SchemaPtr& schema, const std::vector<BatchPtr>& batches, const uint64_t* positions,
                    int64_t n);

}  // namespace logidata
