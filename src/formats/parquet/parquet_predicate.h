// ParquetPredicate: a simple `column op literal` condition pushed down to a Parquet scan, and the
// statistics check that decides whether a row group may contain matching rows. Pruning is
// conservative: a row group is skipped only when its min/max/null_count prove that no row can
// match; the scan still returns every row of the row groups it keeps (the executor filters).
// Value types; thread-safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formats/parquet/parquet_schema.h"
#include "parquet_types.h"
#include "types/value.h"

namespace logidata::parquet {

struct ParquetPredicate {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };
  std::string column;
  Op op = Op::kEq;
  Value literal;  // ignored for kIsNull / kIsNotNull
};

// Min/max/null count of one column chunk, in the leaf's logical type (min/max absent when the
// file has none we can trust for this type).
struct ColumnStatistics {
  std::optional<Value> min;
  std::optional<Value> max;
  std::optional<int64_t> null_count;
};

ColumnStatistics DecodeStatistics(const LeafColumn& leaf, const pq::ColumnMetaData& meta);

// False when `stats` of a chunk with `num_rows` rows prove that no row satisfies `p`.
bool MayMatch(const ParquetPredicate& p, const ColumnStatistics& stats, int64_t num_rows);

}  // namespace logidata::parquet
