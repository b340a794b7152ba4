// Batch: a horizontal slice of a table — a schema plus one Column per field, all the same length.
// Batches flow between operators as BatchPtr and are immutable, so any number of consumers may
// read one batch concurrently (fan-out shares it without copying).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "types/column.h"
#include "types/schema.h"

namespace logidata {

// Rows per batch that sources aim for: large enough to amortise per-batch overhead, small enough
// that a few batches per thread fit in cache-friendly, bounded memory.
inline constexpr int64_t kTargetBatchRows = 64 * 1024;

class Batch;
using BatchPtr = std::shared_ptr<const Batch>;

class Batch {
 public:
  // REQUIRES: columns.size() == schema->num_fields(); every column has num_rows rows and the
  // field's type.
  Batch(SchemaPtr schema, std::vector<ColumnPtr> columns, int64_t num_rows);

  static BatchPtr Make(SchemaPtr schema, std::vector<ColumnPtr> columns, int64_t num_rows) {
    return std::make_shared<const Batch>(std::move(schema), std::move(columns), num_rows);
  }
  static BatchPtr Empty(SchemaPtr schema);

  const SchemaPtr& schema() const { return schema_; }
  const std::vector<ColumnPtr>& columns() const { return columns_; }
  const ColumnPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  int64_t num_rows() const { return num_rows_; }

  // Position of this batch in its source's order. Sources number batches 0, 1, 2… in input
  // order; row-wise operators keep the number, so order-sensitive consumers (keep-first dedupe,
  // limit, file writers) can restore input order when batches were processed in parallel.
  uint64_t sequence() const { return sequence_; }
  void set_sequence(uint64_t s) { sequence_ = s; }

  int64_t ByteSize() const;
  // Validates invariants (lengths, types); for tests and imports.
  Status Validate() const;

 private:
  SchemaPtr schema_;
  std::vector<ColumnPtr> columns_;
  int64_t num_rows_;
  uint64_t sequence_ = 0;
};

// Batch-level kernels built on the column ones.
BatchPtr TakeBatch(const Batch& batch, std::span<const int32_t> indices);
BatchPtr FilterBatch(const Batch& batch, const uint8_t* selection, int64_t selected_count);
BatchPtr SliceBatch(const Batch& batch, int64_t offset, int64_t length);
// REQUIRES: all batches share an equal schema.
BatchPtr ConcatBatches(const std::vector<BatchPtr>& batches);

}  // namespace logidata
